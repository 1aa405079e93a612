package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

/**
 * The log of a run as a log shipper reads it ({@code QUARKUS_LOG_CONSOLE_JSON_ENABLED=true}): one JSON object a line,
 * a quiet start (no schema migrations, no Camel start lines), one line for the finished file; and neither the API key
 * nor the webhook secret anywhere in it.
 */
class LogsIT extends AgainstOwnPostpress {

    static final String WEBHOOK_SECRET = "logs-it-webhook-5ecret";

    @Test
    void jsonLogLinesAreQuietAndHoldNoSecret() throws Exception {
        Path dir = work.resolve("outreach");
        TestFolders.dropLeads(dir, "logged.csv", "acc_log", 1, "logged-", 3);
        Map<String, String> env = Map.of("POSTPRESS_BASE_URL", postpress.baseUrl(), "POSTPRESS_API_KEY",
                CrashRecoveryIT.API_KEY, "OUTREACH_WEBHOOK_SECRETS", WEBHOOK_SECRET, "OUTREACH_RUN_ONCE", "true",
                "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
        String log;
        try (PackagedApp app = PackagedApp.start(dir, env, "json")) {
            assertEquals(0, app.awaitExit(90), app.log());
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
        assertEquals(1, messages.stream().filter(m -> m.startsWith("watching ")).count(), "one start-up line");
        assertEquals(1, messages.stream().filter(m -> m.startsWith("\"logged.csv\": 3 records, sent 3")).count(),
                String.join("\n", messages));
        assertTrue(messages.stream().noneMatch(m -> m.contains("Migrating schema") || m.contains(" is starting")),
                "no schema migration or Camel start lines: " + String.join("\n", messages));
        assertTrue(lines.stream().noneMatch(l -> l.get("level").asText().equals("WARN")
                && !l.get("loggerName").asText().startsWith("com.postpressbridge")), "no warning from libraries: " + log);
        assertFalse(log.contains(CrashRecoveryIT.API_KEY), "no API key in the log");
        assertFalse(log.contains(WEBHOOK_SECRET), "no webhook secret in the log");
    }
}
