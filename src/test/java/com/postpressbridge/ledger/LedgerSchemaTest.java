package com.postpressbridge.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import com.postpressbridge.LedgerMigrations;

/**
 * The ledger's schema on H2 as the app builds it (Flyway, then the connection that migrated closed): records can be
 * inserted from other connections, and a state outside the known ones is refused.
 */
class LedgerSchemaTest {

    @Test
    void recordsGoInAfterTheMigratingConnectionIsClosed() throws SQLException {
        String url = "jdbc:h2:mem:schema-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        try (Connection open = DriverManager.getConnection(url, "outreach", "")) { // keeps the database in memory
            LedgerMigrations.h2().dataSource(url, "outreach", "").load().migrate();
            try (Connection app = DriverManager.getConnection(url, "outreach", ""); Statement sql = app.createStatement()) {
                // failed before V5 with "Check constraint invalid ... The database has been closed"
                assertEquals(1, sql.executeUpdate(LedgerMigrations.insertRecord("k-1", "SENDING")));
                assertThrows(SQLException.class, () -> sql.executeUpdate(LedgerMigrations.insertRecord("k-2", "LOST")));
            }
            try (Statement sql = open.createStatement()) {
                sql.execute("SHUTDOWN");
            }
        }
    }
}
