package com.postpressbridge;

import java.io.IOException;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.jboss.logging.Logger;

import com.postpressbridge.FileRun.Outcome;
import com.postpressbridge.Ledger.State;
import com.postpressbridge.OutcomeFile.Folder;

/**
 * Puts each record in exactly one outcome: a success line, a retry file or a quarantine file, and the ledger state
 * that goes with it. Called by {@code send-chat} after a 2xx and by the error policy's clauses.
 */
@ApplicationScoped
@Named("outcomes")
public class Outcomes {

    private static final Logger LOG = Logger.getLogger(Outcomes.class);
    private static final String INTERNAL_ERROR = "local/internal_error";

    private final Ledger ledger;
    private final OutcomeFolders folders;
    private final ErrorClassifier classifier;
    private final RetrySchedule schedule;
    private final SendGate gate;
    private final ObjectMapper json;

    public Outcomes(Ledger ledger, OutcomeFolders folders, ErrorClassifier classifier, RetrySchedule schedule,
            SendGate gate, ObjectMapper json) {
        this.ledger = ledger;
        this.folders = folders;
        this.classifier = classifier;
        this.schedule = schedule;
        this.gate = gate;
        this.json = json;
    }

    /** postpress started the chat. */
    public void sent(Exchange exchange, @ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        JsonNode answer = parse(exchange.getMessage().getBody(String.class));
        gate.answered(item);
        succeed(exchange, item, text(answer, "chat_id"), text(answer, "message_id"), false);
    }

    /** postpress says this was already done: nothing to do again. */
    public void alreadyPerformed(Exchange exchange, @ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        gate.answered(item);
        succeed(exchange, item, null, null, true);
    }

    private void succeed(Exchange exchange, OutreachItem item, String chatId, String messageId, boolean already) {
        int attempts = item.attempts() + tries(exchange);
        OutcomeFile line = new OutcomeFile(Folder.success, item.source().successFileName(), item.key(),
                OutcomeDocuments.success(item, chatId, messageId, already), OutcomeFolders.quarantineName(item));
        record(claimed(exchange), item, State.SENT, attempts, null, false, chatId, messageId, line);
        count(item, already ? Outcome.already_performed : Outcome.sent);
    }

    /** A permanent failure, a refused record, or no answer when in-doubt records are quarantined. */
    public void quarantine(Exchange exchange, @ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        SendFailure failure = classifier.failure(exchange);
        noteAnswer(item, failure);
        boolean requested = failure.answered() || exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof IOException;
        // An unexpected error after the claim may have come after the request: the record is in doubt.
        boolean internal = INTERNAL_ERROR.equals(failure.error().type());
        boolean inDoubt = claimed(exchange) && (internal || !failure.answered() && !failure.neverSent());
        if (internal) {
            LOG.errorf(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class),
                    "unexpected error with record %s: quarantined", item);
        }
        quarantine(claimed(exchange), item, item.attempts() + (requested ? tries(exchange) : 0), failure.error(), false,
                inDoubt);
    }

    /** A transient failure: the record waits in the retry folder, or is quarantined when it has waited enough. */
    public void retry(Exchange exchange, @ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        SendFailure failure = classifier.failure(exchange);
        noteAnswer(item, failure);
        int attempts = item.attempts() + tries(exchange);
        Instant next = Instant.now().plus(schedule.delay(attempts, failure));
        Instant paused = gate.pausedUntil(item.accountId()).orElse(null);
        if (paused != null && paused.isAfter(next)) {
            next = paused;
        }
        if (schedule.exhausted(attempts, item.firstSeenAt(), next)) {
            quarantine(claimed(exchange), item, attempts, failure.error(), true, false);
            return;
        }
        waitInRetry(claimed(exchange), item, attempts, next, failure.error(), false);
    }

    /**
     * The record waits without a request because its account is paused or all sending is stopped (also the
     * record whose answer stopped it all). Records held because of the API key are never quarantined for waiting.
     */
    public void hold(Exchange exchange, @ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        Object cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT);
        OutreachError reason;
        Instant until;
        boolean allSending;
        if (cause instanceof SendingHeldException held) {
            reason = held.reason();
            until = held.until();
            allSending = held.allSending();
        } else {
            reason = classifier.failure(exchange).error();
            until = gate.pausedUntil(item.accountId()).orElse(Instant.now());
            allSending = true;
        }
        if (!allSending && schedule.tooOld(item.firstSeenAt(), until)) {
            quarantine(claimed(exchange), item, item.attempts(), reason, true, false);
            return;
        }
        waitInRetry(claimed(exchange), item, item.attempts(), until, reason, true);
    }

    /** Step of {@code send-chat}: the key is already known; the record is counted and goes no further. */
    public void duplicate(@ExchangeProperty(SendChat.ITEM) OutreachItem item,
            @ExchangeProperty(RecordClaims.DUPLICATE) Ledger.Claim claim) {
        LOG.debugf("duplicate record %s: %s, not sent again", item, claim);
        count(item, Outcome.duplicates);
    }

    /** After a crash: a record was claimed by the process that died, a request may have left for it. */
    public void recoverInDoubt(OutreachItem item, OutreachConfig.InDoubtPolicy policy) {
        OutreachError error = OutreachError.local("in_doubt", "No answer from postpress",
                "postpress-bridge stopped while this record was being sent: postpress may have started the chat."
                        + " Check the conversation before dropping this record back in the inbox.");
        if (policy == OutreachConfig.InDoubtPolicy.retry) {
            waitInRetry(true, item, item.attempts() + 1, Instant.now(), error, false);
        } else {
            quarantine(true, item, item.attempts() + 1, error, false, true);
        }
    }

    /** A webhook record refused before it was accepted: quarantined, the ledger never saw it. */
    public void refused(OutreachItem item, OutreachError error) {
        quarantine(false, item, 0, error, false, false);
    }

    private void quarantine(boolean claimed, OutreachItem item, int attempts, OutreachError error, boolean exhausted,
            boolean inDoubt) {
        if (item.key() == null) {
            item.key(RecordKeys.ofRecord(item.record(), item.raw()));
        }
        String name = OutcomeFolders.quarantineName(item);
        OutcomeFile file = new OutcomeFile(Folder.quarantine, name, item.key(),
                OutcomeDocuments.quarantine(item, attempts, error, exhausted), name);
        record(claimed, item, State.QUARANTINED, attempts, null, inDoubt, null, null, file);
        count(item, Outcome.quarantined);
        LOG.debugf("record %s quarantined: %s", item, error);
    }

    private void waitInRetry(boolean claimed, OutreachItem item, int attempts, Instant next, OutreachError error,
            boolean held) {
        OutcomeFile file = new OutcomeFile(Folder.retry, folders.retryFile(item.key()).getFileName().toString(),
                item.key(), OutcomeDocuments.retry(item, attempts, next, error, held), OutcomeFolders.quarantineName(item));
        record(claimed, item, State.RETRY, attempts, next.toEpochMilli(), false, null, null, file);
        count(item, Outcome.retry);
    }

    /** The ledger first (with the document), then the folder, then the ledger forgets the document. */
    private void record(boolean claimed, OutreachItem item, State state, int attempts, Long nextAttemptAt,
            boolean inDoubt, String chatId, String messageId, OutcomeFile file) {
        if (!claimed) {
            folders.writeUnclaimed(file);
            return;
        }
        long version = ledger.finish(item.key(), state, attempts, nextAttemptAt, inDoubt, chatId, messageId,
                file.toJson().toString());
        folders.write(file, false);
        ledger.written(item.key(), version);
    }

    private void noteAnswer(OutreachItem item, SendFailure failure) {
        if (failure.answered()) {
            ErrorRouting routing = failure.routing();
            boolean aboutAccount = routing == ErrorRouting.HOLD_ACCOUNT || routing == ErrorRouting.HOLD_ACCOUNT_LONG
                    || routing == ErrorRouting.RETRY_PAUSE_ACCOUNT || routing == ErrorRouting.STOP_ALL;
            if (!aboutAccount) {
                gate.answered(item);
            }
        } else {
            gate.unanswered(item);
        }
    }

    private static boolean claimed(Exchange exchange) {
        return exchange.getProperty(RecordClaims.CLAIMED, false, Boolean.class);
    }

    private static int tries(Exchange exchange) {
        return BlipRedelivery.tries(exchange);
    }

    private static void count(OutreachItem item, Outcome outcome) {
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
