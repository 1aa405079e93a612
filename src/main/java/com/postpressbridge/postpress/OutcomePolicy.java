package com.postpressbridge.postpress;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import com.postpressbridge.postpress.Decision.AlreadyPerformed;
import com.postpressbridge.postpress.Decision.Held;
import com.postpressbridge.postpress.Decision.HoldAccount;
import com.postpressbridge.postpress.Decision.InDoubt;
import com.postpressbridge.postpress.Decision.Quarantine;
import com.postpressbridge.postpress.Decision.RetryAt;
import com.postpressbridge.postpress.Decision.Scheduled;
import com.postpressbridge.postpress.Decision.Sent;
import com.postpressbridge.postpress.Decision.StopAll;

import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.record.OutreachError;

/**
 * The one place that decides what happens to a record after a pass through {@code send-chat}: from what came back
 * ({@link SendFailure}: an answer, no answer, or why no request was made), what is known of the record, the time and
 * a jitter. It follows the routing of every error type (postpress-api.md, {@link ErrorTable}) and the README's "How
 * errors are routed".
 *
 * <p>Pure: no clock, no randomness, no configuration lookup, no Camel; {@link Outcomes} asks it and applies the
 * answer (ledger, outcome file, pauses). {@code OutcomePolicyTest} checks it as a table.
 */
public final class OutcomePolicy {

    /** The settings the decisions depend on (the {@code outreach.*} keys of the same names). */
    public record Settings(int maxAttempts, Duration initialDelay, Duration maxDelay, Duration laterDelay,
            Duration maxAge, Duration accountPause, Duration probeWait, OutreachConfig.InDoubtPolicy inDoubt) {

        /** {@code probeWait} is the retry scan interval: a record held while another probes asks again at the next scan. */
        public static Settings of(OutreachConfig config) {
            OutreachConfig.Retry retry = config.retry();
            return new Settings(retry.maxAttempts(), retry.initialDelay(), retry.maxDelay(), retry.laterDelay(),
                    retry.maxAge(), config.accountPause(), retry.scanInterval(), retry.inDoubt());
        }
    }

    /**
     * What is known of the record.
     *
     * @param attempts    requests made for it in earlier passes
     * @param tries       requests made in this pass (the first and the quick re-sends of a blip), when one was made
     * @param firstSeenAt when its age starts: when it was first seen, or when it left scheduled/ (waiting for its
     *                    account's pacing does not count); null: its age is unknown and never runs out
     * @param claimed     it holds its key's claim in the ledger: after that, an unexpected error may have come after
     *                    the request
     * @param pausedUntil the later end of the pauses of its account and of all sending, as they are now, or null
     */
    public record RecordFacts(int attempts, int tries, Instant firstSeenAt, boolean claimed, Instant pausedUntil) {
    }

    private final Settings settings;

    public OutcomePolicy(Settings settings) {
        this.settings = settings;
    }

    /**
     * @param jitter where in its range the back-off falls, in [0, 1): the caller's random number
     */
    public Decision decide(RecordFacts record, SendFailure failure, Instant now, double jitter) {
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
        }
        int tried = record.attempts() + record.tries();
        return switch (failure.kind()) {
            case ANSWERED -> answered(record, failure, tried, now, jitter);
            case NEVER_SENT -> backOff(record, tried, failure.error(), null, null, now, jitter);
            // Re-sending may start a second chat with a real person: only when configured so.
            case MAYBE_SENT -> settings.inDoubt() == OutreachConfig.InDoubtPolicy.retry
                    ? backOff(record, tried, failure.error(), null, null, now, jitter)
                    : new InDoubt(failure.error(), tried);
            case INVALID_RECORD -> new Quarantine(failure.error(), record.attempts(), false);
            case HELD_BY_ACCOUNT, HELD_BY_API_KEY -> held(record, failure, now);
            // Waiting for its account's slot is what the pacing is for: it never runs out for it.
            case PACED -> new Scheduled(failure.pausedUntil(), record.attempts());
            case UNEXPECTED -> record.claimed()
                    ? new InDoubt(failure.error(), record.attempts())
                    : new Quarantine(failure.error(), record.attempts(), false);
        };
    }

    private Decision answered(RecordFacts record, SendFailure failure, int tried, Instant now, double jitter) {
        int status = failure.status();
        if (status >= 200 && status < 300) {
            return new Sent(tried);
        }
        OutreachError error = failure.error();
        Duration retryAfter = failure.retryAfterDelay(now);
        return switch (ErrorTable.routing(status, error.type())) {
            case ALREADY_PERFORMED -> new AlreadyPerformed(tried);
            case QUARANTINE -> new Quarantine(error, tried, false);
            case RETRY -> backOff(record, tried, error, retryAfter, null, now, jitter);
            // "Not yet" has its own long wait; a Retry-After given with it is taken as it is, uncapped.
            case RETRY_LATER -> waitOrGiveUp(record, tried, error,
                    now.plus(retryAfter != null ? retryAfter : settings.laterDelay()));
            case RETRY_PAUSE_ACCOUNT -> {
                Duration pause = min(retryAfter != null ? retryAfter : settings.initialDelay(), settings.maxDelay());
                yield new HoldAccount(now.plus(pause), backOff(record, tried, error, retryAfter, now.plus(pause), now, jitter));
            }
            case HOLD_ACCOUNT -> holdAccount(record, tried, error, retryAfter, now.plus(settings.accountPause()), now, jitter);
            case HOLD_ACCOUNT_LONG -> holdAccount(record, tried, error, retryAfter, now.plus(settings.laterDelay()), now, jitter);
            // The record did nothing wrong: it is held, its request not counted, and it never runs out for it.
            case STOP_ALL -> {
                Instant until = now.plus(settings.accountPause());
                yield new StopAll(until, new Held(later(until, record.pausedUntil()), error, record.attempts()));
            }
        };
    }

    private Decision holdAccount(RecordFacts record, int tried, OutreachError error, Duration retryAfter,
            Instant accountUntil, Instant now, double jitter) {
        return new HoldAccount(accountUntil, backOff(record, tried, error, retryAfter, accountUntil, now, jitter));
    }

    /**
     * Exponential back-off with full jitter, never sooner than Retry-After (capped), nor than a pause of the record's
     * account or of all sending.
     */
    private Decision backOff(RecordFacts record, int tried, OutreachError error, Duration retryAfter,
            Instant accountUntil, Instant now, double jitter) {
        Duration delay = backoff(tried, jitter);
        if (retryAfter != null) {
            Duration honoured = min(retryAfter, settings.maxDelay());
            delay = delay.compareTo(honoured) < 0 ? honoured : delay;
        }
        return waitOrGiveUp(record, tried, error, later(now.plus(delay), accountUntil));
    }

    /** The record waits until {@code at} (or the end of a pause, if later), or is quarantined when it has run out. */
    private Decision waitOrGiveUp(RecordFacts record, int tried, OutreachError error, Instant at) {
        Instant next = later(at, record.pausedUntil());
        if (tried >= settings.maxAttempts() || tooOld(record.firstSeenAt(), next)) {
            return new Quarantine(error, tried, true);
        }
        return new RetryAt(next, error, tried);
    }

    /**
     * Held without a request: until the pause ends, or, when it has ended and another record is probing, until the
     * next scan. Held past the age limit by a paused account, the record is quarantined (the hold limit); held by the
     * API key, it never is.
     */
    private Decision held(RecordFacts record, SendFailure failure, Instant now) {
        Instant pausedUntil = failure.pausedUntil();
        Instant until = pausedUntil != null && pausedUntil.isAfter(now) ? pausedUntil : now.plus(settings.probeWait());
        if (failure.kind() == SendFailure.Kind.HELD_BY_ACCOUNT && tooOld(record.firstSeenAt(), until)) {
            return new Quarantine(failure.error(), record.attempts(), true);
        }
        return new Held(until, failure.error(), record.attempts());
    }

    /**
     * Whether an answer says the record's account sent too much — {@code limit_exceeded}, {@code too_many_requests}, or
     * any 429 — which its pacing learns from (it stops the account for the day and lowers its caps).
     */
    public static boolean sentTooMuch(SendFailure failure) {
        if (failure.kind() != SendFailure.Kind.ANSWERED) {
            return false;
        }
        String type = failure.error().type();
        return TOO_MUCH.contains(type == null ? "" : type) || Integer.valueOf(429).equals(failure.status());
    }

    private static final Set<String> TOO_MUCH = Set.of("errors/limit_exceeded", "errors/too_many_requests");

    /**
     * Full jitter: anywhere from zero to the cap, the cap starting at {@code initial-delay} and doubling per attempt
     * up to {@code max-delay}.
     *
     * @param attempts the attempts made so far, this one included
     */
    Duration backoff(int attempts, double jitter) {
        Duration cap = settings.initialDelay();
        for (int i = 1; i < attempts && cap.compareTo(settings.maxDelay()) < 0; i++) {
            cap = cap.multipliedBy(2);
        }
        long capMillis = min(cap, settings.maxDelay()).toMillis();
        return Duration.ofMillis(Math.min(capMillis, (long) Math.floor(jitter * (capMillis + 1))));
    }

    private boolean tooOld(Instant firstSeenAt, Instant next) {
        return firstSeenAt != null && next.isAfter(firstSeenAt.plus(settings.maxAge()));
    }

    private static Instant later(Instant a, Instant b) {
        return b == null || a.isAfter(b) ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
