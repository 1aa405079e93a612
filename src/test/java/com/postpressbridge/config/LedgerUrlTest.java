package com.postpressbridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

class LedgerUrlTest {

    private static SmallRyeConfig config(String url) {
        Map<String, String> properties = new HashMap<>(Map.of("quarkus.datasource.active", "true",
                "quarkus.datasource.\"postgresql\".active", "true",
                // as application.properties gives both datasources their URL
                "quarkus.datasource.jdbc.url", "${outreach.ledger.url}",
                "quarkus.datasource.\"postgresql\".jdbc.url", "${outreach.ledger.url}"));
        if (url != null) {
            properties.put("outreach.ledger.url", url);
        }
        return new SmallRyeConfigBuilder().addDefaultInterceptors().withInterceptors(new LedgerUrl())
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build();
    }

    @ParameterizedTest(name = "{0}: H2 active {1}, PostgreSQL active {2}")
    @CsvSource({
            "jdbc:h2:file:/data/outreach/.ledger/ledger;RETENTION_TIME=0, true, false",
            "jdbc:h2:mem:ledger, true, false",
            "jdbc:postgresql://db:5432/outreach, false, true",
            "' jdbc:postgresql://db/outreach?sslmode=require', false, true",
            "jdbc:postgres://db/outreach, true, false" })
    void theUrlMakesExactlyOneDatasourceAndItsMigrationActive(String url, boolean h2, boolean postgresql) {
        SmallRyeConfig config = config(url);
        assertEquals(h2, config.getValue("quarkus.datasource.active", Boolean.class));
        assertEquals(h2, config.getValue("quarkus.flyway.active", Boolean.class));
        for (String name : new String[] { "quarkus.datasource.\"postgresql\".active", "quarkus.datasource.postgresql.active",
                "quarkus.flyway.\"postgresql\".active", "quarkus.flyway.postgresql.active" }) {
            assertEquals(postgresql, config.getValue(name, Boolean.class), name);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "jdbc:postgresql://db:5432/outreach?user=o&password=s3cret, PostgreSQL jdbc:postgresql://db:5432/outreach",
            "jdbc:h2:file:/data/.ledger/ledger;PASSWORD=s3cret, embedded H2 jdbc:h2:file:/data/.ledger/ledger" })
    void theLogLineShowsTheUrlWithoutItsOptions(String url, String described) {
        assertEquals(described, LedgerUrl.describe(url));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "jdbc:h2:file:/data/.ledger/ledger;RETENTION_TIME=0 | jdbc:h2:file:/data/.ledger/ledger;RETENTION_TIME=0;WRITE_DELAY=2147483647",
            "jdbc:h2:file:/data/ledger;write_delay=500;TRACE_LEVEL_FILE=0 | jdbc:h2:file:/data/ledger;TRACE_LEVEL_FILE=0;WRITE_DELAY=2147483647",
            "jdbc:h2:./ledger;WRITE_DELAY=0 | jdbc:h2:./ledger;WRITE_DELAY=2147483647",
            "jdbc:h2:mem:ledger;DB_CLOSE_DELAY=-1 | jdbc:h2:mem:ledger;DB_CLOSE_DELAY=-1",
            "jdbc:postgresql://user:secret@db/outreach | jdbc:postgresql://db/outreach" })
    void thePoolGetsAnH2FileWithoutItsBackgroundWriterAndNoUrlWithUserInfo(String url, String pooled) {
        assertEquals(pooled, LedgerUrl.pooled(url));
        assertEquals(pooled, config(url).getValue(LedgerUrl.isPostgresql(url) ? "quarkus.datasource.\"postgresql\".jdbc.url"
                : "quarkus.datasource.jdbc.url", String.class));
    }

    /**
     * H2's background writer stored its file beside committing transactions: after a kill, a row was locked for good by
     * a transaction that no longer existed (a start failed on it in RepeatedKillIT). A URL that asks for it gets none.
     */
    @Test
    void h2OpenedWithThePooledUrlHasNoBackgroundWrites(@TempDir Path folder) throws Exception {
        JdbcDataSource database = new JdbcDataSource();
        database.setURL(LedgerUrl.pooled("jdbc:h2:file:" + folder.resolve("ledger") + ";WRITE_DELAY=500"));
        try (Connection db = database.getConnection(); Statement sql = db.createStatement();
                ResultSet delay = sql.executeQuery(
                        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            assertTrue(delay.next());
            assertEquals(String.valueOf(LedgerUrl.H2_WRITE_DELAY), delay.getString(1));
        }
    }
}
