package com.postpressbridge.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a delivery attempt leads to, as a table: answer, Retry-After, attempts → delivered, again after, refused. */
class CallbackPolicyTest {

    static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    static final CallbackPolicy POLICY = new CallbackPolicy(Duration.ofHours(1));

    @ParameterizedTest(name = "{0} Retry-After {1}, attempt {2} → {3} {4}")
    @CsvSource(nullValues = "none", value = {
            // status, Retry-After, attempts, next, seconds later (jitter 0)
            "200, none, 1, delivered, 0",
            "201, none, 5, delivered, 0",
            "204, 30,   1, delivered, 0",
            "299, none, 1, delivered, 0",
            "400, none, 1, refused, 0",
            "401, none, 1, refused, 0",
            "403, 30,   1, refused, 0",
            "404, none, 1, refused, 0",
            "410, none, 1, refused, 0",
            "422, none, 1, refused, 0",
            "499, none, 1, refused, 0",
            "408, none, 1, again, 1",
            "429, none, 1, again, 1",
            "429, 30,   1, again, 30",
            "429, 0,    3, again, 0",
            "429, 7200, 1, again, 3600",
            "429, Thu 26 Nov 2026 10:05:00 GMT, 1, again, 1",
            "429, 'Thu, 26 Nov 2026 10:05:00 GMT', 1, again, 300",
            "429, 'Thu, 26 Nov 2026 09:00:00 GMT', 1, again, 0",
            "500, none, 1, again, 1",
            "500, none, 2, again, 2",
            "502, none, 4, again, 8",
            "503, 12,   4, again, 12",
            "504, none, 12, again, 2048",
            "500, none, 13, again, 3600",
            "500, none, 400, again, 3600",
            "301, none, 1, again, 1",
            "100, none, 1, again, 1",
            // no answer: Retry-After can't exist
            "none, none, 1, again, 1",
            "none, none, 3, again, 4",
            "none, none, 60, again, 3600",
    })
    void decides(Integer status, String retryAfter, int attempts, String next, long seconds) {
        CallbackPolicy.Next decided = POLICY.decide(status, retryAfter, attempts, NOW, 0);
        switch (next) {
            case "delivered" -> assertEquals(new CallbackPolicy.Delivered(), decided);
            case "refused" -> assertEquals(new CallbackPolicy.Refused(), decided);
            default -> assertEquals(new CallbackPolicy.Again(NOW.plusSeconds(seconds)), decided);
        }
    }

    @ParameterizedTest(name = "attempt {0}: jitter spreads the back-off by half at most, never over the cap")
    @CsvSource({ "1, 1000, 1500", "4, 8000, 12000", "12, 2048000, 3072000", "13, 3600000, 3600000" })
    void jitterStaysWithinHalfADelayMoreAndTheCap(int attempts, long least, long most) {
        long low = POLICY.decide(500, null, attempts, NOW, 0) instanceof CallbackPolicy.Again a ? millis(a) : -1;
        long high = POLICY.decide(500, null, attempts, NOW, Math.nextDown(1.0)) instanceof CallbackPolicy.Again a
                ? millis(a) : -1;
        assertEquals(least, low);
        assertEquals(most, high, 1);
    }

    private static long millis(CallbackPolicy.Again again) {
        return again.at().toEpochMilli() - NOW.toEpochMilli();
    }
}
