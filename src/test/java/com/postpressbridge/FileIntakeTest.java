package com.postpressbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aMultipart;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Files dropped in a real inbox folder, sent to a real HTTP server, ending in real outcome folders. */
@QuarkusTest
@QuarkusTestResource(PostpressStub.class)
class FileIntakeTest {

    @PostpressStub.Server
    WireMockServer postpress;

    @BeforeEach
    void clean() {
        TestFolders.wipe();
        PostpressStub.answerCreated(postpress);
    }

    @Test
    void csvWithBomQuotingMultiLineTextAndSeparators() {
        String csv = "\uFEFFaccount_id,attendees_ids,text,linkedin.api,linkedin[inmail],first_name,company\r\n"
                + "acc_csv,\"ACoA-1;ACoA-2|ACoA-3, ACoA-4 ACoA-5\",\"Hi {{first_name}}, \"\"quoted\"\" and\r\nsecond line\","
                + "classic,TRUE,Ada,\"Acme, Inc.\"\r\n"
                + "\r\n"
                + "acc_csv,ACoA-6,At {{company}},,,Bob,\"Acme, Inc.\"\r\n";
        TestFolders.drop("leads.csv", csv);

        JsonNode summary = TestFolders.awaitSummary("leads.csv");
        assertEquals(2, summary.get("records").asInt());
        assertEquals(2, summary.get("sent").asInt());

        Map<String, LoggedRequest> byFirstAttendee = requestsByFirstAttendee();
        LoggedRequest first = byFirstAttendee.get("ACoA-1");
        assertEquals(List.of("ACoA-1", "ACoA-2", "ACoA-3", "ACoA-4", "ACoA-5"), values(first, "attendees_ids[]"));
        assertEquals(List.of("Hi Ada, \"quoted\" and\r\nsecond line"), values(first, "text"));
        assertEquals(List.of("classic"), values(first, "linkedin[api]"));
        assertEquals(List.of("true"), values(first, "linkedin[inmail]"));
        assertEquals(List.of("At Acme, Inc."), values(byFirstAttendee.get("ACoA-6"), "text"));

        List<JsonNode> lines = TestFolders.successLines("leads.csv");
        Map<String, Long> lineOf = new TreeMap<>();
        lines.forEach(l -> lineOf.put(l.at("/record/attendees_ids/0").asText(), l.at("/source/line").asLong()));
        assertEquals(Map.of("ACoA-1", 2L, "ACoA-6", 5L), lineOf, "the line where each record starts");
        JsonNode record = lines.stream().filter(l -> l.at("/record/attendees_ids/0").asText().equals("ACoA-1"))
                .findFirst().orElseThrow().get("record");
        assertEquals("Ada", record.at("/variables/first_name").asText());
        assertTrue(record.at("/linkedin/inmail").isBoolean());
    }

    @Test
    void jsonInItsThreeShapesAndJsonLines() {
        TestFolders.drop("array.json", "[{\"account_id\": \"acc_j\", \"attendees_ids\": [\"arr-1\"], \"text\": \"a\"},\n"
                + " {\"account_id\": \"acc_j\", \"attendees_ids\": [\"arr-2\"], \"text\": \"b\"}]");
        TestFolders.drop("single.json", "{\"account_id\": \"acc_j\", \"attendees_ids\": [\"single-1\"], \"text\": \"c\"}");
        TestFolders.drop("wrapped.json", "{\"meta\": {\"crm\": \"x\"}, \"records\": [\n"
                + "{\"account_id\": \"acc_j\", \"attendees_ids\": [\"wrap-1\"], \"text\": \"d\"},\n"
                + "{\"account_id\": \"acc_j\", \"attendees_ids\": [\"wrap-2\"], \"text\": \"e\"}], \"total\": 2}");
        TestFolders.drop("lines.jsonl", "{\"account_id\": \"acc_j\", \"attendees_ids\": [\"line-1\"], \"text\": \"f\"}\n\n"
                + "{\"account_id\": \"acc_j\", \"attendees_ids\": [\"line-2\"], \"text\": \"g\"}\n");

        assertEquals(2, TestFolders.awaitSummary("array.json").get("sent").asInt());
        assertEquals(1, TestFolders.awaitSummary("single.json").get("sent").asInt());
        JsonNode wrapped = TestFolders.awaitSummary("wrapped.json");
        assertEquals(2, wrapped.get("records").asInt(), "meta and total are not records");
        assertEquals(2, wrapped.get("sent").asInt());
        assertEquals(2, TestFolders.awaitSummary("lines.jsonl").get("sent").asInt());
        assertEquals(List.of("arr-1", "arr-2", "line-1", "line-2", "single-1", "wrap-1", "wrap-2"),
                List.copyOf(requestsByFirstAttendee().keySet()));
        assertEquals(3L, TestFolders.successLines("wrapped.json").stream()
                .filter(l -> l.at("/record/attendees_ids/0").asText().equals("wrap-2")).findFirst().orElseThrow()
                .at("/source/line").asLong(), "JSON records keep their line too");
        assertEquals(3L, TestFolders.successLines("lines.jsonl").stream()
                .filter(l -> l.at("/record/attendees_ids/0").asText().equals("line-2")).findFirst().orElseThrow()
                .at("/source/line").asLong());
    }

    @Test
    void aBrokenFileGoesWholeToQuarantineAndNothingIsSent() {
        TestFolders.drop("broken.json", "[{\"account_id\": \"acc_b\", \"attendees_ids\": [\"b-1\"], \"text\": \"x\"},\n"
                + " {\"account_id\": \"acc_b\", \"attendees_ids\": [\"b-2\"] \"text\": \"y\"}]");
        JsonNode report = awaitFileQuarantined("broken.json");
        assertEquals("local/malformed_json", report.at("/error/type").asText());
        assertEquals(2, report.at("/error/line").asInt());
        assertTrue(report.at("/error/column").asInt() > 0);
        assertTrue(Files.exists(TestFolders.QUARANTINE.resolve("broken.json")), "the file itself is kept");
        postpress.verify(0, postRequestedFor(urlPathEqualTo("/api/v1/chats")));
    }

    @Test
    void csvWithoutTheRequiredColumnsOrNotUtf8IsRefusedWhole() {
        TestFolders.drop("no-attendees.csv", "account_id,text\nacc,Hi\n");
        JsonNode noColumn = awaitFileQuarantined("no-attendees.csv");
        assertEquals("local/malformed_csv", noColumn.at("/error/type").asText());
        assertTrue(noColumn.at("/error/detail").asText().contains("attendees_ids"), noColumn.toString());

        byte[] latin1 = "account_id,attendees_ids,text\nacc,a-1,Hi\nacc,a-2,Caf\u00e9 cr\u00e8me\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        TestFolders.drop("latin1.csv", latin1);
        JsonNode notUtf8 = awaitFileQuarantined("latin1.csv");
        assertEquals("local/not_utf8", notUtf8.at("/error/type").asText());
        assertEquals(3, notUtf8.at("/error/line").asInt());
        assertEquals(12, notUtf8.at("/error/column").asInt(), "the é of Café");

        TestFolders.drop("notes.txt", "hello");
        assertEquals("local/unsupported_file", awaitFileQuarantined("notes.txt").at("/error/type").asText());

        TestFolders.drop("typo.csv", "account_id,attendees_ids,text,linkedin[inmal]\nacc,a-3,Hi,true\n");
        JsonNode typo = awaitFileQuarantined("typo.csv");
        assertTrue(typo.at("/error/detail").asText().contains("linkedin[inmal]"), typo.toString());

        postpress.verify(0, postRequestedFor(urlPathEqualTo("/api/v1/chats")));
    }

    @Test
    void aBadRowQuarantinesThatRowOnly() {
        TestFolders.drop("rows.csv", "account_id,attendees_ids,text\n"
                + "acc_r,row-1,first\n"
                + "acc_r,row-2,second,extra cell\n"
                + ",row-3,no account\n"
                + "acc_r,row-4,fourth\n");
        TestFolders.drop("rows.jsonl", "{\"account_id\": \"acc_r\", \"attendees_ids\": [\"jl-1\"], \"text\": \"a\"}\n"
                + "{\"account_id\": \"acc_r\", \"attendees_ids\": [\"jl-2\"], \"text\": \n"
                + "{\"account_id\": \"acc_r\", \"attendees_ids\": [\"jl-3\"], \"text\": \"c\"}\n");

        JsonNode csv = TestFolders.awaitSummary("rows.csv");
        assertEquals(2, csv.get("sent").asInt());
        assertEquals(2, csv.get("quarantined").asInt());
        JsonNode extraCell = TestFolders.read(TestFolders.quarantineFile("rows.csv.3"));
        assertEquals("local/malformed_row", extraCell.at("/error/type").asText());
        assertTrue(extraCell.at("/error/detail").asText().contains("4 cells"), extraCell.toString());
        assertEquals("acc_r,row-2,second,extra cell", extraCell.get("raw").asText().strip());
        JsonNode noAccount = TestFolders.read(TestFolders.quarantineFile("rows.csv.4"));
        assertEquals("local/missing_field", noAccount.at("/error/type").asText());
        assertTrue(noAccount.at("/error/status").isNull());
        assertTrue(noAccount.at("/error/detail").asText().contains("account_id"));

        JsonNode jsonl = TestFolders.awaitSummary("rows.jsonl");
        assertEquals(2, jsonl.get("sent").asInt());
        assertEquals(1, jsonl.get("quarantined").asInt());
        JsonNode brokenLine = TestFolders.read(TestFolders.quarantineFile("rows.jsonl.2"));
        assertEquals("local/malformed_row", brokenLine.at("/error/type").asText());
        assertTrue(brokenLine.get("raw").asText().contains("jl-2"));
        assertEquals(List.of("jl-1", "jl-3", "row-1", "row-4"), List.copyOf(requestsByFirstAttendee().keySet()));
    }

    @Test
    void attachmentsResolveInTheirFolderOnly() throws Exception {
        TestFolders.attachment("deck.pdf", "%PDF".getBytes(StandardCharsets.US_ASCII));
        Path secret = Files.writeString(TestFolders.ROOT.resolve("secret.txt"), "do not send");
        Files.createSymbolicLink(TestFolders.ATTACHMENTS.resolve("link.txt"), secret);
        TestFolders.drop("files.jsonl", String.join("\n",
                "{\"external_id\": \"ok\", \"account_id\": \"acc_f\", \"attendees_ids\": [\"f-ok\"], \"attachments\": [\"deck.pdf\"]}",
                "{\"external_id\": \"up\", \"account_id\": \"acc_f\", \"attendees_ids\": [\"f-up\"], \"attachments\": [\"../secret.txt\"]}",
                "{\"external_id\": \"abs\", \"account_id\": \"acc_f\", \"attendees_ids\": [\"f-abs\"], \"attachments\": [\""
                        + secret + "\"]}",
                "{\"external_id\": \"link\", \"account_id\": \"acc_f\", \"attendees_ids\": [\"f-link\"], \"voice_message\": \"link.txt\"}",
                "{\"external_id\": \"gone\", \"account_id\": \"acc_f\", \"attendees_ids\": [\"f-gone\"], \"video_message\": \"nope.mp4\"}")
                + "\n");

        JsonNode summary = TestFolders.awaitSummary("files.jsonl");
        assertEquals(1, summary.get("sent").asInt());
        assertEquals(4, summary.get("quarantined").asInt());
        assertEquals("local/invalid_attachment_path", quarantined("files.jsonl.2").at("/error/type").asText());
        assertEquals("local/invalid_attachment_path", quarantined("files.jsonl.3").at("/error/type").asText());
        assertEquals("local/invalid_attachment_path", quarantined("files.jsonl.4").at("/error/type").asText());
        JsonNode gone = quarantined("files.jsonl.5");
        assertEquals("local/attachment_not_found", gone.at("/error/type").asText());
        assertTrue(gone.at("/error/detail").asText().contains("video_message"));
        assertEquals(List.of("f-ok"), List.copyOf(requestsByFirstAttendee().keySet()));
    }

    @Test
    void aPlaceholderWithoutValueIsNeverSent() {
        TestFolders.drop("templates.csv", "account_id,attendees_ids,text,subject,first_name\n"
                + "acc_t,t-1,Hi {{ first_name }}!,For {{first_name}},Ada\n"
                + "acc_t,t-2,Hi {{first_name}} from {{company}},,Bob\n"
                + "acc_t,t-3,Hi {{first_name}},,\n");
        JsonNode summary = TestFolders.awaitSummary("templates.csv");
        assertEquals(1, summary.get("sent").asInt());
        assertEquals(2, summary.get("quarantined").asInt());
        assertEquals(List.of("Hi Ada!"), values(requestsByFirstAttendee().get("t-1"), "text"));
        assertEquals(List.of("For Ada"), values(requestsByFirstAttendee().get("t-1"), "subject"));
        JsonNode company = quarantined("templates.csv.3");
        assertEquals("local/missing_variable", company.at("/error/type").asText());
        assertTrue(company.at("/error/detail").asText().contains("{{company}}"), company.toString());
        assertEquals("local/missing_variable", quarantined("templates.csv.4").at("/error/type").asText());
    }

    @Test
    void theSameFileDroppedAgainSendsNothingTwice() {
        String csv = "account_id,attendees_ids,text\nacc_d,dup-1,Hello\nacc_d,dup-2,Hello\n";
        TestFolders.drop("again.csv", csv);
        assertEquals(2, TestFolders.awaitSummary("again.csv").get("sent").asInt());

        TestFolders.drop("again.csv", csv);
        JsonNode second = awaitSummaryOf("again-2.csv");
        assertEquals(0, second.get("sent").asInt());
        assertEquals(2, second.get("duplicates").asInt());
        assertEquals("again.csv", second.get("file").asText());
        postpress.verify(2, postRequestedFor(urlPathEqualTo("/api/v1/chats")));
        assertEquals(2, TestFolders.successLines("again.csv").size());
    }

    @Test
    void aQuarantineFileFixedAndDroppedBackIsSent() throws Exception {
        postpress.stubFor(post("/api/v1/chats")
                .withMultipartRequestBody(aMultipart().withName("attendees_ids[]").withBody(equalTo("wrong-id")))
                .willReturn(aResponse().withStatus(422).withHeader("Content-Type", "application/json")
                        .withBody("{\"status\":422,\"type\":\"errors/invalid_recipient\",\"title\":\"The recipient is not valid.\"}")));
        TestFolders.drop("fixme.csv", "account_id,attendees_ids,text,external_id\nacc_q,wrong-id,Hello,crm-42\n");
        assertEquals(1, TestFolders.awaitSummary("fixme.csv").get("quarantined").asInt());
        Path quarantined = TestFolders.quarantineFile("fixme.csv.2");
        JsonNode file = TestFolders.read(quarantined);
        assertEquals("errors/invalid_recipient", file.at("/error/type").asText());
        assertEquals(422, file.at("/error/status").asInt());

        // The same file again: nothing changed, nothing is sent again.
        TestFolders.drop("fixme.csv", "account_id,attendees_ids,text,external_id\nacc_q,wrong-id,Hello,crm-42\n");
        assertEquals(1, awaitSummaryOf("fixme-2.csv").get("duplicates").asInt());

        // A person fixes the attendee in the quarantine file and drops it back.
        String fixed = Files.readString(quarantined).replace("wrong-id", "right-id");
        Files.delete(quarantined);
        TestFolders.drop("fixme.csv.2.json", fixed);
        assertEquals(1, TestFolders.awaitSummary("fixme.csv.2.json").get("sent").asInt());
        JsonNode line = TestFolders.successLines("fixme.csv").get(0);
        assertEquals("crm-42", line.get("key").asText());
        assertEquals("fixme.csv", line.at("/source/file").asText(), "the original source is kept");
        assertEquals(2, line.at("/source/line").asInt());
        postpress.verify(2, postRequestedFor(urlPathEqualTo("/api/v1/chats")));
    }

    /**
     * A record postpress refused (from a JSON file), fixed in another file (same external_id): once it is claimed
     * again, the quarantine file of its refusal is gone, wherever it came from; the record has one outcome. A row of the
     * same key refused before any claim (a template variable missing) keeps its file: it blocked nothing, and its file
     * is what says why that row was not sent. The refusal's file stayed before: only a quarantine file of the new
     * record's own name was removed.
     */
    @Test
    void aRecordFixedInAnotherFileLeavesNoQuarantineFileOfItsRefusalBehind() throws Exception {
        dropRefused("first.json", "[{\"account_id\":\"acc_f\",\"attendees_ids\":[\"bad-id\"],\"text\":\"Hello\","
                + "\"external_id\":\"crm-77\"},{\"account_id\":\"acc_f\",\"attendees_ids\":[\"other-id\"],"
                + "\"text\":\"Hello\",\"external_id\":\"crm-78\"}]");
        TestFolders.drop("unclaimed.csv", "account_id,attendees_ids,text,external_id\nacc_f,x-id,Hi {{first_name}},crm-77\n");
        assertEquals(1, TestFolders.awaitSummary("unclaimed.csv").get("quarantined").asInt());
        assertEquals(List.of("crm-77 claimed", "crm-77 refused before its claim"), quarantined());

        TestFolders.drop("second.csv", "account_id,attendees_ids,text,external_id\nacc_f,good-id,Hello,crm-79\n"
                + "acc_f,good-id-2,Hello,crm-77\n");
        assertEquals(2, TestFolders.awaitSummary("second.csv").get("sent").asInt());
        assertEquals(List.of("crm-77 refused before its claim"), quarantined(), "the refusal's file is gone");
        assertEquals(List.of("crm-77", "crm-79"),
                TestFolders.successLines("second.csv").stream().map(line -> line.get("key").asText()).sorted().toList());
    }

    /**
     * A file renamed in the inbox while its records are sent: the log says it is no longer there under its name (not
     * that it was removed: a probe), and the renamed file is read as a new one, none of its records sent again.
     */
    @Test
    void aFileRenamedWhileSentIsSaidSoAndReadAgainWithoutSendingTwice() throws Exception {
        // answered in 1.5 s (under the tests' 2 s postpress.timeout): the file is renamed while it waits
        postpress.stubFor(PostpressStub.forAttendee("ren-1").willReturn(PostpressStub.created().withFixedDelay(1_500)));
        try (LogWatch changed = LogWatch.of(line -> String.valueOf(line.getMessage()).contains("changed in the inbox"))) {
            TestFolders.drop("ren.csv", "account_id,attendees_ids,text\nacc_f,ren-1,Hello\nacc_f,ren-2,Hello\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> !postpress.findAll(postRequestedFor(urlPathEqualTo(
                    "/api/v1/chats"))).isEmpty());
            Files.move(TestFolders.INBOX.resolve("ren.csv"), TestFolders.INBOX.resolve("renamed.csv"));
            assertEquals(2, TestFolders.awaitSummary("ren.csv").get("sent").asInt());
            await().atMost(Duration.ofSeconds(10)).until(() -> !changed.lines().isEmpty()); // logged after the summary
            String said = LogWatch.text(changed.lines().get(0));
            assertTrue(said.contains("is no longer in the inbox under that name (removed, or renamed"), said);
        }
        assertEquals(2, TestFolders.awaitSummary("renamed.csv").get("duplicates").asInt());
        assertEquals(2, postpress.findAll(postRequestedFor(urlPathEqualTo("/api/v1/chats"))).size(), "none sent twice");
    }

    /**
     * A file that cannot be copied for reading stays in the inbox and is said so once, not at every poll (a file too big
     * for a disk short of room logged a WARN every second or so: a fault probe). Here the copies' folder is a file.
     */
    @Test
    void aFileThatCannotBeCopiedForReadingIsSaidOnceAndReadOnceItCanBe() throws Exception {
        Path copies = TestFolders.ROOT.resolve(".reading");
        TestFolders.deleteTree(copies);
        Files.writeString(copies, "in the way");
        try (LogWatch said = LogWatch.of(line -> LogWatch.text(line).contains("cannot be copied for reading"))) {
            TestFolders.drop("stuck.csv", "account_id,attendees_ids,text\nacc_f,stuck-1,Hello\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> !said.lines().isEmpty());
            // polled every 100 ms meanwhile: it stays in the inbox, said once
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> said.lines().size() == 1
                    && Files.exists(TestFolders.INBOX.resolve("stuck.csv")));
            assertEquals(Level.WARNING, said.lines().get(0).getLevel());
            String text = LogWatch.text(said.lines().get(0));
            assertTrue(text.contains("its copy cannot be written in " + copies + ": a file of that name is in the way"),
                    text);
        } finally {
            Files.delete(copies);
        }
        assertEquals(1, TestFolders.awaitSummary("stuck.csv").get("sent").asInt());
    }

    /**
     * An account id longer than the ledger keeps is refused as the record is read, and the rows after it go: its claim
     * failed in the ledger, and the file was read again at every poll, none of it sent (a review).
     */
    @Test
    void anAccountIdTooLongToKeepIsQuarantinedAndTheFileGoesOn() throws Exception {
        TestFolders.drop("long-account.csv", "account_id,attendees_ids,text\n" + "a".repeat(300) + ",long-id,Hello\n"
                + "acc_f,after-long-id,Hello\n");
        JsonNode summary = TestFolders.awaitSummary("long-account.csv");
        assertEquals(1, summary.get("sent").asInt());
        assertEquals(1, summary.get("quarantined").asInt());
        JsonNode refused = TestFolders.read(TestFolders.quarantineFile("long-account.csv.2"));
        assertEquals("local/too_large", refused.at("/error/type").asText());
        assertTrue(refused.at("/error/detail").asText().startsWith("account_id is 300 characters long"), refused.toString());
    }

    /**
     * A 201 whose chat id is longer than the ledger's column: the record is sent, its success line keeps the id whole,
     * and sending goes on (its outcome failed in the ledger, was held as if the disk were full, and stopped all sending).
     */
    @Test
    void aChatIdLongerThanTheLedgerKeepsIsWrittenWhole() throws Exception {
        String chatId = "c".repeat(300);
        postpress.stubFor(PostpressStub.forAttendee("long-chat").willReturn(com.github.tomakehurst.wiremock.client.WireMock
                .aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withBody("{\"object\":\"ChatStarted\",\"chat_id\":\"" + chatId + "\",\"message_id\":\"m1\"}")));
        TestFolders.drop("long-chat.csv", "account_id,attendees_ids,text\nacc_f,long-chat,Hello\n");
        assertEquals(1, TestFolders.awaitSummary("long-chat.csv").get("sent").asInt());
        assertEquals(chatId, TestFolders.successLines("long-chat.csv").get(0).get("chat_id").asText());
        TestFolders.drop("after-chat.csv", "account_id,attendees_ids,text\nacc_f,after-chat,Hello\n");
        assertEquals(1, TestFolders.awaitSummary("after-chat.csv").get("sent").asInt(), "sending goes on");
    }

    /**
     * A quarantine file a person left unreadable (saved half-edited) under the name the record's outcome replaces: the
     * record fixed and sent is written to success/ all the same, and sending goes on. Its success line could not be
     * written before, and all sending stopped as if the disk were full (a review).
     */
    @Test
    void aQuarantineFileLeftUnreadableDoesNotStopTheSuccessOfItsRecord() throws Exception {
        dropRefused("edited.json", "[{\"account_id\":\"acc_f\",\"attendees_ids\":[\"bad-id\"],\"text\":\"Hi\","
                + "\"external_id\":\"crm-90\"}]");
        Path refusal;
        try (var files = Files.list(TestFolders.QUARANTINE)) {
            refusal = files.filter(file -> file.getFileName().toString().startsWith("edited.json.")).findFirst()
                    .orElseThrow();
        }
        Files.writeString(refusal, "{\"key\": \"crm-90\", \"record\": {\"account_id\": ");

        TestFolders.drop("edited.json", "[{\"account_id\":\"acc_f\",\"attendees_ids\":[\"good-id\"],\"text\":\"Hi\","
                + "\"external_id\":\"crm-90\"}]");
        assertEquals(1, TestFolders.awaitSummary("edited-2.json").get("sent").asInt(), "archived the second time");
        assertEquals(List.of("crm-90"), TestFolders.successLines("edited.json").stream()
                .map(line -> line.get("key").asText()).toList());
        TestFolders.drop("after.csv", "account_id,attendees_ids,text\nacc_f,after-id,Hello\n");
        assertEquals(1, TestFolders.awaitSummary("after.csv").get("sent").asInt(), "sending goes on");
    }

    /**
     * The same when the quarantine file's name was made safe and cut short (a long file name and a long key): its name
     * no longer carries the key, and it went unseen (a fault probe).
     */
    @Test
    void aRecordFixedLeavesNoQuarantineFileBehindThoughItsNameLostTheKey() throws Exception {
        String key = "T".repeat(200);
        String record = "{\"account_id\":\"acc_f\",\"attendees_ids\":[\"%s\"],\"text\":\"Hello\",\"external_id\":\""
                + key + "\"}";
        String name = "t".repeat(120) + ".json";
        dropRefused(name, "[" + record.formatted("bad-id") + "]");
        assertEquals(List.of(key + " claimed"), quarantined());

        TestFolders.drop("z.json", "[" + record.formatted("good-id") + "]");
        assertEquals(1, TestFolders.awaitSummary("z.json").get("sent").asInt());
        assertEquals(List.of(), quarantined());
    }

    /** Drops a file whose record for attendee bad-id postpress refuses (422), and waits until it is quarantined. */
    private void dropRefused(String name, String content) {
        postpress.stubFor(PostpressStub.forAttendee("bad-id").willReturn(PostpressStub.error(422,
                "errors/invalid_recipient")));
        TestFolders.drop(name, content);
        assertEquals(1, TestFolders.awaitSummary(name).get("quarantined").asInt());
    }

    /** The record quarantine files (not the reports of whole files): their key, and whether the ledger claimed it. */
    private static List<String> quarantined() throws IOException {
        try (var files = Files.list(TestFolders.QUARANTINE)) {
            return files.filter(file -> !file.getFileName().toString().endsWith(".error.json")).map(TestFolders::read)
                    .map(file -> file.get("key").asText() + (file.get("claimed").asBoolean() ? " claimed"
                            : " refused before its claim")).sorted().toList();
        }
    }

    /**
     * A file whose name is too long to name its outcome files after (here 240 bytes: its summary and the temporary
     * file it is written through would be over the 255 bytes a name may have) is refused whole, with what to do, and
     * nothing of it is sent. Its records were sent and its summary was lost with a Camel stack trace (a fault probe).
     */
    @Test
    void aFileWithANameTooLongIsRefusedWhole() {
        String name = "x".repeat(236) + ".csv";
        TestFolders.drop(name, "account_id,attendees_ids,text\nacc_long,long-1,Hello\n");
        JsonNode report = awaitFileQuarantined(name);
        assertEquals("local/name_too_long", report.at("/error/type").asText());
        assertTrue(report.at("/error/detail").asText().contains("its name is 240 bytes long"), report.toString());
        assertTrue(report.at("/error/detail").asText().contains("rename it to at most 200 bytes"), report.toString());
        postpress.verify(0, postRequestedFor(urlPathEqualTo("/api/v1/chats")));
    }

    private JsonNode awaitFileQuarantined(String name) {
        Path report = TestFolders.QUARANTINE.resolve(name + ".error.json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(report));
        assertFalse(Files.exists(TestFolders.INBOX.resolve(name)));
        return TestFolders.read(report);
    }

    private static JsonNode awaitSummaryOf(String archivedName) {
        return TestFolders.awaitSummary(archivedName);
    }

    private static JsonNode quarantined(String fileAndLine) {
        return TestFolders.read(TestFolders.quarantineFile(fileAndLine));
    }

    /** The requests postpress received, by their first attendee, in attendee order. */
    private Map<String, LoggedRequest> requestsByFirstAttendee() {
        Map<String, LoggedRequest> requests = new TreeMap<>();
        for (LoggedRequest request : postpress.findAll(postRequestedFor(urlPathEqualTo("/api/v1/chats")))) {
            LoggedRequest previous = requests.put(values(request, "attendees_ids[]").get(0), request);
            assertNull(previous, "sent twice");
        }
        return requests;
    }

    /**
     * A file cut short in the inbox while its records are sent (an export job that rewrites it, a {@code cp} onto its
     * name, {@code : > file}): the records go as the file was when its reading began, each once and whole, and that is
     * what is archived; the file as it is now is read again as a new file (here empty: quarantined). Before the copy,
     * the records after the cut had no outcome at all, and one cut in the middle went with half its text.
     */
    @Test
    void aFileCutShortWhileItsRecordsAreSentIsSentAsItWasWhenItsReadingBegan() throws Exception {
        postpress.stubFor(post("/api/v1/chats").atPriority(5).willReturn(PostpressStub.created().withFixedDelay(50)));
        // far larger than what a reader buffers (about 190 KB): most records are read after the cut
        String padding = " and more".repeat(100);
        StringBuilder csv = new StringBuilder("account_id,attendees_ids,text,external_id\n");
        for (int i = 0; i < 200; i++) {
            csv.append("acc_cut,cut-").append(i).append(",This is the complete message number ").append(i)
                    .append(padding).append(",cut-ext-").append(i).append('\n');
        }
        TestFolders.drop("cut.csv", csv.toString());
        await().atMost(Duration.ofSeconds(20))
                .until(() -> postpress.findAll(postRequestedFor(urlPathEqualTo("/api/v1/chats"))).size() >= 4);
        try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(
                TestFolders.INBOX.resolve("cut.csv"), java.nio.file.StandardOpenOption.WRITE)) {
            file.truncate(0); // in place: the same file, emptied
        }

        JsonNode summary = TestFolders.awaitSummary("cut.csv");
        assertEquals(200, summary.get("records").asInt(), summary.toString());
        assertEquals(200, summary.get("sent").asInt(), summary.toString());
        Map<String, LoggedRequest> sent = requestsByFirstAttendee();
        assertEquals(200, sent.size());
        sent.forEach((attendee, request) -> assertEquals("This is the complete message number "
                + attendee.substring("cut-".length()) + padding, values(request, "text").get(0)));
        assertEquals(csv.toString(), Files.readString(TestFolders.find(TestFolders.ARCHIVE, "cut.csv")),
                "what was sent is archived");
        await().atMost(Duration.ofSeconds(10)).until(() -> TestFolders.find(TestFolders.QUARANTINE,
                "cut.csv.error.json") != null); // the file as it is now: empty
        assertEquals(200, TestFolders.successLines("cut.csv").size());
    }

    static List<String> values(LoggedRequest request, String name) {
        assertNotNull(request, "no request");
        return request.getParts().stream().filter(p -> p.getName().equals(name)).map(Request.Part::getBody)
                .map(b -> b.asString()).toList();
    }
}
