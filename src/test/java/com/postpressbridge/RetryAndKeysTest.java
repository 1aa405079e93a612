package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import com.postpressbridge.postpress.SendFailure;
import com.postpressbridge.record.ChatRequest;
import com.postpressbridge.record.FormPart;
import com.postpressbridge.record.RecordKeys;

/** Retry-After parsing, record keys and the file names made of them. */
class RetryAndKeysTest {

    @Test
    void retryAfterAsSecondsOrAsAnHttpDate() {
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        assertEquals(Duration.ofSeconds(120), SendFailure.parseRetryAfter("120", now));
        assertEquals(Duration.ofSeconds(90), SendFailure.parseRetryAfter("Wed, 25 Nov 2026 10:01:30 GMT", now));
        assertEquals(Duration.ZERO, SendFailure.parseRetryAfter("Wed, 25 Nov 2026 09:00:00 GMT", now), "in the past");
        assertNull(SendFailure.parseRetryAfter("soon", now));
        assertNull(SendFailure.parseRetryAfter(null, now));
    }

    @Test
    void contentKeysDependOnWhatIsSentNotOnFieldOrder() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String a = RecordKeys.contentHash(new ChatRequest("acc", List.of(FormPart.text("account_id", "acc"),
                FormPart.text("attendees_ids[]", "x"), FormPart.text("text", "Hi"))));
        String same = RecordKeys.contentHash(new ChatRequest("acc", List.of(FormPart.text("account_id", "acc"),
                FormPart.text("attendees_ids[]", "x"), FormPart.text("text", "Hi"))));
        String other = RecordKeys.contentHash(new ChatRequest("acc", List.of(FormPart.text("account_id", "acc"),
                FormPart.text("attendees_ids[]", "x"), FormPart.text("text", "Hi!"))));
        String shifted = RecordKeys.contentHash(new ChatRequest("acc", List.of(FormPart.text("account_id", "acc"),
                FormPart.text("attendees_ids[]", "xt"), FormPart.text("ext", "Hi"))));
        assertEquals(a, same);
        assertNotEquals(a, other);
        assertNotEquals(a, shifted, "field boundaries are part of the hash");
        assertTrue(a.matches("sha256-[0-9a-f]{64}"));
        assertEquals(RecordKeys.ofRecord(json.readTree("{\"b\": 1, \"a\": [1, {\"y\": 2, \"x\": 1}]}"), null),
                RecordKeys.ofRecord(json.readTree("{\"a\": [1, {\"x\": 1, \"y\": 2}], \"b\": 1}"), null));
        assertEquals("crm-7", RecordKeys.ofRecord(json.readTree("{\"external_id\": \" crm-7 \"}"), null));
    }

    @Test
    void keysMakeSafeDistinctFileNames() {
        assertEquals("crm-7", RecordKeys.fileName("crm-7"));
        String slash = RecordKeys.fileName("../etc/passwd");
        assertTrue(slash.matches("_[A-Za-z0-9._-]+"), slash);
        assertNotEquals(RecordKeys.fileName("a/b"), RecordKeys.fileName("a_b"));
        assertNotEquals(RecordKeys.fileName("a/b"), RecordKeys.fileName("a:b"));
        assertTrue(RecordKeys.fileName("x".repeat(300)).length() < 200);
    }
}
