package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

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
        Ledger frozen = new Ledger(database, new DiskFault(List.of(), 0), "replica-frozen");
        Ledger other = new Ledger(database, new DiskFault(List.of(), 0), "replica-other");
        frozen.arrive(frozen.now());
        other.arrive(other.now());
        assertEquals(Ledger.Claim.CLAIMED, frozen.claim("before", "h", "{}", false, State.SENDING));
        assertEquals(Ledger.Claim.CLAIMED, other.claim("queued", "h", "{}", false, State.QUEUED));

        assertTrue(other.forget("replica-frozen", other.now() + 60_000), "taken for dead");
        assertThrows(Ledger.TakenForDead.class, () -> frozen.claim("after", "h", "{}", false, State.SENDING));
        assertThrows(Ledger.TakenForDead.class, () -> frozen.claimWaiting("queued", State.QUEUED, "{}"));
        assertNull(other.state("after"), "not claimed: another process reads it");
        assertEquals(State.QUEUED, other.state("queued"), "still waiting, for another process");
        assertEquals(List.of("replica-frozen"), other.goneHolders(), "what it held before is taken over");

        // A start under the same id replaces the row: the earlier start is fenced off, the new one claims.
        Ledger newStart = new Ledger(database, new DiskFault(List.of(), 0), "replica-other");
        newStart.arrive(other.now() + 1);
        assertThrows(Ledger.TakenForDead.class, () -> other.claim("twice", "h", "{}", false, State.SENDING));
        assertEquals(Ledger.Claim.CLAIMED, newStart.claim("twice", "h", "{}", false, State.SENDING));
    }
}
