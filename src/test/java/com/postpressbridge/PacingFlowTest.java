package com.postpressbridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import com.fasterxml.jackson.databind.node.ObjectNode;

import com.postpressbridge.ledger.AccountPaces;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.outcome.OutcomeDocuments;
import com.postpressbridge.outcome.OutcomeFile;
import com.postpressbridge.outcome.OutcomeFolders;
import com.postpressbridge.outcome.RecordClaims;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordSource;
import com.postpressbridge.postpress.SendGate;

/**
 * The pacing of sender accounts in the running app: an account sends up to its cap, its sends spaced, in the order
 * its records were read; the rest waits in scheduled/ for the next day; an answer that says it sent too much stops it
 * for the day and halves its caps.
 */
@QuarkusTest
@TestProfile(PacingFlowTest.PacedAccounts.class)
@QuarkusTestResource(PostpressStub.class)
class PacingFlowTest {

    /** Three a day, 400 ms apart, at any hour; acc_own one a day. */
    public static class PacedAccounts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("outreach.pacing.enabled", "true", "outreach.pacing.per-day", "3",
                    "outreach.pacing.min-interval", "400ms", "outreach.pacing.jitter", "0",
                    "outreach.pacing.window", "always", "outreach.pacing.accounts.\"acc_own\".per-day", "1");
        }
    }

    @PostpressStub.Server
    WireMockServer postpress;

    @Inject
    AccountPaces paces;

    @Inject
    Ledger ledger;

    @Inject
    OutcomeFolders folders;

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
    void anAccountSendsUpToItsCapSpacedAndInOrderAndTheRestWaitsInScheduled() {
        StringBuilder csv = new StringBuilder("account_id,attendees_ids,text\n");
        for (int i = 1; i <= 6; i++) {
            csv.append("acc_p,p-").append(i).append(",Hello ").append(i).append('\n');
            if (i <= 2) {
                csv.append("acc_own,o-").append(i).append(",Hi ").append(i).append('\n');
            }
        }
        TestFolders.drop("paced.csv", csv.toString());

        JsonNode summary = TestFolders.awaitSummary("paced.csv");
        assertEquals(2, summary.get("sent").asInt(), "the first record of each account goes at once: " + summary);
        assertEquals(6, summary.get("scheduled").asInt(), summary.toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> TestFolders.successLines("paced.csv").size() == 4);
        // Only this file's requests: the other tests of the class leave records in retry (old-1, l-1) that may be
        // sent meanwhile (a .ci/run saw 5 requests here on PostgreSQL).
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> requestsOfThisFile().size() == 4);

        List<LoggedRequest> toP = requestsOfThisFile().stream()
                .filter(r -> PostpressStub.attendee(r).startsWith("p-"))
                .sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
        assertEquals(List.of("p-1", "p-2", "p-3"), toP.stream().map(PostpressStub::attendee).toList(),
                "three a day, in the order they were read");
        for (int i = 1; i < toP.size(); i++) {
            long gap = toP.get(i).getLoggedDate().getTime() - toP.get(i - 1).getLoggedDate().getTime();
            // The gap counts from the end of the request before: the arrivals here are that far apart at least.
            assertTrue(gap >= 400, "sends of one account at least min-interval apart: " + gap + " ms");
        }
        assertEquals(Map.of("o-1", 1, "p-1", 1, "p-2", 1, "p-3", 1), requestsOfThisFile().stream()
                .collect(java.util.stream.Collectors.toMap(PostpressStub::attendee, r -> 1, Integer::sum)));

        List<JsonNode> scheduled = TestFolders.all(TestFolders.SCHEDULED);
        assertEquals(List.of("o-2", "p-4", "p-5", "p-6"), scheduled.stream()
                .map(d -> d.at("/record/attendees_ids/0").asText()).sorted().toList());
        // Each says when it goes at the earliest: the next day's slots, in the account's order
        Instant tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Map<String, Instant> at = new java.util.TreeMap<>();
        for (JsonNode document : scheduled) {
            assertEquals("pacing", document.get("reason").asText());
            assertEquals(0, document.get("attempts").asInt());
            at.put(document.at("/record/attendees_ids/0").asText(), Instant.parse(document.get("next_attempt_at").asText()));
        }
        assertEquals(tomorrow, at.get("o-2"));
        assertEquals(tomorrow, at.get("p-4"));
        // p-5 and p-6 after it, at least min-interval apart, though each may be paced while the record before it is
        // still on its way to scheduled/ (.ci/run once saw p-6 say p-4's slot, and p-5 a time of the same day, before
        // a record told to wait counted as scheduled from its pacing on: PacingSimulationTest)
        assertTrue(!at.get("p-5").isBefore(at.get("p-4").plusMillis(400)), at.toString());
        assertTrue(!at.get("p-6").isBefore(at.get("p-5").plusMillis(400)), at.toString());
        AccountPaces.Pace p = pace("acc_p");
        assertEquals(3, p.sentToday());
        assertEquals(1, pace("acc_own").sentToday());
        assertTrue(TestFolders.all(TestFolders.RETRY).isEmpty(), "waiting for a slot is not a retry");
    }

    @Test
    void anAccountToldItSentTooMuchStopsForTheDayAndItsCapsAreHalved() {
        postpress.stubFor(PostpressStub.forAttendee("l-1").willReturn(PostpressStub.error(422, "errors/limit_exceeded")));
        TestFolders.drop("limited.csv", "account_id,attendees_ids,text\nacc_lim,l-1,Hello\n");
        TestFolders.awaitSummary("limited.csv");

        AccountPaces.Pace pace = pace("acc_lim");
        Instant tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        assertTrue(pace.blockedUntil() >= tomorrow.toEpochMilli(), "stopped until the window opens tomorrow: " + pace);
        assertEquals(0.5, pace.allowance());
        assertEquals("errors/limit_exceeded", TestFolders.all(TestFolders.RETRY).get(0).at("/error/type").asText());
    }

    @Test
    void aRecordThatWaitedInScheduledLongerThanTheAgeLimitIsNotTooOldForARetry() throws Exception {
        // A record first seen 30 days ago (max-age 7d), whose slot has come: waiting its turn did not age it.
        OutreachItem item = OutreachItem.of(RecordSource.fileLine("old.csv", 2), TestFolders.JSON.readTree(
                "{\"account_id\":\"acc_old\",\"attendees_ids\":[\"old-1\"],\"text\":\"Hi\"}"), null);
        item.key("paced-old-" + System.nanoTime());
        item.firstSeenAt(Instant.now().minus(Duration.ofDays(30)));
        assertEquals(Ledger.Claim.CLAIMED, ledger.claim(item.key(), item.key(), OutcomeDocuments.item(item).toString(),
                RecordClaims.place(item), false, Ledger.State.SENDING));
        ObjectNode scheduled = OutcomeDocuments.scheduled(item, 0, Instant.now());
        folders.write(new OutcomeFile(OutcomeFile.Folder.scheduled, folders.scheduledFile(item.key()).getFileName()
                .toString(), item.key(), scheduled, OutcomeFolders.quarantineName(item)), false);
        ledger.finish(item.key(), Ledger.State.SCHEDULED, 0, Instant.now().toEpochMilli(), false, null, null,
                new Ledger.Waiting(scheduled.toString(), "acc_old", item.order()), null, null);
        postpress.stubFor(PostpressStub.forAttendee("old-1").willReturn(PostpressStub.error(503, "errors/service_unavailable")));

        await().atMost(Duration.ofSeconds(15)).until(() -> ledger.state(item.key()) == Ledger.State.RETRY
                || ledger.state(item.key()) == Ledger.State.QUARANTINED);
        assertEquals(Ledger.State.RETRY, ledger.state(item.key()), "a blip retried, not 'retries ran out'");
        JsonNode retry = TestFolders.read(folders.retryFile(item.key()));
        assertTrue(Instant.parse(retry.get("age_from").asText()).isAfter(Instant.now().minusSeconds(60)), retry.toString());

        // Its retries (every second at most here) would go on into the other tests of the class: it goes now.
        postpress.stubFor(PostpressStub.forAttendee("old-1").willReturn(PostpressStub.created()));
        await().atMost(Duration.ofSeconds(15)).until(() -> ledger.state(item.key()) == Ledger.State.SENT);
    }

    private List<LoggedRequest> requestsOfThisFile() {
        return PostpressStub.chatRequests(postpress).stream()
                .filter(r -> PostpressStub.attendee(r).matches("[po]-\\d+")).toList();
    }

    private AccountPaces.Pace pace(String account) {
        return paces.all().stream().filter(a -> a.id().equals(account)).findFirst().orElseThrow().pace();
    }
}
