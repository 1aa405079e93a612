package com.postpressbridge;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV files: UTF-8 (a byte order mark is fine), RFC 4180 quoting, a header row naming the form fields
 * ({@code linkedin[api]} or {@code linkedin.api}). Every other column is a template variable. Each row becomes a
 * record of the JSON shape, so that CSV and JSON records travel the same way.
 */
public class CsvRecordReader implements RecordReader {

    /** Columns that hold several values, separated by {@code ; | ,} or white space. */
    static final Set<String> LIST_COLUMNS = Set.of("attendees_ids", "attachments", "linkedin[follow_up][attachments]");
    static final Set<String> BOOLEAN_COLUMNS = Set.of("linkedin[inmail]");
    static final Set<String> NUMBER_COLUMNS = Set.of("linkedin[follow_up][scheduled_time][days]",
            "linkedin[follow_up][scheduled_time][weeks]");
    static final Set<String> FIELD_COLUMNS = Set.of("account_id", "attendees_ids", "text", "subject", "attachments",
            "voice_message", "video_message", "external_id", "linkedin[api]", "linkedin[topic]",
            "linkedin[applicant_id]", "linkedin[invitation_id]", "linkedin[inmail]", "linkedin[signature]",
            "linkedin[hiring_project_id]", "linkedin[job_posting_id]", "linkedin[sourcing_channel]",
            "linkedin[email_address]", "linkedin[visibility]", "linkedin[follow_up][subject]",
            "linkedin[follow_up][text]", "linkedin[follow_up][attachments]",
            "linkedin[follow_up][scheduled_time][days]", "linkedin[follow_up][scheduled_time][weeks]",
            "linkedin[follow_up][scheduled_time][timezone]");

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();

    @Override
    public void check(Path file) {
        try (Reader reader = RecordReader.utf8(file); CSVParser parser = parse(reader)) {
            Iterator<CSVRecord> rows = parser.iterator();
            try {
                columns(rows);
                while (rows.hasNext()) {
                    rows.next();
                }
            } catch (UncheckedIOException e) {
                throw unreadable(e.getCause(), parser.getCurrentLineNumber() + 1);
            }
        } catch (IOException e) {
            throw unreadable(e, null);
        }
    }

    @Override
    public Records records(Path file, FileRun run) throws IOException {
        Reader reader = RecordReader.utf8(file);
        CSVParser parser = parse(reader);
        Iterator<CSVRecord> rows = parser.iterator();
        List<String> columns = columns(rows);
        return new Records() {
            private long lastLine = parser.getCurrentLineNumber();
            private OutreachItem next;

            @Override
            public boolean hasNext() {
                while (next == null && rows.hasNext()) {
                    long line = lastLine + 1;
                    CSVRecord row = rows.next();
                    lastLine = parser.getCurrentLineNumber();
                    if (row.size() == 1 && row.get(0).isBlank()) {
                        continue; // an empty line
                    }
                    next = item(columns, row, RecordSource.fileLine(run.fileName(), line), run);
                }
                return next != null;
            }

            @Override
            public OutreachItem next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                OutreachItem item = next;
                next = null;
                return item;
            }

            @Override
            public void close() throws IOException {
                parser.close();
            }
        };
    }

    private static CSVParser parse(Reader reader) throws IOException {
        return CSVParser.builder().setReader(reader).setFormat(FORMAT).get();
    }

    /** The header's columns in the bracket form; checks the required ones are there and no option is misspelt. */
    static List<String> columns(Iterator<CSVRecord> rows) {
        if (!rows.hasNext()) {
            throw new UnreadableFileException("malformed_csv", "the file is empty: a header row is required", 1L, null);
        }
        List<String> header = rows.next().toList();
        if (new java.util.HashSet<>(header.stream().map(CsvRecordReader::normalize).filter(n -> !n.isEmpty()).toList())
                .size() != header.stream().filter(n -> !n.isBlank()).count()) {
            throw new UnreadableFileException("malformed_csv", "the header row names a column twice: "
                    + String.join(", ", header), 1L, null);
        }
        List<String> columns = new ArrayList<>();
        for (String name : header) {
            String column = normalize(name);
            if (column.startsWith("linkedin[") && !FIELD_COLUMNS.contains(column)) {
                throw new UnreadableFileException("malformed_csv", "unknown column \"" + name
                        + "\": not a LinkedIn option of postpress (see the README for the column names)", 1L, null);
            }
            columns.add(column);
        }
        for (String required : List.of("account_id", "attendees_ids")) {
            if (!columns.contains(required)) {
                throw new UnreadableFileException("malformed_csv", "the header row has no " + required
                        + " column (found: " + String.join(", ", header) + ")", 1L, null);
            }
        }
        return columns;
    }

    /** {@code linkedin.follow_up.text} and {@code Attendees_IDs[]} name the same columns as the bracket forms. */
    static String normalize(String name) {
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
        return FIELD_COLUMNS.contains(lower) || lower.startsWith("linkedin[") ? lower : column;
    }

    private static OutreachItem item(List<String> columns, CSVRecord row, RecordSource source, FileRun run) {
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        ObjectNode variables = JsonNodeFactory.instance.objectNode();
        int cells = Math.min(columns.size(), row.size());
        for (int i = 0; i < cells; i++) {
            String column = columns.get(i);
            String value = row.get(i);
            if (column.isEmpty() || value.isBlank()) {
                continue;
            }
            if (FIELD_COLUMNS.contains(column)) {
                put(record, column, value);
            } else {
                variables.put(column, value);
            }
        }
        if (!variables.isEmpty()) {
            record.set("variables", variables);
        }
        if (row.size() != columns.size()) {
            OutreachError error = OutreachError.local("malformed_row", "Row does not match the header",
                    "line " + source.line() + " has " + row.size() + " cells, the header has " + columns.size()
                            + " columns (is a quote missing or a separator extra?)");
            return OutreachItem.unreadable(source, record, FORMAT.format((Object[]) row.values()), error, run);
        }
        return OutreachItem.of(source, record, run);
    }

    /** Puts a cell at its place in the JSON shape: {@code linkedin[follow_up][text]} goes to linkedin.follow_up.text. */
    private static void put(ObjectNode record, String column, String value) {
        String[] path = column.replace("]", "").split("\\[");
        ObjectNode parent = record;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode child = parent.get(path[i]);
            parent = child instanceof ObjectNode object ? object : parent.putObject(path[i]);
        }
        String field = path[path.length - 1];
        if (LIST_COLUMNS.contains(column)) {
            var list = parent.putArray(field);
            for (String element : value.strip().split("[;|,\\s]+")) {
                list.add(element);
            }
        } else if (BOOLEAN_COLUMNS.contains(column) && value.strip().matches("(?i)true|false")) {
            parent.put(field, Boolean.parseBoolean(value.strip()));
        } else if (NUMBER_COLUMNS.contains(column) && value.strip().matches("[0-9]{1,6}")) {
            parent.put(field, Integer.parseInt(value.strip()));
        } else {
            parent.put(field, value);
        }
    }

    private static UnreadableFileException unreadable(Throwable cause, Long line) {
        if (cause instanceof UnreadableFileException unreadable) {
            return unreadable;
        }
        String message = cause == null ? "unknown error" : cause.getMessage();
        return new UnreadableFileException("malformed_csv", "the CSV cannot be read: " + message, line, null);
    }
}
