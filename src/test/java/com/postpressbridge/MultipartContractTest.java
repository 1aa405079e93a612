package com.postpressbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordSource;

/** What postpress receives, part by part, for every form field of "Start a new chat". */
@QuarkusTest
@QuarkusTestResource(PostpressStub.class)
class MultipartContractTest {

    @PostpressStub.Server
    WireMockServer postpress;

    @Inject
    ProducerTemplate producer;

    static final byte[] PDF = "%PDF-1.4 deck".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PNG = { (byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff };

    @BeforeEach
    void stub() {
        TestFolders.wipe();
        PostpressStub.answerCreated(postpress);
        TestFolders.attachment("deck.pdf", PDF);
        TestFolders.attachment("pics/photo.png", PNG);
        TestFolders.attachment("hello.m4a", new byte[] { 1, 2, 3 });
        TestFolders.attachment("clip.mp4", new byte[] { 4, 5, 6 });
        TestFolders.attachment("résumé.pdf", PDF);
    }

    @Test
    void classicRecordWithEveryFieldAndFile() throws Exception {
        send("""
                {"account_id": "acc_classic", "attendees_ids": ["ACoA-1", "ACoA-2"],
                 "text": "Héllo {{first_name}} 👋", "subject": "About {{role}}",
                 "attachments": ["deck.pdf", "pics/photo.png"], "voice_message": "hello.m4a", "video_message": "clip.mp4",
                 "linkedin": {"api": "classic", "topic": "support", "applicant_id": "app_9", "invitation_id": "inv_7",
                              "inmail": true},
                 "variables": {"first_name": "Ada", "role": "the role"}}""");

        LoggedRequest request = onlyRequest();
        assertEquals(List.of(
                "account_id=acc_classic",
                "attendees_ids[]=ACoA-1",
                "attendees_ids[]=ACoA-2",
                "text=Héllo Ada 👋",
                "subject=About the role",
                "attachments[]=file deck.pdf application/pdf",
                "attachments[]=file photo.png image/png",
                "voice_message=file hello.m4a audio/mp4",
                "video_message=file clip.mp4 video/mp4",
                "linkedin[api]=classic",
                "linkedin[topic]=support",
                "linkedin[applicant_id]=app_9",
                "linkedin[invitation_id]=inv_7",
                "linkedin[inmail]=true"), parts(request));
        assertArrayEquals(PDF, request.getPart("attachments[]").getBody().asBytes());
        Request.Part photo = request.getParts().stream().filter(p -> "photo.png".equals(p.getFileName())).findFirst()
                .orElseThrow();
        assertArrayEquals(PNG, photo.getBody().asBytes());
        for (Request.Part part : request.getParts()) {
            if (part.getFileName() == null) {
                assertFalse(part.getHeader("Content-Type").isPresent(), "text parts go as curl sends them: " + part.getName());
            }
        }
    }

    @Test
    void headersAndBoundary() throws Exception {
        send("{\"account_id\": \"acc_headers\", \"attendees_ids\": [\"ACoA-h\"], \"text\": \"Hi\"}");

        LoggedRequest request = onlyRequest();
        assertEquals("pp_test_5ecret_never_logged", request.getHeader("X-API-KEY"));
        assertEquals("application/json", request.getHeader("Accept"));
        String contentType = request.getHeader("Content-Type");
        assertTrue(contentType.matches("multipart/form-data; boundary=[-_0-9A-Za-z]+"), contentType);
        String boundary = contentType.substring(contentType.indexOf("boundary=") + 9);
        String body = request.getBodyAsString();
        assertTrue(body.startsWith("--" + boundary + "\r\n"), body);
        assertTrue(body.endsWith("--" + boundary + "--\r\n"), body);
        for (var header : request.getHeaders().all()) {
            assertFalse(header.key().toLowerCase().startsWith("camel"), "Camel header leaked: " + header.key());
            assertFalse(header.key().toLowerCase().startsWith("outreach"), "internal header leaked: " + header.key());
        }
        postpress.verify(1, postRequestedFor(urlEqualTo("/api/v1/chats")));
    }

    @Test
    void recruiterWithFollowUpInDays() throws Exception {
        send("""
                {"account_id": "acc_recruiter", "attendees_ids": ["ACoA-r"], "text": "Hi {{first_name}}",
                 "linkedin": {"api": "recruiter", "signature": "Grace, Talent", "hiring_project_id": "hp_1",
                   "job_posting_id": "jp_2", "sourcing_channel": "REFERRAL", "email_address": "grace@example.com",
                   "visibility": "PRIVATE",
                   "follow_up": {"subject": "Following up, {{first_name}}", "text": "Any thoughts?",
                                 "attachments": ["deck.pdf"],
                                 "scheduled_time": {"days": 3, "timezone": "Europe/Paris"}}},
                 "variables": {"first_name": "Ada"}}""");

        assertEquals(List.of(
                "account_id=acc_recruiter",
                "attendees_ids[]=ACoA-r",
                "text=Hi Ada",
                "linkedin[api]=recruiter",
                "linkedin[signature]=Grace, Talent",
                "linkedin[hiring_project_id]=hp_1",
                "linkedin[job_posting_id]=jp_2",
                "linkedin[sourcing_channel]=REFERRAL",
                "linkedin[email_address]=grace@example.com",
                "linkedin[visibility]=PRIVATE",
                "linkedin[follow_up][subject]=Following up, Ada",
                "linkedin[follow_up][text]=Any thoughts?",
                "linkedin[follow_up][attachments][]=file deck.pdf application/pdf",
                "linkedin[follow_up][scheduled_time][days]=3",
                "linkedin[follow_up][scheduled_time][timezone]=Europe/Paris"), parts(onlyRequest()));
    }

    @Test
    void followUpInWeeksAndSalesNavigator() throws Exception {
        send("""
                {"account_id": "acc_weeks", "attendees_ids": ["ACoA-w"], "text": "Hi",
                 "linkedin": {"api": "recruiter", "follow_up": {"subject": "S", "text": "T",
                   "scheduled_time": {"weeks": "2", "timezone": "America/New_York"}}}}""");
        assertEquals(List.of("account_id=acc_weeks", "attendees_ids[]=ACoA-w", "text=Hi", "linkedin[api]=recruiter",
                "linkedin[follow_up][subject]=S", "linkedin[follow_up][text]=T",
                "linkedin[follow_up][scheduled_time][weeks]=2",
                "linkedin[follow_up][scheduled_time][timezone]=America/New_York"), parts(onlyRequest()));

        postpress.resetRequests();
        send("{\"account_id\": \"acc_nav\", \"attendees_ids\": \"ACoA-n\", \"subject\": \"InMail\", \"text\": \"Hi\","
                + " \"linkedin\": {\"api\": \"sales_navigator\"}}");
        assertEquals(List.of("account_id=acc_nav", "attendees_ids[]=ACoA-n", "text=Hi", "subject=InMail",
                "linkedin[api]=sales_navigator"), parts(onlyRequest()));
    }

    @Test
    void fileNameOutsideAsciiKeepsItsName() throws Exception {
        send("{\"account_id\": \"acc_utf8\", \"attendees_ids\": [\"ACoA-u\"], \"attachments\": [\"résumé.pdf\"]}");
        LoggedRequest request = onlyRequest();
        Request.Part file = request.getPart("attachments[]");
        assertEquals("résumé.pdf", file.getFileName());
        assertEquals("application/pdf", file.getHeader("Content-Type").firstValue());
        String body = new String(request.getBody(), StandardCharsets.UTF_8);
        assertTrue(body.contains("Content-Disposition: form-data; name=\"attachments[]\"; filename=\"résumé.pdf\"\r\n"),
                body);
        assertFalse(body.contains("filename*"), body);
    }

    @Test
    void sentRecordIsWrittenToSuccessWithTheIdsOfTheAnswer() throws Exception {
        send("{\"account_id\": \"acc_ok\", \"attendees_ids\": [\"ACoA-ok\"], \"text\": \"Hi\", \"external_id\": \"crm-ok-1\"}");
        List<JsonNode> lines = TestFolders.successLines("contract.json");
        assertEquals(1, lines.size());
        JsonNode line = lines.get(0);
        assertEquals("crm-ok-1", line.get("key").asText());
        assertEquals(PostpressStub.CHAT_ID, line.get("chat_id").asText());
        assertEquals(PostpressStub.MESSAGE_ID, line.get("message_id").asText());
        assertFalse(line.get("already_performed").asBoolean());
        assertEquals("contract.json", line.at("/source/file").asText());
        assertEquals("acc_ok", line.at("/record/account_id").asText());
        assertTrue(line.hasNonNull("sent_at"));
        assertNull(TestFolders.find(TestFolders.QUARANTINE, "contract.json.crm-ok-1.json"));
    }

    private void send(String record) throws Exception {
        producer.sendBody("direct:send-chat",
                OutreachItem.of(RecordSource.fileRecord("contract.json", 1, 1), TestFolders.JSON.readTree(record), null));
    }

    private LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = postpress.findAll(postRequestedFor(urlEqualTo("/api/v1/chats")));
        assertEquals(1, requests.size(), "requests received");
        return requests.get(0);
    }

    /** Each part as "name=value", or "name=file <filename> <content type>". */
    static List<String> parts(LoggedRequest request) {
        List<String> parts = new ArrayList<>();
        for (Request.Part part : request.getParts()) {
            if (part.getFileName() != null) {
                parts.add(part.getName() + "=file " + part.getFileName() + " " + part.getHeader("Content-Type").firstValue());
            } else {
                parts.add(part.getName() + "=" + part.getBody().asString());
            }
        }
        return parts;
    }

    private static void assertArrayEquals(byte[] expected, byte[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }
}
