package com.postpressbridge.outcome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A document bound for an outcome folder: a line of {@code success/<file>}, or the whole {@code retry/<file>} or
 * {@code quarantine/<file>}. Kept in the ledger until it is written, so a crash in between is repaired.
 *
 * @param quarantineName the name the record's quarantine file has (or had): an earlier one goes when it moves on
 */
public record OutcomeFile(Folder folder, String fileName, String key, ObjectNode document, String quarantineName) {

    public enum Folder {
        success,
        retry,
        quarantine,
        /** Waiting for its account's next free slot (the pacing). */
        scheduled
    }

    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("folder", folder.name());
        json.put("file", fileName);
        json.put("key", key);
        json.put("quarantine_name", quarantineName);
        json.set("document", document);
        return json;
    }

    public static OutcomeFile fromJson(JsonNode json) {
        return new OutcomeFile(Folder.valueOf(json.get("folder").asText()), json.get("file").asText(),
                json.get("key").asText(), (ObjectNode) json.get("document"), json.path("quarantine_name").asText());
    }
}
