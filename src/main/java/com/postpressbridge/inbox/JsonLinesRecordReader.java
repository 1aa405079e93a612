package com.postpressbridge.inbox;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.postpressbridge.record.FileRun;
import com.postpressbridge.record.OutreachError;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordLimits;
import com.postpressbridge.record.RecordSource;

/**
 * JSON Lines files ({@code .jsonl}, {@code .ndjson}): one record per line. A broken line is a bad row, quarantined
 * alone; a file whose first record is not a JSON object is not JSON Lines at all. A line longer than a record may be
 * is quarantined alone too, without being held in memory whole.
 */
public class JsonLinesRecordReader implements RecordReader {

    /** The longest line read as a record; a record's JSON may hold at most {@link RecordLimits#MAX_RECORD}. */
    static final int MAX_LINE = RecordLimits.MAX_RECORD;
    /** What is kept of a longer line in its quarantine file, for a person to recognise it. */
    static final int KEPT_OF_LONG_LINE = 1_000;

    private final ObjectMapper json;

    public JsonLinesRecordReader(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public long check(Path file) {
        try (Lines lines = new Lines(RecordReader.utf8(file))) {
            long records = 0;
            for (Line line = lines.next(); line != null; line = lines.next()) {
                if (line.isBlank()) {
                    continue;
                }
                if (records++ == 0) {
                    if (!startsARecord(line)) {
                        throw new UnreadableFileException("malformed_json", "the first record is not a JSON object on"
                                + " one line: a .jsonl file holds one record per line (an array belongs in a .json"
                                + " file)", line.number(), null);
                    }
                }
            }
            return records;
        } catch (IOException e) {
            throw new UnreadableFileException("malformed_json", ReadProblems.plain(e), null, null);
        }
    }

    @Override
    public Records records(Path file, FileRun run) throws IOException {
        Lines lines = new Lines(RecordReader.utf8(file));
        return new PulledRecords(run, "malformed_json") {
            @Override
            protected OutreachItem pull() throws IOException {
                for (Line line = lines.next(); line != null; line = lines.next()) {
                    if (!line.isBlank()) {
                        return item(line, RecordSource.fileLine(run.fileName(), line.number()), run);
                    }
                }
                return null;
            }

            @Override
            protected long line() {
                return lines.number;
            }

            @Override
            protected void release() throws IOException {
                lines.close();
            }
        };
    }

    private OutreachItem item(Line line, RecordSource source, FileRun run) {
        if (line.tooLong()) {
            return OutreachItem.unreadable(source, null, line.text() + "…", OutreachError.local("too_large",
                    "Record too large", String.format("line %d is %,d characters long; a record may hold at most %,d"
                            + " (raw keeps its first %,d)", source.line(), line.length(), MAX_LINE, KEPT_OF_LONG_LINE)),
                    run);
        }
        try {
            JsonNode node = json.readTree(line.text());
            if (node != null && node.isObject()) {
                return RecordReader.item(node, source, run);
            }
            return OutreachItem.unreadable(source, null, line.text(), OutreachError.local("malformed_row",
                    "Line is not a record", "line " + source.line() + " is not a JSON object"), run);
        } catch (JsonProcessingException e) {
            return OutreachItem.unreadable(source, null, line.text(), OutreachError.local("malformed_row",
                    "Line is not valid JSON", "line " + source.line() + " is not valid JSON: "
                            + ReadProblems.jackson(e.getOriginalMessage()) + ". Fix the line and drop this record"
                            + " back in the inbox"),
                    run);
        }
    }

    /**
     * Whether the first line is a record, the sign of a JSON Lines file: a JSON object, or one too large or nested too
     * deeply to be read, which is then quarantined alone as any other line would be (a probe saw the whole file
     * refused for it). A pretty-printed .json file saved as .jsonl starts with a line that is neither.
     */
    private boolean startsARecord(Line line) {
        boolean object = line.text().stripLeading().startsWith("{");
        if (line.tooLong()) {
            return object;
        }
        try {
            JsonNode node = json.readTree(line.text());
            return node != null && node.isObject();
        } catch (StreamConstraintsException tooDeep) {
            return object;
        } catch (IOException e) {
            return false;
        }
    }

    /** A line of the file; of a line over {@link #MAX_LINE}, only its start. */
    record Line(long number, String text, long length) {

        boolean tooLong() {
            return length > MAX_LINE;
        }

        boolean isBlank() {
            return !tooLong() && text.isBlank();
        }
    }

    /** Lines ending in LF or CRLF, each held in memory only up to {@link #MAX_LINE} characters. */
    static final class Lines implements AutoCloseable {

        private final Reader reader;
        private final char[] buffer = new char[8192];
        private int position;
        private int limit;
        private long number;

        Lines(Reader reader) {
            this.reader = reader;
        }

        /** The next line, or null at the end of the file. */
        Line next() throws IOException {
            StringBuilder text = new StringBuilder();
            long length = 0;
            boolean any = false;
            while (true) {
                if (position == limit) {
                    limit = reader.read(buffer, 0, buffer.length);
                    position = 0;
                    if (limit <= 0) {
                        limit = 0;
                        if (!any) {
                            return null;
                        }
                        break;
                    }
                }
                any = true;
                char c = buffer[position++];
                if (c == '\n') {
                    break;
                }
                length++;
                if (length <= MAX_LINE) {
                    text.append(c);
                } else if (text.length() > KEPT_OF_LONG_LINE) {
                    text.setLength(KEPT_OF_LONG_LINE);
                }
            }
            number++;
            if (length <= MAX_LINE && text.length() > 0 && text.charAt(text.length() - 1) == '\r') {
                text.setLength(text.length() - 1);
                length--;
            }
            return new Line(number, text.toString(), length);
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
