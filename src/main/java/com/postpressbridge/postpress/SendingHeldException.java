package com.postpressbridge.postpress;

import java.time.Instant;

import com.postpressbridge.record.OutreachError;

/** The record's account is paused, or all sending is stopped: it waits in the retry folder without a request. */
public class SendingHeldException extends RuntimeException {

    private final OutreachError reason;
    private final Instant pausedUntil;
    private final boolean allSending;

    public SendingHeldException(OutreachError reason, Instant pausedUntil, boolean allSending) {
        super("held by a pause until " + pausedUntil + " because of " + reason, null, false, false);
        this.reason = reason;
        this.pausedUntil = pausedUntil;
        this.allSending = allSending;
    }

    public OutreachError reason() {
        return reason;
    }

    /** The end of the pause; in the past when the pause is over and another record is probing it. */
    public Instant pausedUntil() {
        return pausedUntil;
    }

    /** Stopped because the API key was refused; such records are never quarantined for waiting. */
    public boolean allSending() {
        return allSending;
    }
}
