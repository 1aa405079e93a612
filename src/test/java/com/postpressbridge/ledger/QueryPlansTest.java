package com.postpressbridge.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.postpressbridge.LedgerMigrations;

/**
 * The dispatcher's queries on H2 read the waiting records in the order of an index, the batch only: they fail when a
 * query reads a whole backlog to sort it (as they did: with 200,000 queued records about a second a dispatch, with
 * 200,000 due about half a second a scan). What the queries return is in LedgerQueriesTest.
 */
class QueryPlansTest {

    private JdbcDataSource database;

    @BeforeEach
    void migrate() {
        database = LedgerMigrations.h2InMemory("plans");
        LedgerMigrations.h2().dataSource(database).load().migrate();
    }

    @Test
    void theOldestQueuedRecordsAreReadInTheOrderOfAnIndex() throws SQLException {
        String plan = plan(Ledger.QUEUED_OLDEST_FIRST, 1);
        assertEquals(1, indexSorted(plan), plan);
        assertEquals(true, plan.contains("OUTREACH_RECORD_QUEUED"), plan);
    }

    @Test
    void dueRecordsOfEachStateAreReadInTheOrderOfAnIndex() throws SQLException {
        String plan = plan(Ledger.DUE_OLDEST_FIRST, 4);
        assertEquals(2, indexSorted(plan), plan);
    }

    private String plan(String sql, int parameters) throws SQLException {
        try (Connection db = database.getConnection(); PreparedStatement explain = db.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 1; i <= parameters; i++) {
                explain.setLong(i, 500);
            }
            try (ResultSet plan = explain.executeQuery()) {
                plan.next();
                return plan.getString(1);
            }
        }
    }

    /** How many parts of a plan read in index order, whole ("index sorted: 1 of 3 columns" sorts what it read). */
    private static int indexSorted(String plan) {
        return plan.split("/\\* index sorted \\*/", -1).length - 1;
    }
}
