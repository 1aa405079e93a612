package com.postpressbridge.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.postpressbridge.record.FileRun;

/**
 * A file's check counts the records its reading will hand out, whatever the shape: the status page's progress bar
 * counts towards that number, and ends at it.
 */
class RecordCountTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String R = "{\"account_id\":\"a\",\"attendees_ids\":[\"p\"],\"text\":\"hi\"}";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}: {2} records")
    @CsvSource(delimiter = '|', value = {
            "header.csv     | account_id,attendees_ids\\n                                        | 0",
            "rows.csv       | account_id,attendees_ids\\na,p\\n\\nb,q\\n                         | 2",
            "quoted.csv     | account_id,attendees_ids,text\\na,p,\"two\\nlines\"\\nb,q,x         | 2",
            "short-row.csv  | account_id,attendees_ids,text\\na\\n,\\n                             | 2",
            "array.json     | [R, R, 3, [R], R]                                                 | 5",
            "empty.json     | []                                                                | 0",
            "single.json    | R                                                                 | 1",
            "wrapper.json   | {\"source\": [1, 2], \"records\": [R, R, R], \"more\": {\"records\": 1}} | 3",
            "lines.jsonl    | R\\n\\n   \\nnot json\\nR\\n[1]                                   | 4",
    })
    void theCheckCountsWhatTheReaderHandsOut(String name, String content, long records) throws Exception {
        Path file = Files.writeString(dir.resolve(name), content.replace("\\n", "\n").replace("R", R));
        RecordReader reader = name.endsWith(".csv") ? new CsvRecordReader()
                : name.endsWith(".jsonl") ? new JsonLinesRecordReader(JSON) : new JsonRecordReader(JSON);
        FileRun run = new FileRun(name, records, () -> false);
        assertEquals(records, reader.check(file), "counted by the check");
        long handedOut = 0;
        try (RecordReader.Records items = reader.records(file, run)) {
            while (items.hasNext()) {
                items.next();
                handedOut++;
            }
        }
        assertEquals(records, handedOut, "handed out by the reader");
        assertEquals(records, run.progress().get("read").asLong(), "counted as read by the file's run");
    }
}
