package com.postpressbridge.webhook;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;

import com.postpressbridge.config.BadSetting;
import com.postpressbridge.config.OutreachConfig;

/**
 * The webhook senders: {@code outreach} (records as JSON, signed with X-Outreach-Signature or a bearer token) at
 * {@code /webhooks/outreach}, and every mapped CRM source at {@code /webhooks/<name>}.
 */
@Startup // mapping mistakes stop the start, and a source without a secret is said at once
@ApplicationScoped
public class WebhookSources {

    private static final Logger LOG = Logger.getLogger(WebhookSources.class);
    public static final String NATIVE = "outreach";
    static final String DELIVERY_HEADER = "X-Outreach-Delivery-Id";

    /** How a source proves who it is. */
    public enum Auth {
        hmac,
        bearer,
        basic,
        hubspot_v3
    }

    /** One sender: its name, its proof, and its mapping (null for records as JSON). */
    public record Source(String name, List<Auth> auth, List<String> secrets, List<String> tokens, String hubspotSecret,
            String publicUrl, String deliveryId, CrmMapping mapping) {

        /** Without a secret or token to check, the source refuses everything. */
        public boolean configured() {
            return auth.stream().anyMatch(scheme -> switch (scheme) {
                case hmac -> !secrets.isEmpty();
                case bearer -> !WebhookSignatures.bearerTokens(tokens).isEmpty();
                case basic -> !WebhookSignatures.userPasswords(tokens).isEmpty();
                case hubspot_v3 -> hubspotSecret != null;
            });
        }

        /** The environment variable to set, for the start-up line that says the source refuses everything. */
        String whatToSet() {
            return auth.contains(Auth.hubspot_v3) ? "outreach.webhook.sources." + name + ".secret"
                    : auth.contains(Auth.hmac) ? "OUTREACH_WEBHOOK_SECRETS (or a token without ':' in"
                            + " OUTREACH_WEBHOOK_TOKENS)"
                    : auth.contains(Auth.basic) ? "a user:password entry in OUTREACH_WEBHOOK_TOKENS"
                    : "a token without ':' in OUTREACH_WEBHOOK_TOKENS";
        }

        public boolean authenticates(Exchange exchange, byte[] body, java.time.Duration tolerance) {
            Message request = exchange.getMessage();
            Instant now = Instant.now();
            for (Auth scheme : auth) {
                boolean ok = switch (scheme) {
                    case hmac -> WebhookSignatures.outreachSignature(request.getHeader("X-Outreach-Signature", String.class),
                            body, secrets, tolerance, now);
                    case bearer -> WebhookSignatures.bearer(request.getHeader("Authorization", String.class), tokens);
                    case basic -> WebhookSignatures.basic(request.getHeader("Authorization", String.class), tokens);
                    case hubspot_v3 -> WebhookSignatures.hubspotV3(
                            request.getHeader("X-HubSpot-Signature-v3", String.class),
                            request.getHeader("X-HubSpot-Request-Timestamp", String.class), "POST",
                            publicUrl != null ? publicUrl : requestUrl(request), body, hubspotSecret, now);
                };
                if (ok) {
                    return true;
                }
            }
            return false;
        }

        private static String requestUrl(Message request) {
            String url = request.getHeader(Exchange.HTTP_URL, String.class);
            String query = request.getHeader(Exchange.HTTP_RAW_QUERY, String.class);
            return query == null || query.isEmpty() ? url : url + "?" + query;
        }
    }

    private final Map<String, Source> sources = new HashMap<>();

    public WebhookSources(OutreachConfig config) {
        OutreachConfig.Webhook webhook = config.webhook();
        List<String> secrets = webhook.secrets().orElse(List.of()).stream().filter(s -> !s.isBlank()).toList();
        List<String> tokens = webhook.tokens().orElse(List.of()).stream().filter(s -> !s.isBlank()).toList();
        sources.put(NATIVE, new Source(NATIVE, List.of(Auth.hmac, Auth.bearer), secrets, tokens, null, null,
                DELIVERY_HEADER, null));
        webhook.sources().forEach((name, source) -> {
            if (!name.matches("[a-z0-9][a-z0-9_-]{0,60}") || name.equals(NATIVE)) {
                throw new BadSetting("outreach.webhook.sources." + name
                        + ": a source name is lower-case letters, digits, - and _, and not \"" + NATIVE + "\"");
            }
            Auth auth = parse(name, source.auth().orElse("hmac"));
            sources.put(name, new Source(name, List.of(auth), secrets, tokens, source.secret().orElse(null),
                    source.publicUrl().orElse(null), source.deliveryId().orElse(DELIVERY_HEADER),
                    new CrmMapping(name, source)));
        });
        sources.values().stream().filter(source -> !source.configured()).forEach(source -> unconfigured(source,
                config.runOnce()));
    }

    /**
     * Says that a source refuses every delivery: a warning for a source named in the settings without its secret (a
     * setting half made); for the built-in one, which a bridge fed only by files never sets, a line of information;
     * nothing above debug in run-once mode, which takes no webhooks.
     */
    private static void unconfigured(Source source, boolean runOnce) {
        String refused = "webhooks to /webhooks/" + source.name() + " are all refused (503) until "
                + source.whatToSet() + " is set";
        if (runOnce) {
            LOG.debug(refused);
        } else if (source.name().equals(NATIVE)) {
            LOG.info(refused);
        } else {
            LOG.warn(refused);
        }
    }

    private static Auth parse(String source, String auth) {
        try {
            return Auth.valueOf(auth.trim().toLowerCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new BadSetting("outreach.webhook.sources." + source + ".auth is \"" + auth
                    + "\"; allowed: hmac, bearer, basic, hubspot-v3");
        }
    }

    /** The source of a name, or null. */
    public Source find(String name) {
        return name == null ? null : sources.get(name);
    }
}
