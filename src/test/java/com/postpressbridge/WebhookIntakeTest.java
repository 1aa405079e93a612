package com.postpressbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.LedgerDatabase;
import com.postpressbridge.outcome.DiskRecovery;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.callback.OutreachSignature;
import com.postpressbridge.webhook.WebhookSignatures;

/** POST /webhooks/...: signatures, limits, shapes, idempotent deliveries and mapped CRM payloads, end to end. */
@QuarkusTest
@TestProfile(WebhookProfile.class)
@QuarkusTestResource(PostpressStub.class)
class WebhookIntakeTest {

    @PostpressStub.Server
    WireMockServer postpress;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    LedgerDatabase ledgerDatabase;

    @Inject
    Ledger ledger;

    @Inject
    DiskFault disk;

    @Inject
    Scheduler scheduler;

    @BeforeEach
    void clean() {
        TestFolders.wipe();
        PostpressStub.answerCreated(postpress);
    }

    static String record(String attendee) {
        return "{\"account_id\": \"acc_hook\", \"attendees_ids\": [\"" + attendee + "\"], \"text\": \"Hello\"}";
    }

    static String signature(String secret, long t, String body) {
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(
                OutreachSignature.hmacSha256(secret, (t + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    private static Response signed(String body, String signature) {
        return given().contentType("application/json").header("X-Outreach-Signature", signature).body(body)
                .post("/webhooks/outreach");
    }

    private static Response signed(String body) {
        return signed(body, signature(WebhookProfile.NEW_SECRET, Instant.now().getEpochSecond(), body));
    }

    @Test
    void aSignedRecordIsAcceptedStoredAndSent() {
        String body = record("hook-1");
        signed(body).then().statusCode(202).body("accepted", equalTo(1)).body("duplicates", equalTo(0))
                .body("rejected.size()", equalTo(0)).body("keys.size()", equalTo(1));
        List<JsonNode> lines = awaitSuccessLines(1);
        assertEquals("webhook", lines.get(0).at("/source/kind").asText());
        assertEquals("outreach", lines.get(0).at("/source/name").asText());
        assertEquals(List.of("hook-1"), attendeesPosted());
    }

    /**
     * A record postpress refused (quarantined from a file) comes back fixed through a webhook, the same external_id:
     * accepted, sent, and the quarantine file of its refusal is gone once the delivery is stored. It stayed before (the
     * webhook's quarantine file would have another name), and the key was in success/ and quarantine/ at once.
     */
    @Test
    void aRecordFixedThroughAWebhookLeavesNoQuarantineFileOfItsRefusalBehind() throws Exception {
        postpress.stubFor(PostpressStub.forAttendee("refused-id").willReturn(PostpressStub.error(422,
                "errors/invalid_recipient")));
        TestFolders.drop("crm.csv", "account_id,attendees_ids,text,external_id\nacc_hook,refused-id,Hello,crm-501\n");
        assertEquals(1, TestFolders.awaitSummary("crm.csv").get("quarantined").asInt());
        assertEquals(1, quarantineFilesOf("crm-501"));

        String fixed = "{\"account_id\": \"acc_hook\", \"attendees_ids\": [\"fixed-id\"], \"text\": \"Hello\","
                + " \"external_id\": \"crm-501\"}";
        signed(fixed).then().statusCode(202).body("accepted", equalTo(1));
        assertEquals(0, quarantineFilesOf("crm-501"), "the refusal's file goes with the delivery stored");
        assertEquals("crm-501", awaitSuccessLines(1).get(0).get("key").asText());
    }

    private static long quarantineFilesOf(String key) throws java.io.IOException {
        try (var files = Files.list(TestFolders.QUARANTINE)) {
            return files.filter(file -> !file.toString().endsWith(".error.json"))
                    .filter(file -> key.equals(TestFolders.read(file).path("key").asText())).count();
        }
    }

    @Test
    void signaturesThatDoNotHoldAreRefusedWithoutSayingWhy() {
        long now = Instant.now().getEpochSecond();
        String body = record("hook-bad");
        for (String wrong : List.of(
                signature("not-the-secret", now, body),
                signature(WebhookProfile.NEW_SECRET, now, body + " "),
                signature(WebhookProfile.NEW_SECRET, now - 600, body),
                signature(WebhookProfile.NEW_SECRET, now + 600, body),
                "v1=" + signature(WebhookProfile.NEW_SECRET, now, body).split("v1=")[1],
                "t=" + now,
                "garbage")) {
            signed(body, wrong).then().statusCode(401).body("error", equalTo("unauthorized"))
                    .body("detail", org.hamcrest.Matchers.nullValue());
        }
        given().contentType("application/json").body(body).post("/webhooks/outreach").then().statusCode(401);
        String tampered = signature(WebhookProfile.NEW_SECRET, now, body);
        signed(body.replace("Hello", "Hellp"), tampered).then().statusCode(401);
        assertEquals(List.of(), TestFolders.all(TestFolders.QUARANTINE));
        postpress.verify(0, postRequestedFor(urlPathEqualTo("/api/v1/chats")));
    }

    @Test
    void rotatedSecretsBearerTokensAndSeveralSignatures() {
        long now = Instant.now().getEpochSecond();
        String old = record("hook-old");
        signed(old, signature(WebhookProfile.OLD_SECRET, now, old)).then().statusCode(202);
        String both = record("hook-both");
        signed(both, signature("retired", now, both) + ",v1="
                + signature(WebhookProfile.NEW_SECRET, now, both).split("v1=")[1]).then().statusCode(202);
        given().contentType("application/json").header("Authorization", "Bearer " + WebhookProfile.TOKEN)
                .body(record("hook-bearer")).post("/webhooks/outreach").then().statusCode(202);
        given().contentType("application/json").header("Authorization", "Bearer nope")
                .body(record("hook-nope")).post("/webhooks/outreach").then().statusCode(401);
        // a basic source's user:password is no bearer token (a probe posted records with Pipedrive's password)
        given().contentType("application/json").header("Authorization", "Bearer " + WebhookProfile.PIPEDRIVE)
                .body(record("hook-basic-as-bearer")).post("/webhooks/outreach").then().statusCode(401);
        awaitSuccessLines(3);
        assertEquals(List.of("hook-bearer", "hook-both", "hook-old"), attendeesPosted());
    }

    @Test
    void theGitHubVectorOfTheHmacHelper() {
        assertEquals("757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", HexFormat.of().formatHex(
                OutreachSignature.hmacSha256("It's a Secret to Everybody", "Hello, World!".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void theHubSpotV3Vector() {
        // Computed independently with: printf 'POSThttps://bridge.example.com/webhooks/hubspot[{"eventId":1}]1764100000000' \
        //   | openssl dgst -sha256 -hmac 'hs-client-5ecret' -binary | base64
        String expected = "CDApY8jwsCR5YJtFbhtB6ZtkVuRclcVrU+WYwTYSe9I=";
        byte[] body = "[{\"eventId\":1}]".getBytes(StandardCharsets.UTF_8);
        Instant at = Instant.ofEpochMilli(1764100000000L);
        assertTrue(WebhookSignatures.hubspotV3(expected, "1764100000000", "POST", WebhookProfile.HUBSPOT_URL, body,
                WebhookProfile.HUBSPOT_SECRET, at.plusSeconds(60)));
        assertFalse(WebhookSignatures.hubspotV3(expected, "1764100000000", "POST", WebhookProfile.HUBSPOT_URL, body,
                WebhookProfile.HUBSPOT_SECRET, at.plusSeconds(301)), "older than five minutes");
    }

    @Test
    void everyShapeAndEveryRefusal() throws Exception {
        signed("[" + record("shape-1") + ", " + record("shape-2") + "]").then().statusCode(202).body("accepted", equalTo(2));
        signed("{\"records\": [" + record("shape-3") + "]}").then().statusCode(202).body("accepted", equalTo(1));
        signed("{\"account_id\": \"acc_hook\", \"text\": \"no attendees\", \"external_id\": \"crm-noone\"}").then()
                .statusCode(202).body("accepted", equalTo(0)).body("rejected[0].index", equalTo(0))
                .body("rejected[0].error.type", equalTo("local/missing_field"));
        JsonNode quarantined = TestFolders.read(TestFolders.QUARANTINE.resolve("webhook-outreach.crm-noone.json"));
        assertEquals("local/missing_field", quarantined.at("/error/type").asText());
        // Another record with the same external_id, refused too: it keeps a file of its own, the first one stays.
        signed("{\"account_id\": \"acc_hook\", \"text\": \"still no attendees\", \"external_id\": \"crm-noone\"}")
                .then().statusCode(202).body("rejected[0].error.type", equalTo("local/missing_field"));
        assertEquals("no attendees", TestFolders.read(TestFolders.QUARANTINE.resolve("webhook-outreach.crm-noone.json"))
                .at("/record/text").asText());
        assertEquals("still no attendees", TestFolders.read(TestFolders.QUARANTINE.resolve(
                "webhook-outreach.crm-noone-2.json")).at("/record/text").asText());

        signed("{\"records\": [1, 2").then().statusCode(400).body("error", equalTo("malformed_json"));
        // nested deeper than a reader takes: a 400 that says so (a probe got a 500, which a CRM sends again forever)
        signed("[".repeat(5_000)).then().statusCode(400).body("error", equalTo("malformed_json"))
                .body("detail", containsString("nested too deeply"));
        signed("42").then().statusCode(400).body("error", equalTo("invalid_shape"));
        String text = record("hook-text");
        given().contentType("text/plain").header("X-Outreach-Signature",
                signature(WebhookProfile.NEW_SECRET, Instant.now().getEpochSecond(), text)).body(text)
                .post("/webhooks/outreach").then().statusCode(415);
        // a form, curl's default type, signed: 415 too (the HTTP layer takes a form apart, and it got a 401)
        given().contentType("application/x-www-form-urlencoded").header("X-Outreach-Signature",
                signature(WebhookProfile.NEW_SECRET, Instant.now().getEpochSecond(), text)).body(text)
                .post("/webhooks/outreach").then().statusCode(415)
                .body("detail", equalTo("send Content-Type: application/json (it was application/x-www-form-urlencoded)"));
        given().get("/webhooks/outreach").then().statusCode(405);
        given().contentType("application/json").body("{}").post("/webhooks/nobody").then().statusCode(404);
        given().contentType("application/json").body("{}").post("/webhooks/locked").then().statusCode(503)
                .header("Retry-After", equalTo("300"));

        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= 1000; i++) {
            many.append(i == 0 ? "" : ",").append(record("many-" + i));
        }
        signed(many.append("]").toString()).then().statusCode(413).body("error", equalTo("too_many_records"));

        awaitSuccessLines(3);
        assertEquals(List.of("shape-1", "shape-2", "shape-3"), attendeesPosted());
    }

    @Test
    void anOversizedBodyIsRefusedWithAndWithoutContentLength() throws Exception {
        byte[] big = ("[" + record("big") + ",\"" + "x".repeat(1100 * 1024) + "\"]").getBytes(StandardCharsets.UTF_8);
        String signatureHeader = signature(WebhookProfile.NEW_SECRET, Instant.now().getEpochSecond(),
                new String(big, StandardCharsets.UTF_8));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // Expect: 100-continue, as curl sends for large bodies: the refusal comes before the body is sent at all.
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/webhooks/outreach"))
                .expectContinue(true)
                .header("Content-Type", "application/json").header("X-Outreach-Signature", signatureHeader);
        HttpResponse<String> withLength = client.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, withLength.statusCode());
        HttpResponse<String> chunked = client.send(request.POST(HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(big))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode());
        postpress.verify(0, postRequestedFor(urlPathEqualTo("/api/v1/chats")));
    }

    @Test
    void theSameDeliveryGetsTheSameAnswerAndTheSameRecordIsNeverSentTwice() {
        String body = "[" + record("again-1") + "]";
        String first = given().contentType("application/json").header("X-Outreach-Delivery-Id", "delivery-77")
                .header("X-Outreach-Signature", signature(WebhookProfile.NEW_SECRET, Instant.now().getEpochSecond(), body))
                .body(body).post("/webhooks/outreach").then().statusCode(202).extract().asString();
        String second = given().contentType("application/json").header("X-Outreach-Delivery-Id", "delivery-77")
                .header("X-Outreach-Signature", signature(WebhookProfile.NEW_SECRET, Instant.now().getEpochSecond(), body))
                .body(body).post("/webhooks/outreach").then().statusCode(202).extract().asString();
        assertEquals(first, second, "replayed, not processed again");
        // A copy that would be refused now (here its body broken on the way) still gets the answer: its records are in
        String broken = "[" + record("again-1");
        String third = given().contentType("application/json").header("X-Outreach-Delivery-Id", "delivery-77")
                .header("X-Outreach-Signature", signature(WebhookProfile.NEW_SECRET, Instant.now().getEpochSecond(),
                        broken))
                .body(broken).post("/webhooks/outreach").then().statusCode(202).extract().asString();
        assertEquals(first, third, "the answer given before, not a 400 the sender would take as final");
        // Another delivery under the same id (other records) is no copy: refused, not answered for the first one's
        String other = "[" + record("again-other") + "]";
        given().contentType("application/json").header("X-Outreach-Delivery-Id", "delivery-77")
                .header("X-Outreach-Signature", signature(WebhookProfile.NEW_SECRET, Instant.now().getEpochSecond(),
                        other))
                .body(other).post("/webhooks/outreach").then().statusCode(409).body("error", equalTo("delivery_id_reused"));
        // And while the disk is full (nothing new is stored; the ledger still reads): the answer, not a 503.
        scheduler.pause(DiskRecovery.JOB); // it would end the fault within a second
        disk.raise("the disk is full (test)");
        try {
            String fourth = given().contentType("application/json").header("X-Outreach-Delivery-Id", "delivery-77")
                    .header("X-Outreach-Signature", signature(WebhookProfile.NEW_SECRET, Instant.now().getEpochSecond(),
                            body))
                    .body(body).post("/webhooks/outreach").then().statusCode(202).extract().asString();
            assertEquals(first, fourth, "the answer given before, while new deliveries get 503");
            given().contentType("application/json").header("X-Outreach-Delivery-Id", "delivery-77")
                    .header("X-Outreach-Signature", signature(WebhookProfile.NEW_SECRET, Instant.now().getEpochSecond(),
                            other))
                    .body(other).post("/webhooks/outreach").then().statusCode(503); // other records: not that answer
        } finally {
            disk.clear(disk.fault().orElseThrow());
            scheduler.resume(DiskRecovery.JOB);
        }
        // A new delivery with the same record: a duplicate, not sent again.
        signed(body).then().statusCode(202).body("accepted", equalTo(0)).body("duplicates", equalTo(1));
        awaitSuccessLines(1);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> attendeesPosted().size() == 1);
        assertEquals(List.of("again-1"), attendeesPosted());
    }

    /** A delivery id longer than the ledger's column is kept by its hash: its copy gets the same answer (a probe). */
    @Test
    void aLongDeliveryIdIsRememberedToo() throws Exception {
        String id = "L".repeat(300);
        String body = "[" + record("long-id-1") + "]";
        String first = delivered(id, body).then().statusCode(202).body("accepted", equalTo(1)).extract().asString();
        assertEquals(first, delivered(id, body).then().statusCode(202).extract().asString(), "the same answer");
        delivered(id, "[" + record("long-id-other") + "]").then().statusCode(409)
                .body("error", equalTo("delivery_id_reused"));
        assertEquals("sha256:" + HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(id.getBytes(StandardCharsets.UTF_8))),
                awaitSuccessLines(1).get(0).at("/source/delivery_id").asText(), "what the outcome names");
    }

    private static io.restassured.response.Response delivered(String deliveryId, String body) {
        return given().contentType("application/json").header("X-Outreach-Delivery-Id", deliveryId)
                .header("X-Outreach-Signature", signature(WebhookProfile.NEW_SECRET, Instant.now().getEpochSecond(), body))
                .body(body).post("/webhooks/outreach");
    }

    /**
     * Issue 6, hole 5: the ledger fails at the second record of a delivery. The answer is 503 and nothing of the
     * delivery is stored or sent; delivered again once the ledger works, all of it is accepted and sent once.
     */
    @Test
    void aLedgerFailureInTheMiddleOfADeliveryStoresNothingOfIt() throws Exception {
        String body = "[" + record("half-1").replace("}", ", \"external_id\": \"half-1\"}") + ","
                + record("half-2").replace("}", ", \"external_id\": \"" + PoisonedKey.KEY + "\"}") + "]";
        try (Connection db = ledgerDatabase.dataSource().getConnection()) {
            PoisonedKey.create(db);
        }
        try {
            deliver(body, "half-delivery").then().statusCode(503).body("error", equalTo("unavailable"));
        } finally {
            try (Connection db = ledgerDatabase.dataSource().getConnection()) {
                PoisonedKey.drop(db);
            }
        }
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> ledger.state("half-1") == null && attendeesPosted().isEmpty());

        deliver(body, "half-delivery").then().statusCode(202).body("accepted", equalTo(2));
        awaitSuccessLines(2);
        assertEquals(List.of("half-1", "half-2"), attendeesPosted().stream().sorted().toList());
    }

    private static Response deliver(String body, String deliveryId) {
        return given().contentType("application/json").header("X-Outreach-Delivery-Id", deliveryId)
                .header("X-Outreach-Signature", signature(WebhookProfile.NEW_SECRET, Instant.now().getEpochSecond(), body))
                .body(body).post("/webhooks/outreach");
    }

    @Test
    void fiftyConcurrentDeliveriesAndTheSameDeliveryTwiceAtOnce() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(16);
        List<Callable<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String body = record("crowd-" + i);
            calls.add(() -> signed(body));
        }
        String twin = "[" + record("twin-1") + "]";
        for (int i = 0; i < 2; i++) {
            calls.add(() -> given().contentType("application/json").header("X-Outreach-Delivery-Id", "twin-delivery")
                    .header("X-Outreach-Signature", signature(WebhookProfile.NEW_SECRET, Instant.now().getEpochSecond(), twin))
                    .body(twin).post("/webhooks/outreach"));
        }
        List<Response> answers = new ArrayList<>();
        for (Future<Response> answer : senders.invokeAll(calls)) {
            answers.add(answer.get());
        }
        senders.shutdown();
        answers.forEach(answer -> assertEquals(202, answer.statusCode(), answer.asString()));
        assertEquals(answers.get(50).asString(), answers.get(51).asString(), "both copies get one answer");
        awaitSuccessLines(51);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> attendeesPosted().size() == 51);
        List<String> posted = attendeesPosted();
        assertEquals(51, posted.size(), "each record sent once: " + posted);
        assertEquals(51, posted.stream().distinct().count());
    }

    @Test
    void aHubSpotBatchMappedEndToEnd() throws Exception {
        String body = Files.readString(Path.of("samples/webhooks/hubspot-contacts.json"));
        String timestamp = String.valueOf(Instant.now().toEpochMilli());
        String signature = Base64.getEncoder().encodeToString(OutreachSignature.hmacSha256(WebhookProfile.HUBSPOT_SECRET,
                ("POST" + WebhookProfile.HUBSPOT_URL + body + timestamp).getBytes(StandardCharsets.UTF_8)));
        given().contentType("application/json").header("X-HubSpot-Signature-v3", signature)
                .header("X-HubSpot-Request-Timestamp", timestamp).body(body).post("/webhooks/hubspot").then()
                .statusCode(202).body("accepted", equalTo(1)).body("rejected[0].index", equalTo(1))
                .body("rejected[0].error.type", equalTo("local/missing_field"));
        given().contentType("application/json").header("X-HubSpot-Signature-v3", signature)
                .header("X-HubSpot-Request-Timestamp", timestamp).body(body.replace("Ada", "Eve"))
                .post("/webhooks/hubspot").then().statusCode(401);

        JsonNode line = awaitSuccessLines(1).get(0);
        assertEquals("hubspot-event-4101", line.get("key").asText());
        assertEquals("hubspot", line.at("/source/name").asText());
        LoggedRequest sent = postpress.findAll(postRequestedFor(urlPathEqualTo("/api/v1/chats"))).get(0);
        assertEquals(List.of("acc_01HSALESTEAM0000000000001"), FileIntakeTest.values(sent, "account_id"));
        assertEquals(List.of("ACoAAB1a2b3c4d5e6f7g8h9i0j"), FileIntakeTest.values(sent, "attendees_ids[]"));
        assertEquals(List.of("classic"), FileIntakeTest.values(sent, "linkedin[api]"));
        assertEquals(List.of("Hi Ada, glad to see Lovelace Labs moving forward. Could we talk this week?"),
                FileIntakeTest.values(sent, "text"));
        JsonNode refused = TestFolders.read(TestFolders.QUARANTINE.resolve("webhook-hubspot.hubspot-event-4102.json"));
        assertEquals(4102, refused.at("/payload/eventId").asInt(), "the CRM's payload is kept");
        assertEquals("local/missing_field", refused.at("/error/type").asText());

        // Items that cannot be mapped at all (an object where an id should be) are kept apart, each with its payload.
        String unmappable = "[{\"eventId\": 4201, \"properties\": {\"firstname\": \"Bo\", \"company\": \"B\","
                + " \"linkedin_member_id\": {\"id\": 1}}}, {\"eventId\": 4202, \"properties\": {\"firstname\": \"Cy\","
                + " \"company\": \"C\", \"linkedin_member_id\": {\"id\": 2}}}]";
        hubspot(unmappable).then().statusCode(202).body("rejected.size()", equalTo(2))
                .body("rejected[0].error.type", equalTo("local/invalid_value"));
        assertEquals(3, TestFolders.all(TestFolders.QUARANTINE).size(), "one quarantine file per refused item");

        // A bare value is no payload, and a single event where a batch goes gives values that are no items (a probe
        // got 202 with nothing for the first, and "no value for event_id" for each value of the second).
        for (String odd : List.of("null", "\"text\"")) {
            hubspot(odd).then().statusCode(400).body("error", equalTo("invalid_shape"));
        }
        hubspot("{\"eventId\": 4301, \"properties\": {\"firstname\": \"Di\"}}").then().statusCode(202)
                .body("rejected[0].error.type", equalTo("local/invalid_record"))
                .body("rejected[0].error.detail", containsString("not a JSON object"));
    }

    private static io.restassured.response.Response hubspot(String body) {
        String at = String.valueOf(Instant.now().toEpochMilli());
        return given().contentType("application/json").header("X-HubSpot-Request-Timestamp", at)
                .header("X-HubSpot-Signature-v3", Base64.getEncoder().encodeToString(OutreachSignature.hmacSha256(
                        WebhookProfile.HUBSPOT_SECRET, ("POST" + WebhookProfile.HUBSPOT_URL + body + at)
                                .getBytes(StandardCharsets.UTF_8))))
                .body(body).post("/webhooks/hubspot");
    }

    @Test
    void aPipedriveUpdateMappedEndToEnd() throws Exception {
        String body = Files.readString(Path.of("samples/webhooks/pipedrive-person-updated.json"));
        String basic = "Basic " + Base64.getEncoder().encodeToString(WebhookProfile.PIPEDRIVE.getBytes(StandardCharsets.UTF_8));
        given().contentType("application/json").header("Authorization", basic).body(body).post("/webhooks/pipedrive")
                .then().statusCode(202).body("accepted", equalTo(1)).body("keys[0]", equalTo("pipedrive-person-7301"));
        JsonNode line = awaitSuccessLines(1).get(0);
        assertEquals("pipedrive", line.at("/source/name").asText());
        LoggedRequest sent = postpress.findAll(postRequestedFor(urlPathEqualTo("/api/v1/chats"))).get(0);
        assertEquals(List.of("ACoAAC2b3c4d5e6f7g8h9i0j1k"), FileIntakeTest.values(sent, "attendees_ids[]"));
        assertEquals(List.of("Hi Grace, thanks for your interest in us at Hopper & Co."), FileIntakeTest.values(sent, "text"));
        given().contentType("application/json").header("Authorization", "Basic bm9ib2R5Om5vcGU=").body(body)
                .post("/webhooks/pipedrive").then().statusCode(401);

        // A CRM value that looks like a placeholder goes out as written, as a file's value does: it was filled a
        // second time (a probe sent "Hi 7003" to a real person for a first name of {{event_id}}).
        given().contentType("application/json").header("Authorization", basic)
                .body(body.replace("7301", "7302").replace("\"Grace\"", "\"{{org}}\"")).post("/webhooks/pipedrive")
                .then().statusCode(202).body("accepted", equalTo(1));
        awaitSuccessLines(2);
        LoggedRequest literal = postpress.findAll(postRequestedFor(urlPathEqualTo("/api/v1/chats"))).get(1);
        assertEquals(List.of("Hi {{org}}, thanks for your interest in us at Hopper & Co."),
                FileIntakeTest.values(literal, "text"));
    }

    private List<JsonNode> awaitSuccessLines(int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> successLines().size() >= count);
        return successLines();
    }

    private static List<JsonNode> successLines() {
        List<JsonNode> lines = new ArrayList<>();
        try (var files = Files.list(TestFolders.SUCCESS)) {
            for (Path file : files.toList()) {
                lines.addAll(TestFolders.successLines(file.getFileName().toString().replace(".jsonl", "")));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return lines;
    }

    /** The first attendee of every request postpress received, sorted; a record sent twice shows twice. */
    private List<String> attendeesPosted() {
        List<String> attendees = new ArrayList<>();
        for (LoggedRequest request : postpress.findAll(postRequestedFor(urlPathEqualTo("/api/v1/chats")))) {
            attendees.add(FileIntakeTest.values(request, "attendees_ids[]").get(0));
        }
        return attendees.stream().sorted().toList();
    }
}
