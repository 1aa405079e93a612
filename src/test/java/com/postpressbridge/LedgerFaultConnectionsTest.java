package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.ledger.LedgerDatabase;

/**
 * As many storage failures (here a lost connection, SQL state 08006) as the app's pool has connections (16), then the
 * ledger is opened again as the disk recovery does it: it answers. On H2 each such connection is abandoned (aborted,
 * never used again), which Agroal 2.8 counts as in use for good; the reopen did not take them back, and a full disk
 * during a burst of webhooks left the app hung, waiting for a connection, until a restart. An app of its own: the
 * reopen drops every connection of its pool.
 */
@QuarkusTest
@TestProfile(LedgerFaultConnectionsTest.OwnApp.class)
@QuarkusTestResource(PostpressStub.class)
class LedgerFaultConnectionsTest {

    public static class OwnApp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("outreach.webhook.secrets", WebhookProfile.NEW_SECRET);
        }
    }

    @Inject
    LedgerDatabase database;

    @Test
    void afterAsManyStorageFailuresAsThePoolHoldsTheReopenedLedgerAnswers() throws Exception {
        try (Connection db = database.dataSource().getConnection()) {
            PoisonedKey.create(db);
        }
        Ledger failing = null;
        try {
            for (int i = 0; i < 16; i++) { // as many as the pool holds (quarkus.datasource.jdbc.max-size)
                // a process of its own each time: a storage failure raises its disk fault, which stops its claims
                Ledger ledger = new Ledger(database.dataSource(), new DiskFault(List.of(), 0), "faults-test");
                Ledger.LedgerException failed = assertThrows(Ledger.LedgerException.class, () -> ledger.claim(
                        PoisonedKey.LOST_CONNECTION_KEY, "hash", "{}", false, Ledger.State.SENDING));
                assertTrue(String.valueOf(failed.getCause()).contains("connection lost"), String.valueOf(failed));
                failing = ledger;
            }
        } finally {
            assertTrue(failing.reopen(), "the ledger failed on its storage");
            try (Connection db = database.dataSource().getConnection()) {
                PoisonedKey.drop(db);
            }
        }
        Ledger ledger = new Ledger(database.dataSource(), new DiskFault(List.of(), 0), "faults-test");
        assertEquals(Ledger.Claim.CLAIMED, ledger.claim("after-faults-" + System.nanoTime(), "hash", "{}", false,
                Ledger.State.SENDING));
    }
}
