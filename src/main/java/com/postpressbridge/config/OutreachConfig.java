package com.postpressbridge.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;

/** Folders, concurrency and the retry policy. */
@ConfigMapping(prefix = "outreach")
public interface OutreachConfig {

    /** Holds inbox/, success/, retry/, scheduled/, quarantine/ and archive/. */
    String dir();

    /** File names in records are resolved under this folder only. */
    String attachmentsDir();

    /** POSTs in flight at once. */
    @WithConverter(SettingValues.AtLeastOne.class)
    int concurrency();

    /** Process what is in the inbox and what is due for retry, then exit. */
    @WithConverter(SettingValues.StrictBoolean.class)
    boolean runOnce();

    /**
     * A preview instead of a run: the records of the files are validated, rendered and looked up in the ledger, and
     * written to {@code preview/}; nothing is sent and the ledger is not changed. Then the process exits.
     */
    @WithConverter(SettingValues.StrictBoolean.class)
    boolean dryRun();

    /**
     * A file naming the files a dry run previews, one a line (or separated by NUL characters, as {@code bin/preview}
     * writes it); without it, the files in the inbox (which stay there).
     */
    Optional<String> dryRunList();

    /** How long an account stays paused after an answer that says the account is unusable. */
    @WithConverter(SettingValues.PositiveDuration.class)
    Duration accountPause();

    Inbox inbox();

    Retry retry();

    Webhook webhook();

    Disk disk();

    Ledger ledger();

    Instance instance();

    Status status();

    Callback callback();

    Pacing pacing();

    /** How fast, how much and when each sender account sends (README "Protecting your accounts"). */
    interface Pacing {
        /** On unless set: off by default only against the built-in sandbox (postpress.sandbox=true). */
        @WithConverter(SettingValues.StrictBoolean.class)
        Optional<Boolean> enabled();

        int perDay();

        int perWeek();

        /** The least gap between two sends of one account. */
        Duration minInterval();

        /** Each gap is min-interval times a random factor in [1, 1 + jitter]. */
        double jitter();

        /** {@code Mon-Fri 08:30-18:30}, or {@code always}. */
        String window();

        /** The zone the window, the days and the weeks are in. */
        String timezone();

        /** Overrides of the settings above for one account, by its account_id. */
        Map<String, AccountPacing> accounts();
    }

    /** One account's own pacing: what it does not set, it takes from {@code outreach.pacing.*}. */
    interface AccountPacing {
        Optional<Integer> perDay();

        Optional<Integer> perWeek();

        Optional<Duration> minInterval();

        Optional<Double> jitter();

        Optional<String> window();

        Optional<String> timezone();
    }

    interface Inbox {
        @WithConverter(SettingValues.PositiveDuration.class)
        Duration pollInterval();

        /** A file must be unchanged for this long before it is read: no half-written file is read. */
        @WithConverter(SettingValues.NotNegativeDuration.class)
        Duration settleTime();

        /** A file still being sent says how far it got in the log this often. */
        @WithConverter(SettingValues.PositiveDuration.class)
        Duration progressInterval();
    }

    interface Retry {
        @WithConverter(SettingValues.AtLeastOne.class)
        int maxAttempts();

        @WithConverter(SettingValues.PositiveDuration.class)
        Duration initialDelay();

        /** Cap on the back-off and on Retry-After (except for retry-later answers). */
        @WithConverter(SettingValues.PositiveDuration.class)
        Duration maxDelay();

        /** Wait after a "not yet" answer (cannot_resend_yet, ...). */
        @WithConverter(SettingValues.PositiveDuration.class)
        Duration laterDelay();

        /** A record older than this is quarantined instead of retried again; also the hold limit. */
        @WithConverter(SettingValues.PositiveDuration.class)
        Duration maxAge();

        @WithConverter(SettingValues.PositiveDuration.class)
        Duration scanInterval();

        /** What to do when a request may have reached postpress but no answer came back. */
        InDoubtPolicy inDoubt();

        /** Quick in-process re-sends for a 503 or a connection that could not be opened. */
        @WithConverter(SettingValues.NotNegative.class)
        int blipRedeliveries();

        @WithConverter(SettingValues.NotNegativeDuration.class)
        Duration blipDelay();
    }

    interface Webhook {
        /** Larger bodies are refused (413) before they are read whole; also Quarkus' HTTP body limit. */
        MemorySize maxBody();

        @WithConverter(SettingValues.AtLeastOne.class)
        int maxRecords();

        /** HMAC secrets of X-Outreach-Signature; several while one is rotated out. */
        Optional<List<String>> secrets();

        /** Bearer tokens (and user:password pairs for the basic scheme of mapped sources). */
        Optional<List<String>> tokens();

        /** How old (or how far ahead) a signed timestamp may be. */
        @WithConverter(SettingValues.PositiveDuration.class)
        Duration tolerance();

        /** CRM payloads mapped to records without code, served at /webhooks/<name>. */
        Map<String, Source> sources();
    }

    interface Disk {
        /**
         * Nothing new is claimed while the disk of the ledger or of the outcome folders has less free space than this:
         * the outcomes of what is in flight still fit, and the ledger never has to write into a full disk.
         */
        MemorySize minFree();

        /**
         * How long a run-once job waits for a disk that refuses writes (full, or a folder not writable) before it exits
         * with 6, once nothing it did would be lost by the exit.
         */
        @WithConverter(SettingValues.NotNegativeDuration.class)
        Duration runOnceWait();
    }

    /** Where the ledger is (read by the datasources through {@link LedgerUrl}). */
    interface Ledger {
        /** An H2 URL (the default: a file under the outreach folder) or a {@code jdbc:postgresql:} one. */
        String url();

        String username();

        /** For PostgreSQL. Never logged. */
        Optional<String> password();
    }

    /** This process among the bridge processes sharing one ledger (replicas on PostgreSQL). */
    interface Instance {
        /** Unique among the processes at any time; the same after a restart (default: the host name, see InstanceId). */
        String id();

        /** A process not seen for this long is dead: another one takes over its records in flight and its files. */
        @WithConverter(SettingValues.PositiveDuration.class)
        Duration lease();

        /** How often a process says it is alive; a few times within the lease. */
        @WithConverter(SettingValues.PositiveDuration.class)
        Duration heartbeat();
    }

    /** Who may read {@code GET /status} (account ids, error details): this machine, or a bearer of the token. */
    interface Status {
        /** Lets requests from other machines read the status with {@code Authorization: Bearer <token>}. Never logged. */
        Optional<String> token();

        /**
         * Whether requests from this machine need no token. Off behind a reverse proxy on the same machine, which
         * makes every request look local.
         */
        @WithConverter(SettingValues.StrictBoolean.class)
        boolean local();
    }

    /** Outcome events POSTed to the CRM: off while no URL is set. */
    interface Callback {
        /** Where the events go, unless the record's mapped source has a callback-url of its own. */
        Optional<String> url();

        /** HMAC secret of the X-Outreach-Signature each event carries; required with a URL. Never logged. */
        Optional<String> secret();

        /** Which of sent, already_performed, quarantined, in_doubt, retry_exhausted, held are sent. */
        List<String> events();

        /** Whether an event carries the record's message text (it does not by default). */
        @WithConverter(SettingValues.StrictBoolean.class)
        boolean includeText();

        /** How often the stored events are looked at; an event that could not be delivered waits longer. */
        @WithConverter(SettingValues.PositiveDuration.class)
        Duration pollInterval();

        /** Requests in flight at once (events of one record never overlap). */
        @WithConverter(SettingValues.AtLeastOne.class)
        int concurrency();

        /** How long a receiver may take to answer; also the connect timeout. */
        @WithConverter(SettingValues.PositiveDuration.class)
        Duration timeout();

        /** Cap of the back-off between attempts, and of a Retry-After. */
        @WithConverter(SettingValues.PositiveDuration.class)
        Duration maxDelay();
    }

    /** A mapped webhook source. */
    interface Source {
        /** Where the outcome events of this source's records go, instead of outreach.callback.url. */
        Optional<String> callbackUrl();

        /** hmac (default), bearer, basic or hubspot-v3. */
        Optional<String> auth();

        /** The HubSpot app's client secret (hubspot-v3). */
        Optional<String> secret();

        /** The URL the CRM calls, as it writes it (hubspot-v3 signs it); else the URL the request came to. */
        Optional<String> publicUrl();

        /** JSONPath to the list of items in the body; without it the body is the list, or one item. */
        Optional<String> records();

        /** Where the delivery id is: a JSONPath on the body ($...), or a header name. */
        Optional<String> deliveryId();

        /** Record field (as a CSV column: account_id, linkedin[api], ...) to a JSONPath on the item, or a text. */
        Map<String, String> map();

        /** Template variable to a JSONPath on the item, or a text. */
        Map<String, String> vars();
    }

    enum InDoubtPolicy {
        quarantine,
        retry
    }
}
