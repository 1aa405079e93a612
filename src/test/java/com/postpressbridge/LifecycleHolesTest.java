package com.postpressbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.postpressbridge.ledger.LedgerDatabase;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.outcome.LedgerRebuild;
import com.postpressbridge.outcome.OutcomeDocuments;
import com.postpressbridge.outcome.WaitingRecords;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordSource;

/** Holes of the record lifecycle (issue 6), each reproduced as a user met it, and closed. */
@QuarkusTest
@QuarkusTestResource(PostpressStub.class)
class LifecycleHolesTest {

    @PostpressStub.Server
    WireMockServer postpress;

    @Inject
    Ledger ledger;

    @Inject
    CamelContext camel;

    @Inject
    LedgerDatabase ledgerDatabase;

    @Inject
    LedgerRebuild rebuild;

    @BeforeEach
    void clean() {
        TestFolders.wipe();
        PostpressStub.answerCreated(postpress);
    }

    /** Hole 4: two files of one name with a bad row on the same line each keep their own quarantine file. */
    @Test
    void badRowsOfTwoFilesOfOneNameNeverOverwriteEachOther() {
        TestFolders.drop("same.csv", "account_id,attendees_ids,text\n,first-file,Hi\n");
        assertEquals(1, TestFolders.awaitSummary("same.csv").get("quarantined").asInt());
        TestFolders.drop("same.csv", "account_id,attendees_ids,text\n,second-file,Hello\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> TestFolders.quarantineFiles("same.csv.2").size() == 2);

        List<String> attendees = TestFolders.quarantineFiles("same.csv.2").stream().map(TestFolders::read)
                .map(document -> document.at("/record/attendees_ids/0").asText()).sorted().toList();
        assertEquals(List.of("first-file", "second-file"), attendees);
    }

    /**
     * Hole 2: a webhook record accepted (queued in the ledger) whose attachment is gone when its turn comes is
     * quarantined once, and taken off the queue: no scan takes it again.
     */
    @Test
    void aQueuedRecordThatFailsBeforeItsClaimLeavesTheQueue() throws Exception {
        OutreachItem queued = OutreachItem.webhook(RecordSource.webhook("outreach", "d-gone", Instant.now()),
                TestFolders.JSON.readTree("{\"account_id\": \"acc_g\", \"attendees_ids\": [\"gone-1\"], \"text\": \"Hi\","
                        + " \"attachments\": [\"removed.pdf\"]}"), null);
        queued.key("crm-gone-" + UUID.randomUUID());
        queued.firstSeenAt(Instant.now());
        assertEquals(Ledger.Claim.CLAIMED, ledger.claim(queued.key(), "hash", OutcomeDocuments.item(queued).toString(),
                false, Ledger.State.QUEUED));

        // The ledger first, then the file: both, before the file is read.
        await().atMost(Duration.ofSeconds(20)).until(() -> ledger.state(queued.key()) == Ledger.State.QUARANTINED
                && !TestFolders.all(TestFolders.QUARANTINE).isEmpty());
        List<JsonNode> quarantined = TestFolders.all(TestFolders.QUARANTINE);
        assertEquals(1, quarantined.size());
        assertEquals("local/attachment_not_found", quarantined.get(0).at("/error/type").asText());
        try (ProducerTemplate producer = camel.createProducerTemplate()) {
            Exchange scan = producer.request("direct:dispatch-waiting", exchange -> { });
            assertEquals(0, scan.getProperty(WaitingRecords.TAKEN, Integer.class), "nothing waits any more");
        }
        postpress.verify(0, postRequestedFor(urlPathEqualTo("/api/v1/chats")));
    }

    /**
     * Retries are driven from the ledger: the retry file is what a person reads, and an edit of it changes nothing of
     * what is sent. Deleting it is how a person cancels the retry: the record is quarantined as local/cancelled,
     * never sent, and sent after all when that quarantine file is dropped back in the inbox.
     */
    @Test
    void aRetryIsSentFromTheLedgerAndCancelledByDeletingItsFile() throws Exception {
        for (String attendee : List.of("kept-1", "cancel-1")) {
            postpress.stubFor(PostpressStub.forAttendee(attendee).willReturn(PostpressStub.error(422,
                    "errors/cannot_resend_yet").withHeader("Retry-After", "3600")));
        }
        TestFolders.drop("later.csv", "account_id,attendees_ids,text,external_id\nacc_l,kept-1,Hello,crm-kept\n"
                + "acc_l,cancel-1,Hello,crm-cancel\n");
        assertEquals(2, TestFolders.awaitSummary("later.csv").get("retry").asInt());
        Path kept = TestFolders.RETRY.resolve("crm-kept.json");
        Files.writeString(kept, Files.readString(kept).replace("Hello", "Edited by hand"));
        await().atMost(Duration.ofSeconds(5)).until(() -> ledger.dueRetries(Long.MAX_VALUE, 10).stream()
                .allMatch(Ledger.Due::projected));
        Files.delete(TestFolders.RETRY.resolve("crm-cancel.json"));
        postpress.stubFor(PostpressStub.forAttendee("kept-1").willReturn(PostpressStub.created()));
        postpress.stubFor(PostpressStub.forAttendee("cancel-1").willReturn(PostpressStub.created()));
        // Their time comes now rather than in an hour: the test decides when, not the machine's speed.
        try (Connection db = ledgerDatabase.dataSource().getConnection(); Statement due = db.createStatement()) {
            due.executeUpdate("UPDATE outreach_record SET next_attempt_at = 0 WHERE record_key IN ('crm-kept', 'crm-cancel')");
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> TestFolders.successLines("later.csv").size() == 1);
        assertEquals("Hello", TestFolders.successLines("later.csv").get(0).at("/record/text").asText(),
                "sent from the ledger's document, not from the edited file");
        Path cancelled = TestFolders.quarantineFile("later.csv.3");
        assertEquals("local/cancelled", TestFolders.read(cancelled).at("/error/type").asText());
        postpress.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/chats"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("cancel-1")));

        String document = Files.readString(cancelled);
        Files.delete(cancelled);
        TestFolders.drop("later.csv.3.json", document);
        assertEquals(1, TestFolders.awaitSummary("later.csv.3.json").get("sent").asInt());
        assertEquals(List.of(), TestFolders.all(TestFolders.RETRY));
    }

    /**
     * Hole 8, continued: a rebuild of a lost ledger cut short (killed, disk full) is done again at the next start, and
     * a success line cut short is skipped, not a reason to stop.
     */
    @Test
    void aRebuildCutShortIsDoneAgainAtTheNextStart() throws Exception {
        Files.writeString(TestFolders.SUCCESS.resolve("rebuilt.csv.jsonl"), "{\"key\":\"rebuilt-1\",\"chat_id\":\"c1\"}\n"
                + "{\"key\":\"rebuilt-2\",\"chat_i\n");
        ledger.fact("rebuild", "started");

        rebuild.run();

        assertEquals(Ledger.State.SENT, ledger.state("rebuilt-1"));
        assertEquals("done", ledger.fact("rebuild"));
    }

    /**
     * A rebuild enters the keys the ledger held as quarantined, not those of records refused before any claim: such a
     * key may wait in retry/ from another file, and entered as quarantined its wait was cancelled (a review).
     */
    @Test
    void aRebuildLeavesARecordRefusedBeforeItsClaimUnblocked() throws Exception {
        Files.writeString(TestFolders.QUARANTINE.resolve("copy.csv.2.json"), "{\"key\": \"rebuilt-unclaimed\","
                + " \"claimed\": false, \"record\": {}, \"error\": {\"type\": \"local/nothing_to_send\"}}");
        Files.writeString(TestFolders.QUARANTINE.resolve("refused.csv.2.json"), "{\"key\": \"rebuilt-claimed\","
                + " \"claimed\": true, \"record\": {}, \"error\": {\"type\": \"errors/invalid_recipient\"}}");
        Files.writeString(TestFolders.QUARANTINE.resolve("older.csv.2.json"), "{\"key\": \"rebuilt-older\","
                + " \"record\": {}, \"error\": {\"type\": \"errors/invalid_recipient\"}}");
        ledger.fact("rebuild", "started");

        rebuild.run();

        assertEquals(null, ledger.state("rebuilt-unclaimed"), "blocks nothing");
        assertEquals(Ledger.State.QUARANTINED, ledger.state("rebuilt-claimed"));
        assertEquals(Ledger.State.QUARANTINED, ledger.state("rebuilt-older"), "a file of before the field");
    }

    /**
     * Hole 3: a broken copy of a record that waits in retry/ (same external_id) is quarantined on its own; the
     * waiting record's retry file stays, and the record is sent when it is due.
     */
    @Test
    void anInvalidCopyOfAWaitingRecordLeavesItsRetryFileAlone() {
        postpress.stubFor(PostpressStub.forAttendee("waits-1").willReturn(PostpressStub.error(422,
                "errors/cannot_resend_yet").withHeader("Retry-After", "3")));
        TestFolders.drop("waits.csv", "account_id,attendees_ids,text,external_id\nacc_w,waits-1,Hello,crm-waits\n");
        assertEquals(1, TestFolders.awaitSummary("waits.csv").get("retry").asInt());
        Path retry = TestFolders.RETRY.resolve("crm-waits.json");
        assertTrue(Files.exists(retry));

        TestFolders.drop("broken-copy.csv", "account_id,attendees_ids,text,external_id\nacc_w,waits-1,,crm-waits\n");
        assertEquals(1, TestFolders.awaitSummary("broken-copy.csv").get("quarantined").asInt());
        assertEquals("local/nothing_to_send", TestFolders.read(TestFolders.quarantineFile("broken-copy.csv.2"))
                .at("/error/type").asText());
        assertTrue(Files.exists(retry), "the waiting record's retry file is still there");

        postpress.stubFor(PostpressStub.forAttendee("waits-1").willReturn(PostpressStub.created()));
        await().atMost(Duration.ofSeconds(20)).until(() -> TestFolders.successLines("waits.csv").size() == 1);
        JsonNode sent = TestFolders.successLines("waits.csv").get(0);
        assertEquals("crm-waits", sent.get("key").asText());
        // The success line first, then the retry file goes.
        await().atMost(Duration.ofSeconds(5)).until(() -> TestFolders.all(TestFolders.RETRY).isEmpty());
    }
}
