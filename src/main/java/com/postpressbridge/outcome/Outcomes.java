package com.postpressbridge.outcome;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.jboss.logging.Logger;

import com.postpressbridge.record.FileRun.Outcome;
import com.postpressbridge.ledger.Ledger.State;
import com.postpressbridge.outcome.OutcomeFile.Folder;

import com.postpressbridge.callback.CallbackEvents;
import com.postpressbridge.callback.CallbackEvents.Type;
import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.ledger.CallbackOutbox;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.pacing.Pacing;
import com.postpressbridge.postpress.BlipRedelivery;
import com.postpressbridge.postpress.Decision;
import com.postpressbridge.postpress.ErrorClassifier;
import com.postpressbridge.postpress.OutcomePolicy;
import com.postpressbridge.postpress.SendChat;
import com.postpressbridge.postpress.SendFailure;
import com.postpressbridge.postpress.SendGate;
import com.postpressbridge.record.OutreachError;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordKeys;

/**
 * Puts each record in exactly one outcome: a success line, a retry file or a quarantine file, and the ledger state
 * that goes with it. Every pass of a record through {@code send-chat} ends here, after a 2xx ({@link #sent}) or in
 * the error policy ({@link #failed}): {@link OutcomePolicy} decides, this class applies the decision (the pauses of
 * {@link SendGate}, the ledger, then the folder).
 */
@ApplicationScoped
@Named("outcomes")
public class Outcomes {

    private static final Logger LOG = Logger.getLogger(Outcomes.class);

    private final Ledger ledger;
    private final OutcomeFolders folders;
    private final ErrorClassifier classifier;
    private final SendGate gate;
    private final OutcomePolicy policy;
    private final HeldOutcomes held;
    private final ObjectMapper json;
    private final CallbackEvents events;
    private final Pacing pacing;

    @Inject
    public Outcomes(Ledger ledger, OutcomeFolders folders, ErrorClassifier classifier, SendGate gate,
            OutreachConfig config, HeldOutcomes held, ObjectMapper json, CallbackEvents events, Pacing pacing) {
        this(ledger, folders, classifier, gate, new OutcomePolicy(OutcomePolicy.Settings.of(config)), held, json,
                events, pacing);
    }

    Outcomes(Ledger ledger, OutcomeFolders folders, ErrorClassifier classifier, SendGate gate, OutcomePolicy policy,
            HeldOutcomes held, ObjectMapper json, CallbackEvents events, Pacing pacing) {
        this.events = events;
        this.pacing = pacing;
        this.ledger = ledger;
        this.folders = folders;
        this.classifier = classifier;
        this.gate = gate;
        this.policy = policy;
        this.held = held;
        this.json = json;
    }

    /** Last step of {@code send-chat}: postpress answered with a 2xx. */
    public void sent(Exchange exchange, @ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        SendFailure answer = SendFailure.answered(status == null ? 200 : status);
        OutreachMetrics.requestEnded(exchange, answer);
        settle(item, claimed(exchange), BlipRedelivery.tries(exchange), answer, exchange.getMessage().getBody(String.class));
    }

    /** The step of every clause of the error policy: whatever went wrong, the policy says what happens now. */
    public void failed(Exchange exchange, @ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        Throwable cause = ErrorClassifier.caught(exchange);
        SendFailure failure = classifier.classify(cause);
        OutreachMetrics.requestEnded(exchange, failure);
        boolean claimed = claimed(exchange);
        if (failure.kind() == SendFailure.Kind.UNEXPECTED) {
            // once claimed, a request may have left: in doubt, not simply quarantined (OutcomePolicy)
            LOG.errorf(cause, "unexpected error with record %s: %s", item, claimed
                    ? "quarantined as in doubt (a request may have left)" : "quarantined");
        }
        if (!claimed && item.waitingIn() != null) {
            // A record that waits in the ledger (a webhook record, a retry) and fails before its claim (its attachment
            // was removed meanwhile) takes its outcome there too; otherwise it would wait, and fail, at every scan.
            // Taken by another pass meanwhile: that pass gives it its outcome.
            if (!ledger.claimWaiting(item.key(), item.waitingIn(), OutcomeDocuments.item(item).toString())) {
                return;
            }
            claimed = true;
        }
        settle(item, claimed, BlipRedelivery.tries(exchange), failure, null);
    }

    private void settle(OutreachItem item, boolean claimed, int tries, SendFailure failure, String answer) {
        Decision decision = decide(item, claimed, tries, failure, gate.pausedUntil(item.accountId()).orElse(null));
        // The record's own outcome first: a pause that cannot be kept must not cost a sent record its success line.
        try {
            apply(item, claimed, decision, answer);
        } finally {
            try {
                pacing.ended(item);
            } catch (RuntimeException e) {
                LOG.errorf("the end of record %s's request cannot be kept in its account's pacing (%s): its slot is held"
                        + " until the longest a request can take", item, e.getMessage());
            }
            try {
                tellGate(item, failure, decision);
            } catch (RuntimeException e) {
                LOG.errorf("the pause or probe learnt from record %s cannot be kept (%s): the next answer sets it again",
                        item, e.getMessage());
            }
        }
    }

    private Decision decide(OutreachItem item, boolean claimed, int tries, SendFailure failure, Instant pausedUntil) {
        OutcomePolicy.RecordFacts facts = new OutcomePolicy.RecordFacts(item.attempts(), tries, item.ageFrom(),
                claimed, pausedUntil);
        return policy.decide(facts, failure, Instant.now(), ThreadLocalRandom.current().nextDouble());
    }

    /**
     * The pauses an answer starts, and the probes it ends. Any answer but a stop-all proves the API key works, so it
     * ends a stop-all pause this record was probing, even when it pauses the record's own account: other accounts
     * must not wait for this record's next attempt. A probe that got no answer passes to the next record.
     */
    private void tellGate(OutreachItem item, SendFailure failure, Decision decision) {
        slowDown(item, failure);
        if (decision instanceof Decision.HoldAccount hold) {
            gate.pause(item.accountId(), hold.accountUntil(), failure.error());
            gate.keyWorks(item);
        } else if (decision instanceof Decision.StopAll stop) {
            gate.stopAll(stop.until(), failure.error());
            gate.unanswered(item); // nothing was learnt about its account: another record may probe it
        } else if (failure.kind() == SendFailure.Kind.ANSWERED) {
            gate.keyWorks(item);
            gate.accountWorks(item);
        } else if (failure.kind() != SendFailure.Kind.HELD_BY_ACCOUNT && failure.kind() != SendFailure.Kind.HELD_BY_API_KEY) {
            gate.unanswered(item);
        }
    }

    /**
     * An answer that says the account sent too much: its pacing stops it for the day and lowers its caps for a while
     * (the pause of the gate still holds its records meanwhile).
     */
    private void slowDown(OutreachItem item, SendFailure failure) {
        if (OutcomePolicy.sentTooMuch(failure)) {
            Instant until = pacing.limited(item.accountId(), failure.retryAfterDelay(Instant.now()));
            if (until != null) {
                LOG.warnf("account %s sent too much (%s): its pacing stops it until %s and lowers its caps for a while",
                        item.accountId(), failure.error().type(), until);
            }
        }
    }

    /** The record's share of a decision: its ledger state and its outcome file. */
    void apply(OutreachItem item, boolean claimed, Decision decision, String answer) {
        if (decision instanceof Decision.Sent sent) {
            JsonNode body = parse(answer);
            succeed(claimed, item, sent.attempts(), text(body, "chat_id"), text(body, "message_id"), false);
        } else if (decision instanceof Decision.AlreadyPerformed done) {
            succeed(claimed, item, done.attempts(), null, null, true);
        } else if (decision instanceof Decision.RetryAt retry) {
            waitInRetry(claimed, item, retry.attempts(), retry.at(), retry.error(), false);
        } else if (decision instanceof Decision.Held held) {
            waitInRetry(claimed, item, held.attempts(), held.until(), held.reason(), true);
        } else if (decision instanceof Decision.Scheduled scheduled) {
            waitForSlot(claimed, item, scheduled.attempts(), scheduled.at());
        } else if (decision instanceof Decision.Quarantine quarantine) {
            quarantine(claimed, item, quarantine.attempts(), quarantine.error(), quarantine.exhausted(), false);
        } else if (decision instanceof Decision.InDoubt inDoubt) {
            quarantine(claimed, item, inDoubt.attempts(), inDoubt.error(), false, true);
        } else if (decision instanceof Decision.HoldAccount hold) {
            apply(item, claimed, hold.record(), answer);
        } else if (decision instanceof Decision.StopAll stop) {
            apply(item, claimed, stop.record(), answer);
        } else {
            throw new IllegalArgumentException("no outcome for " + decision);
        }
    }

    /**
     * A sent record stays sent, whatever fails after the answer: nothing of it reaches the error policy's clauses
     * that quarantine. If the ledger or the success folder cannot take it (the disk is full), its outcome is held
     * and written once they can, and nothing more is sent meanwhile ({@link HeldOutcomes}).
     */
    private void succeed(boolean claimed, OutreachItem item, int attempts, String chatId, String messageId,
            boolean already) {
        OutcomeFile line = new OutcomeFile(Folder.success, item.source().successFileName(), item.key(),
                OutcomeDocuments.success(item, chatId, messageId, already), OutcomeFolders.quarantineName(item));
        held.keep(item, new DecidedOutcome(claimed, State.SENT, attempts, null, false, chatId, messageId, null, line,
                event(already ? Type.already_performed : Type.sent, item, attempts, chatId, messageId, null, line,
                        "sent_at")));
        count(item, already ? Outcome.already_performed : Outcome.sent);
    }

    /** Step of {@code send-chat}: the key is already known; the record is counted and goes no further. */
    public void duplicate(@ExchangeProperty(SendChat.ITEM) OutreachItem item,
            @ExchangeProperty(RecordClaims.DUPLICATE) Ledger.Claim claim) {
        LOG.debugf("duplicate record %s: %s, not sent again", item, claim);
        count(item, Outcome.duplicates);
    }

    /** After a crash: a record was claimed by the process that died, a request may have left for it. */
    public void recoverInDoubt(OutreachItem item) {
        OutreachError error = OutreachError.inDoubt("postpress-bridge stopped while this record was being sent");
        // Its new file is the only one of the key: a quarantine file of an earlier refusal (the record was claimed
        // again, and the process died before it removed that file) dropped back would release it unchecked.
        folders.removeQuarantineFiles(item.key());
        apply(item, true, decide(item, true, 1, SendFailure.maybeSent(error), null), null);
    }

    /**
     * A person deleted the retry (or scheduled) file of a waiting record: it is not sent, it goes to quarantine (where
     * it can be dropped back in the inbox to be sent after all). Taken by another pass meanwhile: that pass decides.
     */
    public void cancelled(OutreachItem item, Path file) {
        if (!ledger.claimWaiting(item.key(), item.waitingIn(), OutcomeDocuments.item(item).toString())) {
            return;
        }
        String folder = file.getParent().getFileName().toString();
        OutreachError cancelled = OutreachError.local("cancelled", "Cancelled", folder + "/" + file.getFileName()
                + " was deleted, so the record was not sent. To send it after all, drop this file back in the inbox.");
        apply(item, true, new Decision.Quarantine(cancelled, item.attempts(), false), null);
        LOG.infof("record %s: its %s file was deleted, so it is not sent: quarantined", item, folder);
    }

    /** A webhook record refused before it was accepted: quarantined, the ledger never saw it. */
    public void refused(OutreachItem item, OutreachError error) {
        apply(item, false, decide(item, false, 0, SendFailure.invalidRecord(error), null), null);
    }

    private void quarantine(boolean claimed, OutreachItem item, int attempts, OutreachError error, boolean exhausted,
            boolean inDoubt) {
        if (item.key() == null) {
            item.key(RecordKeys.ofRecord(item.record(), item.raw()));
        }
        String name = OutcomeFolders.quarantineName(item);
        OutreachMetrics.quarantined(error.type());
        OutcomeFile file = new OutcomeFile(Folder.quarantine, name, item.key(),
                OutcomeDocuments.quarantine(item, attempts, error, exhausted, claimed), name);
        Type type = inDoubt ? Type.in_doubt : exhausted ? Type.retry_exhausted : Type.quarantined;
        record(claimed, item, State.QUARANTINED, attempts, null, inDoubt, file, event(type, item, attempts, null, null,
                error, file, "quarantined_at"));
        count(item, Outcome.quarantined);
        LOG.debugf("record %s quarantined: %s", item, error);
    }

    private void waitInRetry(boolean claimed, OutreachItem item, int attempts, Instant next, OutreachError error,
            boolean held) {
        OutcomeFile file = new OutcomeFile(Folder.retry, folders.retryFile(item.key()).getFileName().toString(),
                item.key(), OutcomeDocuments.retry(item, attempts, next, error, held), OutcomeFolders.quarantineName(item));
        // "held" once, when the record starts waiting: not again each time a pass finds its account still paused
        boolean startsWaiting = item.waitingIn() != State.RETRY;
        record(claimed, item, State.RETRY, attempts, next.toEpochMilli(), false, file, held && startsWaiting
                ? event(Type.held, item, attempts, null, null, error, file, "decided_at") : null);
        count(item, Outcome.retry);
    }

    /** Waits in scheduled/ for its account's next free slot; sent from the ledger's copy, in its account's order. */
    private void waitForSlot(boolean claimed, OutreachItem item, int attempts, Instant at) {
        OutcomeFile file = new OutcomeFile(Folder.scheduled, folders.scheduledFile(item.key()).getFileName().toString(),
                item.key(), OutcomeDocuments.scheduled(item, attempts, at), OutcomeFolders.quarantineName(item));
        held.keep(item, new DecidedOutcome(claimed, State.SCHEDULED, attempts, at.toEpochMilli(), false, null, null,
                new Ledger.Waiting(file.document().toString(), item.accountId(), item.order()), file, null));
        if (item.waitingIn() != State.SCHEDULED) {
            count(item, Outcome.scheduled); // once, when it starts waiting: not at each pass that finds no slot yet
        }
    }

    /** The ledger first (with the document and the event), then the folder; held when the disk refuses either. */
    private void record(boolean claimed, OutreachItem item, State state, int attempts, Long nextAttemptAt,
            boolean inDoubt, OutcomeFile file, CallbackOutbox.Event event) {
        // A record that waits to go again is sent from the ledger's copy of its retry document when its time comes.
        Ledger.Waiting waiting = state == State.RETRY ? Ledger.Waiting.retry(file.document().toString()) : null;
        held.keep(item, new DecidedOutcome(claimed, state, attempts, nextAttemptAt, inDoubt, null, null, waiting,
                file, event));
    }

    /**
     * The callback event of an outcome, or null. A failure to make it is logged and costs the event only, never the
     * record's outcome (a sent record must stay sent).
     */
    private CallbackOutbox.Event event(Type type, OutreachItem item, int attempts, String chatId, String messageId,
            OutreachError error, OutcomeFile file, String timeField) {
        try {
            if (!events.enabled()) {
                return null; // and the document's time is not even parsed: this runs for every record
            }
            return events.event(type, item, attempts, chatId, messageId, error, occurredAt(file, timeField));
        } catch (RuntimeException e) {
            LOG.errorf(e, "record %s: its callback event (record.%s) cannot be made; the record's outcome is kept",
                    item, type);
            return null;
        }
    }

    /** When the outcome happened, as its document says: the time its callback event carries, and is known by. */
    static Instant occurredAt(OutcomeFile file, String field) {
        return Instant.parse(file.document().path(field).asText());
    }

    private static boolean claimed(Exchange exchange) {
        return exchange.getProperty(RecordClaims.CLAIMED, false, Boolean.class);
    }

    private static void count(OutreachItem item, Outcome outcome) {
        item.paced(); // one that never reached the pacing (a duplicate, an invalid record) holds up no other
        OutreachMetrics.recorded(item, outcome);
        if (item.fileRun() != null) {
            item.fileRun().count(outcome);
        }
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : json.readTree(body);
        } catch (IOException e) {
            LOG.warnf("postpress started a chat but its answer is not JSON: %s", body.length() > 200 ? body.substring(0, 200) : body);
            return null;
        }
    }

    private static String text(JsonNode answer, String field) {
        JsonNode value = answer == null ? null : answer.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
