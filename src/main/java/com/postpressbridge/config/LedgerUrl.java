package com.postpressbridge.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

import jakarta.annotation.Priority;

/**
 * One setting says where the ledger is: {@code outreach.ledger.url}. Quarkus fixes a datasource's kind when the app is
 * built, so the build has two, the embedded H2 one (the default datasource) and one named {@value #POSTGRESQL}; the
 * URL makes one of them active at run time, and with it its Flyway migration. The same jar and image run on either.
 */
@Priority(Priorities.APPLICATION + 100)
public class LedgerUrl implements ConfigSourceInterceptor {

    /** The name of the PostgreSQL datasource. */
    public static final String POSTGRESQL = "postgresql";
    private static final String URL = "outreach.ledger.url";

    /** Whether a ledger URL names a PostgreSQL database (else it is an H2 one). */
    public static boolean isPostgresql(String url) {
        return url != null && url.trim().startsWith("jdbc:postgresql:");
    }

    /** The ledger's URL for a log line: without its options (a PostgreSQL URL may carry a password in them). */
    public static String describe(String url) {
        if (isPostgresql(url)) {
            int options = url.indexOf('?');
            return "PostgreSQL " + (options < 0 ? url : url.substring(0, options));
        }
        int options = url.indexOf(';');
        return "embedded H2 " + (options < 0 ? url : url.substring(0, options));
    }

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        String datasource = activeOf(name);
        if (datasource == null) {
            return context.proceed(name);
        }
        ConfigValue url = context.proceed(URL);
        boolean postgresql = url != null && isPostgresql(url.getValue());
        boolean active = datasource.equals(POSTGRESQL) == postgresql;
        return ConfigValue.builder().withName(name).withValue(Boolean.toString(active))
                .withConfigSourceName(LedgerUrl.class.getSimpleName() + " (from " + URL + ")").build();
    }

    /** The datasource whose activation a name asks for ("" for the default one), or null for any other name. */
    private static String activeOf(String name) {
        for (String prefix : new String[] { "quarkus.datasource.", "quarkus.flyway." }) {
            if (name.startsWith(prefix) && name.endsWith(".active") || name.equals(prefix + "active")) {
                String between = name.equals(prefix + "active") ? ""
                        : name.substring(prefix.length(), name.length() - ".active".length()).replace("\"", "");
                return between.isEmpty() || between.equals(POSTGRESQL) ? between : null;
            }
        }
        return null;
    }
}
