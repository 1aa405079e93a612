package com.postpressbridge.postpress;

/** What happens to a record after an error answer (postpress-api.md, "Routing of every error type"). */
public enum ErrorRouting {
    /** Transient: back off and try again; quarantined when attempts or age run out. */
    RETRY("retry"),
    /** Transient, and the account is paused for its Retry-After (capped) or the initial delay (429). */
    RETRY_PAUSE_ACCOUNT("retry + pause account"),
    /** "Not yet": the record waits a long delay in the retry folder. */
    RETRY_LATER("retry-later"),
    /** The sending account is unusable: the record waits and the account is paused. */
    HOLD_ACCOUNT("hold-account"),
    /** As {@link #HOLD_ACCOUNT}, with the long delay (a provider limit was hit). */
    HOLD_ACCOUNT_LONG("hold-account (long delay)"),
    /** The API key is missing or lacks scope: all sending stops; nothing is quarantined for it. */
    STOP_ALL("stop-all"),
    /** Permanent for this record: a person must fix it. */
    QUARANTINE("quarantine"),
    /** Nothing to do again: written to success, flagged. */
    ALREADY_PERFORMED("success (already performed)");

    private final String label;

    ErrorRouting(String label) {
        this.label = label;
    }

    /** The words postpress-api.md uses for it. */
    public String label() {
        return label;
    }
}
