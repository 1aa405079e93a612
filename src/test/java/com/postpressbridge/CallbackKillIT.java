package com.postpressbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.Test;

/**
 * Callbacks across a SIGKILL: the packaged app is killed while it sends a file and delivers its events, then run
 * again (run-once). Every record in {@code success/} has its {@code record.sent} event at the receiver at least once,
 * every record in doubt its {@code record.in_doubt}; an event delivered twice comes with the same id; no record has
 * two different events for one outcome.
 */
class CallbackKillIT extends AgainstOwnPostpress {

    static final int RECORDS = 300;

    @Test
    void killedMidRunEverySentRecordsEventIsDeliveredAndNoneIsLost() throws Exception {
        WireMockServer receiver = new WireMockServer(wireMockConfig().dynamicPort());
        receiver.start();
        try {
            run(receiver);
        } finally {
            receiver.stop();
        }
    }

    private void run(WireMockServer receiver) throws Exception {
        receiver.stubFor(post(CallbackReceiver.PATH).willReturn(aResponse().withStatus(200).withFixedDelay(5)));
        answerCreatedAfter(30);
        Path dir = work.resolve("outreach");
        TestFolders.dropLeads(dir, "leads.csv", "acc_kill", 1, "kill-", RECORDS);
        Map<String, String> env = env("OUTREACH_CALLBACK_URL", receiver.baseUrl() + CallbackReceiver.PATH,
                "OUTREACH_CALLBACK_SECRET", CallbackReceiver.SECRET, "OUTREACH_CALLBACK_POLL_INTERVAL", "200ms");
        try (PackagedApp first = PackagedApp.start(dir, env, "callbacks-first")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> CallbackReceiver.events(receiver).size() >= RECORDS / 4);
            first.crash();
        }
        int beforeKill = CallbackReceiver.events(receiver).size();
        assertTrue(PostpressStub.chatRequests(postpress).size() < RECORDS, "killed in the middle");

        Map<String, String> again = new HashMap<>(env);
        again.put("OUTREACH_RUN_ONCE", "true");
        String log;
        try (PackagedApp second = PackagedApp.start(dir, again, "callbacks-second")) {
            assertEquals(0, second.awaitExit(120), second.log());
            log = second.log();
        }

        // what the receiver saw: per record and type, the distinct event ids, and how many deliveries
        Map<String, Set<String>> idsByOutcome = new TreeMap<>();
        Map<String, Integer> deliveries = new HashMap<>();
        for (LoggedRequest request : CallbackReceiver.events(receiver)) {
            JsonNode event = TestFolders.JSON.readTree(request.getBodyAsString());
            String outcome = event.at("/record/attendees_ids/0").asText() + " " + event.path("type").asText();
            idsByOutcome.computeIfAbsent(outcome, k -> new HashSet<>()).add(event.path("id").asText());
            deliveries.merge(event.path("id").asText(), 1, Integer::sum);
        }
        idsByOutcome.forEach((outcome, ids) -> assertEquals(1, ids.size(), outcome + " has events " + ids));

        List<String> sent = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("success/leads.csv.jsonl"))) {
            sent.add(TestFolders.JSON.readTree(line).at("/record/attendees_ids/0").asText());
        }
        for (String attendee : sent) {
            assertTrue(idsByOutcome.containsKey(attendee + " record.sent"), attendee + " was sent, no event came");
        }
        int inDoubt = 0;
        for (JsonNode document : TestFolders.all(dir.resolve("quarantine"))) {
            assertEquals("local/in_doubt", document.at("/error/type").asText());
            assertTrue(idsByOutcome.containsKey(document.at("/record/attendees_ids/0").asText() + " record.in_doubt"),
                    document.toString());
            inDoubt++;
        }
        // a request that never left (the stub refused a connection under load) waits in retry/: an outcome too, and
        // one with no event (retry is none)
        List<String> waiting = new ArrayList<>();
        for (JsonNode document : TestFolders.all(dir.resolve("retry"))) {
            waiting.add(document.at("/record/attendees_ids/0").asText() + " " + document.at("/error/type").asText());
        }
        assertEquals(RECORDS, sent.size() + inDoubt + waiting.size(), "every record has its outcome; retry: " + waiting
                + "; the second run's log: " + log);
        long twice = deliveries.values().stream().filter(n -> n > 1).count();
        System.out.printf("CallbackKillIT: %d records, %d sent, %d in doubt, %d waiting in retry %s; %d events delivered"
                + " before the kill, %d deliveries in all, %d distinct events, %d delivered more than once%n", RECORDS,
                sent.size(), inDoubt, waiting.size(), waiting, beforeKill, CallbackReceiver.events(receiver).size(), deliveries.size(), twice);
    }
}
