package com.postpressbridge.outcome;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jboss.logging.Logger;

import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.record.OutreachItem;

/**
 * Start-up repair after a crash, before any route runs: outcomes that were decided but not yet written are
 * written; a record that was being sent when the process died takes the outcome its folder already has (the
 * ledger may have lost it), and without one it is in doubt (a request may have left). The same repair runs when the
 * ledger was opened again after a full disk ({@link DiskRecovery}), once no record is being sent.
 */
@ApplicationScoped
public class LedgerRecovery {

    private static final Logger LOG = Logger.getLogger(LedgerRecovery.class);

    private final Ledger ledger;
    private final OutcomeFolders folders;
    private final Outcomes outcomes;
    private final OutreachConfig config;
    private final ObjectMapper json;

    private void adopt(OutreachItem item, OutcomeFile found) {
        JsonNode document = found.document();
        switch (found.folder()) {
            case success -> ledger.adopt(item.key(), Ledger.State.SENT, item.attempts() + 1, null, false,
                    text(document, "chat_id"), text(document, "message_id"));
            case retry -> ledger.adopt(item.key(), Ledger.State.RETRY, document.path("attempts").asInt(),
                    Instant.parse(document.path("next_attempt_at").asText()).toEpochMilli(), false, null, null);
            case quarantine -> ledger.adopt(item.key(), Ledger.State.QUARANTINED, document.path("attempts").asInt(),
                    null, "local/in_doubt".equals(document.at("/error/type").asText()), null, null);
        }
    }

    private static String text(JsonNode document, String field) {
        JsonNode value = document.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    public LedgerRecovery(Ledger ledger, OutcomeFolders folders, Outcomes outcomes, OutreachConfig config,
            ObjectMapper json) {
        this.ledger = ledger;
        this.folders = folders;
        this.outcomes = outcomes;
        this.config = config;
        this.json = json;
    }

    public void run() throws Exception {
        int written = 0;
        for (Ledger.Unwritten unwritten : ledger.unwrittenOutcomes()) {
            OutcomeFile outcome = OutcomeFile.fromJson(json.readTree(unwritten.document()));
            folders.write(outcome, true);
            ledger.written(outcome.key(), unwritten.version());
            written++;
        }
        int adopted = 0;
        int inDoubt = 0;
        for (String document : ledger.inFlight()) {
            JsonNode claim = json.readTree(document);
            OutreachItem item = OutcomeDocuments.item(claim, null);
            Optional<OutcomeFile> found = folders.writtenSince(item, claim.path("claimed_at").asLong());
            if (found.isPresent()) {
                adopt(item, found.get());
                adopted++;
            } else {
                outcomes.recoverInDoubt(item);
                inDoubt++;
            }
        }
        if (written + adopted + inDoubt > 0) {
            LOG.warnf("ledger repaired (an unclean stop, or a failed write): %d outcome files written, %d outcomes"
                    + " taken from their folder,"
                    + " %d records in doubt (%s)", written, adopted, inDoubt,
                    config.retry().inDoubt() == OutreachConfig.InDoubtPolicy.retry ? "put in retry/"
                            : "quarantined as local/in_doubt");
        }
    }
}
