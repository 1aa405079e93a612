package com.postpressbridge.postpress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The longest a record's pass can take: the pacing holds an account's slot that long, a graceful stop waits that long,
 * and the stop-all's records refused in flight are made due that far before its end. Each try may take the whole
 * {@code postpress.timeout} to connect and again to answer (both are set to it); the pacing and the graceful stop
 * counted one timeout a try, half of what a try can take.
 */
class BlipRedeliveryTest {

    @ParameterizedTest(name = "timeout {0}, {1} re-sends {2} apart -> {3}")
    @CsvSource({
            "PT30S, 2, PT1S, PT3M3S", // the defaults: 3 tries × (30 s + 30 s), 1 s + 2 s between them
            "PT30S, 0, PT1S, PT1M", // no re-send: one try, its connection and its answer
            "PT2S, 2, PT0.01S, PT12.03S", // the test profile
            "PT10S, 10, PT1S, PT8M43S", // 11 tries × 20 s; 1 + 2 + ... + 32 s, then 60 s for each of the 4 last
            "PT10S, 0, PT1M, PT20S", // one try, no delay
            "PT1S, 2000000000, PT0S, PT1111111H6M42S", // re-sends with no delay between them, counted at once
            // the shortest delay: 1 ns doubled 36 times passes the minute (no overflow of the doubling before)
            "PT1S, 100, PT0.000000001S, PT1H8M30.719476735S"})
    void eachTryCountsItsConnectionAndItsAnswer(Duration timeout, int resends, Duration delay, Duration longest) {
        assertEquals(longest, BlipRedelivery.longestPass(timeout, resends, delay));
    }
}
