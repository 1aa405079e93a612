package com.postpressbridge.outcome;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

import com.postpressbridge.callback.CallbackEvents;
import com.postpressbridge.callback.CallbackEvents.Type;
import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Instance;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.record.OutreachError;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.Stopping;

/**
 * Start-up repair after a crash, before any route runs: outcomes that were decided but not yet written are
 * written; a record that was being sent when the process died takes the outcome its folder already has (the
 * ledger may have lost it), and without one it is in doubt (a request may have left). The same repair runs when the
 * ledger was opened again after a full disk ({@link DiskRecovery}), once no record is being sent. With several
 * processes on one ledger, only the records of this process's previous run are repaired at start-up; those of a
 * process that died are taken over once it has not been seen for the lease ({@link #takeOverDead}).
 */
@ApplicationScoped
public class LedgerRecovery {

    private static final Logger LOG = Logger.getLogger(LedgerRecovery.class);

    private final Ledger ledger;
    private final OutcomeFolders folders;
    private final Outcomes outcomes;
    private final OutreachConfig config;
    private final ObjectMapper json;
    private final Instance instance;
    private final DiskFault disk;
    private final Stopping stopping;
    private final CallbackEvents events;
    private volatile boolean started;
    /** The records whose outcome in the ledger cannot be read, said so once. */
    private final Set<String> unreadable = ConcurrentHashMap.newKeySet();

    /** The outcome in its folder is the key's state; the callback event lost with its commit is stored again. */
    private void adopt(OutreachItem item, OutcomeFile found) {
        JsonNode document = found.document();
        int attempts = document.path("attempts").asInt();
        OutreachError error = OutreachError.fromJson(document.get("error"));
        switch (found.folder()) {
            case success -> {
                String chatId = text(document, "chat_id");
                String messageId = text(document, "message_id");
                ledger.adopt(item.key(), Ledger.State.SENT, item.attempts() + 1, null, false, chatId, messageId,
                        events.event(document.path("already_performed").asBoolean() ? Type.already_performed
                                : Type.sent, item, item.attempts() + 1, chatId, messageId, null,
                                Outcomes.occurredAt(found, "sent_at")));
            }
            case retry -> {
                long next = Instant.parse(document.path("next_attempt_at").asText()).toEpochMilli();
                // sent from the file's document when due: a process taking over a dead one's records does not read
                // the folders again as a start does
                ledger.adopt(item.key(), Ledger.State.RETRY, attempts, next, false, null, null,
                        document.path("held").asBoolean() ? events.event(Type.held, item, attempts, null, null, error,
                                Outcomes.occurredAt(found, "decided_at")) : null,
                        Ledger.Waiting.retry(document.toString()));
            }
            case scheduled -> {
                long next = Instant.parse(document.path("next_attempt_at").asText()).toEpochMilli();
                OutreachItem waiting = OutcomeDocuments.item(document, Ledger.State.SCHEDULED);
                ledger.adopt(item.key(), Ledger.State.SCHEDULED, attempts, next, false, null, null, null,
                        new Ledger.Waiting(document.toString(), waiting.accountId(), waiting.order()));
            }
            case quarantine -> {
                boolean inDoubt = error != null && error.isInDoubt();
                Type type = inDoubt ? Type.in_doubt : document.path("exhausted").asBoolean() ? Type.retry_exhausted
                        : Type.quarantined;
                ledger.adopt(item.key(), Ledger.State.QUARANTINED, attempts, null, inDoubt, null, null,
                        events.event(type, item, attempts, null, null, error, Outcomes.occurredAt(found,
                                "quarantined_at")));
            }
        }
    }

    private static String text(JsonNode document, String field) {
        JsonNode value = document.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    public LedgerRecovery(Ledger ledger, OutcomeFolders folders, Outcomes outcomes, OutreachConfig config,
            ObjectMapper json, Instance instance, DiskFault disk, Stopping stopping, CallbackEvents events) {
        this.events = events;
        this.stopping = stopping;
        this.instance = instance;
        this.disk = disk;
        this.ledger = ledger;
        this.folders = folders;
        this.outcomes = outcomes;
        this.config = config;
        this.json = json;
    }

    /**
     * Start-up (and the end of a disk fault): the records this process held before (its previous run under the same
     * instance id; on embedded H2 every record), then those of processes found dead.
     */
    public void run() throws Exception {
        String repaired = recover(instance.ownRecords());
        if (repaired != null) {
            LOG.warnf("ledger repaired (an unclean stop, or a failed write): %s", repaired);
        }
        started = true;
        takeOverDead();
    }

    /** The identity of {@link #takeOverDead}'s job in Quarkus' scheduler. */
    public static final String TAKEOVER_JOB = "ledger-takeover";

    /**
     * Another bridge process sharing the ledger was not seen for the lease: it is dead. It is forgotten first (which
     * frees its inbox files and makes it stop should it still run), then this one takes over what it held, each record
     * by one process only, and what any forgotten process still holds.
     */
    @Scheduled(identity = TAKEOVER_JOB, every = "${outreach.instance.heartbeat}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void takeOverDead() throws Exception {
        if (!started || disk.raised() || stopping.stopping()) {
            return;
        }
        for (String dead : instance.forgetDead()) {
            LOG.warnf("bridge process %s was not seen for %s: forgotten, what it held is taken over", dead,
                    instance.lease());
        }
        // Forgotten first, then taken over: a process that comes back keeps nothing it held, and what a process
        // forgotten by one that died meanwhile held is still found here.
        for (String gone : ledger.goneHolders()) {
            String repaired = recover(new Ledger.Holders(List.of(gone), false));
            if (repaired != null) {
                LOG.warnf("this process (%s) took over what bridge process %s held: %s", instance.id(), gone, repaired);
            }
        }
    }

    /** The repair of the records of these holders; what it did, or null when there was nothing to do. */
    private String recover(Ledger.Holders holders) throws Exception {
        int written = 0;
        for (Ledger.Unwritten unwritten : ledger.unwrittenOutcomes(holders)) {
            if (!ledger.takeOverUnwritten(unwritten)) {
                continue; // another process took it over first
            }
            OutcomeFile outcome;
            try {
                outcome = OutcomeFile.fromJson(json.readTree(unwritten.document()));
            } catch (IOException | RuntimeException e) {
                // Never so from this build (a damaged row, or a test's): the rest goes on (one such row stopped every
                // repair after it, every two seconds). The row stays as it is: a record waiting in it still goes when
                // due, from its item. Said once a process.
                if (unreadable.add(unwritten.key())) {
                    LOG.errorf("the outcome of record %s in the ledger cannot be read (%s; %d characters), and is not"
                            + " written to a folder; the record's row stays as it is", unwritten.key(), e.getMessage(),
                            length(unwritten.document()));
                }
                continue;
            }
            folders.write(outcome, true);
            ledger.written(outcome.key(), unwritten.version());
            written++;
        }
        int adopted = 0;
        int inDoubt = 0;
        for (Ledger.InFlight inFlight : ledger.inFlight(holders)) {
            if (!ledger.takeOverInFlight(inFlight)) {
                continue;
            }
            JsonNode claim;
            OutreachItem item;
            try {
                claim = json.readTree(inFlight.document());
                item = OutcomeDocuments.item(claim, null);
            } catch (IOException | RuntimeException e) {
                // In doubt, as a record without any outcome is: never sent again unchecked, and no longer counted as
                // being sent (which held its account's pacing). Its file cannot be written without the document.
                ledger.adopt(inFlight.key(), Ledger.State.QUARANTINED, 0, null, true, null, null, null);
                LOG.errorf("record %s was being sent, but its document in the ledger cannot be read (%s; %d characters):"
                        + " it is in doubt in the ledger (quarantined), without a file: check with postpress whether it"
                        + " was sent", inFlight.key(), e.getMessage(), length(inFlight.document()));
                inDoubt++;
                continue;
            }
            Optional<OutcomeFile> found = folders.writtenSince(item, claim.path("claimed_at").asLong());
            if (found.isPresent()) {
                adopt(item, found.get());
                adopted++;
            } else {
                outcomes.recoverInDoubt(item);
                inDoubt++;
            }
        }
        if (written + adopted + inDoubt == 0) {
            return null;
        }
        return String.format("%d decided outcomes put in their folders (written where they were missing), %d outcomes"
                + " taken from their folder, %d records in doubt (%s)",
                written, adopted, inDoubt, config.retry().inDoubt() == OutreachConfig.InDoubtPolicy.retry
                        ? "put in retry/" : "quarantined as local/in_doubt");
    }

    /** Its length only: a record's document holds personal data. */
    private static int length(String document) {
        return document == null ? 0 : document.length();
    }
}
