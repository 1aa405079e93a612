package com.postpressbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

/**
 * SIGTERM in the middle of a file: no new record is taken, the requests on their way finish and their outcomes are
 * kept, a webhook delivery meanwhile is answered 503 with a Retry-After, and the app exits 0. Started again, it sends
 * the rest: nothing in doubt, nothing sent twice.
 */
class GracefulStopIT extends AgainstOwnPostpress {

    static final int RECORDS = 2_000;
    static final String SECRET = "stop-it-secret";

    @Test
    void aStopUnderLoadLeavesNothingInDoubtAndSendsNothingTwice() throws Exception {
        Path dir = work.resolve("outreach");
        TestFolders.dropLeads(dir, "leads.csv", "acc_stop", 1, "person-", RECORDS);
        // Slow answers: four requests are always on their way, and the stop has to wait for them.
        answerCreatedAfter(1_500);

        int port = PackagedApp.freePort();
        Map<String, String> env = env(port, "OUTREACH_WEBHOOK_SECRETS", SECRET);
        HttpResponse<String> duringStop;
        String log;
        try (PackagedApp app = PackagedApp.start(dir, env, "stopped")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> PostpressStub.chatRequests(postpress).size() >= 12);
            // The stop waits for the four requests on their way: ten seconds of them leave time to see it refuse a
            // webhook meanwhile, even on a loaded machine.
            int before = PostpressStub.chatRequests(postpress).size();
            answerCreatedAfter(10_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> PostpressStub.chatRequests(postpress).size() >= before + 4);
            app.terminate();
            await().atMost(Duration.ofSeconds(10)).until(() -> app.log().contains("stopping: no new record is taken"));
            try {
                duringStop = deliver(port, WebhookIntakeTest.record("during-stop"));
            } catch (java.io.IOException e) {
                throw new AssertionError("no answer to a webhook while stopping (" + e + "): " + app.log(), e);
            }
            assertEquals(0, app.awaitExit(60), "a graceful stop exits 0: " + app.log());
            log = app.log();
        }
        assertEquals(503, duringStop.statusCode(), duringStop.body());
        assertEquals("5", duringStop.headers().firstValue("Retry-After").orElse(null));
        assertEquals("stopping", CrashRecoveryIT.JSON.readTree(duringStop.body()).get("error").asText());

        int posted = PostpressStub.chatRequests(postpress).size();
        assertTrue(posted < RECORDS, "stopped in the middle: " + posted);
        assertTrue(Files.exists(dir.resolve("inbox/leads.csv")), "the unfinished file stays in the inbox");
        assertEquals(posted, successLines(dir).size(), "every request that left has its outcome kept: " + log);
        assertEquals(List.of(), CrashRecoveryIT.documents(dir.resolve("quarantine")), "nothing in doubt");
        assertTrue(log.contains("stays in the inbox"), log);

        postpress.stubFor(post("/api/v1/chats").willReturn(PostpressStub.created()));
        Map<String, String> again = new HashMap<>(env);
        again.put("OUTREACH_RUN_ONCE", "true");
        try (PackagedApp second = PackagedApp.start(dir, again, "after-stop")) {
            assertEquals(0, second.awaitExit(120), second.log());
            assertTrue(!second.log().contains("ledger repaired"), "nothing to repair after a graceful stop: "
                    + second.log());
        }
        Map<String, Integer> posts = PostpressStub.postsByAttendee(postpress);
        posts.forEach((attendee, count) -> assertEquals(1, count, attendee + " was sent " + count + " times"));
        assertEquals(RECORDS, posts.size());
        assertEquals(RECORDS, successLines(dir).size());
        assertEquals(List.of(), CrashRecoveryIT.documents(dir.resolve("quarantine")));
        CrashRecoveryIT.assertSecretNowhere(work, SECRET);
        assertTrue(!Files.exists(dir.resolve("inbox/leads.csv")), "archived once finished");
    }

    private static HttpResponse<String> deliver(int port, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhooks/outreach"))
                .header("Content-Type", "application/json")
                .header("X-Outreach-Signature", WebhookIntakeTest.signature(SECRET, Instant.now().getEpochSecond(), body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> successLines(Path dir) throws Exception {
        Path file = dir.resolve("success/leads.csv.jsonl");
        if (!Files.exists(file)) {
            return List.of();
        }
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            lines.add(CrashRecoveryIT.JSON.readTree(line));
        }
        return lines;
    }
}
