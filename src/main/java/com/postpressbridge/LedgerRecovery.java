package com.postpressbridge;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.jboss.logging.Logger;

/**
 * Start-up repair after a crash, before any route runs: outcomes that were decided but not yet written are
 * written, and records that were being sent when the process died are in doubt (a request may have left).
 */
@ApplicationScoped
public class LedgerRecovery {

    private static final Logger LOG = Logger.getLogger(LedgerRecovery.class);

    private final Ledger ledger;
    private final OutcomeFolders folders;
    private final Outcomes outcomes;
    private final OutreachConfig config;
    private final ObjectMapper json;

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
        int inDoubt = 0;
        for (String document : ledger.inFlight()) {
            outcomes.recoverInDoubt(OutcomeDocuments.item(json.readTree(document), null), config.retry().inDoubt());
            inDoubt++;
        }
        if (written > 0 || inDoubt > 0) {
            LOG.warnf("recovered from an unclean stop: %d outcome files written, %d records in doubt (%s)", written,
                    inDoubt, config.retry().inDoubt() == OutreachConfig.InDoubtPolicy.retry ? "put in retry/"
                            : "quarantined as local/in_doubt");
        }
    }
}
