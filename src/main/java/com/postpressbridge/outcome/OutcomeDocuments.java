package com.postpressbridge.outcome;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.record.OutreachError;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordSource;

/** The JSON written to the outcome folders (the formats the README documents), and read back from them. */
public final class OutcomeDocuments {

    private OutcomeDocuments() {
    }

    /** A line of {@code success/<source>.jsonl}. The key comes first: recovery looks lines up by it. */
    public static ObjectNode success(OutreachItem item, String chatId, String messageId, boolean alreadyPerformed) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("key", item.key());
        json.put("chat_id", chatId);
        json.put("message_id", messageId);
        json.put("sent_at", Instant.now().toString());
        json.set("source", item.source().toJson());
        json.set("record", item.record());
        json.put("already_performed", alreadyPerformed);
        return json;
    }

    /** {@code retry/<key>.json}. */
    public static ObjectNode retry(OutreachItem item, int attempts, Instant nextAttemptAt, OutreachError error,
            boolean held) {
        ObjectNode json = waiting(item, attempts, nextAttemptAt);
        json.put("held", held);
        json.set("error", error.toJson());
        json.put("order", item.order());
        json.put("decided_at", Instant.now().toString());
        return json;
    }

    /**
     * {@code scheduled/<key>.json}: the retry envelope, for a record that waits for its account's next free slot
     * ({@code "reason": "pacing"}); no error, nothing went wrong.
     */
    public static ObjectNode scheduled(OutreachItem item, int attempts, Instant nextAttemptAt) {
        ObjectNode json = waiting(item, attempts, nextAttemptAt);
        json.put("reason", "pacing");
        json.put("account_id", item.accountId());
        json.put("order", item.order());
        json.put("decided_at", Instant.now().toString());
        return json;
    }

    /** What the documents of a waiting record begin with. */
    private static ObjectNode waiting(OutreachItem item, int attempts, Instant nextAttemptAt) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("key", item.key());
        json.set("record", item.record());
        json.set("source", item.source().toJson());
        json.put("attempts", attempts);
        json.put("first_seen_at", item.firstSeenAt().toString());
        ageFrom(json, item);
        json.put("next_attempt_at", nextAttemptAt.toString());
        return json;
    }

    /** A record that waited in scheduled/ keeps when it left: its age counts from then. */
    private static void ageFrom(ObjectNode json, OutreachItem item) {
        if (item.leftScheduleAt() != null) {
            json.put("age_from", item.leftScheduleAt().toString());
        }
    }

    /**
     * {@code quarantine/<source>.<line-or-key>.json}. {@code claimed}: the ledger claimed the record and keeps its key quarantined (dropping the file back releases
     * it); false for a record refused before any claim, whose key blocks nothing.
     */
    public static ObjectNode quarantine(OutreachItem item, int attempts, OutreachError error, boolean exhausted,
            boolean claimed) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("key", item.key());
        json.put("claimed", claimed);
        if (item.contentHash() != null) {
            // What the record would send, hashed: a ledger rebuilt from this file still tells the same record dropped
            // again unchanged (refused again) from a fixed one (tried again).
            json.put("content_hash", item.contentHash());
        }
        json.set("record", item.record());
        if (item.raw() != null) {
            json.put("raw", item.raw());
        }
        if (item.payload() != null) {
            json.set("payload", item.payload());
        }
        json.set("source", item.source().toJson());
        json.put("attempts", attempts);
        json.set("error", error.toJson());
        json.put("exhausted", exhausted);
        json.put("quarantined_at", Instant.now().toString());
        return json;
    }

    /**
     * What the ledger keeps while the record is queued or being sent; {@code claimed_at} tells an outcome written for
     * this claim from an older one of the same record.
     */
    public static ObjectNode item(OutreachItem item) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("key", item.key());
        json.put("claimed_at", System.currentTimeMillis());
        json.set("record", item.record());
        json.set("source", item.source().toJson());
        json.put("attempts", item.attempts());
        json.put("first_seen_at", item.firstSeenAt().toString());
        ageFrom(json, item);
        json.put("order", item.order());
        return json;
    }

    /** An item back from a retry file or from the ledger's item document. */
    public static OutreachItem item(JsonNode json, Ledger.State waitingIn) {
        JsonNode firstSeen = json.get("first_seen_at");
        JsonNode order = json.get("order");
        OutreachItem item = OutreachItem.waiting(waitingIn, json.get("key").asText(),
                RecordSource.fromJson(json.get("source")), json.get("record"), json.path("attempts").asInt(0),
                firstSeen == null ? Instant.now() : Instant.parse(firstSeen.asText()),
                order != null && order.canConvertToLong() ? order.asLong() : null);
        JsonNode ageFrom = json.get("age_from");
        if (ageFrom != null) {
            item.ageFrom(Instant.parse(ageFrom.asText()));
        }
        return item;
    }
}
