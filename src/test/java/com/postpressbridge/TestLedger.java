package com.postpressbridge;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The ledger the tests run on. Embedded H2 by default; with {@code -Dtest.ledger=postgresql} (the second run of the
 * suite in {@code mvn verify}) a PostgreSQL server, where every app under test gets a database of its own, created
 * empty: a {@code @QuarkusTest} boot one per boot, a packaged app one per outreach folder (kept across its restarts).
 */
final class TestLedger {

    private static final String SERVER = System.getProperty("test.ledger.server", "jdbc:postgresql://localhost:5432/");
    private static final String USER = System.getProperty("test.ledger.username", "outreach");
    private static final String PASSWORD = System.getProperty("test.ledger.password", "outreach");
    private static final String PREFIX = "outreach_test_";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final Map<Path, String> BY_FOLDER = new ConcurrentHashMap<>();
    private static volatile boolean cleared;

    private TestLedger() {
    }

    static boolean postgresql() {
        return "postgresql".equals(System.getProperty("test.ledger"));
    }

    /** Configuration for a {@code @QuarkusTest} boot: nothing (its H2 in memory), or a new PostgreSQL database. */
    static Map<String, String> forBoot() {
        if (!postgresql()) {
            return Map.of();
        }
        return Map.of("outreach.ledger.url", newDatabase(), "outreach.ledger.username", USER,
                "outreach.ledger.password", PASSWORD);
    }

    /**
     * A database of its own for a test that drives the ledger without booting the app (migrate it with
     * {@link LedgerMigrations}): an H2 one in memory, or a new PostgreSQL database in the PostgreSQL run.
     */
    static DataSource dataSource(String name) {
        if (!postgresql()) {
            return LedgerMigrations.h2InMemory(name);
        }
        PGSimpleDataSource database = new PGSimpleDataSource();
        database.setURL(newDatabase());
        database.setUser(USER);
        database.setPassword(PASSWORD);
        return database;
    }

    /** As {@link #dataSource(String)}, migrated to the app's schema. */
    static DataSource migrated(String name) {
        DataSource database = dataSource(name);
        migrations().dataSource(database).load().migrate();
        return database;
    }

    /** The configuration of Flyway the app runs on this ledger's database. */
    static FluentConfiguration migrations() {
        return postgresql() ? LedgerMigrations.postgresql() : LedgerMigrations.h2();
    }

    /** Environment for a packaged app on an outreach folder: nothing (its H2 file there), or its PostgreSQL database. */
    static Map<String, String> forApp(Path outreachDir) {
        if (!postgresql()) {
            return Map.of();
        }
        String url = BY_FOLDER.computeIfAbsent(outreachDir.toAbsolutePath().normalize(), dir -> newDatabase());
        return Map.of("OUTREACH_LEDGER_URL", url, "OUTREACH_LEDGER_USERNAME", USER, "OUTREACH_LEDGER_PASSWORD", PASSWORD);
    }

    /**
     * Every row of every table of a packaged app's ledger, in a stable order: to show that something changed nothing.
     * Read while no app has the ledger open (embedded H2 takes one process at a time).
     */
    static String dump(Path outreachDir) throws SQLException {
        Map<String, String> app = forApp(outreachDir);
        String url = app.getOrDefault("OUTREACH_LEDGER_URL", "jdbc:h2:file:" + outreachDir.toAbsolutePath()
                .resolve(".ledger/ledger") + ";IFEXISTS=TRUE");
        StringBuilder dump = new StringBuilder();
        try (Connection db = DriverManager.getConnection(url, USER, app.isEmpty() ? "" : PASSWORD);
                Statement statement = db.createStatement()) {
            for (String table : List.of("outreach_record", "outreach_work", "webhook_delivery", "sending_hold",
                    "ledger_fact", "inbox_file", "bridge_instance", "\"flyway_schema_history\"")) {
                dump.append(table).append(":\n");
                List<String> rows = new ArrayList<>();
                try (ResultSet row = statement.executeQuery("SELECT * FROM " + table)) {
                    int columns = row.getMetaData().getColumnCount();
                    while (row.next()) {
                        StringBuilder line = new StringBuilder();
                        for (int i = 1; i <= columns; i++) {
                            line.append(row.getString(i)).append(" | ");
                        }
                        rows.add(line.toString());
                    }
                }
                rows.stream().sorted().forEach(line -> dump.append("  ").append(line).append('\n'));
            }
        }
        return dump.toString();
    }

    private static String newDatabase() {
        // Unique in this JVM even though Quarkus loads this class again in each test application's class loader.
        String name = PREFIX + ProcessHandle.current().pid() + "_"
                + Long.toString(System.nanoTime() & Long.MAX_VALUE, 36) + DATABASES.incrementAndGet();
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres", USER, PASSWORD);
                Statement statement = admin.createStatement()) {
            clearEarlierRuns(statement);
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("the PostgreSQL run of the tests needs a PostgreSQL server at " + SERVER
                    + " where user " + USER + " may create databases (bin/test sets one up): " + e.getMessage(), e);
        }
        return SERVER + name;
    }

    /**
     * The databases of earlier test runs are dropped once, before the first new one: those made by a test JVM that is
     * no longer running on this machine (the pid in their name), so that two runs at once leave each other alone.
     */
    private static synchronized void clearEarlierRuns(Statement statement) throws SQLException {
        if (cleared) {
            return;
        }
        cleared = true;
        List<String> earlier = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + PREFIX
                + "%'")) {
            while (rows.next()) {
                String[] parts = rows.getString(1).substring(PREFIX.length()).split("_");
                boolean running = parts[0].chars().allMatch(Character::isDigit)
                        && ProcessHandle.of(Long.parseLong(parts[0])).isPresent();
                if (!running) {
                    earlier.add(rows.getString(1));
                }
            }
        }
        for (String database : earlier) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}
