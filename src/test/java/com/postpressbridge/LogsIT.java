package com.postpressbridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

/**
 * The log of the app as a log shipper reads it ({@code QUARKUS_LOG_CONSOLE_JSON_ENABLED=true}): one JSON object a line,
 * a quiet start (no schema migrations, no Camel start lines, no library warnings), one line for the finished file;
 * and with a signed webhook, a badly signed one, a refused record, the status read with its token and a stop, neither
 * the API key nor the webhook secret nor the status token in any line.
 */
class LogsIT extends AgainstOwnPostpress {

    static final String WEBHOOK_SECRET = "logs-it-webhook-5ecret";
    static final String STATUS_TOKEN = "logs-it-status-t0ken";

    @Test
    void jsonLogLinesAreQuietAndHoldNoSecret() throws Exception {
        Path dir = work.resolve("outreach");
        int port = PackagedApp.freePort();
        postpress.stubFor(PostpressStub.forAttendee("logged-2").willReturn(PostpressStub.error(401,
                "errors/invalid_credentials")));
        Map<String, String> env = env(port, "OUTREACH_WEBHOOK_SECRETS", WEBHOOK_SECRET, "OUTREACH_STATUS_TOKEN",
                STATUS_TOKEN, "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
        String log;
        try (PackagedApp app = PackagedApp.start(dir, env, "json")) {
            PackagedApp.awaitReady(port);
            String body = WebhookIntakeTest.record("logged-hook");
            assertEquals(202, post(port, body, WebhookIntakeTest.signature(WEBHOOK_SECRET, now(), body)));
            assertEquals(401, post(port, body, WebhookIntakeTest.signature("not-" + WEBHOOK_SECRET, now(), body)));
            assertEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:"
                    + port + "/status")).header("Authorization", "Bearer " + STATUS_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            TestFolders.dropLeads(dir, "logged.csv", "acc_log", 1, "logged-", 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(dir.resolve("inbox/logged.csv"))
                    && PostpressStub.postsByAttendee(postpress).containsKey("logged-hook"));
            app.terminate();
            assertEquals(0, app.awaitExit(60), app.log());
            log = app.log();
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : log.split("\n")) {
            if (!line.isBlank()) {
                JsonNode json = CrashRecoveryIT.JSON.readTree(line);
                assertTrue(json.isObject() && json.has("level") && json.has("message") && json.has("timestamp"),
                        "a JSON log line: " + line);
                lines.add(json);
            }
        }
        List<String> messages = lines.stream().map(l -> l.get("message").asText()).toList();
        String all = String.join("\n", messages);
        assertEquals(1, messages.stream().filter(m -> m.startsWith("watching ")).count(), "one start-up line: " + all);
        // logged-3 is sent, or held because logged-2's 401 paused the account first: both are right, so only the
        // one line for the finished file is counted here
        assertEquals(1, messages.stream().filter(m -> m.startsWith("\"logged.csv\": 3 records, sent ")).count(), all);
        assertTrue(messages.stream().anyMatch(m -> m.contains("acc_log") && m.contains("paused")), "the hold: " + all);
        assertTrue(messages.stream().noneMatch(m -> m.contains("Migrating schema") || m.contains(" is starting")),
                "no schema migration or Camel start lines: " + all);
        assertTrue(lines.stream().noneMatch(l -> l.get("level").asText().equals("WARN")
                && !l.get("loggerName").asText().startsWith("com.postpressbridge")), "no warning from libraries: " + log);
        for (String secret : List.of(CrashRecoveryIT.API_KEY, WEBHOOK_SECRET, STATUS_TOKEN)) {
            assertFalse(log.contains(secret), "a secret in the log");
        }
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    private static int post(int port, String body, String signature) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/webhooks/outreach")).header("Content-Type", "application/json")
                .header("X-Outreach-Signature", signature).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
