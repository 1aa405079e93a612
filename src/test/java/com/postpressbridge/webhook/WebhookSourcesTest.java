package com.postpressbridge.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.postpressbridge.webhook.WebhookSources.Auth;
import com.postpressbridge.webhook.WebhookSources.Source;

/**
 * A source is configured only by a credential it would accept: a basic source's user:password does not make the
 * built-in source (HMAC or bearer) configured, which then answered 401 to everything instead of 503 with a start-up
 * line naming what to set (a review).
 */
class WebhookSourcesTest {

    private static Source source(List<Auth> auth, List<String> secrets, List<String> tokens) {
        return new Source("s", auth, secrets, tokens, null, null, "X-Outreach-Delivery-Id", null);
    }

    @Test
    void onlyACredentialTheSourceAcceptsConfiguresIt() {
        List<Auth> builtIn = List.of(Auth.hmac, Auth.bearer);
        assertFalse(source(builtIn, List.of(), List.of("pipedrive:pw")).configured(), "a user:password is no token");
        assertTrue(source(builtIn, List.of(), List.of("tok_1")).configured());
        assertTrue(source(builtIn, List.of("whsec"), List.of()).configured());
        assertFalse(source(List.of(Auth.basic), List.of(), List.of("tok_1")).configured(), "a token is no password");
        assertTrue(source(List.of(Auth.basic), List.of(), List.of("tok_1", "pipedrive:pw")).configured());
        assertEquals("a user:password entry in OUTREACH_WEBHOOK_TOKENS",
                source(List.of(Auth.basic), List.of(), List.of()).whatToSet());
    }
}
