package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import com.postpressbridge.ledger.CallbackOutbox;
import com.postpressbridge.ledger.CallbackOutbox.Pending;
import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.ledger.LedgerDatabase;

/**
 * The callback events in the ledger (H2, or PostgreSQL on the second run of the suite): one event per record handed
 * out at a time, oldest first, so a record's events arrive in order; a taken event is no other process's until its
 * lease ends, and an attempt that outlived its lease changes nothing; a refused one is kept and lets the record's next
 * ones go; a process that starts again has what it had taken at once.
 */
@QuarkusTest
@QuarkusTestResource(PostpressStub.class)
class CallbackOutboxTest {

    @Inject
    LedgerDatabase database;

    /** This app's boot has no callback URL: nothing but the test takes these events. */
    private CallbackOutbox process(String id) {
        return new CallbackOutbox(new Ledger(database.dataSource(), new DiskFault(List.of(), 0), id));
    }

    @Test
    void aRecordsEventsGoOutOneAtATimeInOrderAndATakenOneIsNoOneElses() {
        CallbackOutbox a = process("outbox-a");
        CallbackOutbox b = process("outbox-b");
        for (String event : List.of("k1-first", "k2-only", "k1-second", "k1-third")) {
            a.store(new CallbackOutbox.Event("evt_" + event, "outbox-" + event.substring(0, 2), null,
                    "{\"id\":\"evt_" + event + "\"}"));
        }
        long now = System.currentTimeMillis();
        List<Pending> first = a.take(now, 60_000, 100);
        assertEquals(List.of("evt_k1-first", "evt_k2-only"), ids(first), "the oldest of each record");
        assertEquals(List.of(), ids(b.take(now, 60_000, 100)), "taken by a for its lease");

        Pending k1 = first.get(0);
        a.again(k1, 1, now + 5_000, "503 from the receiver");
        a.delivered(first.get(1));
        assertEquals(List.of(), ids(b.take(now + 1_000, 60_000, 100)), "k1's first is not due, and its second waits");
        List<Pending> again = b.take(now + 5_000, 60_000, 100);
        assertEquals(List.of("evt_k1-first"), ids(again), "the same event again, never the next one first");
        assertEquals(1, again.get(0).attempts());

        b.refused(again.get(0), 2, "400 from the receiver");
        List<Pending> second = b.take(now + 5_000, 60_000, 100);
        assertEquals(List.of("evt_k1-second"), ids(second), "a refused event lets the next one go");
        b.delivered(second.get(0));
        List<Pending> third = a.take(now + 5_000, 60_000, 100);
        assertEquals(List.of("evt_k1-third"), ids(third));
        assertEquals(List.of(), ids(b.take(now + 60_000, 60_000, 100)), "within a's lease");
        List<Pending> retaken = b.take(now + 5_000 + 60_000, 60_000, 100);
        assertEquals(List.of("evt_k1-third"), ids(retaken), "a's attempt outlived its lease: b takes the event");
        a.again(third.get(0), 1, now + 6_000, "timeout"); // would make it due again at once, were it kept
        assertEquals(List.of(), ids(b.take(now + 70_000, 60_000, 100)), "a's late answer changed nothing of b's lease");

        CallbackOutbox.Backlog backlog = a.backlog();
        assertEquals(1, backlog.undelivered());
        assertEquals(1, backlog.refused());
        assertEquals(1, process("outbox-b").releaseOwn(now + 70_000), "b starts again: what it had taken is due");
        assertEquals(List.of("evt_k1-third"), ids(a.take(now + 70_000, 60_000, 100)));
        b.delivered(retaken.get(0));
        assertEquals(0, a.backlog().undelivered());
    }

    @Test
    void aKeyLongerThanTheColumnIsStoredAndOrderedByItsHash() {
        CallbackOutbox outbox = process("outbox-long");
        String key = "k".repeat(300);
        outbox.store(new CallbackOutbox.Event("evt_long-1", key, null, "{}"));
        outbox.store(new CallbackOutbox.Event("evt_long-2", key, null, "{}"));
        outbox.store(new CallbackOutbox.Event("evt_long-1", key, null, "{}")); // the same event again: stored once
        List<Pending> taken = outbox.take(System.currentTimeMillis(), 60_000, 100);
        assertEquals(List.of("evt_long-1"), ids(taken), "one at a time for that record");
        assertEquals(71, taken.get(0).key().length(), "sha256- and 64 hex digits");
        outbox.delivered(taken.get(0));
        List<Pending> next = outbox.take(System.currentTimeMillis(), 60_000, 100);
        assertEquals(List.of("evt_long-2"), ids(next));
        outbox.delivered(next.get(0));
    }

    private static List<String> ids(List<Pending> events) {
        return events.stream().map(Pending::id).toList();
    }
}
