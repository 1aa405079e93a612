package com.postpressbridge.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.postpressbridge.LedgerMigrations;

/** The ledger's queries that run again and again over a table that can be large: what they read, and in what order. */
class LedgerQueriesTest {

    private JdbcDataSource database;
    private Ledger ledger;

    @BeforeEach
    void migrate() {
        database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:queries-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        database.setUser("outreach");
        LedgerMigrations.h2().dataSource(database).load().migrate();
        ledger = new Ledger(database, new DiskFault(List.of(), 0), "queries-test");
    }

    @Test
    void queuedRecordsComeOldestFirstAndOnlyQueuedOnes() throws SQLException {
        try (Connection db = database.getConnection(); Statement sql = db.createStatement()) {
            record(sql, "k-c", "QUEUED", 30);
            record(sql, "k-a", "QUEUED", 10);
            record(sql, "k-b2", "QUEUED", 20);
            record(sql, "k-b1", "QUEUED", 20); // the same moment: by key
            record(sql, "k-sent", "SENT", 5);
        }

        assertEquals(List.of("k-a", "k-b1", "k-b2"), ledger.queued(3));
        assertEquals(List.of("k-a", "k-b1", "k-b2", "k-c"), ledger.queued(10));
    }

    /**
     * Fails when the dispatch's query reads every queued record to sort them (as it did, joined to their items first:
     * about a second a dispatch with 200,000 queued).
     */
    @Test
    void theOldestQueuedRecordsAreReadInTheOrderOfAnIndexNotSortedWhole() throws SQLException {
        try (Connection db = database.getConnection();
                PreparedStatement explain = db.prepareStatement("EXPLAIN " + Ledger.QUEUED_OLDEST_FIRST)) {
            explain.setInt(1, 500);
            try (ResultSet plan = explain.executeQuery()) {
                assertTrue(plan.next());
                String text = plan.getString(1);
                assertTrue(text.contains("OUTREACH_RECORD_QUEUED") && text.contains("/* index sorted */"), text);
            }
        }
    }

    @Test
    void dueRecordsComeOldestFirstAndOfAnAccountsScheduledOnlyTheFirst() throws SQLException {
        try (Connection db = database.getConnection(); Statement sql = db.createStatement()) {
            record(sql, "r-late", "RETRY", 1);
            due(sql, "r-late", 40);
            record(sql, "r-early", "RETRY", 1);
            due(sql, "r-early", 10);
            record(sql, "r-future", "RETRY", 1);
            due(sql, "r-future", 1_000);
            record(sql, "s-first", "SCHEDULED", 1);
            scheduled(sql, "s-first", 30, "acc", 1);
            record(sql, "s-second", "SCHEDULED", 1);
            scheduled(sql, "s-second", 20, "acc", 2); // due earlier, but after s-first in its account's order
            record(sql, "q", "QUEUED", 1);
        }

        assertEquals(List.of("r-early", "s-first", "r-late"),
                ledger.dueRetries(100, 10).stream().map(Ledger.Due::key).toList());
        assertEquals(List.of("r-early"), ledger.dueRetries(100, 1).stream().map(Ledger.Due::key).toList());
    }

    /** Fails when a scan of due records reads every due record to sort them (about half a second for 200,000). */
    @Test
    void dueRecordsAreReadInTheOrderOfAnIndexNotSortedWhole() throws SQLException {
        try (Connection db = database.getConnection();
                PreparedStatement explain = db.prepareStatement("EXPLAIN " + Ledger.DUE_OLDEST_FIRST)) {
            for (int i = 1; i <= 4; i++) {
                explain.setLong(i, 500);
            }
            try (ResultSet plan = explain.executeQuery()) {
                assertTrue(plan.next());
                String text = plan.getString(1);
                assertEquals(2, text.split("/\\* index sorted \\*/", -1).length - 1, text);
            }
        }
    }

    private static void due(Statement sql, String key, long at) throws SQLException {
        sql.executeUpdate("UPDATE outreach_record SET next_attempt_at = " + at + " WHERE record_key = '" + key + "'");
    }

    private static void scheduled(Statement sql, String key, long at, String account, long order) throws SQLException {
        sql.executeUpdate("UPDATE outreach_record SET next_attempt_at = " + at + ", account_id = '" + account
                + "', pace_order = " + order + " WHERE record_key = '" + key + "'");
    }

    /** A record row in a state, first seen at a time, with a work row whose item is its key. */
    private static void record(Statement sql, String key, String state, long firstSeenAt) throws SQLException {
        sql.executeUpdate(String.format("INSERT INTO outreach_record (record_key, state, attempts, first_seen_at,"
                + " updated_at, in_doubt, content_hash) VALUES ('%s', '%s', 0, %d, %d, FALSE, '')", key, state,
                firstSeenAt, firstSeenAt));
        sql.executeUpdate(String.format("INSERT INTO outreach_work (record_key, version, item) VALUES ('%s', 1, CAST('%s'"
                + " AS BYTEA))", key, key));
    }
}
