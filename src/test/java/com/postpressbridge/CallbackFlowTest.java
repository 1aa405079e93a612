package com.postpressbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import com.postpressbridge.ledger.CallbackOutbox;
import com.postpressbridge.ledger.LedgerDatabase;
import com.postpressbridge.postpress.SendGate;

/**
 * Outcome events to a CRM's receiver (a real HTTP server): every event type with its body and a signature that
 * verifies; a failed delivery comes again with the same id, after the receiver's Retry-After; a receiver that is down
 * holds no record back and gets every event once it is back; a refusal is kept and not sent again.
 */
@QuarkusTest
@QuarkusTestResource(PostpressStub.class)
@TestProfile(CallbackReceiver.Profile.class)
class CallbackFlowTest {

    static final String API_KEY = "pp_test_5ecret_never_logged";

    @PostpressStub.Server
    WireMockServer postpress;

    @CallbackReceiver.Server
    WireMockServer receiver;

    @Inject
    CallbackOutbox outbox;

    @Inject
    SendGate gate;

    @Inject
    LedgerDatabase database;

    @BeforeEach
    void clean() {
        TestFolders.wipe();
        PostpressStub.answerCreated(postpress);
        if (!receiver.isRunning()) {
            receiver.start();
        }
        CallbackReceiver.takeEverything(receiver);
    }

    @AfterEach
    void liftPauses() {
        gate.clear();
    }

    @Test
    void everyEventTypeArrivesWithItsBodyAndASignatureThatVerifies() throws Exception {
        postpress.stubFor(PostpressStub.forAttendee("cb-already").willReturn(PostpressStub.error(422,
                "errors/action_already_performed")));
        // postpress (or a proxy before it) echoes the API key in its error: it goes into no event and no file
        postpress.stubFor(PostpressStub.forAttendee("cb-refused").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json").withBody("{\"status\":400,\"type\":"
                        + "\"errors/invalid_parameters\",\"title\":\"t\",\"detail\":\"bad key " + API_KEY + "\"}")));
        postpress.stubFor(PostpressStub.forAttendee("cb-exhausted").willReturn(PostpressStub.error(500,
                "errors/provider_error")));
        postpress.stubFor(PostpressStub.forAttendee("cb-doubt").willReturn(aResponse().withFault(
                Fault.CONNECTION_RESET_BY_PEER)));
        postpress.stubFor(PostpressStub.forAttendee("cb-pause").inScenario("pause").whenScenarioStateIs(STARTED)
                .willReturn(PostpressStub.error(401, "errors/disconnected_account")).willSetStateTo("reconnected"));
        TestFolders.drop("cb.csv", "account_id,attendees_ids,text,external_id\nacc_cb,cb-sent,Hi secret text,ext-sent\n"
                + "acc_cb,cb-already,Hi,ext-already\nacc_cb,cb-refused,Hi,ext-refused\n"
                + "acc_cb,cb-exhausted,Hi,ext-exhausted\nacc_cb,cb-doubt,Hi,ext-doubt\nacc_cb,,Hi,ext-invalid\n");
        TestFolders.drop("cb-pause.csv", "account_id,attendees_ids,text,external_id\nacc_held,cb-pause,Hi,ext-pause\n");
        TestFolders.awaitSummary("cb-pause.csv");
        // The account is paused now: this record is held without a request, then sent when the pause ends.
        TestFolders.drop("cb-held.csv", "account_id,attendees_ids,text,external_id\nacc_held,cb-held,Hi,ext-held\n");

        Map<String, List<String>> expected = new LinkedHashMap<>();
        expected.put("ext-sent", List.of("record.sent"));
        expected.put("ext-already", List.of("record.already_performed"));
        expected.put("ext-refused", List.of("record.quarantined"));
        expected.put("ext-exhausted", List.of("record.retry_exhausted"));
        expected.put("ext-doubt", List.of("record.in_doubt"));
        expected.put("ext-invalid", List.of("record.quarantined"));
        expected.put("ext-pause", List.of("record.sent"));
        expected.put("ext-held", List.of("record.held", "record.sent"));
        await().atMost(Duration.ofSeconds(40)).until(() -> typesByRecord().equals(expected));

        Map<String, JsonNode> last = new LinkedHashMap<>();
        for (LoggedRequest request : CallbackReceiver.events(receiver)) {
            assertSigned(request);
            JsonNode event = TestFolders.JSON.readTree(request.getBodyAsString());
            last.put(event.at("/record/external_id").asText(), event);
            assertFalse(event.path("record").has("text"), "no message text by default: " + event);
            assertEquals("acc_" + (event.at("/record/external_id").asText().matches("ext-(pause|held)") ? "held" : "cb"),
                    event.at("/record/account_id").asText());
            assertEquals("file", event.at("/source/kind").asText());
            assertTrue(event.path("occurred_at").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), event.toString());
        }
        JsonNode sent = last.get("ext-sent");
        assertEquals(PostpressStub.CHAT_ID, sent.path("chat_id").asText());
        assertEquals(PostpressStub.MESSAGE_ID, sent.path("message_id").asText());
        assertEquals("cb-sent", sent.at("/record/attendees_ids/0").asText());
        assertEquals("ext-sent", sent.at("/record/key").asText(), "external_id is the key");
        assertEquals("cb.csv", sent.at("/source/file").asText());
        assertEquals(2, sent.at("/source/line").asInt());
        assertEquals(1, sent.path("attempt").asInt());
        assertTrue(sent.path("error").isNull());
        assertEquals("errors/invalid_parameters", last.get("ext-refused").at("/error/type").asText());
        assertEquals("bad key [redacted]", last.get("ext-refused").at("/error/detail").asText());
        for (JsonNode quarantined : TestFolders.all(TestFolders.QUARANTINE)) {
            assertFalse(quarantined.toString().contains(API_KEY), quarantined.toString());
        }
        assertEquals("errors/provider_error", last.get("ext-exhausted").at("/error/type").asText());
        assertEquals(2, last.get("ext-exhausted").path("attempt").asInt(), "outreach.retry.max-attempts");
        assertEquals("local/in_doubt", last.get("ext-doubt").at("/error/type").asText());
        assertTrue(last.get("ext-invalid").at("/error/type").asText().startsWith("local/"));
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.backlog().undelivered() == 0);
    }

    @Test
    void aFailedDeliveryComesAgainWithTheSameIdAfterTheReceiversRetryAfter() throws Exception {
        // Retry-After: 3 first (the back-off alone would be 1 to 1.5 s), then a 500, then taken.
        receiver.stubFor(post(CallbackReceiver.PATH).atPriority(1).withRequestBody(containing("cb-again"))
                .inScenario("again").whenScenarioStateIs(STARTED).willReturn(aResponse().withStatus(429)
                        .withHeader("Retry-After", "3")).willSetStateTo("busy"));
        receiver.stubFor(post(CallbackReceiver.PATH).atPriority(1).withRequestBody(containing("cb-again"))
                .inScenario("again").whenScenarioStateIs("busy").willReturn(aResponse().withStatus(500))
                .willSetStateTo("ready"));
        TestFolders.drop("again.csv", "account_id,attendees_ids,text\nacc_again,cb-again,Hi\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> attempts("cb-again").size() == 3);
        List<LoggedRequest> attempts = attempts("cb-again");
        String id = TestFolders.JSON.readTree(attempts.get(0).getBodyAsString()).path("id").asText();
        assertTrue(id.startsWith("evt_"), id);
        for (LoggedRequest attempt : attempts) {
            assertEquals(id, TestFolders.JSON.readTree(attempt.getBodyAsString()).path("id").asText(), "one id");
            assertEquals(id, attempt.getHeader("X-Outreach-Event-Id"));
            assertSigned(attempt);
        }
        long waited = attempts.get(1).getLoggedDate().getTime() - attempts.get(0).getLoggedDate().getTime();
        assertTrue(waited >= 3000, "Retry-After: 3 was honoured: " + waited + " ms");
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> attempts("cb-again").size()
                == 3);
    }

    @Test
    void aReceiverThatIsDownHoldsNoRecordBackAndGetsEveryEventWhenBackInOrder() throws Exception {
        receiver.stop();
        postpress.stubFor(PostpressStub.forAttendee("cb-down-pause").inScenario("down").whenScenarioStateIs(STARTED)
                .willReturn(PostpressStub.error(401, "errors/disconnected_account")).willSetStateTo("reconnected"));
        TestFolders.drop("down-pause.csv", "account_id,attendees_ids,text\nacc_down,cb-down-pause,Hi\n");
        TestFolders.awaitSummary("down-pause.csv");
        // held while the account is paused, sent after: two events, stored while the receiver is down
        TestFolders.drop("down.csv", "account_id,attendees_ids,text\nacc_down,cb-down-held,Hi\n"
                + "acc_up,cb-down-1,Hi\nacc_up,cb-down-2,Hi\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> TestFolders.successLines("down.csv").size() == 3
                && TestFolders.successLines("down-pause.csv").size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> outbox.backlog().undelivered() == 5);
        JsonNode status = TestFolders.JSON.readTree(given().get("/status").asString());
        assertEquals(5, status.at("/callbacks/undelivered").asInt(), status.toString());
        assertNotNull(status.at("/callbacks/oldest_undelivered_at").textValue(), status.toString());
        assertTrue(status.at("/callbacks/oldest_undelivered_seconds").asLong() >= 0, status.toString());

        receiver.start();
        CallbackReceiver.takeEverything(receiver);
        await().atMost(Duration.ofSeconds(15)).until(() -> outbox.backlog().undelivered() == 0);
        for (String attendee : List.of("cb-down-1", "cb-down-2", "cb-down-pause")) {
            assertEquals(List.of("record.sent"), types(attendee), attendee + " once, after the receiver came back");
        }
        assertEquals(List.of("record.held", "record.sent"), types("cb-down-held"), "in the order they happened");
    }

    @Test
    void aRefusalIsKeptAndNotSentAgain() throws Exception {
        long refusedBefore = outbox.backlog().refused();
        receiver.stubFor(post(CallbackReceiver.PATH).atPriority(1).withRequestBody(containing("cb-refuse-me"))
                .willReturn(aResponse().withStatus(400)));
        TestFolders.drop("refuse.csv", "account_id,attendees_ids,text\nacc_refuse,cb-refuse-me,Hi\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> outbox.backlog().refused() == refusedBefore + 1);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> attempts("cb-refuse-me")
                .size() == 1);
        JsonNode status = TestFolders.JSON.readTree(given().get("/status").asString());
        assertEquals(refusedBefore + 1, status.at("/callbacks/refused").asLong(), status.toString());
    }

    @Test
    void aLedgerThatCannotBeReadLeavesTheDeliveryQuiet() throws Exception {
        try (LogWatch errors = LogWatch.of(LogWatch.atLeast(java.util.logging.Level.WARNING));
                java.sql.Connection db = database.dataSource().getConnection();
                java.sql.Statement sql = db.createStatement()) {
            sql.execute("ALTER TABLE callback_event RENAME TO callback_event_away");
            try {
                // several polls (every 100 ms) that cannot read the table
                await("no warning or error logged while the ledger cannot be read").during(Duration.ofMillis(1500))
                        .atMost(Duration.ofSeconds(3)).until(() -> errors.lines().isEmpty());
            } finally {
                sql.execute("ALTER TABLE callback_event_away RENAME TO callback_event");
            }
        }
        // and it goes on once the ledger reads again
        TestFolders.drop("quiet.csv", "account_id,attendees_ids,text\nacc_quiet,cb-quiet,Hi\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts("cb-quiet").size() == 1);
    }

    /** The event types each record's events came with, in the order they came, by external_id. */
    private Map<String, List<String>> typesByRecord() throws Exception {
        Map<String, List<String>> types = new LinkedHashMap<>();
        for (LoggedRequest request : CallbackReceiver.events(receiver)) {
            JsonNode event = TestFolders.JSON.readTree(request.getBodyAsString());
            types.computeIfAbsent(event.at("/record/external_id").asText(), k -> new ArrayList<>())
                    .add(event.path("type").asText());
        }
        Map<String, List<String>> ordered = new LinkedHashMap<>();
        for (String key : List.of("ext-sent", "ext-already", "ext-refused", "ext-exhausted", "ext-doubt", "ext-invalid",
                "ext-pause", "ext-held")) {
            if (types.containsKey(key)) {
                ordered.put(key, types.remove(key));
            }
        }
        ordered.putAll(types);
        return ordered;
    }

    private List<String> types(String attendee) throws Exception {
        List<String> types = new ArrayList<>();
        for (LoggedRequest request : attempts(attendee)) {
            types.add(TestFolders.JSON.readTree(request.getBodyAsString()).path("type").asText());
        }
        return types;
    }

    private List<LoggedRequest> attempts(String attendee) {
        return CallbackReceiver.events(receiver).stream().filter(r -> r.getBodyAsString().contains("\"" + attendee
                + "\"")).toList();
    }

    /** The signature checks as a receiver checks it (the README's recipe), and no secret of ours travels. */
    private static void assertSigned(LoggedRequest request) {
        String header = request.getHeader("X-Outreach-Signature");
        assertNotNull(header, "signed");
        String t = header.replaceAll("^t=(\\d+),v1=[0-9a-f]{64}$", "$1");
        assertEquals(header, WebhookIntakeTest.signature(CallbackReceiver.SECRET, Long.parseLong(t),
                request.getBodyAsString()));
        assertTrue(request.getHeader("Content-Type").startsWith("application/json"));
        assertFalse(request.containsHeader("X-API-KEY"), "no postpress key header");
        for (HttpHeader h : request.getHeaders().all()) {
            assertFalse(h.values().stream().anyMatch(v -> v.contains(API_KEY) || v.contains(CallbackReceiver.SECRET)),
                    h.toString());
        }
        assertFalse(request.getBodyAsString().contains(API_KEY));
    }
}
