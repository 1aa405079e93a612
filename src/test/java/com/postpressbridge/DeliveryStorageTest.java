package com.postpressbridge;

import static java.util.stream.Collectors.joining;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.ledger.Ledger.DeliveryAnswer;
import com.postpressbridge.ledger.Ledger.State;

/**
 * A webhook delivery stored in the ledger: its records and its answer in one transaction, and a copy of it (later, or
 * at the same moment) given that answer with nothing of its own stored. On H2, and on PostgreSQL in its run.
 */
class DeliveryStorageTest {

    private Ledger ledger;

    @BeforeEach
    void migrate() {
        ledger = new Ledger(TestLedger.migrated("deliveries"), new DiskFault(List.of(), 0), "deliveries-test");
    }

    /** Stores a delivery of these keys; its answer names the keys it was made for and what each claim found. */
    private DeliveryAnswer deliver(String id, String... keys) {
        List<Ledger.Queued> records = Arrays.stream(keys)
                .map(key -> new Ledger.Queued(key, "hash-" + key, "{\"key\":\"" + key + "\"}", null)).toList();
        return ledger.acceptDelivery("crm", id, records, claims -> claims.stream()
                .map(claim -> claim.isDuplicate() ? "duplicate" : "accepted")
                .collect(joining(",", String.join("+", keys) + ":", "")));
    }

    @Test
    void aCopyDeliveredLaterGetsTheFirstAnswerAndStoresNothingOfItsOwn() {
        DeliveryAnswer first = deliver("d-1", "k-1", "k-2");
        assertFalse(first.replayed());
        assertEquals("k-1+k-2:accepted,accepted", first.body());

        DeliveryAnswer copy = deliver("d-1", "k-1", "k-3"); // the same id with another body: the first answer stands
        assertTrue(copy.replayed());
        assertEquals(first.body(), copy.body());
        assertNull(ledger.state("k-3"), "nothing of the copy is queued");
        assertEquals(2, ledger.count(State.QUEUED));

        assertEquals("k-3:accepted", deliver("d-2", "k-3").body(), "another delivery is stored");
    }

    @Test
    void twoCopiesAtOnceGetOneAnswerAndTheirRecordsAreQueuedOnce() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String id = "twin-" + round;
                CyclicBarrier together = new CyclicBarrier(2);
                Callable<DeliveryAnswer> copy = () -> {
                    together.await();
                    return deliver(id, id + "-a", id + "-b");
                };
                List<Future<DeliveryAnswer>> answers = senders.invokeAll(List.of(copy, copy));
                DeliveryAnswer one = answers.get(0).get();
                DeliveryAnswer other = answers.get(1).get();
                assertEquals(id + "-a+" + id + "-b:accepted,accepted", one.body());
                assertEquals(one.body(), other.body(), "both copies get the answer of the one stored");
                assertTrue(one.replayed() != other.replayed(), "one copy stored, the other answered with it");
            }
        } finally {
            senders.shutdown();
        }
        assertEquals(40, ledger.count(State.QUEUED));
    }
}
