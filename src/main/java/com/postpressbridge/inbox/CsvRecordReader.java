package com.postpressbridge.inbox;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import com.postpressbridge.record.ChatField;
import com.postpressbridge.record.FileRun;
import com.postpressbridge.record.OutreachError;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordFields;
import com.postpressbridge.record.RecordSource;

/**
 * CSV files: UTF-8 (a byte order mark is fine), RFC 4180 quoting, a header row naming the form fields
 * ({@code linkedin[api]} or {@code linkedin.api}). Every other column is a template variable. Each row becomes a
 * record of the JSON shape, so that CSV and JSON records travel the same way.
 */
public class CsvRecordReader implements RecordReader {

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();

    @Override
    public long check(Path file) {
        try (Reader reader = RecordReader.utf8(file); CSVParser parser = parse(reader)) {
            Iterator<CSVRecord> rows = parser.iterator();
            try {
                columns(rows);
                long records = 0;
                while (rows.hasNext()) {
                    if (!blank(rows.next())) {
                        records++;
                    }
                }
                return records;
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
        CSVParser parser;
        Iterator<CSVRecord> rows;
        List<String> columns;
        try {
            parser = parse(reader);
            rows = parser.iterator();
            columns = columns(rows);
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
        return new PulledRecords(run, "malformed_csv") {
            private long lastLine = parser.getCurrentLineNumber();

            @Override
            protected OutreachItem pull() {
                while (rows.hasNext()) {
                    long line = lastLine + 1;
                    CSVRecord row = rows.next();
                    lastLine = parser.getCurrentLineNumber();
                    if (!blank(row)) {
                        return item(columns, row, RecordSource.fileLine(run.fileName(), line), run);
                    }
                }
                return null;
            }

            @Override
            protected long line() {
                return lastLine + 1;
            }

            @Override
            protected void release() throws IOException {
                parser.close();
            }
        };
    }

    /** An empty line: not a record. */
    private static boolean blank(CSVRecord row) {
        return row.size() == 1 && row.get(0).isBlank();
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
        if (new java.util.HashSet<>(header.stream().map(RecordFields::column).filter(n -> !n.isEmpty()).toList())
                .size() != header.stream().filter(n -> !n.isBlank()).count()) {
            throw new UnreadableFileException("malformed_csv", "the header row names a column twice: "
                    + String.join(", ", header), 1L, null);
        }
        List<String> columns = new ArrayList<>();
        for (String name : header) {
            String column = RecordFields.column(name);
            if (column.startsWith("linkedin[") && !RecordFields.COLUMNS.contains(column)) {
                throw new UnreadableFileException("malformed_csv", "unknown column \"" + name
                        + "\": not a LinkedIn option of postpress (see the README for the column names)", 1L, null);
            }
            columns.add(column);
        }
        for (ChatField required : ChatField.REQUIRED) {
            if (!columns.contains(required.column())) {
                throw new UnreadableFileException("malformed_csv", "the header row has no " + required.column()
                        + " column (found: " + String.join(", ", header) + ")", 1L, null);
            }
        }
        return columns;
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
            if (RecordFields.COLUMNS.contains(column)) {
                RecordFields.put(record, column, value);
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

    private static UnreadableFileException unreadable(Throwable cause, Long line) {
        if (cause instanceof UnreadableFileException unreadable) {
            return unreadable;
        }
        return new UnreadableFileException("malformed_csv", cause == null ? "the CSV cannot be read"
                : ReadProblems.plain(cause), line, null);
    }
}
