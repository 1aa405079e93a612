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

    @Produces
    @Singleton
    @Named("blipRedelivery")
    RedeliveryPolicy policy(OutreachConfig config) {
        return new RedeliveryPolicy()
                .maximumRedeliveries(config.retry().blipRedeliveries())
                .redeliveryDelay(config.retry().blipDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(2)
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
     * The longest a record's pass can take under {@link #policy}: every try the whole timeout, and the delays between
     * them ({@code delay}, doubling: {@code delay × (2^redeliveries − 1)} in all).
     */
    public static Duration longestPass(Duration timeout, int redeliveries, Duration delay) {
        int capped = Math.min(redeliveries, 30);
        return timeout.multipliedBy(capped + 1L).plus(delay.multipliedBy((1L << capped) - 1));
    }

    /** Requests made for the record in this pass: the first, and the re-sends. */
    public static int tries(Exchange exchange) {
        return 1 + exchange.getProperty(RESENDS, 0, Integer.class);
    }
}
