package com.postpressbridge.pacing;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;

import org.jboss.logging.Logger;

import com.postpressbridge.config.BadSetting;
import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.config.PostpressConfig;
import com.postpressbridge.ledger.AccountPaces;
import com.postpressbridge.ledger.AccountPaces.Pace;
import com.postpressbridge.ledger.AccountPaces.Paced;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.inbox.InboxFiles;
import com.postpressbridge.record.FileRun;
import com.postpressbridge.postpress.BlipRedelivery;
import com.postpressbridge.postpress.SendChat;
import com.postpressbridge.postpress.SendingPacedException;
import com.postpressbridge.record.OutreachItem;

/**
 * The pacing of sender accounts ({@code outreach.pacing.*}): a step of {@code send-chat} lets a record go when its
 * account has a free slot (and takes it), or makes it wait for the next one ({@link SendingPacedException}); the end
 * of its request sets the account's next slot from then; an answer that says the account sent too much slows the
 * account down. {@link PacingPolicy} decides; the account's row in the ledger ({@link AccountPaces}) holds its
 * counters, changed under its lock.
 */
@ApplicationScoped
@Named("pacing")
public class Pacing {

    /** A record that took its account's slot: when, and the pace it left (what the end of its request goes from). */
    private record Went(String account, Instant at, Pace pace) {
    }

    /** The decision on a record, and the time it was made (under the account's lock). */
    private record Taken(PacingPolicy.Verdict verdict, Instant at) {
    }

    private static final Logger LOG = Logger.getLogger(Pacing.class);

    private final boolean enabled;
    private final OutreachConfig.Pacing config;
    private final AccountPaces paces;
    private final Supplier<Instant> clock;
    private final Duration longestRequest;
    private final Duration unreadableWait;
    private final Map<String, PacingPolicy> policies = new ConcurrentHashMap<>();
    private final PacingPolicy defaults;
    /** Records whose request is on its way, by identity. */
    private final Map<OutreachItem, Went> sending = new ConcurrentHashMap<>();

    @Inject
    public Pacing(OutreachConfig outreach, PostpressConfig postpress, AccountPaces paces) {
        this(outreach.pacing(), outreach.pacing().enabled().orElse(!postpress.sandbox()), paces, Instant::now,
                BlipRedelivery.longestPass(postpress.timeout(), outreach.retry().blipRedeliveries(),
                        outreach.retry().blipDelay()), outreach.retry().scanInterval());
    }

    /**
     * @param longestRequest the longest a record's pass can take: its account's slot is held that long at most
     * @param unreadableWait how long a record waits when its account's pace cannot be read (the ledger failed)
     */
    public Pacing(OutreachConfig.Pacing config, boolean enabled, AccountPaces paces, Supplier<Instant> clock,
            Duration longestRequest, Duration unreadableWait) {
        this.unreadableWait = unreadableWait;
        this.config = config;
        this.enabled = enabled;
        this.paces = paces;
        this.clock = clock;
        this.longestRequest = longestRequest;
        this.defaults = config == null ? null : new PacingPolicy(limits(null), longestRequest);
        if (config != null) {
            for (String account : config.accounts().keySet()) {
                policies.put(account, new PacingPolicy(limits(account), longestRequest));
            }
        }
    }

    /** No pacing: every record goes when the rest allows. */
    public static Pacing off() {
        return new Pacing(null, false, null, Instant::now, Duration.ZERO, Duration.ZERO);
    }

    public boolean enabled() {
        return enabled;
    }

    /** Step of {@code file-intake}: with pacing, the file's records of an account go in file order. */
    public void keepOrder(@ExchangeProperty(InboxFiles.RUN) FileRun run) {
        if (enabled && run != null) {
            run.keepAccountOrder();
        }
    }

    /** Step of {@code send-chat}: the record goes now, its account's slot taken, or waits for the next slot. */
    public void admit(@ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        String account = item.accountId();
        try {
            if (!enabled || account == null) {
                return;
            }
            PacingPolicy policy = policy(account);
            double random = ThreadLocalRandom.current().nextDouble();
            Taken taken;
            try {
                taken = paces.pace(account, item.order(), item.key(), (pace, ahead) -> {
                    // Records of its file read before it and not paced yet (several are sent at once) go first. Read
                    // and passed under the account's lock, as is the time: the next record of the account sees this
                    // one as paced, and its decision as made.
                    int aheadInFile = item.unpacedAhead();
                    Instant now = clock.get();
                    PacingPolicy.Verdict verdict = policy.take(pace, new AccountPaces.Ahead(ahead.waiting()
                            + aheadInFile, ahead.sending() || aheadInFile > 0, ahead.lastDueAt()), now, random);
                    item.paced();
                    return verdict instanceof PacingPolicy.Wait wait
                            ? new Paced<>(wait.pace(), new Taken(verdict, now), wait.at().toEpochMilli())
                            : new Paced<>(((PacingPolicy.Go) verdict).pace(), new Taken(verdict, now));
                });
            } catch (Ledger.LedgerException e) {
                // Claimed, and the account's pace unknown: it must not go, and must not stay claimed either.
                Instant later = clock.get().plus(unreadableWait);
                LOG.warnf("the pacing of account %s cannot be read (%s): record %s waits until %s", account,
                        e.getMessage(), item, later);
                throw new SendingPacedException(account, later);
            }
            if (taken.verdict() instanceof PacingPolicy.Wait wait) {
                throw new SendingPacedException(account, wait.at());
            }
            sending.put(item, new Went(account, taken.at(), ((PacingPolicy.Go) taken.verdict()).pace()));
        } finally {
            item.paced(); // whatever happened, the file's later records of the account no longer wait for this one
        }
    }

    /**
     * The record's pass ended (answered, or not): if it took its account's slot, the account's next slot is counted
     * from now, and the slot is no longer held for its request.
     */
    public void ended(OutreachItem item) {
        Went went = sending.remove(item);
        if (went == null) {
            return;
        }
        PacingPolicy policy = policy(went.account());
        Instant end = clock.get();
        paces.pace(went.account(), AccountPaces.ANY_ORDER,
                (pace, ahead) -> new Paced<>(policy.ended(pace, went.pace(), went.at(), end), null));
    }

    /**
     * postpress said the account sent too much ({@code limit_exceeded}, {@code too_many_requests}): it stops until
     * its window opens on a later day (or Retry-After, if later), and uses a smaller share of its caps for a while.
     *
     * @return until when the account sends nothing, or null when pacing is off
     */
    public Instant limited(String account, Duration retryAfter) {
        if (!enabled || account == null) {
            return null;
        }
        PacingPolicy policy = policy(account);
        Instant now = clock.get();
        return paces.pace(account, AccountPaces.ANY_ORDER, (pace, ahead) -> {
            Pace slowed = policy.limited(pace, now, retryAfter == null ? null : now.plus(retryAfter));
            return new Paced<>(slowed, Instant.ofEpochMilli(slowed.blockedUntil()));
        });
    }

    /** The pacing in force, in one line (start-up logs it). */
    public String describe() {
        if (!enabled) {
            return "pacing off (outreach.pacing.enabled=false" + (config == null || config.enabled().isPresent() ? ")"
                    : ", the default against the sandbox)");
        }
        return "pacing per account: " + defaults.limits() + (config.accounts().isEmpty() ? ""
                : "; accounts with their own settings: " + String.join(", ", config.accounts().keySet()));
    }

    /** The policy of an account: its own settings, or the defaults. */
    public PacingPolicy policy(String account) {
        return policies.getOrDefault(account, defaults);
    }

    private PacingPolicy.Limits limits(String account) {
        OutreachConfig.AccountPacing own = account == null ? null : config.accounts().get(account);
        String window = own == null ? config.window() : own.window().orElse(config.window());
        String zone = own == null ? config.timezone() : own.timezone().orElse(config.timezone());
        try {
            return new PacingPolicy.Limits(
                    own == null ? config.perDay() : own.perDay().orElse(config.perDay()),
                    own == null ? config.perWeek() : own.perWeek().orElse(config.perWeek()),
                    own == null ? config.minInterval() : own.minInterval().orElse(config.minInterval()),
                    own == null ? config.jitter() : own.jitter().orElse(config.jitter()),
                    SendingWindow.parse(window), zone(zone));
        } catch (IllegalArgumentException e) {
            throw new BadSetting(account == null ? e.getMessage()
                    : "outreach.pacing.accounts.\"" + account + "\": " + e.getMessage());
        }
    }

    private static ZoneId zone(String zone) {
        try {
            return ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("outreach.pacing.timezone '" + zone + "' is not a time zone; use a name"
                    + " such as Europe/Berlin or America/New_York, or UTC");
        }
    }
}
