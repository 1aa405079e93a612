package com.postpressbridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.ledger.Ledger.State;

/**
 * Two processes on one PostgreSQL ledger: once one is taken for dead by the other, it claims nothing more, neither a
 * new record nor a waiting one (it ran on until its next heartbeat, and what it claimed meanwhile was taken over as
 * in doubt while it sent it: a review). PostgreSQL only (embedded H2 has one process): its run of the suite.
 */
class ReplicaFenceTest {

    @Test
    void aProcessTakenForDeadClaimsNothingMore() {
        assertTrue(TestLedger.postgresql(), "several processes share a PostgreSQL ledger: run with -Dtest.ledger=postgresql");
        DataSource database = TestLedger.migrated("fence");
        Ledger frozen = started(database, "replica-frozen", 0);
        Ledger other = started(database, "replica-other", 0);
        assertEquals(Ledger.Claim.CLAIMED, frozen.claim("before", "h", "{}", false, State.SENDING));
        assertEquals(Ledger.Claim.CLAIMED, other.claim("queued", "h", "{}", false, State.QUEUED));

        assertTrue(other.forget("replica-frozen", other.now() + 60_000), "taken for dead");
        assertThrows(Ledger.TakenForDead.class, () -> frozen.claim("after", "h", "{}", false, State.SENDING));
        assertThrows(Ledger.TakenForDead.class, () -> frozen.claimWaiting("queued", State.QUEUED, "{}"));
        assertNull(other.state("after"), "not claimed: another process reads it");
        assertEquals(State.QUEUED, other.state("queued"), "still waiting, for another process");
        assertEquals(List.of("replica-frozen"), other.goneHolders(), "what it held before is taken over");

        // A start under the same id replaces the row: the earlier start is fenced off, the new one claims.
        Ledger newStart = started(database, "replica-other", 1);
        assertThrows(Ledger.TakenForDead.class, () -> other.claim("twice", "h", "{}", false, State.SENDING));
        assertEquals(Ledger.Claim.CLAIMED, newStart.claim("twice", "h", "{}", false, State.SENDING));
    }

    /**
     * A start under an id waits for the claims an earlier start under it is making (it holds their lock on the row):
     * else such a claim committed after the new start had taken back its records in flight, and was never repaired
     * (a review). The claim in progress is the fence's own statement, on a connection of the test.
     */
    @Test
    void aNewStartWaitsForTheClaimsOfTheEarlierOneInProgress() throws Exception {
        assertTrue(TestLedger.postgresql(), "several processes share a PostgreSQL ledger: run with -Dtest.ledger=postgresql");
        DataSource database = TestLedger.migrated("restart");
        Ledger earlier = started(database, "replica-restarted", 0);
        ExecutorService starting = Executors.newSingleThreadExecutor();
        try (Connection claim = database.getConnection()) {
            claim.setAutoCommit(false);
            try (Statement statement = claim.createStatement()) {
                statement.executeQuery("SELECT 1 FROM bridge_instance WHERE instance_id = 'replica-restarted' FOR KEY"
                        + " SHARE").close();
            }
            Future<?> arrived = starting.submit(() -> started(database, "replica-restarted", 0));
            await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5)).until(() -> !arrived.isDone());
            claim.commit();
            arrived.get(10, TimeUnit.SECONDS);
            assertThrows(Ledger.TakenForDead.class, () -> earlier.claim("late", "h", "{}", false, State.SENDING),
                    "the earlier start claims nothing once the new one is there");
        } finally {
            starting.shutdownNow();
        }
    }

    /** A process on the ledger, {@code later} ms after now (its start's token). */
    private static Ledger started(DataSource database, String id, long later) {
        Ledger process = new Ledger(database, new DiskFault(List.of(), 0), id);
        process.arrive(process.now() + later);
        return process;
    }
}
