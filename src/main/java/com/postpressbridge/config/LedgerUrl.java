package com.postpressbridge.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

import jakarta.annotation.Priority;

/**
 * One setting says where the ledger is: {@code outreach.ledger.url}. Quarkus fixes a datasource's kind when the app is
 * built, so the build has two, the embedded H2 one (the default datasource) and one named {@value #POSTGRESQL}; the
 * URL makes one of them active at run time (and {@code LedgerSchema} migrates that one). The same jar and image run on
 * either.
 */
@Priority(Priorities.APPLICATION + 100)
public class LedgerUrl implements ConfigSourceInterceptor {

    /** The name of the PostgreSQL datasource. */
    public static final String POSTGRESQL = "postgresql";
    private static final String URL = "outreach.ledger.url";
    private static final Pattern USER_INFO = Pattern.compile("//([^/]*@)");

    /** Whether a ledger URL has a user name or password before its host ({@code //user:secret@host}). */
    public static boolean hasUserInfo(String url) {
        return USER_INFO.matcher(url).find();
    }

    /** Whether a ledger URL names a PostgreSQL database (else it is an H2 one). */
    public static boolean isPostgresql(String url) {
        return url != null && url.trim().startsWith("jdbc:postgresql:");
    }

    /** The ledger's URL for a log line or a message: its kind, then {@link #bare}. */
    public static String describe(String url) {
        return (isPostgresql(url) ? "PostgreSQL " : "embedded H2 ") + bare(url);
    }

    /**
     * The URL without what may carry a password: its options ({@code ?password=} on PostgreSQL, {@code ;PASSWORD=} on
     * H2) and a user name or password before its host ({@code //user:secret@host}, which pgjdbc does not take, but
     * repeats in its refusal).
     */
    static String bare(String url) {
        String trimmed = url.strip();
        int options = trimmed.indexOf(isPostgresql(trimmed) ? '?' : ';');
        return withoutUserInfo(options < 0 ? trimmed : trimmed.substring(0, options));
    }

    private static String withoutUserInfo(String url) {
        return USER_INFO.matcher(url).replaceFirst("//");
    }

    /**
     * H2's {@code WRITE_DELAY} for the ledger: its background writer stores what is unwritten once the last store is
     * older than this, which the ledger's checkpoints, every second, never let happen. Not 0: H2 then stores its file
     * at every commit.
     */
    public static final int H2_WRITE_DELAY = Integer.MAX_VALUE;
    private static final Pattern WRITE_DELAY = Pattern.compile("(?i);\\s*WRITE_DELAY\\s*=[^;]*");

    /**
     * The URL a pool opens: without user info (pgjdbc takes none before the host, and it and the pool log the URL
     * whole when they refuse it; {@code LedgerSchema} then refuses the setting, saying why), and an H2 ledger not in
     * memory with H2's background writer put off ({@link #H2_WRITE_DELAY}) whatever the setting says. H2 applies a
     * URL's settings to every new connection and at every open, so the URL is where this holds. That writer stored the
     * file while transactions committed; after a kill, H2 opened rows locked for good by a transaction that no longer
     * existed. The ledger writes H2's file at its checkpoints, between transactions.
     */
    public static String pooled(String url) {
        String pooled = withoutUserInfo(url);
        String scheme = pooled.strip().toLowerCase(Locale.ROOT);
        if (!scheme.startsWith("jdbc:h2:") || scheme.startsWith("jdbc:h2:mem:")) {
            return pooled;
        }
        return WRITE_DELAY.matcher(pooled).replaceAll("") + ";WRITE_DELAY=" + H2_WRITE_DELAY;
    }

    /**
     * A text that may quote the URL (a driver's or the pool's refusal): the URL in it as {@link #bare} gives it, and
     * whatever still looks like a password masked.
     */
    public static String redact(String text, String url) {
        String safe = text;
        if (url != null && !url.isBlank()) {
            safe = safe.replace(url.strip(), bare(url));
            Matcher userInfo = USER_INFO.matcher(url.strip());
            if (userInfo.find()) { // pgjdbc takes "user:secret@db" for the host, and names it so
                safe = safe.replace(userInfo.group(1), "***@");
            }
        }
        return safe.replaceAll("(?i)(password=)[^;&\\s\"']*", "$1***").replaceAll("//[^/@\\s\"']+@", "//***@");
    }

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        if (name.equals("quarkus.datasource.jdbc.url") || name.replace("\"", "").equals("quarkus.datasource."
                + POSTGRESQL + ".jdbc.url")) {
            ConfigValue url = context.proceed(name);
            return url == null || url.getValue() == null ? url : url.withValue(pooled(url.getValue()));
        }
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
