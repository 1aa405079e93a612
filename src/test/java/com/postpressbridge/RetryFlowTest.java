package com.postpressbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import com.postpressbridge.postpress.SendGate;

/** Records that wait in the retry folder and go again: Retry-After, exhaustion, paused accounts and their probe. */
@QuarkusTest
@TestProfile(ShortPauses.class)
@QuarkusTestResource(PostpressStub.class)
class RetryFlowTest {

    @PostpressStub.Server
    WireMockServer postpress;

    @Inject
    CamelContext camel;

    @Inject
    SendGate gate;

    @BeforeEach
    void clean() {
        TestFolders.wipe();
        PostpressStub.answerCreated(postpress);
    }

    @AfterEach
    void liftPauses() {
        gate.clear();
    }

    @Test
    void retryAfterIsHonouredThenTheRecordIsSent() throws Exception {
        // The record is due again a second after the 429: the retry scan waits until its file was read here.
        RetryScan.held(camel, this::retryAfterThenSent);
    }

    private void retryAfterThenSent() throws Exception {
        postpress.stubFor(PostpressStub.forAttendee("ra-1").inScenario("ra").whenScenarioStateIs(STARTED)
                .willReturn(PostpressStub.error(429, "errors/too_many_requests").withHeader("Retry-After", "1"))
                .willSetStateTo("answered"));
        postpress.stubFor(PostpressStub.forAttendee("ra-1").inScenario("ra").whenScenarioStateIs("answered").willReturn(PostpressStub.created()));

        TestFolders.drop("ra.csv", "account_id,attendees_ids,text\nacc_ra,ra-1,Hello\n");
        assertEquals(1, TestFolders.awaitSummary("ra.csv").get("retry").asInt());
        JsonNode waiting = TestFolders.read(TestFolders.RETRY.resolve(TestFolders.all(TestFolders.RETRY).get(0)
                .get("key").asText() + ".json"));
        assertEquals(1, waiting.get("attempts").asInt());
        assertEquals("errors/too_many_requests", waiting.at("/error/type").asText());
        RetryScan.resume(camel);

        await().atMost(Duration.ofSeconds(15)).until(() -> TestFolders.successLines("ra.csv").size() == 1);
        List<LoggedRequest> requests = requests();
        assertEquals(2, requests.size());
        long gap = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        assertTrue(gap >= 1000, "waited for Retry-After: " + gap + " ms");
        // The success line first, then the retry file goes.
        await().atMost(Duration.ofSeconds(5)).until(() -> TestFolders.all(TestFolders.RETRY).isEmpty());
        assertEquals(List.of(), TestFolders.all(TestFolders.QUARANTINE));
    }

    @Test
    void attemptsRunOutAndTheRecordIsQuarantinedWithItsLastError() {
        postpress.stubFor(PostpressStub.forAttendee("ex-1").willReturn(PostpressStub.error(500, "errors/provider_error")));
        TestFolders.drop("ex.csv", "account_id,attendees_ids,text\nacc_ex,ex-1,Hello\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> TestFolders.quarantineFiles("ex.csv.2").size() == 1);
        JsonNode quarantined = TestFolders.read(TestFolders.quarantineFile("ex.csv.2"));
        assertTrue(quarantined.get("exhausted").asBoolean());
        assertEquals(3, quarantined.get("attempts").asInt(), "outreach.retry.max-attempts of the profile");
        assertEquals(500, quarantined.at("/error/status").asInt());
        assertEquals("errors/provider_error", quarantined.at("/error/type").asText());
        await().atMost(Duration.ofSeconds(5)).until(() -> TestFolders.all(TestFolders.RETRY).isEmpty());
        assertEquals(3, requests().size());
    }

    @Test
    void aPausedAccountHoldsItsRecordsThenOneRecordProbes() {
        postpress.stubFor(PostpressStub.forAttendee("hold-1").inScenario("hold").whenScenarioStateIs(STARTED)
                .willReturn(PostpressStub.error(401, "errors/disconnected_account")).willSetStateTo("reconnected"));
        postpress.stubFor(PostpressStub.forAttendee("hold-1").inScenario("hold").whenScenarioStateIs("reconnected")
                .willReturn(PostpressStub.created().withFixedDelay(400)));
        postpress.stubFor(PostpressStub.forAttendee("hold-2").willReturn(PostpressStub.created().withFixedDelay(400)));
        postpress.stubFor(PostpressStub.forAttendee("hold-3").willReturn(PostpressStub.created().withFixedDelay(400)));
        postpress.stubFor(PostpressStub.forAttendee("other-1").willReturn(PostpressStub.created()));

        TestFolders.drop("hold-a.csv", "account_id,attendees_ids,text\nacc_hold,hold-1,Hello\n");
        assertEquals(1, TestFolders.awaitSummary("hold-a.csv").get("retry").asInt());
        TestFolders.drop("hold-b.csv", "account_id,attendees_ids,text\nacc_hold,hold-2,Hello\nacc_hold,hold-3,Hello\n"
                + "acc_other,other-1,Hello\n");
        JsonNode held = TestFolders.awaitSummary("hold-b.csv");
        assertEquals(2, held.get("retry").asInt(), "held without a request");
        assertEquals(1, held.get("sent").asInt(), "another account is not paused");
        assertEquals(2, requests().size(), "hold-1 and other-1 only");
        JsonNode waiting = TestFolders.all(TestFolders.RETRY).stream()
                .filter(d -> d.at("/record/attendees_ids/0").asText().equals("hold-2")).findFirst().orElseThrow();
        assertTrue(waiting.get("held").asBoolean());
        assertEquals(0, waiting.get("attempts").asInt());
        assertEquals("errors/disconnected_account", waiting.at("/error/type").asText());

        await().atMost(Duration.ofSeconds(20)).until(() -> TestFolders.successLines("hold-a.csv").size()
                + TestFolders.successLines("hold-b.csv").size() == 4);
        List<LoggedRequest> afterPause = requests().stream()
                .filter(r -> !r.getBodyAsString().contains("other-1")).skip(1).toList();
        assertEquals(3, afterPause.size(), "each held record sent once");
        long probe = afterPause.get(0).getLoggedDate().getTime();
        for (LoggedRequest next : afterPause.subList(1, afterPause.size())) {
            assertTrue(next.getLoggedDate().getTime() - probe >= 350,
                    "the others waited for the probe's answer: " + (next.getLoggedDate().getTime() - probe) + " ms");
        }
    }

    @Test
    void aRefusedApiKeyStopsAllSendingAndReadinessSaysWhy() {
        postpress.stubFor(PostpressStub.forAttendee("key-1").inScenario("key").whenScenarioStateIs(STARTED)
                .willReturn(PostpressStub.error(401, "errors/insufficient_privileges")).willSetStateTo("fixed"));
        postpress.stubFor(PostpressStub.forAttendee("key-1").inScenario("key").whenScenarioStateIs("fixed").willReturn(PostpressStub.created()));

        TestFolders.drop("key-a.csv", "account_id,attendees_ids,text\nacc_k1,key-1,Hello\n");
        assertEquals(1, TestFolders.awaitSummary("key-a.csv").get("retry").asInt());
        TestFolders.drop("key-b.csv", "account_id,attendees_ids,text\nacc_k2,key-2,Hello\n");
        assertEquals(1, TestFolders.awaitSummary("key-b.csv").get("retry").asInt(), "another account waits too");
        assertEquals(1, requests().size());
        given().get("/q/health/ready").then().statusCode(503)
                .body(containsString("postpress refused the API key"))
                .body(containsString("errors/insufficient_privileges"));

        await().atMost(Duration.ofSeconds(20)).until(() -> TestFolders.successLines("key-a.csv").size()
                + TestFolders.successLines("key-b.csv").size() == 2);
        given().get("/q/health/ready").then().statusCode(200);
        assertEquals(List.of(), TestFolders.all(TestFolders.QUARANTINE), "nothing quarantined because of the key");
    }

    /**
     * Issue 6, hole 1: after a stop-all pause, the first record admitted probes for all sending. When its own account
     * turns out unusable, the answer still proves the API key works: all sending resumes at once (readiness UP, other
     * accounts sent), not when that record tries again.
     */
    @Test
    void aProbeOfAllSendingThatPausesItsOwnAccountStillReleasesEveryOtherAccount() {
        postpress.stubFor(PostpressStub.forAttendee("probe-1").inScenario("probe").whenScenarioStateIs(STARTED)
                .willReturn(PostpressStub.error(401, "errors/missing_credentials")).willSetStateTo("key fixed"));
        postpress.stubFor(PostpressStub.forAttendee("probe-1").inScenario("probe").whenScenarioStateIs("key fixed")
                .willReturn(PostpressStub.error(401, "errors/disconnected_account")).willSetStateTo("reconnected"));
        postpress.stubFor(PostpressStub.forAttendee("probe-1").inScenario("probe").whenScenarioStateIs("reconnected")
                .willReturn(PostpressStub.created()));

        TestFolders.drop("probe-a.csv", "account_id,attendees_ids,text\nacc_probe,probe-1,Hello\n");
        assertEquals(1, TestFolders.awaitSummary("probe-a.csv").get("retry").asInt());
        // The stop-all pause ends; probe-1 probes for all sending and learns that its own account is disconnected.
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> TestFolders.all(TestFolders.RETRY).stream()
                .anyMatch(d -> d.at("/error/type").asText().equals("errors/disconnected_account")));
        // The outcome is written first, then the pauses learn from the answer: readiness is UP right after.
        await().atMost(Duration.ofSeconds(2)).until(() -> given().get("/q/health/ready").statusCode() == 200);

        TestFolders.drop("probe-b.csv", "account_id,attendees_ids,text\nacc_elsewhere,elsewhere-1,Hello\n");
        assertEquals(1, TestFolders.awaitSummary("probe-b.csv").get("sent").asInt(),
                "not held until probe-1 tries again");
        await().atMost(Duration.ofSeconds(20)).until(() -> TestFolders.successLines("probe-a.csv").size() == 1);
        assertEquals(4, requests().size(), "probe-1 three times, elsewhere-1 once");
        assertEquals(List.of(), TestFolders.all(TestFolders.QUARANTINE));
    }

    private List<LoggedRequest> requests() {
        return postpress.findAll(postRequestedFor(urlPathEqualTo("/api/v1/chats"))).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
    }
}
