package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.config.PostpressConfig;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.postpress.SendGate;
import com.postpressbridge.postpress.SendingHeldException;
import com.postpressbridge.record.OutreachError;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordSource;

/**
 * Pauses live in the ledger: a second gate on the same ledger — another replica, or this one after a restart — sees
 * the pause the first one set, and the probe the first one let through.
 */
@QuarkusTest
@QuarkusTestResource(PostpressStub.class)
class SendingHoldsTest {

    static final OutreachError DISCONNECTED = new OutreachError(401, "errors/disconnected_account", "t", "d");

    @Inject
    SendGate gate;

    @Inject
    Ledger ledger;

    @Inject
    ObjectMapper json;

    @Inject
    CamelContext camel;

    @Inject
    PostpressConfig postpress;

    @Inject
    OutreachConfig outreach;

    @Inject
    com.postpressbridge.ledger.LedgerDatabase ledgerDatabase;

    @AfterEach
    void lift() {
        gate.clear();
    }

    @Test
    void anotherGateOnTheSameLedgerSeesThePauseAndItsProbe() throws Exception {
        SendGate replica = new SendGate(ledger, json, Duration.ofSeconds(30));
        gate.pause("acc_shared", Instant.now().plusSeconds(3600), DISCONNECTED);
        replica.refresh();

        SendingHeldException held = assertThrows(SendingHeldException.class, () -> replica.admit(record("r-1")));
        assertEquals("errors/disconnected_account", held.reason().type());
        assertDoesNotThrow(() -> replica.admit(record("r-1", "acc_other")), "other accounts go");

        // The pause ends: the first record through either gate probes, the other gate holds the rest.
        ledger.lift("acc_shared");
        ledger.hold("acc_shared", Instant.now().minusSeconds(1).toEpochMilli(), DISCONNECTED.toJson().toString());
        gate.refresh();
        replica.refresh();
        OutreachItem probe = beingSent("probe-1");
        assertDoesNotThrow(() -> gate.admit(probe));
        assertThrows(SendingHeldException.class, () -> replica.admit(beingSent("r-2")), "waits for the probe's answer");

        gate.accountWorks(probe);
        replica.refresh();
        assertDoesNotThrow(() -> replica.admit(record("r-3")));
        assertTrue(ledger.holds().isEmpty(), "the answered probe ended the pause for everyone");
        for (String key : List.of("probe-1", "r-2")) {
            ledger.adopt(key, Ledger.State.QUARANTINED, 0, null, false, null, null, null);
        }
    }

    /**
     * The probe's record ended while the pause still named it as its probe: the ledger failed as the probe was
     * released (its next try would have gone as the probe), and the record was then quarantined, or sent. Each
     * record of the account was held until a restart (a review); now the next record probes, a while after the end.
     * Not at once: an outcome is committed a moment before the pause hears of the answer, and a record let through
     * then could be a second request to an account that answer pauses again (a review of the first fix).
     */
    @Test
    void aProbeWhoseRecordEndedNoLongerHoldsTheAccount() throws Exception {
        for (Ledger.State end : List.of(Ledger.State.QUARANTINED, Ledger.State.SENT)) {
            String run = end.name().toLowerCase() + "-" + Long.toString(System.nanoTime(), 36);
            ledger.hold("acc_stale", Instant.now().minusSeconds(1).toEpochMilli(), DISCONNECTED.toJson().toString());
            gate.refresh();
            OutreachItem probe = beingSent("stale-probe-" + run, "acc_stale");
            gate.admit(probe);
            OutreachItem next = beingSent("next-" + run, "acc_stale");
            assertThrows(SendingHeldException.class, () -> gate.admit(next), "held while the probe is being sent");

            ledger.adopt(probe.key(), end, 1, null, false, null, null, null); // ended, its release lost
            assertThrows(SendingHeldException.class, () -> gate.admit(next), "the pause may hear of its answer yet");
            long later = System.currentTimeMillis() + Ledger.STALE_PROBE + 1_000;
            assertTrue(ledger.admit("acc_stale", next.key(), later).isEmpty(), "the probe's record is " + end
                    + " since " + Ledger.STALE_PROBE + " ms: the next one probes");
            assertEquals(next.key(), ledger.holds().stream().filter(hold -> hold.scope().equals("acc_stale"))
                    .findFirst().orElseThrow().probe());
            ledger.release("acc_stale", next.key()); // its answer
            assertTrue(ledger.holds().stream().noneMatch(hold -> hold.scope().equals("acc_stale")), end.name());
            ledger.adopt(next.key(), Ledger.State.SENT, 1, null, false, null, null, null);
        }
    }

    /**
     * The ledger fails as a claimed record asks whether its account's pause lets it through: the record is held (it
     * waits in retry/ for the next try), not left claimed with nothing to decide its outcome. It was left in SENDING
     * until a restart found it in doubt, no request ever made (a review).
     */
    @Test
    void aLedgerFailingAtThePauseHoldsTheRecord() throws Exception {
        gate.pause(PoisonedKey.KEY, Instant.now().minusSeconds(1), DISCONNECTED);
        OutreachItem item = record("faulty-pause", PoisonedKey.KEY);
        try (java.sql.Connection db = ledgerDatabase.dataSource().getConnection()) {
            PoisonedKey.createOnHolds(db);
            try {
                SendingHeldException held = assertThrows(SendingHeldException.class, () -> gate.admit(item));
                assertEquals("errors/disconnected_account", held.reason().type(), "the pause's reason");
                assertTrue(item.probing().isEmpty(), "it probes nothing");
            } finally {
                PoisonedKey.dropOnHolds(db);
            }
        }
        assertDoesNotThrow(() -> gate.admit(item), "its next try goes through the pause as its probe");
        gate.accountWorks(item);
    }

    /**
     * A restart lifts a stop-all (the key may have been fixed) and makes the records that waited for it due at once: those
     * held until its end, and those whose own request was refused while others were in flight, each of which set an end
     * of its own a little earlier, up to a pass of a request with its re-sends (the pause keeps the latest: a fault
     * probe saw 3 of 4 such records wait 30 minutes more after the key was fixed). An account's pause stays, and so does a retry due well before the stop's end.
     */
    @Test
    void aStopAllGoesWithARestartButAnAccountPauseStays() throws Exception {
        Instant until = Instant.now().plusSeconds(3600);
        gate.stopAll(until, new OutreachError(401, "errors/missing_credentials", "t", "d"));
        gate.pause("acc_kept", until.plusSeconds(600), DISCONNECTED);
        // records held until the stop ends, and one until its account's pause ends (later); the app's own scan of
        // due records is held meanwhile (they are the test's)
        String run = Long.toString(System.nanoTime(), 36);
        RetryScan.held(camel, () -> {
            waitingUntil("held-" + run, until);
            waitingUntil("refused-3ms-" + run, until.minusMillis(3));
            // refused after the tries of a request and their re-sends (here postpress.timeout 2 s: up to 18 s before)
            waitingUntil("refused-15s-" + run, until.minusSeconds(15));
            waitingUntil("retry-" + run, until.minusSeconds(600));
            waitingUntil("kept-" + run, until.plusSeconds(600));
            SendGate restarted = new SendGate(ledger, json, postpress, outreach);
            restarted.restarted();
            assertTrue(restarted.stopped().isEmpty(), "the key may have been fixed with the restart");
            assertThrows(SendingHeldException.class, () -> restarted.admit(record("k-1", "acc_kept")));
            List<String> due = ledger.dueRetries(System.currentTimeMillis(), 10_000).stream().map(Ledger.Due::key)
                    .filter(key -> key.endsWith(run)).sorted().toList();
            assertEquals(List.of("held-" + run, "refused-15s-" + run, "refused-3ms-" + run), due,
                    "what waited for the stop goes now, what waits for its account or its own retry does not");
            for (String key : List.of("held-", "refused-3ms-", "refused-15s-", "retry-", "kept-")) {
                ledger.adopt(key + run, Ledger.State.QUARANTINED, 0, null, false, null, null, null);
            }
        });
    }

    /**
     * The requests in flight when the key is refused each stop all sending; the stop is said once (a fault probe saw an
     * identical ERROR for each of the four), and again when a probe after its end is refused too.
     */
    @Test
    void aStopIsSaidOnceForTheRequestsInFlightAndAgainWhenItComesBack() throws Exception {
        OutreachError refused = new OutreachError(401, "errors/missing_credentials", "t", "d");
        try (LogWatch errors = LogWatch.of(line -> SendGate.class.getName().equals(line.getLoggerName())
                && LogWatch.atLeast(java.util.logging.Level.SEVERE).test(line))) {
            java.util.concurrent.ExecutorService inFlight = java.util.concurrent.Executors.newFixedThreadPool(4);
            java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<?>> refusals = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Instant until = Instant.now().plusSeconds(1800 + i);
                refusals.add(inFlight.submit(() -> {
                    answered.await();
                    gate.stopAll(until, refused);
                    return null;
                }));
            }
            answered.countDown();
            for (var refusal : refusals) {
                refusal.get();
            }
            inFlight.shutdown();
            assertEquals(1, errors.lines().size(), "one line for the stop");

            // the stop ended (its probe went), and the probe is refused too: the stop is back, and said again
            ledger.lift(Ledger.ALL_SENDING);
            ledger.hold(Ledger.ALL_SENDING, Instant.now().minusSeconds(1).toEpochMilli(), refused.toJson().toString());
            gate.refresh();
            gate.stopAll(Instant.now().plusSeconds(1800), refused);
            assertEquals(2, errors.lines().size());
        }
    }

    private void waitingUntil(String key, Instant until) {
        ledger.claim(key, key, "{}", false, Ledger.State.SENDING);
        ledger.finish(key, Ledger.State.RETRY, 0, until.toEpochMilli(), false, null, null, Ledger.Waiting.retry("{}"),
                null, null);
    }

    /** A record claimed, as it is when the gate is asked whether it may go. */
    private OutreachItem beingSent(String key) {
        return beingSent(key, "acc_shared");
    }

    private OutreachItem beingSent(String key, String account) {
        ledger.claim(key, key, "{}", false, Ledger.State.SENDING);
        return record(key, account);
    }

    private static OutreachItem record(String key) throws Exception {
        return record(key, "acc_shared");
    }

    private static OutreachItem record(String key, String account) {
        try {
            OutreachItem item = OutreachItem.of(RecordSource.fileLine("holds.csv", 2), TestFolders.JSON.readTree(
                    "{\"account_id\": \"" + account + "\", \"attendees_ids\": [\"a\"], \"text\": \"Hi\"}"), null);
            item.key(key);
            return item;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
