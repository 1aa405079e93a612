package com.postpressbridge;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.scheduler.Scheduled;

import com.postpressbridge.callback.CallbackDelivery;
import com.postpressbridge.inbox.InboxFiles;
import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.outcome.HeldOutcomes;
import com.postpressbridge.outcome.OutreachMetrics;
import com.postpressbridge.outcome.WaitingRecords;
import com.postpressbridge.postpress.SendGate;
import com.postpressbridge.record.FileRun;

/**
 * {@code outreach.run-once}: once the inbox is drained, send what waits (webhook records accepted before, retries
 * already due; records rescheduled meanwhile wait for the next run), give the callback events of the run their first
 * attempt, then exit: 0, 2 when a file could not be read, or 4 when postpress refused the API key (all sending stopped:
 * a cron job must not take that for a run that went well). A disk that stays full (or a folder not writable) for
 * {@code outreach.disk.run-once-wait} ends the run with 6 once nothing it did would be lost by the exit: no outcome of a
 * sent record held for the disk, no claim whose storing failed, no request on its way.
 */
@ApplicationScoped
@Named("runOnce")
public class RunOnce {

    private static final Logger LOG = Logger.getLogger(RunOnce.class);
    static final int UNREADABLE_FILES = 2;
    static final int API_KEY_REFUSED = 4;
    static final int DISK_FULL = 6;
    /** How often a run that waits for the disk says so. */
    private static final Duration REMINDER = Duration.ofMinutes(1);

    private final CamelContext camel;
    private final InboxFiles inbox;
    private final DiskFault disk;
    private final CallbackDelivery callbacks;
    private final SendGate gate;
    private final HeldOutcomes held;
    private final Ledger ledger;
    private final boolean runOnce;
    private final Duration diskWait;
    private volatile boolean started;
    private volatile Instant remindedAt = Instant.MIN;

    public RunOnce(CamelContext camel, InboxFiles inbox, DiskFault disk, CallbackDelivery callbacks, SendGate gate,
            HeldOutcomes held, Ledger ledger, OutreachConfig config) {
        this.held = held;
        this.ledger = ledger;
        this.runOnce = config.runOnce();
        this.diskWait = config.disk().runOnceWait();
        this.callbacks = callbacks;
        this.gate = gate;
        this.camel = camel;
        this.inbox = inbox;
        this.disk = disk;
    }

    /** What this run did with its records, by outcome: the counters of {@code /q/metrics}, from zero in this process. */
    static String outcomes() {
        StringBuilder line = new StringBuilder();
        for (FileRun.Outcome outcome : FileRun.Outcome.values()) {
            line.append(line.isEmpty() ? "" : ", ").append(outcome.name().replace('_', ' ')).append(' ')
                    .append(OutreachMetrics.records(outcome));
        }
        return line.toString();
    }

    /**
     * While the inbox waits for the disk (a file is not started then, so the inbox is never found drained): gives up
     * once the disk has refused writes for {@code outreach.disk.run-once-wait}, or says every minute why it waits on.
     */
    @Scheduled(every = "1s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void watchTheDisk() {
        if (!runOnce || started || !disk.raised()) {
            return;
        }
        synchronized (this) {
            if (started || !givesUpOnTheDisk()) {
                return;
            }
            started = true;
        }
        Quarkus.asyncExit(DISK_FULL);
    }

    /**
     * Whether the run ends for the disk now (it says why): it has refused writes for {@code outreach.disk.run-once-wait}
     * and the exit loses nothing. While an outcome of a sent record is held for the disk (or a claim whose storing
     * failed is not yet released) it waits on, whatever the time: stopped then, those records would be in doubt at
     * the next start.
     */
    private boolean givesUpOnTheDisk() {
        DiskFault.Fault fault = disk.fault().orElse(null);
        Instant now = Instant.now();
        if (fault == null || fault.since().plus(diskWait).isAfter(now)) {
            return false;
        }
        // In this order: a request that ends after its look takes its outcome to the held ones before it ends, and
        // no new request starts while the fault lasts (no claim is taken).
        boolean onTheirWay = camel.getInflightRepository().size("send-chat") > 0;
        int outcomes = held.size();
        boolean unsentClaims = ledger.hasUnsentClaims();
        if (!onTheirWay && outcomes == 0 && !unsentClaims) {
            LOG.errorf("run-once gives up after %d s: %s. Nothing more was sent; files wait in the inbox and retries in"
                    + " the ledger, and no outcome is lost. Make room (or make the folder writable, or bring the"
                    + " ledger's database back) and run again. Exiting with %d",
                    Duration.between(fault.since(), now).toSeconds(), fault.reason(), DISK_FULL);
            return true;
        }
        if (!remindedAt.plus(REMINDER).isAfter(now)) {
            remindedAt = now;
            LOG.warnf("run-once waits (%s): %s. It finishes by itself once writes are taken again; stopped before,"
                    + " those records would be in doubt at the next start.", fault.reason(), outcomes > 0
                            ? "the outcomes of " + outcomes + " records already sent are held until they can be written"
                            : onTheirWay ? "records were on their way when writes stopped, and their outcomes come first"
                            : "claims of records not sent could not be stored, and are not released yet");
        }
        return false;
    }

    /** Step of {@code file-intake}: a poll found the inbox empty (sent only in run-once mode). */
    public synchronized void inboxDrained() {
        if (started) {
            return;
        }
        started = true;
        // Not on the poller's thread: stopping file-intake waits for that very thread.
        Thread finisher = new Thread(this::finish, "run-once");
        finisher.start();
    }

    private void finish() {
        int code = 0;
        try {
            camel.getRouteController().stopRoute("file-intake");
            inbox.sweep();
            long cutoff = Instant.now().toEpochMilli();
            int sent = 0;
            try (ProducerTemplate producer = camel.createProducerTemplate()) {
                // A full disk holds what waits (and outcomes to write) back: the run waits for it, as the inbox does.
                for (int taken = -1; taken != 0 || disk.raised();) {
                    if (disk.raised()) {
                        if (givesUpOnTheDisk()) {
                            Quarkus.asyncExit(DISK_FULL);
                            return;
                        }
                        Thread.sleep(1000);
                        taken = -1;
                        continue;
                    }
                    Exchange done = producer.request("direct:dispatch-waiting",
                            exchange -> exchange.getMessage().setHeader(WaitingRecords.DUE_BEFORE, cutoff));
                    if (done.getException() != null) {
                        if (disk.raised()) {
                            taken = -1; // the disk filled while they were taken: the run waits for it, or gives up
                            continue;
                        }
                        throw done.getException();
                    }
                    taken = done.getProperty(WaitingRecords.TAKEN, 0, Integer.class);
                    sent += taken;
                }
            }
            callbacks.awaitFirstAttempts();
            Optional<SendGate.Pause> stopped = gate.stopped();
            code = stopped.isPresent() ? API_KEY_REFUSED : inbox.unreadableFiles() > 0 ? UNREADABLE_FILES : 0;
            LOG.infof("run-once done: %s; inbox drained, %d waiting records taken (sent, or waiting again), %d"
                    + " unreadable files; exiting with %d", outcomes(), sent, inbox.unreadableFiles(), code);
            long waiting = OutreachMetrics.records(FileRun.Outcome.retry) > 0 ? ledger.count(Ledger.State.RETRY) : 0;
            if (waiting > 0) {
                LOG.warnf("%d records wait in retry/ (each file there says why: postpress unreachable or busy, an"
                        + " account paused, the API key refused): the next run sends those that are due then", waiting);
            }
            stopped.ifPresent(stop -> LOG.errorf("postpress refused the API key (%s): nothing more is sent until"
                    + " it is fixed (POSTPRESS_API_KEY); the records wait in retry/ and the next run after the fix sends"
                    + " them. Exiting with %d", stop.reason(), API_KEY_REFUSED));
        } catch (Exception e) {
            LOG.error("run-once failed", e);
            code = 1;
        }
        Quarkus.asyncExit(code);
    }
}
