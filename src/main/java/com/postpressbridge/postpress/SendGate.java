package com.postpressbridge.postpress;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.ExchangeProperty;
import org.jboss.logging.Logger;

import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.config.PostpressConfig;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.record.OutreachError;
import com.postpressbridge.record.OutreachItem;

import io.quarkus.scheduler.Scheduled;

/**
 * The pauses and their probes, kept in the ledger (so that every instance, and the next start, sees the same
 * pause). An account whose answer said it is unusable is paused: its records wait without a request until the pause
 * ends, then one record probes; the others wait for the probe's answer. An API key that postpress refused stops all
 * sending the same way. How long a pause lasts is {@link OutcomePolicy}'s call; this class only keeps them, and
 * {@code Outcomes} tells it what each answer proved.
 *
 * <p>The ledger is asked only for a record whose account (or all sending) is paused: a copy of the pauses, renewed
 * after each change made here and every second, lets every other record through without a query.
 */
@ApplicationScoped
@Named("sendGate")
public class SendGate {

    private static final Logger LOG = Logger.getLogger(SendGate.class);
    private static final String ALL = Ledger.ALL_SENDING;

    /** A pause: until when, why, and the key of the record probing after it, if one is. */
    public record Pause(Instant until, OutreachError reason, String probe) {
    }

    private final Ledger ledger;
    private final ObjectMapper json;
    private volatile Map<String, Pause> pauses = Map.of();

    private final Duration answersWithin;

    @Inject
    public SendGate(Ledger ledger, ObjectMapper json, PostpressConfig postpress, OutreachConfig outreach) {
        this(ledger, json, answersWithin(postpress, outreach));
    }

    /**
     * @param answersWithin how far apart the answers of the requests in flight can come: a stop-all's records refused
     *     while in flight wait until up to that long before its end ({@link #restarted})
     */
    public SendGate(Ledger ledger, ObjectMapper json, Duration answersWithin) {
        this.ledger = ledger;
        this.json = json;
        this.answersWithin = answersWithin;
    }

    /**
     * The longest a record's pass can take ({@link BlipRedelivery#longestPass}), plus the second another replica's
     * copy of the pauses can be old, and a margin.
     */
    static Duration answersWithin(PostpressConfig postpress, OutreachConfig outreach) {
        return BlipRedelivery.longestPass(postpress.timeout(), outreach.retry().blipRedeliveries(),
                outreach.retry().blipDelay()).plusSeconds(1 + 5);
    }

    /** Step of {@code send-chat}: lets the record through, or holds it with a {@link SendingHeldException}. */
    public void admit(@ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        try {
            admitThrough(ALL, item, true);
            admitThrough(item.accountId(), item, false);
        } catch (SendingHeldException held) {
            try {
                unanswered(item); // it may have become the probe of one pause while held by the other: it does not go
            } catch (Ledger.LedgerException e) {
                // the pause keeps it as its probe: its next try goes through as the probe again, or, once it has
                // left SENDING a while (Ledger.STALE_PROBE), the next record probes
                LOG.debugf("record %s stays the probe of its pause: %s", item, e.getMessage());
            }
            throw held;
        }
    }

    private void admitThrough(String scope, OutreachItem item, boolean allSending) {
        if (scope == null || !pauses.containsKey(scope)) {
            return;
        }
        Optional<Ledger.Hold> held;
        try {
            held = ledger.admit(scope, item.key(), System.currentTimeMillis());
        } catch (Ledger.LedgerException e) {
            // Claimed, and whether the pause lets it through unknown: it must not go, and must not stay claimed with
            // nothing to decide its outcome either. It is held as by the pause (its next try asks again).
            OutreachError reason = Optional.ofNullable(pauses.get(scope)).map(Pause::reason).orElseGet(() ->
                    OutreachError.local("ledger_unavailable", "The ledger could not be read", e.getMessage()));
            LOG.warnf("whether the pause of %s lets record %s through cannot be read (%s): it waits for its next try",
                    scope.equals(ALL) ? "all sending" : "account " + scope, item, e.getMessage());
            throw new SendingHeldException(reason, Instant.now(), allSending);
        }
        refresh();
        if (held.isPresent()) {
            Pause pause = pause(held.get());
            throw new SendingHeldException(pause.reason(), pause.until(), allSending);
        }
        // Let through a paused scope: this record probes it (or the pause was lifted meanwhile; releasing is harmless).
        item.probing().add(scope);
    }

    /**
     * postpress refused the API key: nothing is sent until the pause ends and a probe is answered. Said once a stop,
     * as the ledger tells (no stop running before this one, in any replica): the other requests in flight, refused
     * too, extend it without a line each.
     */
    public void stopAll(Instant until, OutreachError reason) {
        Long before = hold(ALL, until, reason);
        Instant end = Optional.ofNullable(pauses.get(ALL)).map(Pause::until).orElse(until);
        if (before != null && before > System.currentTimeMillis()) {
            LOG.debugf("postpress refused the API key again (%s): all sending stays stopped until %s", reason, end);
            return;
        }
        LOG.errorf("postpress refused the API key (%s): all sending stops until %s; records wait in the retry folder."
                + " Check POSTPRESS_API_KEY and its scopes.", reason, end);
    }

    /** Pauses the account until a given time; a pause that already lasts longer keeps its end. Nobody probes it yet. */
    public void pause(String accountId, Instant until, OutreachError reason) {
        if (accountId == null) {
            return;
        }
        hold(accountId, until, reason);
        if (!accountId.equals(ALL)) {
            LOG.warnf("account %s paused until %s: %s", accountId, until, reason);
        }
    }

    /** The pause in the ledger, and this process's copy of the pauses read again: the end it replaced, or null. */
    private Long hold(String scope, Instant until, OutreachError reason) {
        Long before = ledger.hold(scope, until.toEpochMilli(), reason.toJson().toString());
        refresh();
        return before;
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
            if (scope != null && item.probing().remove(scope)) {
                ledger.unprobe(scope, item.key());
                refresh();
            }
        }
    }

    /**
     * Whether this record probes the scope is its own knowledge (set when it was let through), not the copy of the
     * pauses, which another thread may have renewed from an older read: a probe is never left unreleased.
     */
    private void release(String scope, OutreachItem item) {
        if (scope != null && item.probing().remove(scope)) {
            ledger.release(scope, item.key());
            refresh();
        }
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

    /** The pauses by scope (an account id, or {@link Ledger#ALL_SENDING}), as this process last read them. */
    public Map<String, Pause> pauses() {
        return pauses;
    }

    /** How many scopes are paused (accounts, and all sending), as this process last read them. */
    public int heldScopes() {
        return pauses.size();
    }

    /** Lifts every pause. */
    public void clear() {
        ledger.lift(null);
        refresh();
    }

    /**
     * At start-up: a stop-all pause goes, since the API key may have been fixed with the restart (the first answer
     * tells); the pauses of accounts stay, without the probes the stopped process had let through.
     */
    public void restarted() {
        int due = ledger.liftStopAll(System.currentTimeMillis(), answersWithin.toMillis());
        if (due > 0) {
            LOG.infof("all sending was stopped for the API key before this start: %d records that waited for that are"
                    + " due now (the first answer tells whether the key works)", due);
        }
        ledger.unprobeAll(); // a probe of the process that stopped will never be answered
        refresh();
    }

    /** Reads the pauses again: another instance may have paused an account, or ended a pause. */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public void refresh() {
        try {
            pauses = ledger.holds().stream().collect(Collectors.toUnmodifiableMap(Ledger.Hold::scope, this::pause,
                    (a, b) -> a));
        } catch (Ledger.LedgerException e) {
            LOG.debugf("pauses not read again: %s", e.getMessage());
        }
    }

    private Pause pause(Ledger.Hold hold) {
        OutreachError reason;
        try {
            reason = OutreachError.fromJson(json.readTree(hold.reason()));
        } catch (IOException e) {
            reason = OutreachError.local("paused", "Paused", hold.reason());
        }
        return new Pause(Instant.ofEpochMilli(hold.until()), reason, hold.probe());
    }
}
