package com.postpressbridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.h2.jdbcx.JdbcDataSource;

/**
 * The ledger's Flyway migrations as the app runs them, for tests that migrate a database of their own: with the
 * placeholders {@code application.properties} gives each database (read from it, not repeated here).
 */
public final class LedgerMigrations {

    private LedgerMigrations() {
    }

    /** A new, empty H2 database in memory (it lasts as long as the JVM), to migrate with {@link #h2()}. */
    public static JdbcDataSource h2InMemory(String name) {
        JdbcDataSource database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:" + name + "-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        database.setUser("outreach");
        return database;
    }

    /**
     * The statement that inserts a record row with only the columns every version of the schema requires (no attempt,
     * not in doubt, no content hash), in a state: as a test writes rows the app did not.
     */
    public static String insertRecord(String key, String state) {
        return String.format("INSERT INTO outreach_record (record_key, state, attempts, first_seen_at, updated_at,"
                + " in_doubt, content_hash) VALUES ('%s', '%s', 0, 1, 1, FALSE, '')", key, state);
    }

    /** For embedded H2 (the default datasource). */
    public static FluentConfiguration h2() {
        return configure("");
    }

    /** For PostgreSQL (the datasource named {@code postgresql}). */
    public static FluentConfiguration postgresql() {
        return configure("\"postgresql\".");
    }

    private static FluentConfiguration configure(String datasource) {
        Properties app = new Properties();
        try (InputStream in = LedgerMigrations.class.getResourceAsStream("/application.properties")) {
            app.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String prefix = "quarkus.flyway." + datasource + "placeholders.";
        Map<String, String> placeholders = new HashMap<>();
        for (String name : app.stringPropertyNames()) {
            if (name.startsWith(prefix)) {
                placeholders.put(name.substring(prefix.length()), app.getProperty(name));
            }
        }
        if (placeholders.isEmpty()) {
            throw new IllegalStateException("application.properties gives no " + prefix + "* for the migrations");
        }
        return Flyway.configure().locations("classpath:db/migration").placeholders(placeholders);
    }
}
