package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Ledger;

/**
 * V7 keeps the documents of {@code outreach_work} as their UTF-8 bytes: rows written as text by an earlier version come
 * out of the migration as the same documents, on H2 and (in the PostgreSQL run of the suite) on PostgreSQL.
 */
class LedgerMigrationTest {

    @Test
    void documentsWrittenAsTextBeforeV7AreReadBackTheSame() throws SQLException {
        // beyond ASCII (two- and four-byte UTF-8), quotes and escapes as JSON writes them, a backslash
        String item = "{\"key\":\"k-queued\",\"record\":{\"text\":\"Grüße, \\\"Zoë\\\"\\n😀 \\\\ \"}}";
        String outcome = "{\"key\":\"k-sent\",\"chat_id\":\"chat_ü\"}";
        DataSource database = TestLedger.dataSource("migration");
        TestLedger.migrations().dataSource(database).target("6").load().migrate();
        try (Connection db = database.getConnection(); Statement sql = db.createStatement()) {
            sql.executeUpdate(LedgerMigrations.insertRecord("k-queued", "QUEUED"));
            sql.executeUpdate(LedgerMigrations.insertRecord("k-sent", "SENT"));
            sql.executeUpdate("INSERT INTO outreach_work (record_key, version, item) VALUES ('k-queued', 1, '"
                    + item.replace("'", "''") + "')");
            sql.executeUpdate("INSERT INTO outreach_work (record_key, version, unwritten_outcome) VALUES ('k-sent', 2,"
                    + " '" + outcome + "')");
        }

        TestLedger.migrations().dataSource(database).load().migrate();

        Ledger ledger = new Ledger(database, new DiskFault(List.of(), 0), "migration-test");
        assertEquals(List.of(item), ledger.queued(10));
        assertEquals(List.of(outcome), ledger.unwrittenOutcomes(Ledger.Holders.ALL).stream()
                .map(Ledger.Unwritten::document).toList());
    }
}
