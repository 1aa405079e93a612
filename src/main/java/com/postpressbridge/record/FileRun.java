package com.postpressbridge.record;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jboss.logging.Logger;

/** The outcome counts of one inbox file, kept while its records are sent; becomes its summary. */
public final class FileRun {

    private static final Logger LOG = Logger.getLogger(FileRun.class);

    /** Every record of a file ends in exactly one of these. */
    public enum Outcome {
        sent,
        already_performed,
        retry,
        scheduled,
        quarantined,
        duplicates
    }

    private final String fileName;
    /** How many records the file holds, as its check counted them (-1: not known). */
    private final long expected;
    private final Instant startedAt = Instant.now();
    private final AtomicLong read = new AtomicLong();
    /** How often a file still being sent says how far it got in the log (null: never). */
    private final Duration progressEvery;
    private final AtomicLong lastProgress = new AtomicLong(System.nanoTime());
    private final Map<Outcome, AtomicLong> counts = new EnumMap<>(Outcome.class);
    private final BooleanSupplier bridgeStopping;
    private volatile boolean stopped;
    /**
     * The read order of the file's records not yet past their account's pacing, by account: a record goes only after
     * the account's records read before it, although several are sent at once.
     */
    private final Map<String, NavigableSet<Long>> unpaced = new ConcurrentHashMap<>();
    /** Whether the file's records keep their accounts' order (the pacing is on): else nothing is kept for it. */
    private volatile boolean keepAccountOrder;

    /**
     * @param expected how many records the file holds, as its check counted them
     * @param bridgeStopping whether the bridge is stopping: then no more records of the file are read either
     */
    public FileRun(String fileName, long expected, BooleanSupplier bridgeStopping) {
        this(fileName, expected, null, bridgeStopping);
    }

    /** @param progressEvery how often a long file's progress is logged while it is sent */
    public FileRun(String fileName, long expected, Duration progressEvery, BooleanSupplier bridgeStopping) {
        this.fileName = fileName;
        this.expected = expected;
        this.progressEvery = progressEvery;
        this.bridgeStopping = bridgeStopping;
        for (Outcome outcome : Outcome.values()) {
            counts.put(outcome, new AtomicLong());
        }
    }

    public String fileName() {
        return fileName;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** A record of the file was read (it is on its way to its outcome). */
    public void read() {
        read.incrementAndGet();
    }

    /** How many records of the file were read so far. */
    public long readSoFar() {
        return read.get();
    }

    /** The file's records of an account are paced in file order: each read is kept until it is past its pacing. */
    public void keepAccountOrder() {
        keepAccountOrder = true;
    }

    /** A record of an account was read, in this order: it waits for its pacing. */
    void unpaced(String account, long order) {
        if (!keepAccountOrder) {
            return;
        }
        unpaced.compute(account, (a, orders) -> {
            NavigableSet<Long> set = orders == null ? new ConcurrentSkipListSet<>() : orders;
            set.add(order);
            return set;
        });
    }

    /** A record is past its account's pacing (or left before it). */
    void paced(String account, long order) {
        unpaced.computeIfPresent(account, (a, orders) -> {
            orders.remove(order);
            return orders.isEmpty() ? null : orders;
        });
    }

    /** How many records of the account read before this order are not past their pacing yet. */
    int unpacedBefore(String account, long order) {
        NavigableSet<Long> orders = unpaced.get(account);
        return orders == null ? 0 : orders.headSet(order, false).size();
    }

    public void count(Outcome outcome) {
        counts.get(outcome).incrementAndGet();
        progressDue(System.nanoTime()).ifPresent(LOG::info);
    }

    /** The progress line, when one is due (once per {@code progressEvery}, by one thread); else empty. */
    Optional<String> progressDue(long nanoTime) {
        long last = lastProgress.get();
        if (progressEvery == null || nanoTime - last < progressEvery.toNanos()
                || !lastProgress.compareAndSet(last, nanoTime)) {
            return Optional.empty();
        }
        StringBuilder line = new StringBuilder(quoted(fileName)).append(": ").append(records());
        if (expected > 0) {
            line.append(" of ").append(expected).append(" records (").append(records() * 100 / expected).append("%)");
        } else {
            line.append(" records");
        }
        counts.forEach((outcome, count) -> line.append(", ").append(outcome.name().replace('_', ' ')).append(' ')
                .append(count.get()));
        return Optional.of(line.append(", still sending").toString());
    }

    /**
     * No more records of this file are read: something they all need (the ledger) is down. Returns whether this call
     * stopped it (false: it was stopped before).
     */
    public synchronized boolean stop() {
        boolean first = !stopped;
        stopped = true;
        return first;
    }

    /** Whether no more records are read: the file is not finished, and stays in the inbox. */
    public boolean stopped() {
        return stopped || bridgeStopping.getAsBoolean();
    }

    public long records() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Where the file stands while its records are sent: what the status page shows of a file in progress. */
    public ObjectNode progress() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("file", fileName);
        if (expected >= 0) {
            json.put("records", expected);
        } else {
            json.putNull("records");
        }
        json.put("read", readSoFar());
        json.put("done", records());
        counts.forEach((outcome, count) -> json.put(outcome.name(), count.get()));
        json.put("started_at", startedAt.toString());
        return json;
    }

    public ObjectNode summary(String archivedAs) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("file", fileName);
        json.put("archived_as", archivedAs);
        json.put("records", records());
        counts.forEach((outcome, count) -> json.put(outcome.name(), count.get()));
        json.put("started_at", startedAt.toString());
        json.put("finished_at", Instant.now().toString());
        return json;
    }

    /** The same counts in one log line. */
    public String logLine(String archivedAs) {
        StringBuilder line = new StringBuilder(quoted(fileName)).append(": ").append(records()).append(" records");
        counts.forEach((outcome, count) -> line.append(", ").append(outcome.name().replace('_', ' ')).append(' ')
                .append(count.get()));
        return line.append(" (archived as ").append(quoted(archivedAs)).append(')').toString();
    }

    /** A file name for a log line: quoted and escaped, so that a name with a line break or a quote stays one line. */
    public static String quoted(String name) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(name).toString();
    }
}
