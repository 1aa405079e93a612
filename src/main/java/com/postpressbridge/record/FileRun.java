package com.postpressbridge.record;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The outcome counts of one inbox file, kept while its records are sent; becomes its summary. */
public final class FileRun {

    /** Every record of a file ends in exactly one of these. */
    public enum Outcome {
        sent,
        already_performed,
        retry,
        quarantined,
        duplicates
    }

    private final String fileName;
    private final Instant startedAt = Instant.now();
    private final Map<Outcome, AtomicLong> counts = new EnumMap<>(Outcome.class);
    private final BooleanSupplier bridgeStopping;
    private volatile boolean stopped;

    /** @param bridgeStopping whether the bridge is stopping: then no more records of the file are read either */
    public FileRun(String fileName, BooleanSupplier bridgeStopping) {
        this.fileName = fileName;
        this.bridgeStopping = bridgeStopping;
        for (Outcome outcome : Outcome.values()) {
            counts.put(outcome, new AtomicLong());
        }
    }

    public String fileName() {
        return fileName;
    }

    public void count(Outcome outcome) {
        counts.get(outcome).incrementAndGet();
    }

    /** No more records of this file are read: something they all need (the ledger) is down. */
    public void stop() {
        stopped = true;
    }

    /** Whether no more records are read: the file is not finished, and stays in the inbox. */
    public boolean stopped() {
        return stopped || bridgeStopping.getAsBoolean();
    }

    public long records() {
        return counts.values().stream().mapToLong(AtomicLong::get).sum();
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
