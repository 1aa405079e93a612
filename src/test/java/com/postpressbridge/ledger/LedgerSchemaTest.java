package com.postpressbridge.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.AccessDeniedException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.postpressbridge.LedgerMigrations;
import com.postpressbridge.config.BadSetting;

/**
 * The ledger's schema on H2 as the app builds it (Flyway, then the connection that migrated closed): records can be
 * inserted from other connections, and a state outside the known ones is refused. And what the start says when the
 * ledger cannot be opened or migrated ({@link LedgerSchema#problem}): by the SQL state the driver gave (under Flyway's
 * wrapping, as it comes), what to fix, and never the password a PostgreSQL URL may carry.
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

    private static final String SERVER = "jdbc:postgresql://db.internal:5432/outreach?password=hunter2pw";
    private static final String EMBEDDED = "jdbc:h2:file:/data/outreach/.ledger/ledger;RETENTION_TIME=0";

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "28P01 | FATAL: password authentication failed for user \"outreach\" | " + SERVER
                    + " | refused the user name or password (FATAL: password authentication failed for user"
                    + " \"outreach\"): check outreach.ledger.username and outreach.ledger.password",
            "28000 | FATAL: role \"nobody\" does not exist | " + SERVER + " | refused the user name or password",
            "3D000 | FATAL: database \"outreach\" does not exist | " + SERVER
                    + " | the database named in outreach.ledger.url (OUTREACH_LEDGER_URL) does not exist (FATAL:"
                    + " database \"outreach\" does not exist): create it",
            "08001 | Connection to db.internal:5432 refused. | " + SERVER
                    + " | does not answer at PostgreSQL jdbc:postgresql://db.internal:5432/outreach (Connection to"
                    + " db.internal:5432 refused.): start it, or fix the host and port",
            "42501 | permission denied for schema public | " + SERVER + " | may not create its tables",
            "90020 | Database may be already in use: \"/data/outreach/.ledger/ledger.mv.db\" [90020-240] | " + EMBEDDED
                    + " | another process has the embedded ledger open (embedded H2 jdbc:h2:file:/data/outreach/"
                    + ".ledger/ledger): another bridge on the same outreach.dir",
            "90062 | Error while creating file \"/data/outreach\" [90062-240] | " + EMBEDDED
                    + " | cannot be created or written (embedded H2 jdbc:h2:file:/data/outreach/.ledger/ledger: Error"
                    + " while creating file \"/data/outreach\"): give the user that runs the bridge write access",
            "XX000 | something else entirely | " + SERVER + " | cannot open the ledger (PostgreSQL"
                    + " jdbc:postgresql://db.internal:5432/outreach): something else entirely",
            // the driver's and the pool's refusals repeat the URL: its password is not repeated
            "XX000 | Unable to parse URL jdbc:postgresql://outreach:hunter2pw@db.internal/x | "
                    + "jdbc:postgresql://outreach:hunter2pw@db.internal/x | cannot open the ledger (PostgreSQL"
                    + " jdbc:postgresql://db.internal/x): Unable to parse URL jdbc:postgresql://db.internal/x",
            "08001 | Connection to outreach:hunter2pw@db.internal:5432 refused. | "
                    + "jdbc:postgresql://outreach:hunter2pw@db.internal:5432/x | (Connection to ***@db.internal:5432"
                    + " refused.)",
            " | Driver does not support the provided URL: " + EMBEDDED + ";PASSWORD=hunter2pw | " + EMBEDDED
                    + ";PASSWORD=hunter2pw | cannot open the ledger (embedded H2 jdbc:h2:file:/data/outreach/.ledger/"
                    + "ledger): Unable to obtain connection from database: Driver does not support the provided URL:"
                    + " jdbc:h2:file:/data/outreach/.ledger/ledger",
            "XX000 | a message with password=hunter2pw in it | " + SERVER + " | with password=*** in it",
            // H2's own states that look like PostgreSQL's say what H2 said, not what to do on a server
            "28000 | Wrong user name or password [28000-240] | " + EMBEDDED + " | cannot open the ledger (embedded H2"
                    + " jdbc:h2:file:/data/outreach/.ledger/ledger): Wrong user name or password",
            "08000 | Error opening database: \"damaged\" [08000-240] | " + EMBEDDED + " | cannot open the ledger"
                    + " (embedded H2 jdbc:h2:file:/data/outreach/.ledger/ledger): Error opening database",
            "90097 | The database is read only [90097-240] | " + EMBEDDED + " | the embedded ledger cannot be created"
                    + " or written"})
    void eachFailureSaysWhatToFix(String state, String message, String url, String expected) {
        // as Flyway wraps it: its own message over the driver's, with lines of detail under it
        RuntimeException flyway = new RuntimeException("Unable to obtain connection from database: " + message
                + "\n----------\nSQL State  : " + state, new SQLException(message, state));
        String said = LedgerSchema.problem(flyway, url);
        assertTrue(said.contains(expected), said);
        assertFalse(said.contains("hunter2pw"), said);
        assertFalse(said.contains("\n"), "one line: " + said);
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
            "' jdbc:h2:file:/data/ledger' | has spaces before or after it: remove them",
            "JDBC:H2:file:/data/ledger;PASSWORD=hunter2pw | must begin with jdbc:postgresql: or jdbc:h2: in lower case",
            "JDBC:POSTGRESQL://db/x?password=hunter2pw | must begin with jdbc:postgresql: or jdbc:h2: in lower case",
            "jdbc:mysql://root:hunter2pw@db/x | must be jdbc:postgresql://host:port/database for a PostgreSQL ledger, or"
                    + " jdbc:h2:file:<path> for the embedded one: jdbc:mysql: is not a database",
            "postgres://db/x | the embedded one: it is not a database",
            "jdbc:postgresql://outreach:hunter2pw@db/x | has a user name or password before its host, which the"
                    + " drivers do not take: set outreach.ledger.username and outreach.ledger.password"})
    void aUrlNoDriverTakesIsRefusedBeforeThePoolRepeatsIt(String url, String expected) {
        String said = assertThrows(BadSetting.class, () -> LedgerSchema.refuseUnusable(url)).getMessage();
        assertTrue(said.startsWith("outreach.ledger.url (OUTREACH_LEDGER_URL) "), said);
        assertTrue(said.contains(expected), said);
        assertFalse(said.contains("hunter2pw"), said);
    }

    @Test
    void theUrlsTheDriversTakeAreNotRefused() {
        LedgerSchema.refuseUnusable(EMBEDDED);
        LedgerSchema.refuseUnusable(SERVER);
    }

    @Test
    void aFolderTheBridgeMayNotWriteIsSaidSo() {
        RuntimeException flyway = new RuntimeException("Unable to obtain connection from database",
                new IllegalStateException(new AccessDeniedException("/data/outreach")));
        String said = LedgerSchema.problem(flyway, EMBEDDED);
        assertTrue(said.contains("(embedded H2 jdbc:h2:file:/data/outreach/.ledger/ledger: permission denied:"
                + " /data/outreach): give the user that runs the bridge write access to outreach.dir"), said);
    }
}
