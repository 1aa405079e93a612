package com.postpressbridge.record;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a record came from: a line of an inbox file, or a webhook delivery. Names the success file and the
 * quarantine file of the record.
 *
 * @param index 1-based position of the record in a JSON file, whose records may share a line
 */
public record RecordSource(String kind, String name, Long line, Integer index, String deliveryId, Instant receivedAt) {

    public static final String FILE = "file";
    public static final String WEBHOOK = "webhook";

    public static RecordSource fileLine(String file, long line) {
        return new RecordSource(FILE, file, line, null, null, null);
    }

    public static RecordSource fileRecord(String file, long line, int index) {
        return new RecordSource(FILE, file, line, index, null, null);
    }

    public static RecordSource webhook(String source, String deliveryId, Instant receivedAt) {
        return new RecordSource(WEBHOOK, source, null, null, deliveryId, receivedAt);
    }

    public boolean isWebhook() {
        return WEBHOOK.equals(kind);
    }

    /** The name of the record's file in {@code success/}: {@code <file>.jsonl}, {@code webhook-<source>-<date>.jsonl}. */
    public String successFileName() {
        if (isWebhook()) {
            return "webhook-" + name + "-" + receivedAt.toString().substring(0, 10) + ".jsonl";
        }
        return name + ".jsonl";
    }

    /**
     * {@code quarantine/<this>.json}, one name per record: {@code <file>.<line>.<tag>} where one record is one line
     * (the tag, from the key, tells two files of the same name apart), the key elsewhere.
     */
    public String quarantineFileName(String key) {
        if (isWebhook()) {
            return "webhook-" + name + "." + key;
        }
        return name + "." + (index == null && line != null ? line + "." + RecordKeys.tag(key) : key);
    }

    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("kind", kind);
        if (isWebhook()) {
            json.put("name", name);
            json.put("delivery_id", deliveryId);
            json.put("received_at", receivedAt.toString());
        } else {
            json.put("file", name);
            if (line != null) {
                json.put("line", line);
            }
            if (index != null) {
                json.put("index", index);
            }
        }
        return json;
    }

    public static RecordSource fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            return null;
        }
        if (WEBHOOK.equals(json.path("kind").asText())) {
            JsonNode receivedAt = json.get("received_at");
            return webhook(json.path("name").asText(), json.hasNonNull("delivery_id") ? json.get("delivery_id").asText() : null,
                    receivedAt == null ? Instant.now() : Instant.parse(receivedAt.asText()));
        }
        if (!json.hasNonNull("file")) {
            return null;
        }
        return new RecordSource(FILE, json.get("file").asText(),
                json.hasNonNull("line") ? json.get("line").asLong() : null,
                json.hasNonNull("index") ? json.get("index").asInt() : null, null, null);
    }
}
