package com.postpressbridge.pacing;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

import com.postpressbridge.ledger.AccountPaces;
import com.postpressbridge.ledger.AccountPaces.Pace;

/**
 * Whether an account may send now, and if not, when: its caps a day and a week (in its time zone), the least gap
 * between two of its sends (stretched by a random factor, so that the sends do not come like a clock), its sending
 * window, and what postpress taught it (an account that was told it sent too much stops for the day, and uses a
 * smaller share of its caps for a while).
 *
 * <p>Pure: the time and the random number are the caller's. {@code PacingPolicyTest} checks it.
 */
public final class PacingPolicy {

    /** How much of its caps an account gets back each day after postpress said it sent too much. */
    static final double RECOVERY_PER_DAY = 0.1;
    /** The least share of its caps an account keeps, however often it is told it sent too much. */
    static final double LEAST_ALLOWANCE = 0.2;

    /** An account's pacing settings: {@code outreach.pacing.*}, with the account's own overrides. */
    public record Limits(int perDay, int perWeek, Duration minInterval, double jitter, SendingWindow window,
            ZoneId zone) {

        public Limits {
            if (perDay < 1 || perWeek < 1) {
                throw new IllegalArgumentException("outreach.pacing.per-day and per-week must be at least 1 (" + perDay
                        + ", " + perWeek + "); to stop an account, take its records out of the inbox");
            }
            if (minInterval.isNegative()) {
                throw new IllegalArgumentException("outreach.pacing.min-interval must not be negative: " + minInterval);
            }
            if (!(jitter >= 0 && jitter <= 10)) {
                throw new IllegalArgumentException("outreach.pacing.jitter must be between 0 and 10: " + jitter);
            }
        }

        @Override
        public String toString() {
            return perDay + "/day, " + perWeek + "/week, " + minInterval.toSeconds() + "s apart (+ up to "
                    + Math.round(jitter * 100) + "%), " + window + " " + zone;
        }
    }

    /** The answer: send now (and keep {@code pace}), or wait until {@code at}. */
    public sealed interface Verdict {
    }

    /** Send now; {@code pace} counts the send and holds the next slot. */
    public record Go(Pace pace) implements Verdict {
    }

    /** Not now: the account's next free slot. */
    public record Wait(Instant at, Pace pace) implements Verdict {
    }

    private final Limits limits;
    private final Duration longestRequest;

    /**
     * @param longestRequest the longest a record's request (with its quick re-sends) can take: the next slot is held
     *                       that long at most while it is on its way
     */
    public PacingPolicy(Limits limits, Duration longestRequest) {
        this.limits = limits;
        this.longestRequest = longestRequest;
    }

    public Limits limits() {
        return limits;
    }

    /**
     * @param ahead  the account's records read before this one that have not gone yet: how many wait for a slot (this
     *               one goes after them), whether one is on its way (it may not have taken its slot yet: this one waits
     *               for it), when the last of them that is scheduled is due
     * @param random in [0, 1): where the gap to the next send falls between min-interval and its jittered top
     */
    public Verdict take(Pace pace, AccountPaces.Ahead ahead, Instant now, double random) {
        if (!(random >= 0 && random < 1)) {
            throw new IllegalArgumentException("random must be in [0, 1): " + random);
        }
        Pace current = rolledOver(pace, now);
        Instant earliest = later(now, Instant.ofEpochMilli(Math.max(current.nextSlotAt(), current.blockedUntil())));
        if (ahead.waiting() == 0 && !ahead.sending() && earliest.equals(now) && current.sendingUntil() <= now.toEpochMilli()
                && limits.window().isOpen(now, limits.zone())
                && current.sentToday() < perDay(current) && current.sentThisWeek() < perWeek(current)) {
            return new Go(sent(current, now, random).withSendingUntil(now.plus(longestRequest).toEpochMilli()));
        }
        // The records ahead go first, each in the next slot (at min-interval, the least gap): this one after them,
        // and not before the last of them that is scheduled (it may have been scheduled under other settings).
        Instant at = nextSlot(current, earliest);
        Pace virtual = current;
        for (int i = 0; i < ahead.waiting(); i++) {
            virtual = sent(rolledOver(virtual, at), at, 0);
            at = nextSlot(virtual, Instant.ofEpochMilli(virtual.nextSlotAt()));
        }
        if (ahead.lastDueAt() > 0) {
            at = nextSlot(virtual, later(at, Instant.ofEpochMilli(ahead.lastDueAt()).plus(limits.minInterval())));
        }
        return new Wait(at, current);
    }

    /** The pace after a send at {@code at}: counted, and its next slot a jittered gap later. */
    private Pace sent(Pace pace, Instant at, double random) {
        long gap = (long) (limits.minInterval().toMillis() * (1 + limits.jitter() * random));
        return pace.counted(at.toEpochMilli() + gap);
    }

    /**
     * The request of a record that went at {@code wentAt} ended at {@code end} (answered or not): the next slot is at
     * least its gap after the end, so that postpress never sees two sends of the account closer than that, however
     * long the first took; the hold of the slot while it was on its way ends.
     *
     * @param went the pace its {@link Go} kept
     */
    public Pace ended(Pace pace, Pace went, Instant wentAt, Instant end) {
        long gap = went.nextSlotAt() - wentAt.toEpochMilli();
        boolean ours = pace.sendingUntil() == went.sendingUntil();
        return pace.withNextSlotAt(Math.max(pace.nextSlotAt(), end.toEpochMilli() + gap))
                .withSendingUntil(ours ? 0 : pace.sendingUntil());
    }

    /**
     * postpress said the account sent too much ({@code limit_exceeded}, {@code too_many_requests}): it sends nothing
     * more until its window opens on a later day, or until {@code retryAfter} if that is later, and uses half the
     * share of its caps it had (never less than {@link #LEAST_ALLOWANCE}).
     */
    public Pace limited(Pace pace, Instant now, Instant retryAfter) {
        Pace current = rolledOver(pace, now);
        LocalDate tomorrow = day(now).plusDays(1);
        Instant nextWindow = limits.window().nextOpen(tomorrow.atStartOfDay(limits.zone()).toInstant(), limits.zone());
        Instant until = later(nextWindow, retryAfter);
        until = later(until, Instant.ofEpochMilli(current.blockedUntil()));
        return current.blocked(until.toEpochMilli(), Math.max(LEAST_ALLOWANCE, current.allowance() / 2));
    }

    /** The account's caps today and this week, as its allowance has them. */
    public int perDay(Pace pace) {
        return Math.max(1, (int) Math.floor(limits.perDay() * pace.allowance()));
    }

    public int perWeek(Pace pace) {
        return Math.max(1, (int) Math.floor(limits.perWeek() * pace.allowance()));
    }

    /** The pace as of {@code now}: a new day (or week) starts its count at zero and gives back some allowance. */
    Pace rolledOver(Pace pace, Instant now) {
        LocalDate today = day(now);
        String day = today.toString();
        String week = monday(today).toString();
        if (day.equals(pace.day()) && week.equals(pace.week())) {
            return pace;
        }
        double allowance = pace.allowance();
        if (allowance < 1 && !pace.day().isEmpty() && !day.equals(pace.day())) {
            long days = Math.max(1, ChronoUnit.DAYS.between(LocalDate.parse(pace.day()), today));
            allowance = Math.min(1, allowance + RECOVERY_PER_DAY * days);
        }
        return new Pace(day, day.equals(pace.day()) ? pace.sentToday() : 0, week,
                week.equals(pace.week()) ? pace.sentThisWeek() : 0, pace.nextSlotAt(), pace.blockedUntil(),
                pace.sendingUntil(), allowance);
    }

    /**
     * The first moment at or after {@code from} that is in the window and on a day and in a week whose caps are not
     * reached yet (counting only what the account has sent: a slot taken later is taken when it comes).
     */
    Instant nextSlot(Pace pace, Instant from) {
        Instant at = from;
        for (int step = 0; step < 1000; step++) {
            at = limits.window().nextOpen(at, limits.zone());
            LocalDate day = day(at);
            boolean today = day.toString().equals(pace.day());
            boolean thisWeek = monday(day).toString().equals(pace.week());
            if (thisWeek && pace.sentThisWeek() >= perWeek(pace)) {
                at = monday(day).plusWeeks(1).atStartOfDay(limits.zone()).toInstant();
            } else if (today && pace.sentToday() >= perDay(pace)) {
                at = day.plusDays(1).atStartOfDay(limits.zone()).toInstant();
            } else {
                return at;
            }
        }
        throw new IllegalStateException("no sending slot found after " + from + " for " + limits);
    }

    private LocalDate day(Instant at) {
        return at.atZone(limits.zone()).toLocalDate();
    }

    private static LocalDate monday(LocalDate day) {
        return day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    private static Instant later(Instant a, Instant b) {
        return b == null || a.isAfter(b) ? a : b;
    }
}
