package com.postpressbridge.outcome;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.Stopping;

/**
 * Records waiting to be sent, as the ledger has them: webhook records accepted into it (sent at once), and records
 * waiting to go again whose time has come. The ledger holds the documents they are sent from; the files of
 * {@code retry/} are for people, and never read back — except that a person who deletes one cancels its retry. The
 * {@code dispatch-waiting} route sends them through {@code send-chat}.
 */
@ApplicationScoped
@Named("waitingRecords")
public class WaitingRecords {

    private static final Logger LOG = Logger.getLogger(WaitingRecords.class);
    /** Header: retries due up to this time (epoch ms); the run-once job sets it so that a rescheduled record waits. */
    public static final String DUE_BEFORE = "OutreachDueBefore";
    /** Property set on the dispatch exchange: how many records were taken. */
    public static final String TAKEN = "outreachRecordsTaken";
    /** Property set on the dispatch exchange: a batch was full, more records may wait. */
    public static final String MORE = "outreachMoreWaiting";
    static final int BATCH = 500;
    /** Property set on the dispatch exchange while it holds {@link #dispatching}. */
    private static final String DISPATCHING = "outreachDispatching";

    /**
     * One dispatch at a time: the scan, the wake-up after a webhook delivery and the run-once job each start one, and
     * two at once took the same records, the second counting them as duplicates (a review). A second waits for the
     * first to end, then takes what is still waiting. Not a lock: it is released by {@link #dispatched}, on whichever
     * thread the route ends.
     */
    private final Semaphore dispatching = new Semaphore(1);
    /** Dispatches ended since the start: the start's own dispatch among them once it has run. */
    private final AtomicLong ended = new AtomicLong();

    private final Ledger ledger;
    private final OutcomeFolders folders;
    private final Outcomes outcomes;
    private final ObjectMapper json;
    private final Stopping stopping;

    public WaitingRecords(Ledger ledger, OutcomeFolders folders, Outcomes outcomes, ObjectMapper json,
            Stopping stopping) {
        this.stopping = stopping;
        this.ledger = ledger;
        this.folders = folders;
        this.outcomes = outcomes;
        this.json = json;
    }

    /** The records to send now: queued webhook records, then due retries (the split sends each). */
    public List<OutreachItem> due(Exchange exchange) throws IOException {
        dispatching.acquireUninterruptibly();
        exchange.setProperty(DISPATCHING, true);
        if (stopping.stopping()) {
            exchange.setProperty(TAKEN, 0);
            return List.of();
        }
        Long before = exchange.getMessage().getHeader(DUE_BEFORE, Long.class);
        List<OutreachItem> items = new ArrayList<>();
        List<String> queued = ledger.queued(BATCH);
        for (String document : queued) {
            items.add(OutcomeDocuments.item(json.readTree(document), Ledger.State.QUEUED));
        }
        List<Ledger.Due> dueRetries = ledger.dueRetries(before == null ? System.currentTimeMillis() : before, BATCH);
        exchange.setProperty(MORE, queued.size() == BATCH || dueRetries.size() == BATCH);
        for (Ledger.Due due : dueRetries) {
            OutreachItem item = OutcomeDocuments.item(json.readTree(due.document()), due.state());
            if (due.state() == Ledger.State.SCHEDULED) {
                item.ageFrom(Instant.now()); // it waited for its account's turn: its age starts now
            }
            Path file = folders.waitingFile(due.state(), due.key());
            // Written, then gone: a person deleted it. Never written yet (a crash came in between): not a person's doing.
            if (due.projected() && Files.isDirectory(file.getParent()) && !Files.exists(file)) {
                outcomes.cancelled(item, file);
            } else {
                items.add(item);
            }
        }
        exchange.setProperty(TAKEN, items.size());
        return items;
    }

    /** The end of a dispatch (its records sent, or its failure): the next may start. */
    public void dispatched(Exchange exchange) {
        if (Boolean.TRUE.equals(exchange.removeProperty(DISPATCHING))) {
            ended.incrementAndGet();
            dispatching.release();
        }
    }

    /** How many dispatches have ended since the start. */
    public long dispatchesEnded() {
        return ended.get();
    }

    /**
     * Start-up: every file in the retry and scheduled folders is on the ledger's schedule (a new database, or a file
     * put back by hand, would otherwise wait forever); a file left behind by a record that already has another outcome
     * goes.
     */
    public void reconcile() throws IOException {
        reconcileFolder(Ledger.State.RETRY, folders.retry());
        reconcileFolder(Ledger.State.SCHEDULED, folders.scheduled());
    }

    private void reconcileFolder(Ledger.State waiting, Path folder) throws IOException {
        int adopted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.json")) {
            for (Path file : files) {
                try {
                    adopted += reconcile(waiting, file) ? 1 : 0;
                } catch (IOException | RuntimeException e) {
                    // One broken file (edited by hand, cut short by a full disk) must not stop the start.
                    LOG.errorf("%s/%s cannot be read (%s): left as it is; fix it or drop its record in the inbox",
                            folder.getFileName(), file.getFileName(), e.getMessage());
                }
            }
        }
        if (adopted > 0) {
            LOG.infof("%d records of the %s folder were put back on the schedule", adopted, folder.getFileName());
        }
    }

    private boolean reconcile(Ledger.State waiting, Path file) throws IOException {
        JsonNode document = json.readTree(file.toFile());
        String key = document.path("key").asText(null);
        if (key == null) {
            return false;
        }
        Ledger.State state = ledger.state(key);
        if (state == Ledger.State.SENT || state == Ledger.State.QUARANTINED) {
            LOG.infof("%s/%s removed: its record is %s", file.getParent().getFileName(), file.getFileName(),
                    state.name().toLowerCase());
            Files.deleteIfExists(file);
            return false;
        }
        if (state != null && state != waiting) {
            return false;
        }
        OutreachItem item = OutcomeDocuments.item(document, waiting);
        JsonNode next = document.get("next_attempt_at");
        long due = next == null ? System.currentTimeMillis() : Instant.parse(next.asText()).toEpochMilli();
        Ledger.Waiting kept = waiting == Ledger.State.SCHEDULED
                ? new Ledger.Waiting(document.toString(), item.accountId(), item.order())
                : Ledger.Waiting.retry(document.toString());
        return ledger.adoptWaiting(key, waiting, item.attempts(), item.firstSeenAt().toEpochMilli(), due, kept);
    }
}
