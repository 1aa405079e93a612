package com.postpressbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * No HTTP answer at all. A request that never left (connection refused) is retried; one that may have reached
 * postpress (read timeout, connection reset, empty response) is in doubt: quarantined, never silently re-sent.
 */
@QuarkusTest
@QuarkusTestResource(PostpressStub.class)
class NoAnswerTest {

    @PostpressStub.Server
    WireMockServer postpress;

    @Inject
    CamelContext camel;

    @BeforeEach
    void clean() {
        TestFolders.wipe();
        if (!postpress.isRunning()) {
            postpress.start();
        }
        postpress.resetAll();
    }

    @Test
    void connectionRefusedIsRetriedThenSent() throws Exception {
        // The retry scan waits until the stub is back: by itself it would try again within a second, and after two
        // more passes the record would run out of attempts before the test is ready.
        RetryScan.held(camel, this::refusedThenSent);
    }

    private void refusedThenSent() throws Exception {
        postpress.stop();
        TestFolders.drop("refused.csv", "account_id,attendees_ids,text\nacc_cr,cr-1,Hello\n");
        JsonNode summary = TestFolders.awaitSummary("refused.csv");
        assertEquals(1, summary.get("retry").asInt());
        JsonNode waiting = TestFolders.all(TestFolders.RETRY).get(0);
        assertEquals("local/connection_failed", waiting.at("/error/type").asText());
        assertTrue(waiting.at("/error/status").isNull());
        assertTrue(waiting.at("/error/detail").asText().contains("not sent"), waiting.toString());
        assertEquals(3, waiting.get("attempts").asInt(), "the first try and two quick re-sends");

        postpress.start();
        postpress.stubFor(post("/api/v1/chats").willReturn(PostpressStub.created()));
        RetryScan.resume(camel);
        await().atMost(Duration.ofSeconds(15)).until(() -> TestFolders.successLines("refused.csv").size() == 1);
        postpress.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/chats")));
    }

    @Test
    void aReadTimeoutIsInDoubtAndNeverResentUntilAPersonSaysSo() throws Exception {
        postpress.stubFor(post("/api/v1/chats").willReturn(PostpressStub.created().withFixedDelay(3000)));
        String csv = "account_id,attendees_ids,text\nacc_to,to-1,Hello\n";
        TestFolders.drop("timeout.csv", csv);
        assertEquals(1, TestFolders.awaitSummary("timeout.csv").get("quarantined").asInt());
        Path quarantined = TestFolders.quarantineFile("timeout.csv.2");
        JsonNode inDoubt = TestFolders.read(quarantined);
        assertEquals("local/in_doubt", inDoubt.at("/error/type").asText());
        assertTrue(inDoubt.at("/error/detail").asText().contains("may have reached postpress"), inDoubt.toString());
        assertEquals(1, inDoubt.get("attempts").asInt());

        // The same file again: the record is in doubt, it is not sent a second time.
        TestFolders.drop("timeout.csv", csv);
        assertEquals(1, TestFolders.awaitSummary("timeout-2.csv").get("duplicates").asInt());
        postpress.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/chats")));

        // A person checked the conversation and drops the quarantine file back: it goes.
        postpress.resetAll();
        postpress.stubFor(post("/api/v1/chats").willReturn(PostpressStub.created()));
        String document = Files.readString(quarantined);
        Files.delete(quarantined);
        TestFolders.drop("timeout.csv.2.json", document);
        assertEquals(1, TestFolders.awaitSummary("timeout.csv.2.json").get("sent").asInt());
        assertEquals(1, TestFolders.successLines("timeout.csv").size());
    }

    @Test
    void aConnectionResetOrAnEmptyAnswerIsInDoubt() {
        postpress.stubFor(PostpressStub.forAttendee("reset-1").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        postpress.stubFor(PostpressStub.forAttendee("empty-1").willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
        TestFolders.drop("faults.csv", "account_id,attendees_ids,text\nacc_f1,reset-1,Hello\nacc_f2,empty-1,Hello\n");
        assertEquals(2, TestFolders.awaitSummary("faults.csv").get("quarantined").asInt());
        for (JsonNode file : TestFolders.all(TestFolders.QUARANTINE)) {
            assertEquals("local/in_doubt", file.at("/error/type").asText(), file.toString());
        }
        assertEquals(List.of(), TestFolders.all(TestFolders.RETRY));
        postpress.verify(2, postRequestedFor(urlPathEqualTo("/api/v1/chats")));
    }
}
