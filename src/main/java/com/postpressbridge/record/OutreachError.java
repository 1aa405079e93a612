package com.postpressbridge.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Why a record did not go out (yet): postpress's error envelope, or one of ours with a {@code local/} type and no
 * status.
 */
public record OutreachError(Integer status, String type, String title, String detail) {

    /** The type of a record that may have been sent, no answer known: only a person may release it. */
    public static final String IN_DOUBT = "local/in_doubt";

    public static OutreachError local(String reason, String title, String detail) {
        return new OutreachError(null, "local/" + reason, title, detail);
    }

    /** A record in doubt: {@code why} no answer is known, and what a person does about it. */
    public static OutreachError inDoubt(String why) {
        return new OutreachError(null, IN_DOUBT, "No answer from postpress", why + ", and the chat may have started."
                + " Check the conversation before dropping this record back in the inbox.");
    }

    public boolean isInDoubt() {
        return IN_DOUBT.equals(type);
    }

    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        if (status == null) {
            json.putNull("status");
        } else {
            json.put("status", status);
        }
        json.put("type", type);
        json.put("title", title);
        json.put("detail", detail);
        return json;
    }

    public static OutreachError fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            return null;
        }
        JsonNode status = json.get("status");
        return new OutreachError(status != null && status.canConvertToInt() ? status.intValue() : null,
                text(json, "type"), text(json, "title"), text(json, "detail"));
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    @Override
    public String toString() {
        return (status == null ? "" : status + " ") + type + (detail == null ? "" : ": " + detail);
    }
}
