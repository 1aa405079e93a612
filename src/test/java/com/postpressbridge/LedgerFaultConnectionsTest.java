package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.ledger.LedgerDatabase;

/**
 * A transaction the ledger ends for a storage failure (here a lost connection, SQL state 08006) gives its connection
 * back to the app's pool: more such failures than the pool has connections (16), and the ledger still answers at once.
 * It did not: the connection was aborted, which Agroal 2.8 never gives back, and a full disk during a burst of webhooks
 * (every failed transaction one connection less) left the app hung, waiting for a connection, until a restart.
 */
@QuarkusTest
@QuarkusTestResource(PostpressStub.class)
class LedgerFaultConnectionsTest {

    @Inject
    LedgerDatabase database;

    @Test
    void storageFailuresGiveTheirConnectionsBackToThePool() throws Exception {
        try (Connection db = database.dataSource().getConnection()) {
            PoisonedKey.create(db);
        }
        try {
            for (int i = 0; i < 20; i++) {
                // a process of its own each time: a storage failure raises its disk fault, which stops its claims
                Ledger ledger = new Ledger(database.dataSource(), new DiskFault(List.of(), 0), "faults-test");
                Ledger.LedgerException failed = assertThrows(Ledger.LedgerException.class, () -> ledger.claim(
                        PoisonedKey.LOST_CONNECTION_KEY, "hash", "{}", false, Ledger.State.SENDING));
                assertTrue(String.valueOf(failed.getCause()).contains("connection lost"), String.valueOf(failed));
            }
        } finally {
            try (Connection db = database.dataSource().getConnection()) {
                PoisonedKey.drop(db);
            }
        }
        Ledger ledger = new Ledger(database.dataSource(), new DiskFault(List.of(), 0), "faults-test");
        assertEquals(Ledger.Claim.CLAIMED, ledger.claim("after-faults-" + System.nanoTime(), "hash", "{}", false,
                Ledger.State.SENDING));
    }
}
