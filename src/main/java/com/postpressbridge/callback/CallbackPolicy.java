package com.postpressbridge.callback;

import java.time.Duration;
import java.time.Instant;

import com.postpressbridge.postpress.SendFailure;

/**
 * What follows a delivery attempt of a callback event: a pure function of the receiver's answer (or its absence), the
 * attempts so far and the time. A 2xx delivers; 408, 429, 5xx, a redirect and no answer at all try again later
 * (Retry-After when given, else a doubling back-off, both capped); any other 4xx is a refusal for good.
 */
public final class CallbackPolicy {

    private static final Duration FIRST_DELAY = Duration.ofSeconds(1);

    /** What the attempt leads to. */
    public sealed interface Next {
    }

    public record Delivered() implements Next {
    }

    public record Again(Instant at) implements Next {
    }

    public record Refused() implements Next {
    }

    private final Duration maxDelay;

    public CallbackPolicy(Duration maxDelay) {
        this.maxDelay = maxDelay;
    }

    /**
     * @param status the receiver's HTTP status, or null when no answer came (connection refused, timeout)
     * @param retryAfter its Retry-After header, or null
     * @param attempts the attempts made, this one included (1 for the first)
     * @param jitter a number in [0, 1): spreads the retries of many events over half a delay more
     */
    public Next decide(Integer status, String retryAfter, int attempts, Instant now, double jitter) {
        if (status != null && status >= 200 && status < 300) {
            return new Delivered();
        }
        if (status != null && status >= 400 && status < 500 && status != 408 && status != 429) {
            return new Refused();
        }
        Duration asked = status == null ? null : SendFailure.parseRetryAfter(retryAfter, now);
        if (asked != null) {
            return new Again(now.plus(min(asked, maxDelay)));
        }
        Duration backOff = FIRST_DELAY.multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 30));
        long millis = min(backOff, maxDelay).toMillis();
        return new Again(now.plusMillis(Math.min(millis + (long) (millis * 0.5 * jitter), maxDelay.toMillis())));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
