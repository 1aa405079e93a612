package com.postpressbridge.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.postpressbridge.record.FileRun;
import com.postpressbridge.record.OutreachError;
import com.postpressbridge.record.OutreachItem;

/**
 * The readers facing what real exports contain: files that fail while their records are read, values beyond the
 * parser's limits, broken syntax. Each failure is a plain sentence with its place, and no file is left open.
 */
public class HostileReadersTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aHeaderThatCannotBeParsedLeavesNoFileOpen() throws Exception {
        Path csv = Files.writeString(dir.resolve("header.csv"), "text,first_name\nHi,Ada\n");
        Path json = Files.writeString(dir.resolve("broken.json"), "}");
        assertThrows(UnreadableFileException.class, () -> new CsvRecordReader().records(csv, run(csv)));
        assertThrows(IOException.class, () -> new JsonRecordReader(JSON).records(json, run(json)));
        assertFalse(isOpen(csv), "header.csv is still open");
        assertFalse(isOpen(json), "broken.json is still open");
    }

    @Test
    void aFileThatFailsAfterSomeRecordsSaysHowManyWereReadAndWhere() throws Exception {
        Path file = Files.writeString(dir.resolve("half.json"),
                "[{\"account_id\": \"a\"},\n {\"account_id\": \"b\"},\n {\"account_id\": \"c\" \"oops\"}]");
        List<OutreachItem> read = new ArrayList<>();
        UnreadableFileException error;
        try (RecordReader.Records records = new JsonRecordReader(JSON).records(file, run(file))) {
            error = assertThrows(UnreadableFileException.class, () -> records.forEachRemaining(read::add));
        }
        assertEquals(2, read.size());
        assertEquals(2, error.recordsRead());
        assertEquals("malformed_json", error.reason());
        assertEquals(3L, error.line());
        assertPlain(error.getMessage());
    }

    @Test
    void aTextOverTheParsersLimitFailsTheCheckBeforeAnythingIsSent() throws Exception {
        Path file = dir.resolve("huge.json");
        try (var out = Files.newBufferedWriter(file)) {
            out.write("[{\"account_id\": \"a\", \"attendees_ids\": [\"p\"], \"text\": \"ok\"},\n {\"text\": \"");
            char[] chunk = "x".repeat(1 << 20).toCharArray();
            for (int i = 0; i < 21; i++) {
                out.write(chunk);
            }
            out.write("\"}]");
        }
        UnreadableFileException error = assertThrows(UnreadableFileException.class,
                () -> new JsonRecordReader(JSON).check(file));
        assertTrue(error.getMessage().contains("longer than the 20,000,000 characters"), error.getMessage());
        assertPlain(error.getMessage());
    }

    @Test
    void deepNestingAndBrokenSyntaxAreSaidInPlainWords() throws Exception {
        Path deep = Files.writeString(dir.resolve("deep.json"), "[".repeat(100_000) + "]".repeat(100_000));
        UnreadableFileException nested = assertThrows(UnreadableFileException.class,
                () -> new JsonRecordReader(JSON).check(deep));
        assertTrue(nested.getMessage().contains("nested too deeply"), nested.getMessage());

        Path unclosed = Files.writeString(dir.resolve("unclosed.json"), "[{\"account_id\": \"a\"}");
        UnreadableFileException eof = assertThrows(UnreadableFileException.class,
                () -> new JsonRecordReader(JSON).check(unclosed));
        assertTrue(eof.getMessage().contains("line 1, column 1"), "the start marker as line and column: " + eof.getMessage());

        Path quote = Files.writeString(dir.resolve("quote.csv"), "account_id,attendees_ids,text\nacc,a,\"Hi\" there\n");
        UnreadableFileException csv = assertThrows(UnreadableFileException.class, () -> new CsvRecordReader().check(quote));
        assertTrue(csv.getMessage().contains("write a quote as two quotes"), csv.getMessage());

        for (UnreadableFileException error : List.of(nested, eof, csv)) {
            assertPlain(error.getMessage());
        }
    }

    @Test
    void aJsonLineLongerThanARecordIsQuarantinedAloneWithItsStartKept() throws Exception {
        Path file = dir.resolve("long.jsonl");
        String good = "{\"account_id\": \"a\", \"attendees_ids\": [\"p\"], \"text\": \"hi\"}";
        Files.writeString(file, good + "\r\n{\"text\": \"" + "y".repeat(30_000_000) + "\"}\n" + good + "\n");
        JsonLinesRecordReader reader = new JsonLinesRecordReader(JSON);
        assertEquals(3, reader.check(file));
        List<OutreachItem> items = new ArrayList<>();
        try (RecordReader.Records records = reader.records(file, run(file))) {
            records.forEachRemaining(items::add);
        }
        assertEquals(3, items.size());
        assertEquals(null, items.get(0).readError(), "a CRLF line is read as its record");
        OutreachError tooLarge = items.get(1).readError();
        assertEquals("local/too_large", tooLarge.type());
        assertTrue(tooLarge.detail().contains("line 2 is 30,000,012 characters long"), tooLarge.detail());
        assertEquals(JsonLinesRecordReader.KEPT_OF_LONG_LINE + 1, items.get(1).raw().length());
        assertEquals(3L, items.get(2).source().line());
        assertEquals(null, items.get(2).readError());
    }

    /**
     * The same when the long line, or one nested too deeply, is the first: the file is JSON Lines all the same, and
     * the rest of it goes (a probe saw the whole file refused as "not a JSON object on one line").
     */
    @Test
    void aFirstJsonLineTooLargeOrTooDeepIsQuarantinedAloneToo() throws Exception {
        String good = "{\"account_id\": \"a\", \"attendees_ids\": [\"p\"], \"text\": \"hi\"}";
        for (String first : List.of("{\"text\": \"" + "y".repeat(600_000) + "\"}",
                "{\"variables\": " + "[".repeat(1_500) + "]".repeat(1_500) + "}")) {
            Path file = Files.writeString(dir.resolve("first.jsonl"), first + "\n" + good + "\n");
            JsonLinesRecordReader reader = new JsonLinesRecordReader(JSON);
            assertEquals(2, reader.check(file));
            List<OutreachItem> items = new ArrayList<>();
            try (RecordReader.Records records = reader.records(file, run(file))) {
                records.forEachRemaining(items::add);
            }
            assertTrue(items.get(0).readError() != null, "the first line is refused alone");
            assertEquals(null, items.get(1).readError(), "the second is read");
        }
        Path pretty = Files.writeString(dir.resolve("pretty.jsonl"), "{\n  \"account_id\": \"a\"\n}\n");
        UnreadableFileException refused = assertThrows(UnreadableFileException.class,
                () -> new JsonLinesRecordReader(JSON).check(pretty));
        assertTrue(refused.getMessage().contains("not a JSON object on one line"), refused.getMessage());
    }

    /** No parser vocabulary in a message meant for a person. */
    public static void assertPlain(String message) {
        for (String noise : List.of("REDACTED", "StreamReadFeature", "Exception", "java.", "(code ", "Source:")) {
            assertFalse(message.contains(noise), "\"" + noise + "\" in: " + message);
        }
    }

    private static FileRun run(Path file) {
        return new FileRun(file.getFileName().toString(), -1, () -> false);
    }

    /** Whether this process holds the file open (Linux: a link in /proc/self/fd points at it). */
    private static boolean isOpen(Path file) throws IOException {
        Path target = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(target);
                } catch (IOException gone) {
                    return false;
                }
            });
        }
    }

}
