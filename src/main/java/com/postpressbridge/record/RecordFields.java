package com.postpressbridge.record;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The fields of a record named as flat columns, as CSV headers and CRM mappings name them ({@code account_id},
 * {@code linkedin[follow_up][text]}), and how a text value of one goes into the JSON shape of a record.
 */
public final class RecordFields {

    /** Columns that hold several values, separated by {@code ; | ,} or white space. */
    static final Set<String> LIST_COLUMNS = columns(field -> field.kind().isList());
    static final Set<String> BOOLEAN_COLUMNS = columns(field -> field.kind() == ChatField.Kind.BOOLEAN);
    static final Set<String> NUMBER_COLUMNS = columns(field -> field.kind() == ChatField.Kind.NUMBER);
    /** Every column that is a field of the record ({@link ChatField}); any other column is a template variable. */
    public static final Set<String> COLUMNS = columns(field -> true);

    private static Set<String> columns(java.util.function.Predicate<ChatField> which) {
        return java.util.Arrays.stream(ChatField.values()).filter(which).map(ChatField::column)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** What separates the values of a list cell, and what a boolean and a number cell hold (compiled once). */
    private static final Pattern LIST_SEPARATORS = Pattern.compile("[;|,\\s]+");
    private static final Pattern BOOLEAN = Pattern.compile("(?i)true|false");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,6}");

    private RecordFields() {
    }

    /** {@code linkedin.follow_up.text} and {@code Attendees_IDs[]} name the same columns as the bracket forms. */
    public static String column(String name) {
        String column = name.strip();
        String lower = column.toLowerCase(Locale.ROOT);
        if (lower.startsWith("linkedin.")) {
            String[] path = lower.split("\\.");
            StringBuilder brackets = new StringBuilder("linkedin");
            for (int i = 1; i < path.length; i++) {
                brackets.append('[').append(path[i]).append(']');
            }
            lower = brackets.toString();
        }
        if (lower.endsWith("[]")) {
            lower = lower.substring(0, lower.length() - 2);
        }
        return COLUMNS.contains(lower) || lower.startsWith("linkedin[") ? lower : column;
    }

    /**
     * Puts a JSON value (a CRM field) at its place: a list for a list field, else its text (a list of one). Absent and
     * null values are skipped.
     */
    public static void put(ObjectNode record, String column, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return;
        }
        if (value.isArray()) {
            if (value.size() == 1 || LIST_COLUMNS.contains(column)) {
                java.util.List<String> texts = new java.util.ArrayList<>();
                value.forEach(element -> texts.add(element.asText()));
                put(record, column, String.join(" ", texts));
            } else if (!value.isEmpty()) {
                throw new InvalidRecordException("invalid_value", "Invalid value", column + " is mapped to a list of "
                        + value.size() + " values, but takes one");
            }
        } else if (value.isContainerNode()) {
            throw new InvalidRecordException("invalid_value", "Invalid value",
                    column + " is mapped to an object, not a value");
        } else if (!value.asText().isBlank()) {
            put(record, column, value.asText());
        }
    }

    /** Puts a cell at its place in the JSON shape: {@code linkedin[follow_up][text]} goes to linkedin.follow_up.text. */
    public static void put(ObjectNode record, String column, String value) {
        String[] path = column.replace("]", "").split("\\[");
        ObjectNode parent = record;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = parent.get(path[i]);
            parent = child instanceof ObjectNode object ? object : parent.putObject(path[i]);
        }
        String field = path[path.length - 1];
        if (LIST_COLUMNS.contains(column)) {
            var list = parent.putArray(field);
            for (String element : LIST_SEPARATORS.split(value.strip())) {
                list.add(element);
            }
        } else if (BOOLEAN_COLUMNS.contains(column) && BOOLEAN.matcher(value.strip()).matches()) {
            parent.put(field, Boolean.parseBoolean(value.strip()));
        } else if (NUMBER_COLUMNS.contains(column) && NUMBER.matcher(value.strip()).matches()) {
            parent.put(field, Integer.parseInt(value.strip()));
        } else {
            parent.put(field, value);
        }
    }

}
