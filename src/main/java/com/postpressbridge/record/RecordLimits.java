package com.postpressbridge.record;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one record may hold before anything is done with it: sizes and characters. postpress does not publish its own
 * limits, so these are generous (far above a LinkedIn message or an email subject) and exist to keep a runaway export
 * (a 10 MB spreadsheet cell, a NUL byte from a copy-paste) out of the ledger and out of a real person's inbox.
 *
 * <p>A record over a limit is quarantined as {@code local/too_large}, one with a control character as
 * {@code local/invalid_characters}; both name the field.
 */
public final class RecordLimits {

    /** The message text and the follow-up text, in characters. */
    public static final int MAX_TEXT = 100_000;
    /** Subjects, in characters. */
    public static final int MAX_SUBJECT = 1_000;
    /** A template variable's value, in characters. */
    public static final int MAX_VARIABLE = 100_000;
    /**
     * An id the ledger keeps in a column of its own (the sending account's, which pacing and account holds are kept
     * by), in characters: one longer could not be claimed, and stopped its file.
     */
    public static final int MAX_ID = 200;
    /** Any other value: ids, options, file names, in characters. */
    public static final int MAX_VALUE = 1_000;
    /** Attendees of one chat. */
    public static final int MAX_ATTENDEES = 1_000;
    /** The whole record written as JSON, in characters (what the ledger and the outcome files keep). */
    public static final int MAX_RECORD = 500_000;

    private static final char BOM = '\uFEFF';
    private static final java.util.regex.Pattern LIST_INDEX = java.util.regex.Pattern.compile("\\[[0-9]+]$");

    private RecordLimits() {
    }

    /**
     * Refuses a record that holds more than these limits, or a control character other than tab and line breaks in
     * any of its values.
     */
    public static void check(JsonNode record) {
        int length = record.toString().length();
        if (length > MAX_RECORD) {
            throw tooLarge("the record is " + count(length) + " characters long as JSON; a record may hold at most "
                    + count(MAX_RECORD) + ". Shorten its longest values");
        }
        walk(record, "");
    }

    /**
     * Refuses a value as it will be sent (a text after its template was filled), against the limit of its field:
     * variables inside a template could make a text longer than the field takes.
     */
    public static void checkSent(ChatField field, String value) {
        if (value != null) {
            text(value, field.column());
        }
    }

    private static void walk(JsonNode node, String path) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                walk(field.getValue(), child(path, field.getKey()));
            }
        } else if (node.isArray()) {
            if (path.equals(ChatField.ATTENDEES_IDS.fieldName()) && node.size() > MAX_ATTENDEES) {
                throw tooLarge(ChatField.ATTENDEES_IDS.column() + " has " + count(node.size())
                        + " ids; a chat takes at most " + count(MAX_ATTENDEES));
            }
            int i = 0;
            for (JsonNode element : node) {
                walk(element, path + "[" + i++ + "]");
            }
        } else if (node.isTextual()) {
            text(node.asText(), path);
        }
    }

    private static String child(String path, String name) {
        if (path.isEmpty()) {
            return name;
        }
        return path.equals("variables") ? "variable " + name : path + "[" + name + "]";
    }

    private static void text(String value, String path) {
        int limit = limit(path);
        if (value.length() > limit && value.codePointCount(0, value.length()) > limit) {
            throw tooLarge(path + " is " + count(value.codePointCount(0, value.length())) + " characters long; it may"
                    + " hold at most " + count(limit));
        }
        int at = firstControl(value);
        if (at >= 0) {
            char c = value.charAt(at);
            throw new InvalidRecordException("invalid_characters", "Invalid characters", path + " holds the "
                    + (c == BOM ? "byte order mark" : "control character") + " " + String.format("U+%04X", (int) c)
                    + " at character " + (value.codePointCount(0, at) + 1) + ": a value may hold tabs and line breaks,"
                    + " but no other control characters. Remove it (it often comes from a copy-paste or a broken"
                    + " export) and drop the record back in the inbox");
        }
    }

    private static int limit(String path) {
        if (path.startsWith("variable ")) {
            return MAX_VARIABLE;
        }
        // An element of a list (attendees_ids[2]) has its list's limit (no pattern for the rest: it runs per value).
        String column = path.endsWith("]") ? LIST_INDEX.matcher(path).replaceFirst("") : path;
        return ChatField.ofColumn(column).map(ChatField::limit).orElse(MAX_VALUE);
    }

    /**
     * The index of the first C0 control character other than tab, line feed and carriage return, DEL, or a byte order
     * mark (invisible, left over from files glued together), or -1.
     */
    static int firstControl(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F || c == BOM) {
                return i;
            }
        }
        return -1;
    }

    private static InvalidRecordException tooLarge(String detail) {
        return new InvalidRecordException("too_large", "Value too large", detail);
    }

    private static String count(long n) {
        return String.format("%,d", n);
    }
}
