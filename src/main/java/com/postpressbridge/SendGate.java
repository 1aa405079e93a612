package com.postpressbridge;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.jboss.logging.Logger;

/**
 * Decides whether a record may be sent now. An account whose answer said it is unusable is paused: its records wait
 * without a request until the pause ends, then one record probes; the others wait for the probe's answer. An API
 * key that postpress refused stops all sending the same way.
 */
@ApplicationScoped
@Named("sendGate")
public class SendGate {

    private static final Logger LOG = Logger.getLogger(SendGate.class);
    private static final String ALL = "";

    /** A pause: until when, why, and the key of the record probing after it, if one is. */
    record Pause(Instant until, OutreachError reason, String probe) {
    }

    private final Map<String, Pause> pauses = new ConcurrentHashMap<>();
    private final OutreachConfig config;
    private final ErrorClassifier classifier;

    public SendGate(OutreachConfig config, ErrorClassifier classifier) {
        this.config = config;
        this.classifier = classifier;
    }

    /** Step of {@code send-chat}: lets the record through, or holds it with a {@link SendingHeldException}. */
    public void admit(@ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        try {
            admitThrough(ALL, item, true);
            admitThrough(item.accountId(), item, false);
        } catch (SendingHeldException held) {
            unanswered(item); // it may have become the probe of one pause while held by the other: it does not go
            throw held;
        }
    }

    private void admitThrough(String scope, OutreachItem item, boolean allSending) {
        Instant now = Instant.now();
        Pause[] held = new Pause[1];
        pauses.computeIfPresent(scope, (s, pause) -> {
            if (now.isBefore(pause.until()) || (pause.probe() != null && !pause.probe().equals(item.key()))) {
                held[0] = pause;
                return pause;
            }
            return new Pause(pause.until(), pause.reason(), item.key()); // this record probes
        });
        if (held[0] != null) {
            Instant until = held[0].until().isAfter(now) ? held[0].until() : now.plus(probeWait());
            throw new SendingHeldException(held[0].reason(), until, allSending);
        }
    }

    /** Error step: the answer says the sending account is unusable. */
    public void pauseAccount(Exchange exchange, @ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        SendFailure failure = classifier.failure(exchange);
        pause(item.accountId(), Instant.now().plus(pauseFor(failure)), failure.error());
    }

    /** A 429 pauses for its Retry-After (capped), a limit hit for the long delay, anything else for the pause. */
    private Duration pauseFor(SendFailure failure) {
        return switch (failure.routing()) {
            case HOLD_ACCOUNT_LONG -> config.retry().laterDelay();
            case RETRY_PAUSE_ACCOUNT -> {
                Duration wait = failure.retryAfter() == null ? config.retry().initialDelay() : failure.retryAfter();
                yield wait.compareTo(config.retry().maxDelay()) > 0 ? config.retry().maxDelay() : wait;
            }
            default -> config.accountPause();
        };
    }

    /** Error step: the API key was refused; nothing is sent until the pause ends and a probe succeeds. */
    public void stopAll(Exchange exchange) {
        SendFailure failure = classifier.failure(exchange);
        pause(ALL, Instant.now().plus(config.accountPause()), failure.error());
        LOG.errorf("postpress refused the API key (%s): all sending stops until %s; records wait in the retry folder."
                + " Check POSTPRESS_API_KEY and its scopes.", failure.error(), pauses.get(ALL).until());
    }

    /** Pauses the account until a given time (a 429 pauses it until the record's next attempt). */
    public void pause(String accountId, Instant until, OutreachError reason) {
        if (accountId == null) {
            return;
        }
        pauses.merge(accountId, new Pause(until, reason, null),
                (old, fresh) -> old.until().isAfter(fresh.until()) ? new Pause(old.until(), fresh.reason(), null) : fresh);
        if (!accountId.equals(ALL)) {
            LOG.warnf("account %s paused until %s: %s", accountId, until, reason);
        }
    }

    /**
     * postpress answered a request of this record and the answer was not about the account or the key: whatever
     * pause the record was probing is over.
     */
    public void answered(OutreachItem item) {
        release(ALL, item);
        release(item.accountId(), item);
    }

    /** No answer came to a probe: let the next record probe instead. */
    public void unanswered(OutreachItem item) {
        for (String scope : new String[] { ALL, item.accountId() }) {
            if (scope != null) {
                pauses.computeIfPresent(scope,
                        (s, pause) -> isProbe(pause, item) ? new Pause(pause.until(), pause.reason(), null) : pause);
            }
        }
    }

    private void release(String scope, OutreachItem item) {
        if (scope != null) {
            pauses.computeIfPresent(scope, (s, pause) -> isProbe(pause, item) ? null : pause);
        }
    }

    private static boolean isProbe(Pause pause, OutreachItem item) {
        return item.key() != null && item.key().equals(pause.probe());
    }

    /** Until when an account (or all sending) is paused, if it is. */
    public Optional<Instant> pausedUntil(String accountId) {
        Instant all = Optional.ofNullable(pauses.get(ALL)).map(Pause::until).orElse(null);
        Instant account = accountId == null ? null : Optional.ofNullable(pauses.get(accountId)).map(Pause::until).orElse(null);
        if (all == null) {
            return Optional.ofNullable(account);
        }
        return Optional.of(account == null || all.isAfter(account) ? all : account);
    }

    /** Why all sending is stopped, when it is. */
    public Optional<Pause> stopped() {
        return Optional.ofNullable(pauses.get(ALL));
    }

    /** Lifts every pause, as a restart does. */
    void clear() {
        pauses.clear();
    }

    private Duration probeWait() {
        return config.retry().scanInterval();
    }
}
