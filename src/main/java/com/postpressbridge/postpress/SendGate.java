package com.postpressbridge.postpress;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;
import org.jboss.logging.Logger;

import com.postpressbridge.record.OutreachError;
import com.postpressbridge.record.OutreachItem;

/**
 * The pauses and their probes. An account whose answer said it is unusable is paused: its records wait without a
 * request until the pause ends, then one record probes; the others wait for the probe's answer. An API key that
 * postpress refused stops all sending the same way. How long a pause lasts is {@link OutcomePolicy}'s call; this
 * class only keeps them, and {@link Outcomes} tells it what each answer proved.
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
        if (scope == null) {
            return;
        }
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
            throw new SendingHeldException(held[0].reason(), held[0].until(), allSending);
        }
    }

    /** postpress refused the API key: nothing is sent until the pause ends and a probe is answered. */
    public void stopAll(Instant until, OutreachError reason) {
        pause(ALL, until, reason);
        LOG.errorf("postpress refused the API key (%s): all sending stops until %s; records wait in the retry folder."
                + " Check POSTPRESS_API_KEY and its scopes.", reason, pauses.get(ALL).until());
    }

    /** Pauses the account until a given time; a pause that already lasts longer keeps its end. Nobody probes it yet. */
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

    /** postpress answered this record's request, so the API key works: the stop-all pause it probed is over. */
    public void keyWorks(OutreachItem item) {
        release(ALL, item);
    }

    /** postpress answered this record's request, and not about its account: the account pause it probed is over. */
    public void accountWorks(OutreachItem item) {
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
    public void clear() {
        pauses.clear();
    }
}
