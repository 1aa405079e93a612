package com.postpressbridge.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.postpressbridge.record.FileRun;
import com.postpressbridge.record.OutreachItem;

class CsvRecordReaderTest {

    @TempDir
    Path dir;

    private final CsvRecordReader reader = new CsvRecordReader();

    @Test
    void rowsBecomeRecordsOfTheJsonShapeWithTheLineTheyStartOn() throws Exception {
        Path file = Files.writeString(dir.resolve("in.csv"), "Account_ID,attendees_ids[],linkedin.follow_up.scheduled_time.days,"
                + "linkedin[follow_up][attachments],external_id,Note,\n"
                + "acc,\"a b\",3,x.pdf;y.pdf,ext-1,\"two\nlines\",\n"
                + "\n"
                + "acc,c,,,,,\n");
        assertEquals(2, reader.check(file), "the empty line is not a record; the quoted line break is not a row");
        List<OutreachItem> items = read(file);
        assertEquals(2, items.size());
        assertEquals("{\"account_id\":\"acc\",\"attendees_ids\":[\"a\",\"b\"],\"linkedin\":{\"follow_up\":{\"scheduled_time\":"
                + "{\"days\":3},\"attachments\":[\"x.pdf\",\"y.pdf\"]}},\"external_id\":\"ext-1\",\"variables\":"
                + "{\"Note\":\"two\\nlines\"}}", items.get(0).record().toString());
        assertEquals(2L, items.get(0).source().line());
        assertEquals(5L, items.get(1).source().line(), "after a two-line record and an empty line");
        assertEquals("{\"account_id\":\"acc\",\"attendees_ids\":[\"c\"]}", items.get(1).record().toString());
    }

    @Test
    void anUnterminatedQuoteIsAFileErrorWithItsLine() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.csv"), "account_id,attendees_ids,text\nacc,a,ok\nacc,b,\"oops\n");
        UnreadableFileException error = assertThrows(UnreadableFileException.class, () -> reader.check(file));
        assertEquals("malformed_csv", error.reason());
        assertTrue(error.line() >= 3, "line " + error.line());
    }

    @Test
    void aColumnNamedTwiceIsAFileError() throws Exception {
        Path file = Files.writeString(dir.resolve("twice.csv"), "account_id,attendees_ids,text,linkedin.api,linkedin[api]\n");
        assertTrue(assertThrows(UnreadableFileException.class, () -> reader.check(file)).getMessage().contains("twice"));
    }

    private List<OutreachItem> read(Path file) throws Exception {
        List<OutreachItem> items = new ArrayList<>();
        try (RecordReader.Records records = reader.records(file, new FileRun(file.getFileName().toString(), -1, () -> false))) {
            records.forEachRemaining(items::add);
        }
        return items;
    }
}
