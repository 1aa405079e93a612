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
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.ledger.AccountPaces;
import com.postpressbridge.ledger.AccountPaces.Paced;
import com.postpressbridge.record.OutreachItem;

/**
 * The pacing of sender accounts ({@code outreach.pacing.*}): a step of {@code send-chat} lets a record go when its
 * account has a free slot (and takes it), or makes it wait for the next one ({@link SendingPacedException}); an
 * answer that says the account sent too much slows the account down. {@link PacingPolicy} decides, the account's
 * row in the ledger ({@link AccountPaces}) is where its counters are, taken under its lock.
 */
@ApplicationScoped
@Named("pacing")
public class Pacing {

    /** The property of the send-chat exchange the records' items are in (SendChat.ITEM, not imported: no cycle). */
    static final String ITEM = "outreachItem";

    private final boolean enabled;
    private final OutreachConfig.Pacing config;
    private final AccountPaces paces;
    private final Supplier<Instant> clock;
    private final Map<String, PacingPolicy> policies = new ConcurrentHashMap<>();
    private final PacingPolicy defaults;

    @Inject
    public Pacing(OutreachConfig config, @ConfigProperty(name = "postpress.sandbox") boolean sandbox,
            AccountPaces paces) {
        this(config.pacing(), config.pacing().enabled().orElse(!sandbox), paces, Instant::now);
    }

    public Pacing(OutreachConfig.Pacing config, boolean enabled, AccountPaces paces, Supplier<Instant> clock) {
        this.config = config;
        this.enabled = enabled;
        this.paces = paces;
        this.clock = clock;
        this.defaults = config == null ? null : new PacingPolicy(limits(null));
        if (config != null) {
            for (String account : config.accounts().keySet()) {
                policies.put(account, new PacingPolicy(limits(account)));
            }
        }
    }

    /** No pacing: every record goes when the rest allows. */
    public static Pacing off() {
        return new Pacing(null, false, null, Instant::now);
    }

    public boolean enabled() {
        return enabled;
    }

    /** Step of {@code send-chat}: the record goes now, its account's slot taken, or waits for the next slot. */
    public void admit(@ExchangeProperty(ITEM) OutreachItem item) {
        String account = item.accountId();
        if (!enabled || account == null) {
            item.paced();
            return;
        }
        try {
            PacingPolicy policy = policy(account);
            Instant now = clock.get();
            double random = ThreadLocalRandom.current().nextDouble();
            Instant wait = paces.pace(account, item.order(), (pace, waiting, sending) -> {
                // Records of its file read before it and not paced yet (several are sent at once) go first. Read and
                // passed under the account's lock: the next record of the account sees this one as paced.
                int aheadInFile = item.unpacedAhead();
                PacingPolicy.Verdict verdict = policy.take(pace, waiting + aheadInFile, sending || aheadInFile > 0, now,
                        random);
                item.paced();
                return verdict instanceof PacingPolicy.Wait later ? new Paced<>(later.pace(), later.at())
                        : new Paced<>(((PacingPolicy.Go) verdict).pace(), null);
            });
            if (wait != null) {
                throw new SendingPacedException(account, wait);
            }
        } finally {
            item.paced();
        }
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
        return paces.pace(account, Long.MAX_VALUE, (pace, waiting, sending) -> {
            AccountPaces.Pace slowed = policy.limited(pace, now, retryAfter == null ? null : now.plus(retryAfter));
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
                : "; " + config.accounts().size() + " accounts with their own: " + String.join(", ",
                        config.accounts().keySet()));
    }

    PacingPolicy policy(String account) {
        return policies.getOrDefault(account, defaults);
    }

    private PacingPolicy.Limits limits(String account) {
        OutreachConfig.AccountPacing own = account == null ? null : config.accounts().get(account);
        String prefix = "outreach.pacing.accounts.\"" + account + "\"";
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
            throw account == null ? e : new IllegalArgumentException(prefix + ": " + e.getMessage(), e);
        }
    }

    private static ZoneId zone(String zone) {
        try {
            return ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("outreach.pacing.timezone '" + zone + "' is not a time zone; use a name such as"
                    + " Europe/Berlin or America/New_York, or UTC");
        }
    }
}
