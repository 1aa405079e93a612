package com.postpressbridge.inbox;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import com.postpressbridge.record.FileRun;
import com.postpressbridge.record.OutreachError;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordSource;

/**
 * JSON files: an array of records, a single record, or {@code {"records": [...]}}. Streamed: an array of a million
 * records is never held in memory. A quarantine file dropped back in the inbox is read as its record.
 */
public class JsonRecordReader implements RecordReader {

    static final String SHAPES = "a JSON outreach file holds an array of records, one record, or {\"records\": [...]}";

    private final ObjectMapper json;

    public JsonRecordReader(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public long check(Path file) {
        try (JsonParser parser = json.createParser(file.toFile())) {
            JsonToken top = parser.nextToken();
            long records = 1; // a single record, unless the file is an array or has a "records" array
            if (top == JsonToken.START_ARRAY) {
                records = skipValue(parser);
            } else if (top == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if ("records".equals(field) && value != JsonToken.START_ARRAY) {
                        throw unreadable("\"records\" must be an array of records", parser.currentTokenLocation());
                    }
                    long elements = skipValue(parser);
                    if ("records".equals(field)) {
                        records = elements;
                    }
                }
            } else {
                throw unreadable(top == null ? "the file is empty: " + SHAPES : SHAPES, parser.currentTokenLocation());
            }
            if (parser.nextToken() != null) {
                throw unreadable("unexpected content after the end of the JSON value", parser.currentTokenLocation());
            }
            return records;
        } catch (JsonProcessingException e) {
            throw unreadable(ReadProblems.plain(e), e.getLocation());
        } catch (IOException e) {
            throw new UnreadableFileException("malformed_json", ReadProblems.plain(e), null, null);
        }
    }

    /**
     * Passes over the value at the parser, reading every text in it: a text over the parser's length limit fails
     * here, before any record of the file is sent, not in the middle of it.
     *
     * @return how many values the array (or object) holds directly: the records of an array of records
     */
    private static long skipValue(JsonParser parser) throws IOException {
        int depth = 0;
        long children = 0;
        JsonToken token = parser.currentToken();
        do {
            if (depth == 1 && token != JsonToken.FIELD_NAME && !token.isStructEnd()) {
                children++;
            }
            if (token.isStructStart()) {
                depth++;
            } else if (token.isStructEnd()) {
                depth--;
            } else if (token == JsonToken.VALUE_STRING) {
                parser.getTextLength();
            }
        } while (depth > 0 && (token = parser.nextToken()) != null);
        return children;
    }

    @Override
    public Records records(Path file, FileRun run) throws IOException {
        JsonParser parser = json.createParser(file.toFile());
        JsonToken top;
        long topLine;
        try {
            top = parser.nextToken();
            topLine = parser.currentTokenLocation().getLineNr();
        } catch (IOException | RuntimeException e) {
            parser.close();
            throw e;
        }
        return new PulledRecords(run, "malformed_json") {
            private boolean inArray = top == JsonToken.START_ARRAY;
            /** Inside {"records": [...]}: other top-level fields are not records. */
            private boolean wrapper;
            private boolean done;
            private int index;

            @Override
            protected OutreachItem pull() throws IOException {
                return done ? null : inArray ? nextElement() : topLevelObject();
            }

            private OutreachItem nextElement() throws IOException {
                JsonToken token = parser.nextToken();
                if (token == JsonToken.END_ARRAY || token == null) {
                    inArray = false;
                    if (!wrapper) {
                        done = true;
                        return null;
                    }
                    return topLevelObject(); // the fields after "records"
                }
                long line = parser.currentTokenLocation().getLineNr();
                JsonNode element = parser.readValueAsTree();
                index++;
                RecordSource source = RecordSource.fileRecord(run.fileName(), line, index);
                if (!element.isObject()) {
                    return OutreachItem.unreadable(source, null, element.toString(), OutreachError.local(
                            "invalid_record", "Record is not an object", "record " + index + " of the file is "
                                    + element.getNodeType().name().toLowerCase() + ", not an object"),
                            run);
                }
                return RecordReader.item(element, source, run);
            }

            /** Fields of the top-level object: one record, unless a "records" array turns it into a wrapper. */
            private OutreachItem topLevelObject() throws IOException {
                ObjectNode single = wrapper ? null : json.createObjectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    if (!wrapper && "records".equals(field)) {
                        wrapper = true;
                        inArray = true;
                        return nextElement();
                    }
                    if (single != null) {
                        single.set(field, parser.readValueAsTree());
                    } else {
                        parser.skipChildren();
                    }
                }
                done = true;
                return single == null ? null
                        : RecordReader.item(single, RecordSource.fileRecord(run.fileName(), topLine, 1), run);
            }

            @Override
            protected long line() {
                return parser.currentLocation().getLineNr();
            }

            @Override
            protected void release() throws IOException {
                parser.close();
            }
        };
    }

    private static UnreadableFileException unreadable(String detail, JsonLocation at) {
        return new UnreadableFileException("malformed_json", detail, at == null ? null : (long) at.getLineNr(),
                at == null ? null : (long) at.getColumnNr());
    }
}
