package com.postpressbridge.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.postpressbridge.ledger.AccountPaces.Ahead;
import com.postpressbridge.ledger.AccountPaces.Pace;
import com.postpressbridge.pacing.PacingPolicy.Go;
import com.postpressbridge.pacing.PacingPolicy.Verdict;
import com.postpressbridge.pacing.PacingPolicy.Wait;

class PacingPolicyTest {

    /** A Thursday, 10:00 UTC. */
    private static final Instant THURSDAY = Instant.parse("2026-11-26T10:00:00Z");
    /** The longest a request can take: the slot is held that long at most while one is on its way. */
    private static final Duration LONGEST = Duration.ofSeconds(100);

    private static PacingPolicy policy(int perDay, int perWeek, String window, String zone) {
        return new PacingPolicy(new PacingPolicy.Limits(perDay, perWeek, Duration.ofSeconds(90), 0.5,
                SendingWindow.parse(window), ZoneId.of(zone)), LONGEST);
    }

    /** The pace after a Go at {@code at} whose request ended at once. */
    private static Pace sentAndEnded(PacingPolicy policy, Pace pace, Instant at) {
        Pace went = go(policy.take(pace, new Ahead(0, false, 0), at, 0));
        return policy.ended(went, went, at, at);
    }

    private static Pace go(Verdict verdict) {
        return assertInstanceOf(Go.class, verdict).pace();
    }

    private static Instant waitUntil(Verdict verdict) {
        return assertInstanceOf(Wait.class, verdict).at();
    }

    @Test
    void aFreshAccountSendsAndItsNextSlotIsMinIntervalTimesTheJitteredFactor() {
        PacingPolicy policy = policy(80, 200, "always", "UTC");
        Pace low = go(policy.take(Pace.FRESH, new Ahead(0, false, 0), THURSDAY, 0));
        Pace high = go(policy.take(Pace.FRESH, new Ahead(0, false, 0), THURSDAY, 0.999999));
        assertEquals(THURSDAY.plusSeconds(90).toEpochMilli(), low.nextSlotAt());
        assertTrue(high.nextSlotAt() <= THURSDAY.plusSeconds(135).toEpochMilli()
                && high.nextSlotAt() > THURSDAY.plusSeconds(134).toEpochMilli(), "gap in [90 s, 135 s]: " + high);
        assertEquals(new Pace("2026-11-26", 1, "2026-11-23", 1, low.nextSlotAt(), 0,
                THURSDAY.plus(LONGEST).toEpochMilli(), 1.0), low);
        assertEquals(THURSDAY.plusSeconds(90), waitUntil(policy.take(low, new Ahead(0, false, 0), THURSDAY.plusSeconds(1), 0.3)));
    }

    @Test
    void jitterStaysWithinItsBounds() {
        PacingPolicy policy = policy(80, 200, "always", "UTC");
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 10_000; i++) {
            long gap = go(policy.take(Pace.FRESH, new Ahead(0, false, 0), THURSDAY, random.nextDouble())).nextSlotAt()
                    - THURSDAY.toEpochMilli();
            assertTrue(gap >= 90_000 && gap <= 135_000, "gap " + gap);
        }
        assertThrows(IllegalArgumentException.class, () -> policy.take(Pace.FRESH, new Ahead(0, false, 0), THURSDAY, 1.0));
    }

    @Test
    void aFullDayWaitsForTheNextWindowAndAFullWeekForNextMonday() {
        PacingPolicy policy = policy(2, 3, "Mon-Fri 08:30-18:30", "UTC");
        Pace pace = Pace.FRESH;
        Instant now = THURSDAY;
        pace = sentAndEnded(policy, pace, now);
        now = now.plusSeconds(90);
        pace = sentAndEnded(policy, pace, now);
        now = now.plusSeconds(90);
        assertEquals(Instant.parse("2026-11-27T08:30:00Z"), waitUntil(policy.take(pace, new Ahead(0, false, 0), now, 0)));
        now = Instant.parse("2026-11-27T08:30:00Z");
        pace = sentAndEnded(policy, pace, now); // Friday: the third of the week
        assertEquals(1, pace.sentToday());
        assertEquals(3, pace.sentThisWeek());
        assertEquals(Instant.parse("2026-11-30T08:30:00Z"), waitUntil(policy.take(pace, new Ahead(0, false, 0), now.plusSeconds(600), 0)));
        pace = go(policy.take(pace, new Ahead(0, false, 0), Instant.parse("2026-11-30T08:30:00Z"), 0));
        assertEquals(Instant.parse("2026-11-30T08:31:30Z").toEpochMilli(), pace.nextSlotAt());
        assertEquals(1, pace.sentToday());
        assertEquals("2026-11-30", pace.week());
    }

    @ParameterizedTest(name = "{0}: a full Saturday in {1} waits until {2}")
    @CsvSource({
            "UTC, 2026-11-28T12:00:00Z, 2026-11-29T00:00:00Z",
            // Days are counted in the account's zone: 23:30Z on Saturday is Sunday 00:30 in Berlin already, so the
            // next day is Monday 00:00 Berlin (not Sunday 00:00Z, half an hour later)
            "Europe/Berlin, 2026-11-28T23:30:00Z, 2026-11-29T23:00:00Z",
    })
    void daysAreCountedInTheAccountsZone(String zone, Instant firstSend, Instant next) {
        PacingPolicy policy = policy(1, 10, "always", zone);
        Pace pace = sentAndEnded(policy, Pace.FRESH, firstSend);
        assertEquals(next, waitUntil(policy.take(pace, new Ahead(0, false, 0), firstSend.plusSeconds(1800), 0)));
    }

    @Test
    void aDayAcrossTheDaylightSavingChangeIsCountedAsOneDay() {
        // 2026-10-25 in Berlin has 25 hours: its sends are one day's count; the next day starts at 23:00Z
        PacingPolicy policy = policy(2, 10, "always", "Europe/Berlin");
        Instant morning = Instant.parse("2026-10-24T22:30:00Z"); // 00:30 CEST on the 25th
        Pace pace = sentAndEnded(policy, Pace.FRESH, morning);
        pace = sentAndEnded(policy, pace, Instant.parse("2026-10-25T20:00:00Z")); // 21:00 CET, same day
        assertEquals("2026-10-25", pace.day());
        assertEquals(Instant.parse("2026-10-25T23:00:00Z"),
                waitUntil(policy.take(pace, new Ahead(0, false, 0), Instant.parse("2026-10-25T21:00:00Z"), 0)));
    }

    @Test
    void outsideTheWindowARecordWaitsForItToOpen() {
        PacingPolicy policy = policy(80, 200, "Mon-Fri 08:30-18:30", "America/New_York");
        // Thursday 10:00Z is 05:00 in New York
        assertEquals(Instant.parse("2026-11-26T13:30:00Z"), waitUntil(policy.take(Pace.FRESH, new Ahead(0, false, 0), THURSDAY, 0)));
    }

    @Test
    void aRecordReadAfterOthersThatWaitGoesAfterThemInTheSlotsTheyLeave() {
        PacingPolicy policy = policy(3, 200, "always", "UTC");
        // a fresh account, two records ahead: they take now and now + 90 s; this one the slot after
        assertEquals(THURSDAY.plusSeconds(180), waitUntil(policy.take(Pace.FRESH, new Ahead(2, false, 0), THURSDAY, 0)));
        // three ahead: the day's cap (3) is theirs; this one goes when the next day starts
        assertEquals(Instant.parse("2026-11-27T00:00:00Z"), waitUntil(policy.take(Pace.FRESH, new Ahead(3, false, 0), THURSDAY, 0)));
        // one ahead is being sent (it may not have its slot yet): this one waits for it, and may go once it has
        assertEquals(THURSDAY, waitUntil(policy.take(Pace.FRESH, new Ahead(0, true, 0), THURSDAY, 0)));
        // the last one ahead was scheduled for later (under other settings): this one goes after it
        Instant later = Instant.parse("2026-11-28T12:00:00Z");
        assertEquals(later.plusSeconds(90), waitUntil(policy.take(Pace.FRESH, new Ahead(1, false,
                later.toEpochMilli()), THURSDAY, 0)));
    }

    @Test
    void beingToldItSentTooMuchStopsTheAccountForTheDayAndHalvesItsCapsUntilItRecovers() {
        PacingPolicy policy = policy(80, 200, "Mon-Fri 08:30-18:30", "UTC");
        Pace pace = go(policy.take(Pace.FRESH, new Ahead(0, false, 0), THURSDAY, 0));
        Pace limited = policy.limited(pace, THURSDAY.plusSeconds(5), null);
        assertEquals(Instant.parse("2026-11-27T08:30:00Z").toEpochMilli(), limited.blockedUntil());
        assertEquals(0.5, limited.allowance());
        assertEquals(40, policy.perDay(limited));
        assertEquals(100, policy.perWeek(limited));
        assertEquals(Instant.parse("2026-11-27T08:30:00Z"), waitUntil(policy.take(limited, new Ahead(0, false, 0), THURSDAY.plusSeconds(600), 0)));
        // A Retry-After later than the next window wins
        assertEquals(Instant.parse("2026-11-28T00:00:00Z").toEpochMilli(),
                policy.limited(pace, THURSDAY, Instant.parse("2026-11-28T00:00:00Z")).blockedUntil());
        // Told again: never below the least allowance
        Pace again = policy.limited(policy.limited(policy.limited(limited, THURSDAY, null), THURSDAY, null), THURSDAY, null);
        assertEquals(PacingPolicy.LEAST_ALLOWANCE, again.allowance());
        // Each new day gives some back
        Pace friday = sentAndEnded(policy, limited, Instant.parse("2026-11-27T09:00:00Z"));
        assertEquals(0.6, friday.allowance(), 1e-9);
        Pace nextWeek = policy.rolledOver(friday, Instant.parse("2026-12-07T09:00:00Z"));
        assertEquals(1.0, nextWeek.allowance());
    }

    @Test
    void whileARequestIsOnItsWayTheSlotIsHeldAndTheNextGapCountsFromItsEnd() {
        PacingPolicy policy = policy(80, 200, "always", "UTC");
        Pace went = go(policy.take(Pace.FRESH, new Ahead(0, false, 0), THURSDAY, 0));
        // the request is still on its way when its gap has passed: nobody goes yet
        Verdict meanwhile = policy.take(went, new Ahead(0, false, 0), THURSDAY.plusSeconds(95), 0);
        assertInstanceOf(Wait.class, meanwhile);
        // it ended after 20 s: the next slot is 90 s after that, not after its start
        Pace ended = policy.ended(went, went, THURSDAY, THURSDAY.plusSeconds(20));
        assertEquals(THURSDAY.plusSeconds(110).toEpochMilli(), ended.nextSlotAt());
        assertEquals(0, ended.sendingUntil());
        assertEquals(THURSDAY.plusSeconds(110), waitUntil(policy.take(ended, new Ahead(0, false, 0), THURSDAY.plusSeconds(95), 0)));
        go(policy.take(ended, new Ahead(0, false, 0), THURSDAY.plusSeconds(110), 0));
        // a process that died with the request on its way holds the slot no longer than the longest request
        go(policy.take(went, new Ahead(0, false, 0), THURSDAY.plus(LONGEST), 0));
    }

    @Test
    void perAccountLimitsAreCheckedWhenMade() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PacingPolicy.Limits(0, 10, Duration.ofSeconds(1), 0, SendingWindow.ALWAYS, ZoneId.of("UTC")));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }
}
