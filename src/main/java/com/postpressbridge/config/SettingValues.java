package com.postpressbridge.config;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

import org.eclipse.microprofile.config.spi.Converter;

import io.quarkus.runtime.configuration.DurationConverter;

/**
 * Values a setting must have, checked as the settings are read: a value outside them stops the start with the setting's
 * name, the value and what it must be (SmallRye puts the message after "whilst being converted"), before anything is
 * built from it. Without them a typo went by unnoticed: {@code maybe} read as false turned pacing off, a negative
 * tolerance refused every webhook, a negative timeout failed deep in Camel with a stack trace (a probe).
 */
public final class SettingValues {

    private SettingValues() {
    }

    /**
     * A switch: the words SmallRye reads as true ({@code true}, {@code yes}, {@code y}, {@code on}, {@code 1}) or as
     * false ({@code false}, {@code no}, {@code n}, {@code off}, {@code 0}), in any case; any other word is refused
     * (SmallRye read it as false, with a warning only).
     */
    public static class StrictBoolean implements Converter<Boolean> {
        @Override
        public Boolean convert(String value) {
            Boolean read = read(value);
            if (read == null) {
                throw new IllegalArgumentException("- it must be true or false");
            }
            return read;
        }

        /** The switch's value, or null for a word that is neither. */
        public static Boolean read(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "y", "on", "1" -> Boolean.TRUE;
                case "false", "no", "n", "off", "0" -> Boolean.FALSE;
                default -> null;
            };
        }
    }

    /** A whole number of 1 or more: a count of requests in flight, of attempts, of records. */
    public static class AtLeastOne implements Converter<Integer> {
        @Override
        public Integer convert(String value) {
            return wholeNumber(value, 1);
        }
    }

    /** A whole number of 0 or more. */
    public static class NotNegative implements Converter<Integer> {
        @Override
        public Integer convert(String value) {
            return wholeNumber(value, 0);
        }
    }

    /** A duration above zero: an interval, a timeout, a delay, an age. */
    public static class PositiveDuration implements Converter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration duration = duration(value);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("- it must be a duration above zero, such as 500ms, 30s, 5m, 1h or 7d");
            }
            return duration;
        }
    }

    /** A duration of zero or more: a wait that may be left out. */
    public static class NotNegativeDuration implements Converter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration duration = duration(value);
            if (duration.isNegative()) {
                throw new IllegalArgumentException("- it must be a duration of zero or more, such as 0s, 500ms or 1m");
            }
            return duration;
        }
    }

    /**
     * {@code postpress.base-url}: see {@link #httpUrl}; and neither a query nor a fragment, since the bridge adds
     * {@code /api/v1/chats} to it (requests went to {@code /?x=1%2Fapi%2Fv1%2Fchats}). A user name or password in it
     * is refused at the start by {@code OutreachStartup}, whose message does not repeat the value as SmallRye's does.
     */
    public static class HttpUrl implements Converter<String> {
        @Override
        public String convert(String value) {
            String url;
            try {
                url = httpUrl(value, "https://api.postpress.ai");
            } catch (CredentialsInUrl e) {
                return normalized(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("- it " + e.getMessage());
            }
            URI uri = URI.create(url);
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("- it must have neither a query (?...) nor a fragment (#...): the"
                        + " bridge adds /api/v1/chats to it");
            }
            return url;
        }
    }

    /** A user name or password before a URL's host: refused without repeating them. */
    public static class CredentialsInUrl extends IllegalArgumentException {
        CredentialsInUrl() {
            super("has a user name or password before its host, which the HTTP client refuses: leave them out");
        }
    }

    /**
     * A URL as requests use it: trimmed, and an http or https scheme in lower case; anything else as it is (the
     * settings check refuses it). What {@code postpress.base-url} reads as everywhere, Camel's {@code {{...}}} among
     * them ({@link SandboxBaseUrl}): the route took the value as written, spaces and capitals included (a fault probe).
     */
    public static String normalized(String value) {
        String url = value.trim();
        int colon = url.indexOf(':');
        String scheme = colon < 0 ? "" : url.substring(0, colon).toLowerCase(Locale.ROOT);
        return scheme.equals("http") || scheme.equals("https") ? scheme + url.substring(colon) : url;
    }

    /**
     * A URL requests are sent to (postpress's, a callback's): http:// or https://, with a host the HTTP client takes.
     * Returned trimmed, its scheme in lower case (Camel has no {@code HTTP} component: an upper-case scheme failed the
     * start with a stack trace). A host name with {@code _} (a Docker Compose service, say) is refused with what to do:
     * it passed, and then every record was quarantined in doubt, Camel finding no host in the URL (tried here).
     *
     * @param example a URL to show in the refusal
     * @throws IllegalArgumentException saying what is wrong, to follow the setting's name ("must be ...")
     */
    public static String httpUrl(String value, String example) {
        String url = normalized(value);
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme(); // lower case: normalized
        if (scheme.equals("http") || scheme.equals("https")) {
            if (uri.getHost() != null) {
                if (uri.getRawUserInfo() != null) {
                    throw new CredentialsInUrl();
                }
                if (uri.getPort() == 0 || uri.getPort() > 65535) {
                    throw new IllegalArgumentException("has a port that is none (" + uri.getPort() + "): a port is 1 to"
                            + " 65535");
                }
                return url;
            }
            String authority = uri.getAuthority();
            if (authority != null && authority.contains("_")) {
                String host = authority.replaceFirst("^.*@", "").replaceFirst(":[0-9]*$", "");
                throw new IllegalArgumentException("has '_' in its host name (" + host + "), which the HTTP client"
                        + " refuses: use a host name without '_' (a Docker Compose service can have one as an alias)");
            }
        }
        throw new IllegalArgumentException("must be an http:// or https:// URL with a host, such as " + example);
    }

    private static int wholeNumber(String value, int least) {
        try {
            int number = Integer.parseInt(value.trim());
            if (number >= least) {
                return number;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("- it must be a whole number of " + least + " or more");
    }

    private static Duration duration(String value) {
        try {
            return DurationConverter.parseDuration(value.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("- it must be a duration, such as 500ms, 30s, 5m, 1h or 7d");
        }
    }
}
