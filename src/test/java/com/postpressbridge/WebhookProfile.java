package com.postpressbridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Webhooks configured as a user would: two rotated HMAC secrets, a bearer token, the Pipedrive basic credential,
 * and the mapped sources of samples/webhooks/webhooks.properties, plus a source that has no secret.
 */
public class WebhookProfile implements QuarkusTestProfile {

    static final String OLD_SECRET = "whsec_old_5ecret";
    static final String NEW_SECRET = "whsec_new_5ecret";
    static final String TOKEN = "tok_crm_5tatic";
    static final String PIPEDRIVE = "pd-hook:pd-5ecret";
    static final String HUBSPOT_SECRET = "hs-client-5ecret";
    static final String HUBSPOT_URL = "https://bridge.example.com/webhooks/hubspot";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        Properties samples = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("samples/webhooks/webhooks.properties"))) {
            samples.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        samples.forEach((key, value) -> config.put((String) key, (String) value));
        config.put("outreach.webhook.secrets", OLD_SECRET + "," + NEW_SECRET);
        config.put("outreach.webhook.tokens", TOKEN + "," + PIPEDRIVE);
        config.put("outreach.webhook.sources.hubspot.secret", HUBSPOT_SECRET);
        config.put("outreach.webhook.sources.hubspot.public-url", HUBSPOT_URL);
        config.put("outreach.webhook.sources.locked.auth", "hubspot-v3");
        config.put("outreach.webhook.sources.locked.map.account_id", "acc");
        config.put("outreach.webhook.sources.locked.map.attendees_ids", "$.id");
        return config;
    }
}
