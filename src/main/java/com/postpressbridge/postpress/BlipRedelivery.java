package com.postpressbridge.postpress;

import java.time.Duration;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Processor;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;

import com.postpressbridge.config.OutreachConfig;

/**
 * The quick in-process re-sends of the {@code blip} clause of the error policy (a 503, a connection that never
 * opened), and their count: Camel forgets its own counter once the failure is handled, and every request made
 * counts as an attempt of the record.
 */
public class BlipRedelivery {

    /** Exchange property: requests re-sent in-process for this record. */
    public static final String RESENDS = "outreachResends";
    /** The longest delay before one re-send, however many came before it (the doubling stops there). */
    static final Duration MAX_DELAY = Duration.ofMinutes(1);

    @Produces
    @Singleton
    @Named("blipRedelivery")
    RedeliveryPolicy policy(OutreachConfig config) {
        return new RedeliveryPolicy()
                .maximumRedeliveries(config.retry().blipRedeliveries())
                .redeliveryDelay(config.retry().blipDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(2)
                .maximumRedeliveryDelay(MAX_DELAY.toMillis())
                .retryAttemptedLogLevel(LoggingLevel.DEBUG)
                .logExhausted(false);
    }

    @Produces
    @Singleton
    @Named("countResend")
    Processor countResend() {
        return exchange -> exchange.setProperty(RESENDS, exchange.getProperty(RESENDS, 0, Integer.class) + 1);
    }

    /**
     * The longest a record's pass can take under {@link #policy}: every try its connection and its answer, each up to
     * {@code postpress.timeout} ({@code timeout}), and the delays between the tries ({@code delay}, doubling up to
     * {@link #MAX_DELAY}). The one measure of it: how long the pacing holds an account's slot, how long a graceful stop
     * waits, how far apart the answers of the requests in flight can come.
     */
    public static Duration longestPass(Duration timeout, int redeliveries, Duration delay) {
        Duration delays = Duration.ZERO;
        for (int resend = 0; resend < redeliveries && delay.compareTo(Duration.ZERO) > 0; resend++) {
            Duration next = delay.multipliedBy(1L << resend); // past MAX_DELAY by 2^36 (1 ns of delay), never overflows
            if (next.compareTo(MAX_DELAY) >= 0) {
                delays = delays.plus(MAX_DELAY.multipliedBy(redeliveries - resend)); // and as long for each after it
                break;
            }
            delays = delays.plus(next);
        }
        return timeout.multipliedBy(2 * (redeliveries + 1L)).plus(delays);
    }

    /** Requests made for the record in this pass: the first, and the re-sends. */
    public static int tries(Exchange exchange) {
        return 1 + exchange.getProperty(RESENDS, 0, Integer.class);
    }
}
