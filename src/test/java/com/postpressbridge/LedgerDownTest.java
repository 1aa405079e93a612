package com.postpressbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.postpressbridge.ledger.LedgerDatabase;

import jakarta.inject.Inject;

import com.github.tomakehurst.wiremock.WireMockServer;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Without its ledger the bridge decides nothing: webhooks get 503, inbox files wait, nothing is sent or lost. */
@QuarkusTest
@TestProfile(LedgerDownTest.OwnLedger.class)
@QuarkusTestResource(PostpressStub.class)
class LedgerDownTest {

    /** An app (and an in-memory ledger) of its own: this test breaks the ledger for good. */
    public static class OwnLedger implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("outreach.webhook.secrets", WebhookProfile.NEW_SECRET);
        }
    }

    @PostpressStub.Server
    WireMockServer postpress;

    @Inject
    LedgerDatabase ledgerDatabase;

    @Test
    void nothingIsDecidedWithoutTheLedger() throws Exception {
        TestFolders.wipe();
        PostpressStub.answerCreated(postpress);
        try (Connection db = ledgerDatabase.dataSource().getConnection(); Statement statement = db.createStatement()) {
            statement.execute("DROP TABLE outreach_work");
            statement.execute("DROP TABLE outreach_record");
        }

        // A burst while the ledger is away: each delivery gets 503, the log gets the cause once (not a stack trace
        // a delivery: a fault probe's full disk made 27,540 lines of them in 10 s)
        try (LogWatch unstored = LogWatch.of(line -> String.valueOf(line.getMessage())
                .contains("webhook delivery not stored"))) {
            for (int i = 0; i < 5; i++) {
                String body = WebhookIntakeTest.record("while-down-" + i);
                given().contentType("application/json")
                        .header("X-Outreach-Signature", WebhookIntakeTest.signature(WebhookProfile.NEW_SECRET,
                                Instant.now().getEpochSecond(), body))
                        .body(body).post("/webhooks/outreach").then().statusCode(503)
                        .header("Retry-After", equalTo("30")).body("error", equalTo("unavailable"));
            }
            assertEquals(1, unstored.lines().size(), "one line for 5 deliveries refused within 10 s");
            assertEquals(null, unstored.lines().get(0).getThrown(), "the cause in its words, not a stack (a probe)");
        }

        TestFolders.drop("waiting.csv", "account_id,attendees_ids,text\nacc_down,down-1,Hello\n");
        Thread.sleep(Duration.ofSeconds(2).toMillis());
        assertTrue(Files.exists(TestFolders.INBOX.resolve("waiting.csv")), "the file waits in the inbox");
        assertEquals(null, TestFolders.find(TestFolders.ARCHIVE, "waiting.csv.summary.json"));
        assertEquals(List.of(), TestFolders.all(TestFolders.QUARANTINE));
        assertEquals(List.of(), TestFolders.all(TestFolders.RETRY));
        postpress.verify(0, postRequestedFor(urlPathEqualTo("/api/v1/chats")));
    }
}
