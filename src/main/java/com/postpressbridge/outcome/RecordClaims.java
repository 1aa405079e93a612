package com.postpressbridge.outcome;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.postpress.SendChat;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.Stopping;

/**
 * Step of {@code send-chat}: claims the record's key in the ledger before anything is sent. A key that is already
 * sent, being sent, waiting in retry or in doubt is a duplicate and goes no further.
 */
@ApplicationScoped
@Named("claims")
public class RecordClaims {

    /** Set to true once this exchange holds the claim of its key. */
    public static final String CLAIMED = "outreachClaimed";
    /** Set to the {@link Ledger.Claim} of a duplicate. */
    public static final String DUPLICATE = "outreachDuplicate";

    private final Ledger ledger;
    private final Stopping stopping;
    private final OutcomeFolders folders;

    public RecordClaims(Ledger ledger, Stopping stopping, OutcomeFolders folders) {
        this.ledger = ledger;
        this.folders = folders;
        this.stopping = stopping;
    }

    /** Claims the record's key; none is claimed once the bridge is stopping (the record is left for the next start). */
    public void claim(Exchange exchange, @ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        if (stopping.stopping()) {
            throw new Stopping.StoppingException();
        }
        if (item.firstSeenAt() == null) {
            item.firstSeenAt(Instant.now());
        }
        String document = OutcomeDocuments.item(item).toString();
        Ledger.Claim claim = item.waitingIn() != null
                ? (ledger.claimWaiting(item.key(), item.waitingIn(), document) ? Ledger.Claim.CLAIMED : Ledger.Claim.IN_FLIGHT)
                : ledger.claim(item.key(), item.contentHash(), document, place(item), item.redropped(),
                        Ledger.State.SENDING);
        if (claim.isDuplicate()) {
            exchange.setProperty(DUPLICATE, claim);
        } else {
            if (claim == Ledger.Claim.CLAIMED_AGAIN) {
                folders.removeQuarantineFiles(item.key()); // it left the quarantine: the files of then are stale
            }
            exchange.setProperty(CLAIMED, true);
        }
    }

    /** The record's account and read order, which its claim keeps: an account's records are paced in that order. */
    public static Ledger.Place place(OutreachItem item) {
        return new Ledger.Place(item.accountId(), item.order());
    }
}
