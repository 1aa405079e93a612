package com.postpressbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aMultipart;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import com.postpressbridge.postpress.ContractTable;
import com.postpressbridge.postpress.ErrorTable;
import com.postpressbridge.postpress.SendGate;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordSource;

/**
 * The routing table of postpress-api.md, row by row, through send-chat to a real HTTP server: each of the 79 error
 * types with its envelope, with an empty body and with a non-JSON body (both route by status), plus types and
 * statuses the table does not list. Each case checks the outcome folder, the error kept, and how many requests
 * postpress saw.
 */
@QuarkusTest
@TestProfile(NoRetryDispatch.class)
@QuarkusTestResource(PostpressStub.class)
class ErrorRoutingTableTest {

    enum Body {
        ENVELOPE,
        EMPTY,
        NOT_JSON
    }

    @PostpressStub.Server
    WireMockServer postpress;

    @Inject
    ProducerTemplate producer;

    @Inject
    SendGate gate;

    @BeforeEach
    void clean() {
        // The records the cases leave waiting stay where they are: the scan comes once an hour, and the start's
        // dispatch must be over (it sent the first cases' retries again, in CI).
        RetryScan.startDispatchEnded();
        TestFolders.wipe();
        postpress.resetAll();
    }

    @AfterEach
    void liftPauses() {
        gate.clear();
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (ContractTable.Row row : ContractTable.rows()) {
            for (Body body : Body.values()) {
                String routing = body == Body.ENVELOPE ? row.routing() : ContractTable.byStatus(row.status());
                cases.add(Arguments.of(row.status(), row.type(), body, routing));
            }
        }
        return cases.stream();
    }

    @Test
    void theTableHasEveryTypeOfTheContract() throws IOException {
        List<ContractTable.Row> rows = ContractTable.rows();
        assertEquals(79, rows.size());
        assertEquals(79, ErrorTable.TYPES.size());
        for (ContractTable.Row row : rows) {
            ErrorTable.ErrorType type = ErrorTable.find(row.type());
            assertNotNull(type, row.type());
            assertEquals(row.status(), type.status(), row.type());
            assertEquals(row.routing(), type.routing().label(), row.type());
        }
    }

    @ParameterizedTest(name = "{0} {1} ({2}) -> {3}")
    @MethodSource("cases")
    void everyErrorTypeRoutesAsTheContractSays(int status, String type, Body body, String routing) throws Exception {
        String attendee = "case-" + type.substring(7) + "-" + body;
        String account = "acc-" + attendee;
        ResponseDefinitionBuilder answer = aResponse().withStatus(status);
        String detail = "detail of " + type;
        switch (body) {
            case ENVELOPE -> answer.withHeader("Content-Type", "application/json").withBody("{\"status\": " + status
                    + ", \"type\": \"" + type + "\", \"title\": \"title of " + type + "\", \"detail\": \"" + detail + "\"}");
            case EMPTY -> answer.withBody("");
            case NOT_JSON -> answer.withHeader("Content-Type", "text/html").withBody("<html>upstream trouble</html>");
        }
        postpress.stubFor(post("/api/v1/chats")
                .withMultipartRequestBody(aMultipart().withName("attendees_ids[]").withBody(equalTo(attendee)))
                .willReturn(answer));

        Instant before = Instant.now();
        send(account, attendee);

        int blipRedeliveries = status == 503 && routing.equals("retry") ? 2 : 0;
        postpress.verify(1 + blipRedeliveries, postRequestedFor(urlPath()));
        JsonNode error = switch (routing) {
            case "success (already performed)" -> {
                JsonNode line = onlyFile(TestFolders.SUCCESS, true);
                assertTrue(line.get("already_performed").asBoolean());
                assertNothingIn(TestFolders.RETRY, TestFolders.QUARANTINE);
                yield null;
            }
            case "quarantine" -> {
                JsonNode file = onlyFile(TestFolders.QUARANTINE, false);
                assertEquals(1, file.get("attempts").asInt());
                assertEquals(false, file.get("exhausted").asBoolean());
                assertNothingIn(TestFolders.RETRY, TestFolders.SUCCESS);
                yield file.get("error");
            }
            default -> {
                JsonNode file = onlyFile(TestFolders.RETRY, false);
                assertNothingIn(TestFolders.QUARANTINE, TestFolders.SUCCESS);
                Instant next = Instant.parse(file.get("next_attempt_at").asText());
                Duration wait = Duration.between(before, next);
                switch (routing) {
                    case "retry" -> {
                        assertEquals(1 + blipRedeliveries, file.get("attempts").asInt());
                        assertTrue(wait.compareTo(Duration.ofSeconds(2)) < 0, "back-off of the test profile: " + wait);
                        assertTrue(gate.pausedUntil(account).isEmpty(), "a plain retry does not pause the account");
                    }
                    case "retry + pause account" -> {
                        assertEquals(1, file.get("attempts").asInt());
                        assertTrue(gate.pausedUntil(account).isPresent(), "429 pauses the account");
                    }
                    case "retry-later" -> assertTrue(wait.compareTo(Duration.ofHours(23)) > 0, "long delay: " + wait);
                    case "hold-account" -> {
                        assertTrue(wait.compareTo(Duration.ofMinutes(29)) > 0, "waits for the pause: " + wait);
                        assertTrue(gate.pausedUntil(account).orElseThrow().isAfter(before.plus(Duration.ofMinutes(29))));
                        assertTrue(gate.stopped().isEmpty(), "only the account is paused");
                    }
                    case "hold-account (long delay)" -> {
                        assertTrue(wait.compareTo(Duration.ofHours(23)) > 0, "long pause: " + wait);
                        assertTrue(gate.pausedUntil(account).orElseThrow().isAfter(before.plus(Duration.ofHours(23))));
                    }
                    case "stop-all" -> {
                        assertEquals(0, file.get("attempts").asInt(), "not counted: nothing is quarantined for it");
                        assertTrue(file.get("held").asBoolean());
                        assertTrue(gate.stopped().isPresent(), "all sending stopped");
                        assertTrue(gate.pausedUntil("any-other-account").isPresent());
                    }
                    default -> throw new AssertionError("unknown routing " + routing);
                }
                yield file.get("error");
            }
        };
        if (error != null) {
            assertEquals(status, error.get("status").asInt());
            switch (body) {
                case ENVELOPE -> {
                    assertEquals(type, error.get("type").asText());
                    assertEquals("title of " + type, error.get("title").asText());
                    assertEquals(detail, error.get("detail").asText());
                }
                case EMPTY -> {
                    assertTrue(error.get("type").isNull());
                    assertTrue(error.get("detail").isNull());
                }
                case NOT_JSON -> {
                    assertTrue(error.get("type").isNull());
                    assertTrue(error.get("detail").asText().contains("<html>upstream trouble</html>"), error.toString());
                }
            }
        }
    }

    static Stream<Arguments> unlisted() {
        return Stream.of(
                Arguments.of(400, "errors/brand_new_validation", "quarantine"),
                Arguments.of(409, "errors/conflict_of_some_kind", "quarantine"),
                Arguments.of(404, null, "quarantine"),
                Arguments.of(401, "errors/new_auth_problem", "hold-account"),
                Arguments.of(403, null, "hold-account"),
                Arguments.of(429, "errors/slow_down_please", "retry"),
                Arguments.of(500, "errors/new_server_trouble", "retry"),
                Arguments.of(502, null, "retry"),
                Arguments.of(504, "errors/gateway_gone", "retry"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("unlisted")
    void typesTheTableDoesNotListRouteByStatus(int status, String type, String routing) throws Exception {
        String attendee = "unlisted-" + status + "-" + type;
        String body = type == null ? "{\"status\": " + status + "}" : "{\"status\": " + status + ", \"type\": \"" + type + "\"}";
        postpress.stubFor(post("/api/v1/chats")
                .withMultipartRequestBody(aMultipart().withName("attendees_ids[]").withBody(equalTo(attendee)))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body)));
        send("acc-" + attendee, attendee);
        Path folder = switch (routing) {
            case "quarantine" -> TestFolders.QUARANTINE;
            default -> TestFolders.RETRY;
        };
        JsonNode file = onlyFile(folder, false);
        assertEquals(status, file.at("/error/status").asInt());
        assertEquals(routing.equals("hold-account"), gate.pausedUntil("acc-" + attendee).isPresent());
    }

    @Test
    void anyTwoHundredIsSuccess() throws Exception {
        postpress.stubFor(post("/api/v1/chats").willReturn(aResponse().withStatus(200).withBody("not json at all")));
        send("acc-200", "att-200");
        JsonNode line = onlyFile(TestFolders.SUCCESS, true);
        assertTrue(line.get("chat_id").isNull(), "no ids to keep, but sent");
        assertEquals(false, line.get("already_performed").asBoolean());
    }

    private void send(String account, String attendee) throws Exception {
        JsonNode record = TestFolders.JSON.readTree("{\"account_id\": \"" + account + "\", \"attendees_ids\": [\""
                + attendee + "\"], \"text\": \"Hello\"}");
        producer.sendBody("direct:send-chat", OutreachItem.of(RecordSource.fileRecord("table.json", 1, 1), record, null));
    }

    private static com.github.tomakehurst.wiremock.matching.UrlPathPattern urlPath() {
        return com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/v1/chats");
    }

    private static JsonNode onlyFile(Path folder, boolean jsonLines) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> found = files.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
            assertEquals(1, found.size(), "files in " + folder.getFileName() + ": " + found);
            if (jsonLines) {
                List<String> lines = Files.readAllLines(found.get(0));
                assertEquals(1, lines.size());
                return TestFolders.JSON.readTree(lines.get(0));
            }
            return TestFolders.read(found.get(0));
        }
    }

    private static void assertNothingIn(Path... folders) throws IOException {
        for (Path folder : folders) {
            try (Stream<Path> files = Files.list(folder)) {
                assertEquals(List.of(), files.toList(), folder.getFileName() + " should be empty");
            }
        }
    }
}
