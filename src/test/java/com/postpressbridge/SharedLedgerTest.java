package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.ledger.LedgerDatabase;
import com.postpressbridge.outcome.LedgerRecovery;

/**
 * Several bridge processes on one ledger (the real database of this run: H2, or PostgreSQL on the second run of the
 * suite), each a {@link Ledger} with its own instance id: a file is read by one at a time, a dead one's file and
 * records are taken over by one other only, and a process taken for dead cannot keep an outcome any more.
 */
@QuarkusTest
@QuarkusTestResource(PostpressStub.class)
class SharedLedgerTest {

    @Inject
    LedgerDatabase database;

    @Inject
    Scheduler scheduler;

    /** Each process's start token: its start time (a new one for each test). */
    final long started = System.currentTimeMillis();

    /**
     * The app under test shares this ledger, and would take over what these made-up processes hold once they have
     * not been seen for the lease: here the test decides who takes over what, and when.
     */
    @BeforeEach
    void holdTheAppsTakeover() {
        scheduler.pause(LedgerRecovery.TAKEOVER_JOB);
    }

    @AfterEach
    void releaseTheAppsTakeover() {
        scheduler.resume(LedgerRecovery.TAKEOVER_JOB);
    }

    private Ledger process(String id) {
        Ledger ledger = new Ledger(database.dataSource(), new DiskFault(List.of(), 0), id);
        ledger.arrive(started);
        return ledger;
    }

    @Test
    void aFileIsReadByOneProcessAtATimeAndADeadOnesFileIsTakenOver() {
        Ledger a = process("replica-a");
        Ledger b = process("replica-b");
        assertTrue(a.takeFile("shared.csv"));
        assertTrue(a.takeFile("shared.csv"), "taken again by its holder (the next poll)");
        assertFalse(b.takeFile("shared.csv"), "held by a live process");
        a.releaseFile("shared.csv");
        assertTrue(b.takeFile("shared.csv"), "released: the next process takes it");
        assertFalse(a.takeFile("shared.csv"));

        assertEquals(List.of(), a.unseenSince(0), "both seen");
        assertTrue(b.seen(started + 1, started), "b's heartbeat");
        assertFalse(a.forget("replica-b", started + 1), "seen again since the cutoff: not forgotten");
        assertTrue(a.unseenSince(started + 2).contains("replica-b"), "b not seen since then: dead");
        assertTrue(a.forget("replica-b", started + 2));
        assertTrue(a.takeFile("shared.csv"), "the file of a forgotten (dead) process is taken over");
        assertFalse(b.seen(started + 3, started), "b learns at its next heartbeat that it was taken for dead");

        Ledger again = process("replica-b");
        assertTrue(again.seen(started + 4, started), "a new start of b");
        again.arrive(started + 5);
        assertFalse(again.seen(started + 6, started), "the earlier start under the same id is told to stop");
    }

    @Test
    void theRecordsInFlightOfADeadProcessAreTakenOverOnceAndItsOwnOutcomeIsNotKept() {
        Ledger a = process("replica-c");
        Ledger b = process("replica-d");
        Ledger c = process("replica-e");
        assertEquals(Ledger.Claim.CLAIMED, a.claim("shared-key-1", "h1", "{\"key\":\"shared-key-1\"}", false,
                Ledger.State.SENDING));
        assertEquals(Ledger.Claim.CLAIMED, b.claim("shared-key-2", "h2", "{\"key\":\"shared-key-2\"}", false,
                Ledger.State.SENDING));

        Ledger.Holders dead = new Ledger.Holders(List.of("replica-c"), false);
        List<Ledger.InFlight> inFlight = b.inFlight(dead);
        assertEquals(List.of("shared-key-1"), inFlight.stream().map(Ledger.InFlight::key).toList(),
                "only that process's record, not the others'");
        assertFalse(b.takeOverInFlight(inFlight.get(0)), "its holder is alive (not forgotten): not taken over");
        assertFalse(b.goneHolders().contains("replica-c"));
        assertTrue(b.forget("replica-c", Long.MAX_VALUE));
        assertTrue(b.goneHolders().contains("replica-c"), "forgotten: what it held is to be taken over");
        assertTrue(b.takeOverInFlight(inFlight.get(0)));
        assertFalse(c.takeOverInFlight(inFlight.get(0)), "taken over by one process only");
        assertEquals(List.of(), c.inFlight(dead), "no longer the dead process's");

        assertEquals(Ledger.TAKEN_OVER, a.finish("shared-key-1", Ledger.State.SENT, 1, null, false, "chat", "msg",
                "{}"), "the process taken for dead keeps no outcome for it");
        assertTrue(b.finish("shared-key-1", Ledger.State.QUARANTINED, 1, null, true, null, null, "{}") > 0,
                "its new holder does");
        assertEquals(Ledger.State.QUARANTINED, b.state("shared-key-1"));
        assertTrue(b.finish("shared-key-2", Ledger.State.SENT, 1, null, false, "chat", "msg", "{}") > 0);
    }

    @Test
    void aRecordItsHolderFinishedMeanwhileIsNotTakenOver() {
        Ledger a = process("replica-f");
        Ledger b = process("replica-g");
        assertEquals(Ledger.Claim.CLAIMED, a.claim("shared-key-3", "h3", "{\"key\":\"shared-key-3\"}", false,
                Ledger.State.SENDING));
        Ledger.InFlight listed = b.inFlight(new Ledger.Holders(List.of("replica-f"), false)).get(0);
        a.finish("shared-key-3", Ledger.State.SENT, 1, null, false, "chat", "msg", "{}"); // after b listed it
        assertTrue(b.forget("replica-f", Long.MAX_VALUE));
        assertFalse(b.takeOverInFlight(listed), "sent meanwhile: not made in doubt");
        assertEquals(Ledger.State.SENT, b.state("shared-key-3"));
    }

    /**
     * A process that stops after another start took its id (it was frozen meanwhile) leaves that start's row alone:
     * it deleted it, and the newer start, found missing at its heartbeat, stopped as dead (a fault probe).
     */
    @Test
    void aStopLeavesTheRowOfANewerStartUnderItsIdAlone() {
        Ledger earlier = process("replica-h");
        Ledger newer = new Ledger(database.dataSource(), new DiskFault(List.of(), 0), "replica-h");
        newer.arrive(started + 1);
        assertFalse(earlier.leave(), "the row is the newer start's");
        assertTrue(newer.seen(newer.now(), started + 1), "the newer start is still there");
        assertTrue(newer.leave());
        assertNull(newer.process("replica-h"));
    }
}
