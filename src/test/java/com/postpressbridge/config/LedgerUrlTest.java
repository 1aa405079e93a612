package com.postpressbridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

class LedgerUrlTest {

    private static SmallRyeConfig config(String url) {
        Map<String, String> properties = new HashMap<>(Map.of("quarkus.datasource.active", "true",
                "quarkus.datasource.\"postgresql\".active", "true"));
        if (url != null) {
            properties.put("outreach.ledger.url", url);
        }
        return new SmallRyeConfigBuilder().withInterceptors(new LedgerUrl())
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
}
