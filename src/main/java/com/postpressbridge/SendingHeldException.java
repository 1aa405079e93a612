package com.postpressbridge;

import java.time.Instant;

/** The record's account is paused, or all sending is stopped: it waits in the retry folder without a request. */
public class SendingHeldException extends RuntimeException {

    private final OutreachError reason;
    private final Instant until;
    private final boolean allSending;

    public SendingHeldException(OutreachError reason, Instant until, boolean allSending) {
        super("held until " + until + " because of " + reason, null, false, false);
        this.reason = reason;
        this.until = until;
        this.allSending = allSending;
    }

    public OutreachError reason() {
        return reason;
    }

    public Instant until() {
        return until;
    }

    /** Stopped because the API key was refused; such records are never quarantined for waiting. */
    public boolean allSending() {
        return allSending;
    }
}
