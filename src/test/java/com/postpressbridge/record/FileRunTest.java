package com.postpressbridge.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** A long file says how far it got, once per interval, and not more often however many threads count. */
class FileRunTest {

    @Test
    void aProgressLineIsDueOncePerIntervalWithTheCountsSoFar() {
        FileRun run = new FileRun("big \"one\".csv", 10, Duration.ofSeconds(30), () -> false);
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            run.count(FileRun.Outcome.sent);
        }
        run.count(FileRun.Outcome.quarantined);
        assertEquals(Optional.empty(), run.progressDue(start + Duration.ofSeconds(29).toNanos()), "not yet");
        long due = start + Duration.ofSeconds(31).toNanos();
        assertEquals(Optional.of("\"big \\\"one\\\".csv\": 4 of 10 records (40%), sent 3, already performed 0, retry 0,"
                + " scheduled 0, quarantined 1, duplicates 0, still sending"), run.progressDue(due));
        assertEquals(Optional.empty(), run.progressDue(due + 1), "once per interval");
        assertTrue(run.progressDue(due + Duration.ofSeconds(30).toNanos()).isPresent(), "then again");
    }

    @Test
    void withoutAnIntervalNoProgressIsEverDue() {
        FileRun run = new FileRun("small.csv", 1, () -> false);
        run.count(FileRun.Outcome.sent);
        assertEquals(Optional.empty(), run.progressDue(Long.MAX_VALUE));
    }
}
