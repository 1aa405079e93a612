package com.postpressbridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A replica that freezes (SIGSTOP: a long GC pause, a throttled or cut-off pod) in the middle of a file, longer than
 * the lease, while another runs: the other one takes it for dead, makes its records on their way in doubt and takes
 * over its file. When the frozen one goes on (SIGCONT) it writes no outcome for what was taken over and stops at once
 * (exit code 5). Every record has exactly one outcome, none is posted twice. PostgreSQL only.
 */
class StalledReplicaIT extends AgainstOwnPostpress {

    static final int RECORDS = 400;
    static final int CONCURRENCY = 4;

    @BeforeEach
    void stubAnswers() {
        // Slow answers: requests are on their way when the replica freezes, and answered while it is frozen.
        answerCreatedAfter(300);
    }

    @Test
    void aFrozenReplicaIsTakenOverAndStopsWhenItWakesWithoutASecondOutcome() throws Exception {
        assertTrue(TestLedger.postgresql(), "several processes share a PostgreSQL ledger: run with -Dtest.ledger=postgresql");
        Path dir = work.resolve("outreach");
        Map<String, String> common = env("OUTREACH_CONCURRENCY", String.valueOf(CONCURRENCY),
                "OUTREACH_INSTANCE_LEASE", "4s", "OUTREACH_INSTANCE_HEARTBEAT", "1s");
        try (PackagedApp frozen = start(dir, common, "replica-frozen")) {
            TestFolders.dropLeads(dir, "leads.csv", "acc_stall", 1, "stall-", RECORDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> PostpressStub.chatRequests(postpress).size() >= 20);
            try (PackagedApp other = start(dir, common, "replica-other")) {
                frozen.signal("STOP");
                int atFreeze = PostpressStub.chatRequests(postpress).size();
                await().atMost(Duration.ofSeconds(60)).until(() -> other.log().contains("took over what bridge process"
                        + " replica-frozen held"));
                await().atMost(Duration.ofSeconds(30)).until(() -> PostpressStub.chatRequests(postpress).size()
                        > atFreeze + 20);
                frozen.signal("CONT");
                assertEquals(5, frozen.awaitExit(30), "taken for dead, it stops at once: " + frozen.log());
                assertTrue(frozen.log().contains("its records are taken over: it stops at once"), frozen.log());

                await().atMost(Duration.ofSeconds(120)).until(() -> RepeatedKillIT.outcomes(dir).size() >= RECORDS
                        && !Files.exists(dir.resolve("inbox/leads.csv")));
                other.terminate();
                assertEquals(0, other.awaitExit(60), other.log());
            }
        }

        Map<String, Integer> posts = PostpressStub.postsByAttendee(postpress);
        posts.forEach((attendee, count) -> assertEquals(1, count, attendee + " was posted " + count + " times"));
        List<String> outcomes = RepeatedKillIT.outcomes(dir);
        Set<String> distinct = new TreeSet<>(outcomes);
        assertEquals(outcomes.size(), distinct.size(), "a record has two outcomes: " + outcomes.size());
        assertEquals(RECORDS, distinct.size(), "every record has one outcome");
        List<String> inDoubt = RepeatedKillIT.inDoubt(dir);
        assertTrue(!inDoubt.isEmpty() && inDoubt.size() <= 2 * CONCURRENCY,
                "the frozen replica's records on their way (and any it claimed as it woke) are in doubt: " + inDoubt);
    }

    private static PackagedApp start(Path dir, Map<String, String> common, String id) {
        Map<String, String> env = new HashMap<>(common);
        env.put("OUTREACH_INSTANCE_ID", id);
        return PackagedApp.start(dir, env, id);
    }
}
