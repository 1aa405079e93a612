package com.postpressbridge.outcome;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jboss.logging.Logger;

import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.record.OutreachError;

/**
 * Start-up, before anything is read: a new, empty ledger beside outcome folders that hold records means the ledger was
 * lost (its folder deleted, a new volume). Forgetting would send every record of a file dropped again a second time,
 * so the keys are entered again from the folders: each success line as sent, each record's quarantine file as
 * quarantined (in doubt when it says so). Retry files are put back on the schedule by {@link WaitingRecords}.
 */
@ApplicationScoped
public class LedgerRebuild {

    private static final Logger LOG = Logger.getLogger(LedgerRebuild.class);
    private static final int CHUNK = 1000;
    private static final String REBUILD = "rebuild";

    private final Ledger ledger;
    private final OutcomeFolders folders;
    private final ObjectMapper json;

    public LedgerRebuild(Ledger ledger, OutcomeFolders folders, ObjectMapper json) {
        this.ledger = ledger;
        this.folders = folders;
        this.json = json;
    }

    public void run() throws IOException {
        boolean cutShort = "started".equals(ledger.fact(REBUILD));
        if (!cutShort && !ledger.isEmpty()) {
            return;
        }
        // Marked first: a rebuild cut short (a kill, a full disk) is done again at the next start, not taken as done
        // because some of the records are in. Entering a key twice changes nothing.
        ledger.fact(REBUILD, "started");
        Entered entered = enter();
        ledger.fact(REBUILD, "done");
        if (entered.sent() + entered.quarantined() > 0) {
            LOG.warnf("the ledger is new but %s holds records: it was rebuilt from the outcome folders (%d success lines"
                    + " entered as sent, %d quarantined records), so that nothing already sent is sent again",
                    folders.root(), entered.sent(), entered.quarantined());
        }
    }

    /**
     * After the ledger was opened again following a write the disk refused: H2 loses the writes it had not made yet,
     * which may include a claim it had reported durable. Every key of the outcome folders the ledger lost is entered
     * again, so that a record already sent is not claimed and sent a second time.
     */
    public void enterMissing() throws IOException {
        int missing = enter().missing();
        if (missing > 0) {
            LOG.warnf("%d keys of the outcome folders were missing from the reopened ledger: entered again", missing);
        }
    }

    private record Entered(long sent, long quarantined, int missing) {
    }

    private Entered enter() throws IOException {
        Map<String, Ledger.Known> chunk = new LinkedHashMap<>();
        int missing = 0;
        long sent = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folders.success(), "*.jsonl")) {
            for (Path file : files) {
                try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        JsonNode success = line.isBlank() ? null : folders.readSuccessLine(line);
                        if (success != null && success.hasNonNull("key")) {
                            add(chunk, new Ledger.Known(success.get("key").asText(), Ledger.State.SENT, false,
                                    text(success, "chat_id"), text(success, "message_id"), null));
                            sent++;
                            missing += flushIfFull(chunk);
                        }
                    }
                }
            }
        }
        long quarantined = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folders.quarantine(), "*.json")) {
            for (Path file : files) {
                JsonNode document = file.getFileName().toString().endsWith(".error.json") ? null : record(file);
                // A record refused before any claim blocks nothing (the key may wait in retry/ meanwhile, from
                // another file): entered as quarantined, it cancelled that wait (a review). Files written before the
                // field was there count as claimed, as they always did.
                if (document != null && document.path("claimed").asBoolean(true)) {
                    boolean inDoubt = OutreachError.IN_DOUBT.equals(document.at("/error/type").asText());
                    add(chunk, new Ledger.Known(document.get("key").asText(), Ledger.State.QUARANTINED, inDoubt,
                            null, null, text(document, "content_hash")));
                    quarantined++;
                    missing += flushIfFull(chunk);
                }
            }
        }
        if (!chunk.isEmpty()) {
            missing += ledger.rebuild(List.copyOf(chunk.values()));
        }
        return new Entered(sent, quarantined, missing);
    }

    /** Enters a full chunk; returns how many of its keys the ledger did not have. */
    private int flushIfFull(Map<String, Ledger.Known> chunk) {
        if (chunk.size() < CHUNK) {
            return 0;
        }
        int missing = ledger.rebuild(List.copyOf(chunk.values()));
        chunk.clear();
        return missing;
    }

    /** A key seen twice in one chunk (a record quarantined, then sent) is entered once, as sent if it was. */
    private static void add(Map<String, Ledger.Known> chunk, Ledger.Known known) {
        chunk.merge(known.key(), known, (old, fresh) -> old.state() == Ledger.State.SENT ? old : fresh);
    }

    /** A record's quarantine file, or null for anything else there (a file quarantined whole, a broken document). */
    private JsonNode record(Path file) {
        try {
            JsonNode document = json.readTree(file.toFile());
            return document != null && document.hasNonNull("key") && document.has("record") ? document : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String text(JsonNode document, String field) {
        JsonNode value = document.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
