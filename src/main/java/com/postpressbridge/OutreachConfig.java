package com.postpressbridge;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** Folders, concurrency and the retry policy. */
@ConfigMapping(prefix = "outreach")
public interface OutreachConfig {

    /** Holds inbox/, success/, retry/, quarantine/ and archive/. */
    String dir();

    /** File names in records are resolved under this folder only. */
    String attachmentsDir();

    /** POSTs in flight at once. */
    int concurrency();

    /** Process what is in the inbox and what is due for retry, then exit. */
    boolean runOnce();

    /** How long an account stays paused after an answer that says the account is unusable. */
    Duration accountPause();

    Inbox inbox();

    Retry retry();

    interface Inbox {
        Duration pollInterval();

        /** A file must be unchanged for this long before it is read: no half-written file is read. */
        Duration settleTime();
    }

    interface Retry {
        int maxAttempts();

        Duration initialDelay();

        /** Cap on the back-off and on Retry-After (except for retry-later answers). */
        Duration maxDelay();

        /** Wait after a "not yet" answer (cannot_resend_yet, ...). */
        Duration laterDelay();

        /** A record older than this is quarantined instead of retried again; also the hold limit. */
        Duration maxAge();

        Duration scanInterval();

        /** What to do when a request may have reached postpress but no answer came back. */
        InDoubtPolicy inDoubt();

        /** Quick in-process re-sends for a 503 or a connection that could not be opened. */
        int blipRedeliveries();

        Duration blipDelay();
    }

    enum InDoubtPolicy {
        quarantine,
        retry
    }
}
