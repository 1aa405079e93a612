package com.postpressbridge;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON Lines files ({@code .jsonl}, {@code .ndjson}): one record per line. A broken line is a bad row, quarantined
 * alone; a file whose first record is not a JSON object is not JSON Lines at all.
 */
public class JsonLinesRecordReader implements RecordReader {

    private final ObjectMapper json;

    public JsonLinesRecordReader(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void check(Path file) {
        long number = 0;
        boolean first = true;
        try (BufferedReader lines = new BufferedReader(RecordReader.utf8(file))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                if (first && !line.isBlank()) {
                    first = false;
                    JsonNode node = parse(line);
                    if (node == null || !node.isObject()) {
                        throw new UnreadableFileException("malformed_json", "the first record is not a JSON object on one"
                                + " line: a .jsonl file holds one record per line (an array belongs in a .json file)",
                                number, null);
                    }
                }
            }
        } catch (IOException e) {
            throw new UnreadableFileException("malformed_json", "the file cannot be read: " + e.getMessage(), null, null);
        }
    }

    @Override
    public Records records(Path file, FileRun run) throws IOException {
        BufferedReader lines = new BufferedReader(RecordReader.utf8(file));
        return new PulledRecords(run) {
            private long number;

            @Override
            protected OutreachItem pull() throws IOException {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    number++;
                    if (!line.isBlank()) {
                        return item(line, RecordSource.fileLine(run.fileName(), number), run);
                    }
                }
                return null;
            }

            @Override
            protected void release() throws IOException {
                lines.close();
            }
        };
    }

    private OutreachItem item(String line, RecordSource source, FileRun run) {
        try {
            JsonNode node = json.readTree(line);
            if (node != null && node.isObject()) {
                return RecordReader.item(node, source, run);
            }
            return OutreachItem.unreadable(source, null, line, OutreachError.local("malformed_row",
                    "Line is not a record", "line " + source.line() + " is not a JSON object"), run);
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException parse
                    ? parse.getOriginalMessage()
                    : e.getMessage();
            return OutreachItem.unreadable(source, null, line, OutreachError.local("malformed_row",
                    "Line is not valid JSON", "line " + source.line() + " is not valid JSON: " + why), run);
        }
    }

    private JsonNode parse(String line) {
        try {
            return json.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }
}
