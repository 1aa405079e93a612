package com.postpressbridge;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;

/** When a record is tried again, and when it has been tried enough. */
@ApplicationScoped
public class RetrySchedule {

    private final OutreachConfig.Retry config;

    public RetrySchedule(OutreachConfig config) {
        this.config = config.retry();
    }

    /**
     * The wait after a failed attempt: exponential back-off with full jitter, capped, and never shorter than the
     * server's Retry-After (itself capped); a "not yet" answer waits the long delay or its Retry-After.
     *
     * @param attempts the attempts made so far, this one included
     */
    public Duration delay(int attempts, SendFailure failure) {
        Duration retryAfter = failure.retryAfter();
        if (failure.routing() == ErrorRouting.RETRY_LATER) {
            return retryAfter != null ? retryAfter : config.laterDelay();
        }
        Duration delay = backoff(attempts);
        if (retryAfter != null) {
            Duration honoured = min(retryAfter, config.maxDelay());
            delay = delay.compareTo(honoured) < 0 ? honoured : delay;
        }
        return delay;
    }

    Duration backoff(int attempts) {
        Duration cap = config.initialDelay();
        for (int i = 1; i < attempts && cap.compareTo(config.maxDelay()) < 0; i++) {
            cap = cap.multipliedBy(2);
        }
        cap = min(cap, config.maxDelay());
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap.toMillis() + 1));
    }

    /** Attempts or age ran out: the record is quarantined instead of waiting again. */
    public boolean exhausted(int attempts, Instant firstSeenAt, Instant nextAttemptAt) {
        return attempts >= config.maxAttempts() || tooOld(firstSeenAt, nextAttemptAt);
    }

    /** A record held (not tried) past the age limit is quarantined too. */
    public boolean tooOld(Instant firstSeenAt, Instant nextAttemptAt) {
        return firstSeenAt != null && nextAttemptAt.isAfter(firstSeenAt.plus(config.maxAge()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
