package com.postpressbridge.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import com.postpressbridge.config.BadSetting;
import com.postpressbridge.ledger.CallbackOutbox;
import com.postpressbridge.record.OutreachError;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordSource;

/** What an event says, which events go where, and the settings refused at start with what to set. */
class CallbackEventsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> ALL = List.of("sent", "already_performed", "quarantined", "in_doubt", "retry_exhausted",
            "held");

    static OutreachItem item(RecordSource source) throws Exception {
        OutreachItem item = OutreachItem.of(source, JSON.readTree("{\"external_id\": \"crm-7\", \"account_id\":"
                + " \"acc_1\", \"attendees_ids\": [\"ada\"], \"text\": \"Hi Ada, secret plans\", \"subject\": \"x\"}"),
                null);
        item.key("crm-7");
        return item;
    }

    @Test
    void aSentEventCarriesTheRecordTheChatAndNoText() throws Exception {
        Instant at = Instant.parse("2026-11-26T10:00:00Z");
        JsonNode body = CallbackEvents.body("evt_1", CallbackEvents.Type.sent, at, item(RecordSource.fileLine("l.csv",
                2)), 1, "chat_9", "msg_9", null, false);
        assertEquals(JSON.readTree("{\"id\": \"evt_1\", \"type\": \"record.sent\", \"occurred_at\":"
                + " \"2026-11-26T10:00:00Z\", \"record\": {\"key\": \"crm-7\", \"external_id\": \"crm-7\","
                + " \"account_id\": \"acc_1\", \"attendees_ids\": [\"ada\"]}, \"source\": {\"kind\": \"file\","
                + " \"file\": \"l.csv\", \"line\": 2}, \"chat_id\": \"chat_9\", \"message_id\": \"msg_9\", \"error\":"
                + " null, \"attempt\": 1}"), JSON.readTree(body.toString()), "as the receiver reads it");
    }

    @Test
    void aQuarantineEventCarriesTheErrorAndTheTextOnlyWhenAskedFor() throws Exception {
        OutreachError error = new OutreachError(422, "errors/invalid_recipient", "Invalid recipient", "no such person");
        JsonNode body = CallbackEvents.body("evt_2", CallbackEvents.Type.quarantined, Instant.now(),
                item(RecordSource.fileLine("l.csv", 3)), 2, null, null, error, true);
        assertEquals("record.quarantined", body.path("type").asText());
        assertEquals(error.toJson(), body.get("error"));
        assertEquals("Hi Ada, secret plans", body.at("/record/text").asText());
        assertTrue(body.get("chat_id").isNull());
        assertEquals(2, body.path("attempt").asInt());
    }

    @Test
    void eventsGoToTheSourcesOwnUrlElseTheCommonOneAndOnlyTheChosenTypes() throws Exception {
        CallbackEvents events = new CallbackEvents("https://crm.example.com/hooks?token=abc",
                Map.of("hubspot", "https://hub.example.com/in"), List.of("sent", "in_doubt"), false, "s3cret");
        assertTrue(events.enabled());
        assertEquals("https://crm.example.com/hooks?token=abc", events.url(null));
        assertEquals("https://hub.example.com/in", events.url("hubspot"));
        assertEquals("https://crm.example.com/hooks?token=abc", events.url("outreach"));
        OutreachItem fromHubspot = item(RecordSource.webhook("hubspot", "d-1", Instant.now()));
        Instant at = Instant.parse("2026-11-26T10:00:00.123456Z");
        CallbackOutbox.Event event = events.event(CallbackEvents.Type.sent, fromHubspot, 1, "c", "m", null, at);
        assertEquals("hubspot", event.source());
        assertEquals("crm-7", event.key());
        assertTrue(event.id().startsWith("evt_"));
        assertEquals(event.id(), JSON.readTree(event.body()).path("id").asText());
        assertEquals(event.id(), events.event(CallbackEvents.Type.sent, fromHubspot, 1, "c", "m", null, at).id(),
                "made again from the same outcome (after a crash): the same id");
        assertFalse(event.id().equals(events.event(CallbackEvents.Type.sent, fromHubspot, 1, "c", "m", null,
                at.plusNanos(1000)).id()), "another outcome of the record: another id");
        assertNull(events.event(CallbackEvents.Type.quarantined, fromHubspot, 1, null, null, null, at), "not chosen");
        assertFalse(JSON.readTree(event.body()).path("record").has("text"));
        assertEquals("https://crm.example.com", CallbackEvents.where(events.url(null)), "no token in the log");
    }

    @Test
    void onlyASourcesOwnUrlMeansOnlyItsRecordsHaveEvents() throws Exception {
        CallbackEvents events = new CallbackEvents(null, Map.of("hubspot", "http://hub:8080/in"), ALL, false, "s");
        assertNull(events.event(CallbackEvents.Type.sent, item(RecordSource.fileLine("l.csv", 2)), 1, "c", "m", null,
                Instant.now()));
        assertEquals("hubspot", events.event(CallbackEvents.Type.sent, item(RecordSource.webhook("hubspot", null,
                Instant.now())), 1, "c", "m", null, Instant.now()).source());
    }

    @Test
    void anEventOverTheLimitGoesOutShortWithItsIdAndType() throws Exception {
        CallbackEvents events = new CallbackEvents("https://crm/x", Map.of(), ALL, true, "s");
        OutreachItem huge = OutreachItem.of(RecordSource.fileLine("l.csv", 2), JSON.readTree("{\"external_id\": \""
                + "e".repeat(300) + "\", \"account_id\": \"acc\", \"attendees_ids\": [\"ada\"], \"text\": \""
                + "x".repeat(100_000) + "\"}"), null);
        huge.key("e".repeat(300));
        OutreachError tooLarge = OutreachError.local("too_large", "Too large", "text is 100000 characters");
        Instant at = Instant.now();
        CallbackOutbox.Event event = events.event(CallbackEvents.Type.quarantined, huge, 0, null, null, tooLarge, at);
        JsonNode body = JSON.readTree(event.body());
        assertTrue(event.body().length() < 2000, event.body());
        assertTrue(body.path("truncated").asBoolean());
        assertEquals(event.id(), body.path("id").asText());
        assertEquals("record.quarantined", body.path("type").asText());
        assertEquals("local/too_large", body.at("/error/type").asText());
        assertEquals(255, body.at("/record/key").asText().length());
        assertTrue(events.event(CallbackEvents.Type.quarantined, item(RecordSource.fileLine("l.csv", 2)), 0, null,
                null, tooLarge, at).body().length() < CallbackEvents.MAX_BODY, "a usual event is whole");
        assertFalse(JSON.readTree(events.event(CallbackEvents.Type.quarantined, item(RecordSource.fileLine("l.csv", 2)),
                0, null, null, tooLarge, at).body()).has("truncated"));
    }

    @Test
    void noUrlNoEvents() throws Exception {
        CallbackEvents off = CallbackEvents.off();
        assertFalse(off.enabled());
        assertNull(off.event(CallbackEvents.Type.sent, item(RecordSource.fileLine("l.csv", 2)), 1, "c", "m", null,
                Instant.now()));
    }

    @Test
    void settingsThatCannotWorkStopTheStartSayingWhatToSet() {
        String noSecret = assertThrows(BadSetting.class, () -> new CallbackEvents("https://crm/x", Map.of(),
                ALL, false, " ")).getMessage();
        assertTrue(noSecret.contains("OUTREACH_CALLBACK_SECRET"), noSecret);
        String badUrl = assertThrows(BadSetting.class, () -> new CallbackEvents("crm.example.com/x",
                Map.of(), ALL, false, "s")).getMessage();
        assertTrue(badUrl.startsWith("outreach.callback.url must be an http:// or https:// URL"), badUrl);
        String badSource = assertThrows(BadSetting.class, () -> new CallbackEvents(null, Map.of("crm",
                "ftp://x/y"), ALL, false, "s")).getMessage();
        assertTrue(badSource.startsWith("outreach.webhook.sources.crm.callback-url must be"), badSource);
        String composeHost = assertThrows(BadSetting.class, () -> new CallbackEvents("http://crm_hook:8080/in",
                Map.of(), ALL, false, "s")).getMessage();
        assertTrue(composeHost.startsWith("outreach.callback.url has '_' in its host name (crm_hook)"), composeHost);
        assertEquals("https://crm/x", new CallbackEvents(" HTTPS://crm/x", Map.of(), ALL, false, "s").url(null),
                "the scheme in lower case, as Camel names its component");
        String badEvent = assertThrows(BadSetting.class, () -> new CallbackEvents("https://crm/x", Map.of(),
                List.of("sent", "delivered"), false, "s")).getMessage();
        assertEquals("outreach.callback.events: \"delivered\" is not an event; the events are sent, already_performed,"
                + " quarantined, in_doubt, retry_exhausted, held", badEvent);
    }

    @Test
    void theSignatureIsTheInboundWebhookScheme() throws Exception {
        byte[] body = "{\"id\":\"evt_1\"}".getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal(("1764151200." + new String(body,
                StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        assertEquals("t=1764151200,v1=" + expected, OutreachSignature.header("s3cret", 1764151200L, body));
    }
}
