package com.postpressbridge.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.postpressbridge.outcome.OutcomeDocuments;
import com.postpressbridge.record.FileRun;
import com.postpressbridge.record.OutreachError;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordSource;

/** Outcome files a person drops in the inbox are read as the record they hold, with the source it came from. */
class DroppedBackTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void quarantineRetryAndScheduledFilesAreReadAsTheirRecord() throws Exception {
        OutreachItem item = OutreachItem.of(RecordSource.fileLine("leads.csv", 7), JSON.readTree(
                "{\"account_id\": \"acc\", \"attendees_ids\": [\"p\"], \"text\": \"Hi\"}"), null);
        item.key("k-1");
        item.firstSeenAt(Instant.now());
        OutreachError error = OutreachError.local("connection_failed", "t", "d");

        OutreachItem quarantined = read("q.json", OutcomeDocuments.quarantine(item, 1, error, false, true).toString());
        assertTrue(quarantined.redropped(), "a quarantine file dropped back releases its key");
        OutreachItem retry = read("r.json", OutcomeDocuments.retry(item, 1, Instant.now(), error, false).toString());
        OutreachItem scheduled = read("s.json", OutcomeDocuments.scheduled(item, 0, Instant.now()).toString());
        for (OutreachItem back : List.of(quarantined, retry, scheduled)) {
            assertNull(back.readError(), "read as its record, not refused for its envelope (key, record...)");
            assertEquals(item.record(), back.record());
            assertEquals(7L, back.source().line(), "its original source");
        }
        assertFalse(retry.redropped() || scheduled.redropped(), "a waiting record's file releases nothing");
    }

    private OutreachItem read(String name, String content) throws Exception {
        Path file = Files.writeString(dir.resolve(name), content);
        List<OutreachItem> items = new ArrayList<>();
        try (RecordReader.Records records = new JsonRecordReader(JSON).records(file,
                new FileRun(name, -1, () -> false))) {
            records.forEachRemaining(items::add);
        }
        assertEquals(1, items.size());
        return items.get(0);
    }
}
