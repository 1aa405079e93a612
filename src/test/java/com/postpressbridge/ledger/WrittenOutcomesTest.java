package com.postpressbridge.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.postpressbridge.LedgerMigrations;
import com.postpressbridge.ledger.Ledger.State;

/**
 * The work rows of outcomes that are in their folders are cleared by the ledger's job, all of them, however many a
 * second of sending writes (a ledger in memory: no journal, no disk).
 */
class WrittenOutcomesTest {

    private JdbcDataSource database;
    private Ledger ledger;

    @BeforeEach
    void migrate() {
        database = LedgerMigrations.h2InMemory("written");
        LedgerMigrations.h2().dataSource(database).load().migrate();
        ledger = new Ledger(database, new DiskFault(List.of(), 0), "written-test");
    }

    private long workRows() throws SQLException {
        try (Connection db = database.getConnection(); Statement sql = db.createStatement();
                ResultSet count = sql.executeQuery("SELECT COUNT(*) FROM outreach_work")) {
            count.next();
            return count.getLong(1);
        }
    }

    /** Sends {@code records} keys: claimed, sent, and their success lines written. */
    private void sendAndWrite(int records) {
        for (int i = 0; i < records; i++) {
            String key = "k-" + i;
            ledger.claim(key, "hash-" + i, "{\"n\":" + i + "}", false, State.SENDING);
            long version = ledger.finish(key, State.SENT, 1, null, false, "chat-" + i, "msg-" + i, "{\"sent\":" + i + "}");
            ledger.written(key, version);
        }
    }

    @Test
    void oneRunOfTheJobClearsEveryWrittenOutcomeEvenMoreThanOneTransactionHolds() throws SQLException {
        sendAndWrite(2_501);
        assertEquals(2_501, workRows());

        ledger.clearWritten();

        assertEquals(0, workRows(), "work rows of outcomes already in their folders");
    }

    @Test
    void noWrittenOutcomeIsSkippedBetweenTwoTransactions() throws SQLException {
        sendAndWrite(1_001);

        ledger.clearWritten();
        ledger.clearWritten();

        assertEquals(0, workRows(), "the outcome after the first thousand was taken off the queue and never cleared");
    }

    @Test
    void anOutcomeDecidedSinceTheOneWrittenKeepsItsDocumentUntilItIsWrittenToo() throws SQLException {
        sendAndWrite(1); // the success line of k-0 is written, its clearing queued
        // a newer outcome of the key, not written yet: its document must stay for start-up to write it
        ledger.finish("k-0", State.QUARANTINED, 1, null, false, null, null, "{\"quarantined\":true}");

        ledger.clearWritten();

        try (Connection db = database.getConnection(); Statement sql = db.createStatement();
                ResultSet row = sql.executeQuery("SELECT unwritten_outcome FROM outreach_work WHERE record_key = 'k-0'")) {
            assertTrue(row.next(), "the work row of the newer outcome");
            assertEquals("{\"quarantined\":true}", new String(row.getBytes(1), StandardCharsets.UTF_8));
        }
    }
}
