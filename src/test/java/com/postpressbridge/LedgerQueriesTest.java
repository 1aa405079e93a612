package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Ledger;

/**
 * What the dispatcher reads from the ledger (queued webhook records, due retries and scheduled records): which, in what
 * order, how many. On H2, and on PostgreSQL in its run. How H2 reads them (in index order) is in QueryPlansTest.
 */
class LedgerQueriesTest {

    private DataSource database;
    private Ledger ledger;

    @BeforeEach
    void migrate() {
        database = TestLedger.migrated("queries");
        ledger = new Ledger(database, new DiskFault(List.of(), 0), "queries-test");
    }

    @Test
    void queuedRecordsComeOldestFirstAndOnlyQueuedOnes() throws SQLException {
        record("k-c", "QUEUED", 30, null, null, true);
        record("k-a", "QUEUED", 10, null, null, true);
        record("k-b2", "QUEUED", 20, null, null, true);
        record("k-b1", "QUEUED", 20, null, null, true); // the same moment: by key
        record("k-sent", "SENT", 5, null, null, true);

        assertEquals(List.of("k-a", "k-b1", "k-b2"), ledger.queued(3));
        assertEquals(List.of("k-a", "k-b1", "k-b2", "k-c"), ledger.queued(10));
    }

    @Test
    void dueRecordsComeOldestFirstAndOfAnAccountsScheduledOnlyTheFirst() throws SQLException {
        record("r-late", "RETRY", 40, null, null, true);
        record("r-early", "RETRY", 10, null, null, true);
        record("r-future", "RETRY", 1_000, null, null, true);
        record("s-first", "SCHEDULED", 30, "acc", 1L, true);
        record("s-second", "SCHEDULED", 20, "acc", 2L, true); // due earlier, but after s-first in its account's order
        record("q", "QUEUED", 1, null, null, true);

        assertEquals(List.of("r-early", "s-first", "r-late"), due(10));
        assertEquals(List.of("r-early"), due(1));
    }

    /**
     * A waiting record without its item (an old ledger kept some records' state only, until their retry file is
     * adopted) is not sent from the ledger; nor may it take a place in the batch: records behind it would wait for good.
     */
    @Test
    void recordsWithoutTheirItemTakeNoPlaceInTheBatch() throws SQLException {
        for (int i = 0; i < 3; i++) {
            record("r-bare-" + i, "RETRY", i, null, null, false);
            record("s-bare-" + i, "SCHEDULED", i, "acc-" + i, 1L, false);
            record("q-bare-" + i, "QUEUED", i, null, null, false);
        }
        record("r-item", "RETRY", 50, null, null, true);
        record("q-item", "QUEUED", 50, null, null, true);

        assertEquals(List.of("r-item"), due(2));
        assertEquals(List.of("q-item"), ledger.queued(2));
    }

    private List<String> due(int limit) {
        return ledger.dueRetries(100, limit).stream().map(Ledger.Due::key).toList();
    }

    /**
     * A record row in a state, first seen at {@code at} (and due then when it waits in retry or scheduled), with a work
     * row whose item is its key, or none.
     */
    private void record(String key, String state, long at, String account, Long order, boolean withItem)
            throws SQLException {
        try (Connection db = database.getConnection();
                PreparedStatement insert = db.prepareStatement("INSERT INTO outreach_record (record_key, state,"
                        + " attempts, first_seen_at, updated_at, next_attempt_at, in_doubt, content_hash, account_id,"
                        + " pace_order) VALUES (?, ?, 0, ?, ?, ?, FALSE, '', ?, ?)");
                PreparedStatement item = db.prepareStatement("INSERT INTO outreach_work (record_key, version, item)"
                        + " VALUES (?, 1, ?)")) {
            insert.setString(1, key);
            insert.setString(2, state);
            insert.setLong(3, at);
            insert.setLong(4, at);
            insert.setObject(5, state.equals("QUEUED") ? null : at, java.sql.Types.BIGINT);
            insert.setString(6, account);
            insert.setObject(7, order, java.sql.Types.BIGINT);
            insert.executeUpdate();
            if (withItem) {
                item.setString(1, key);
                item.setBytes(2, key.getBytes(StandardCharsets.UTF_8));
                item.executeUpdate();
            }
        }
    }
}
