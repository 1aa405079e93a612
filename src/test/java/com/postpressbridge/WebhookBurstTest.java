package com.postpressbridge;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;

import com.github.tomakehurst.wiremock.WireMockServer;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.outcome.OutcomeDocuments;
import com.postpressbridge.outcome.WaitingRecords;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordSource;

/**
 * Issue 11: more webhook records accepted at once than one dispatch takes (500) all go out right away, not one batch
 * per scan of the ledger. The scans here come once an hour (the first an hour after the start; the start's own
 * dispatch comes before any delivery): only the wake-ups after the deliveries can send them.
 */
@QuarkusTest
@TestProfile(WebhookBurstTest.HourlyScan.class)
@QuarkusTestResource(PostpressStub.class)
class WebhookBurstTest {

    public static class HourlyScan extends WebhookProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("outreach.retry.scan-interval", "1h");
            return config;
        }
    }

    static final int RECORDS = 700;

    @PostpressStub.Server
    WireMockServer postpress;

    @Inject
    CamelContext camel;

    @Inject
    Ledger ledger;

    @Test
    void aBurstLargerThanOneDispatchIsSentWithoutWaitingForTheScan() {
        TestFolders.wipe();
        PostpressStub.answerCreated(postpress);
        StringBuilder records = new StringBuilder("{\"records\": [");
        for (int i = 0; i < RECORDS; i++) {
            records.append(i == 0 ? "" : ",").append("{\"external_id\": \"burst-").append(i)
                    .append("\", \"account_id\": \"acc_burst\", \"attendees_ids\": [\"burst-").append(i)
                    .append("\"], \"text\": \"Hello\"}");
        }
        String body = records.append("]}").toString();
        given().contentType("application/json").header("X-Outreach-Signature", WebhookIntakeTest.signature(
                WebhookProfile.NEW_SECRET, Instant.now().getEpochSecond(), body)).body(body)
                .post("/webhooks/outreach").then().statusCode(202);

        String successFile = "webhook-outreach-" + LocalDate.now(ZoneOffset.UTC);
        await().atMost(Duration.ofSeconds(60)).until(() -> TestFolders.successLines(successFile).size() >= RECORDS);
        assertEquals(RECORDS, TestFolders.successLines(successFile).size());
        assertEquals(RECORDS, PostpressStub.chatRequests(postpress).size(), "each sent once");
    }

    /**
     * Two dispatches started at once (the scan and a wake-up, or the run-once job): the second waits for the first and
     * takes nothing it took. Both took the same records before, the second counting them as duplicates (a review).
     */
    @Test
    void twoDispatchesAtOnceTakeEachRecordOnce() throws Exception {
        TestFolders.wipe();
        postpress.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/api/v1/chats")
                .willReturn(PostpressStub.created().withFixedDelay(1_000)));
        // Only this test's dispatches: the scan is held (and the start's dispatch waited for), any dispatch still
        // running is waited for, and the records are queued in the ledger directly, as a delivery stores them, so
        // that no wake-up follows (a seda consumer waiting in its poll takes one even while its route is suspended:
        // CI saw such dispatches take the records first, three times).
        RetryScan.startDispatchEnded();
        camel.getRouteController().suspendRoute("retry");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> camel.getInflightRepository().size("retry") == 0
                    && camel.getInflightRepository().size("wake-dispatch") == 0
                    && camel.getInflightRepository().size("dispatch-waiting") == 0);
            for (String key : List.of("twice-1", "twice-2")) {
                OutreachItem item = OutreachItem.webhook(RecordSource.webhook("outreach", null, Instant.now()),
                        TestFolders.JSON.readTree("{\"external_id\": \"" + key + "\", \"account_id\": \"acc_twice\","
                                + " \"attendees_ids\": [\"" + key + "\"], \"text\": \"Hello\"}"), null);
                item.key(key);
                item.firstSeenAt(Instant.now());
                assertEquals(Ledger.Claim.CLAIMED, ledger.claim(key, key, OutcomeDocuments.item(item).toString(), false,
                        Ledger.State.QUEUED));
            }
            ExecutorService callers = Executors.newFixedThreadPool(2);
            try {
                List<Future<Integer>> taken = callers.invokeAll(List.of(this::dispatch, this::dispatch));
                assertEquals(2, taken.get(0).get() + taken.get(1).get(), "each record taken by one dispatch");
            } finally {
                callers.shutdown();
            }
        } finally {
            camel.getRouteController().resumeRoute("retry");
        }
        assertEquals(2, PostpressStub.chatRequests(postpress).size(), "each sent once");
    }

    private int dispatch() throws Exception {
        try (org.apache.camel.ProducerTemplate producer = camel.createProducerTemplate()) {
            return producer.request("direct:dispatch-waiting", exchange -> { })
                    .getProperty(WaitingRecords.TAKEN, 0, Integer.class);
        }
    }
}
