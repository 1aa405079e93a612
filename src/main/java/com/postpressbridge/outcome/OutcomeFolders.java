package com.postpressbridge.outcome;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordKeys;

/**
 * The folders under {@code outreach.dir} and how files get into them: retry and quarantine files appear whole
 * (written aside, then renamed), success lines are appended one {@code write} each.
 */
@ApplicationScoped
public class OutcomeFolders {

    private static final Logger LOG = Logger.getLogger(OutcomeFolders.class);

    private final Path root;
    private final ObjectMapper json;
    private final Map<String, Object> successLocks = new ConcurrentHashMap<>();

    @Inject
    public OutcomeFolders(OutreachConfig config, ObjectMapper json) {
        this(Path.of(config.dir()), json);
    }

    OutcomeFolders(Path root, ObjectMapper json) {
        this.root = root.toAbsolutePath().normalize();
        this.json = json;
    }

    public Path root() {
        return root;
    }

    public Path inbox() {
        return root.resolve("inbox");
    }

    public Path success() {
        return root.resolve("success");
    }

    public Path retry() {
        return root.resolve("retry");
    }

    public Path quarantine() {
        return root.resolve("quarantine");
    }

    /** Records waiting for their account's next free slot (outreach.pacing). */
    public Path scheduled() {
        return root.resolve("scheduled");
    }

    public Path archive() {
        return root.resolve("archive");
    }

    /**
     * A folder the bridge writes to that this process may not write to (its permissions or owner changed, a read-only
     * mount): outcomes could not be kept there.
     */
    public Optional<String> unwritable() {
        for (Path folder : new Path[] { root, inbox(), success(), retry(), quarantine(), scheduled(), archive() }) {
            if (Files.isDirectory(folder) && !Files.isWritable(folder)) {
                return Optional.of(folder + " is not writable by the bridge: give its user write permission there");
            }
        }
        return Optional.empty();
    }

    public void create() throws IOException {
        for (Path folder : new Path[] { inbox(), success(), retry(), quarantine(), scheduled(), archive() }) {
            Files.createDirectories(folder);
        }
    }

    public Path retryFile(String key) {
        return retry().resolve(RecordKeys.fileName(key) + ".json");
    }

    public Path scheduledFile(String key) {
        return scheduled().resolve(RecordKeys.fileName(key) + ".json");
    }

    /** The file of a record waiting in the ledger state {@code RETRY} or {@code SCHEDULED}. */
    public Path waitingFile(Ledger.State waiting, String key) {
        return waiting == Ledger.State.SCHEDULED ? scheduledFile(key) : retryFile(key);
    }

    /** {@code quarantine/<source>.<line-or-key>.json} of a record. */
    public static String quarantineName(OutreachItem item) {
        return RecordKeys.fileName(item.source().quarantineFileName(item.key())) + ".json";
    }

    /**
     * Writes an outcome document to its folder. The record's earlier outcome file goes: its retry (scheduled) file
     * when it leaves the retry (scheduled) folder, its quarantine file when a fixed or dropped-back record is sent or retried. With
     * {@code again}, a success line already in its file is not appended a second time.
     */
    public void write(OutcomeFile outcome, boolean again) {
        try {
            writeOnly(outcome, again);
            if (outcome.folder() != OutcomeFile.Folder.retry) {
                Files.deleteIfExists(retryFile(outcome.key()));
            }
            if (outcome.folder() != OutcomeFile.Folder.scheduled) {
                Files.deleteIfExists(scheduledFile(outcome.key()));
            }
            if (outcome.folder() != OutcomeFile.Folder.quarantine) {
                deleteIfOf(quarantine().resolve(outcome.quarantineName()), outcome.key());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + outcome.folder() + "/" + outcome.fileName(), e);
        }
    }

    /**
     * Writes the outcome of a record the ledger never claimed (refused before its claim, a duplicate's twin with a
     * bad value): the files of the key's claimed record, a retry file that waits, are not this record's to remove.
     */
    public void writeUnclaimed(OutcomeFile outcome) {
        try {
            if (outcome.folder() == OutcomeFile.Folder.quarantine) {
                Path file = quarantine().resolve(outcome.fileName());
                writeWhole(sameRecordOrFree(file, outcome.document()), outcome.document());
                return;
            }
            writeOnly(outcome, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + outcome.folder() + "/" + outcome.fileName(), e);
        }
    }

    private void writeOnly(OutcomeFile outcome, boolean again) throws IOException {
        switch (outcome.folder()) {
            case success -> appendSuccess(outcome, again);
            case retry -> writeWhole(retry().resolve(outcome.fileName()), outcome.document());
            case scheduled -> writeWhole(scheduled().resolve(outcome.fileName()), outcome.document());
            case quarantine -> writeWhole(ownName(quarantine().resolve(outcome.fileName()), outcome.key()),
                    outcome.document());
        }
    }

    /**
     * Removes the quarantine files the ledger's quarantine wrote for a key ({@code "claimed": true}): the key is claimed
     * again (a fixed record, its quarantine file dropped back, or a record in doubt after a crash whose new file says
     * so), and those files describe a state it has left, whatever file or delivery they came from. Files of records
     * refused before any claim (they blocked nothing), files written before quarantine files said so, and a person's
     * own files stay. Only files whose name carries the key or its tag are read, as every record quarantine file's name
     * does ({@link #quarantineName}), and those whose name was made safe and cut short: a folder of thousands of files
     * is not read whole for each such record. Best effort: the key's state is in the ledger, and a stale file left
     * behind (the folder could not be read) is said in the log.
     */
    public void removeQuarantineFiles(String key) {
        String tag = "." + RecordKeys.tag(key);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(quarantine(), "*.json")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                // A CSV row's name carries the tag, a JSON record's or a webhook's the key; one made safe and cut
                // short (RecordKeys.fileName: "_...-<hash>", a long source name or a key with other characters) may
                // carry neither, and is read too.
                if (!name.endsWith(".error.json") && (name.contains(tag) || name.contains(key) || name.startsWith("_"))
                        && claimedQuarantineOf(file, key)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            LOG.warnf("the earlier quarantine files of record %s could not all be removed (%s): delete those whose"
                    + " \"key\" is %s from quarantine/ by hand", key, e.getMessage(), key);
        }
    }

    /** Whether a file is a quarantine file the ledger's quarantine wrote for this key (an unreadable one is not). */
    private boolean claimedQuarantineOf(Path file, String key) {
        try {
            JsonNode document = json.readTree(file.toFile());
            return document != null && key.equals(document.path("key").asText(null))
                    && document.path("claimed").asBoolean(false);
        } catch (IOException | RuntimeException unreadable) {
            return false;
        }
    }

    /** The file itself, unless another record's file has that name: then the next free name, nothing is overwritten. */
    private Path ownName(Path file, String key) throws IOException {
        if (!Files.isRegularFile(file) || key.equals(keyOf(file))) {
            return file;
        }
        return freeName(file.getParent(), file.getFileName().toString());
    }

    /**
     * For a record refused before any claim (it is in no ledger row, nothing else ever names its file): the file of
     * the same name when it holds this very record (refused again), else a free name. Two different records with the
     * same key (two deliveries with one external_id) keep a file each.
     */
    private Path sameRecordOrFree(Path file, JsonNode document) throws IOException {
        if (!Files.isRegularFile(file)) {
            return file;
        }
        try {
            JsonNode earlier = json.readTree(file.toFile());
            if (earlier != null && sameRecord(earlier, document)) {
                return file;
            }
        } catch (IOException | RuntimeException unreadable) {
            // not a document of ours: never overwritten
        }
        return freeName(file.getParent(), file.getFileName().toString());
    }

    private static boolean sameRecord(JsonNode a, JsonNode b) {
        for (String field : new String[] { "key", "record", "raw", "payload" }) {
            if (!java.util.Objects.equals(a.get(field), b.get(field))) {
                return false;
            }
        }
        return true;
    }

    private String keyOf(Path file) {
        JsonNode document = documentOf(file);
        return document == null ? null : document.path("key").asText(null);
    }

    /** A JSON file's document, or null when it cannot be read as one (gone meanwhile, edited by hand). */
    private JsonNode documentOf(Path file) {
        try {
            return json.readTree(file.toFile());
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }

    /** A time a document holds (ISO-8601), or null when it has none that reads as one. */
    private static Long epochMillis(JsonNode document, String field) {
        try {
            String at = document.path(field).asText(null);
            return at == null ? null : Instant.parse(at).toEpochMilli();
        } catch (java.time.format.DateTimeParseException unreadable) {
            return null;
        }
    }

    /** Deletes an outcome file only if it is the given record's: a file of the same name may be another record's. */
    private void deleteIfOf(Path file, String key) throws IOException {
        // a file a person left unreadable (edited by hand) is nobody's to delete, and does not stop the write
        if (Files.isRegularFile(file) && key.equals(keyOf(file))) {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Appends a line whole or not at all: a disk that fills in the middle of the line leaves the file as it was (the
     * part written is cut off again), not a torn line that the next one would be glued to.
     */
    private void appendSuccess(OutcomeFile outcome, boolean again) throws IOException {
        Path file = success().resolve(outcome.fileName());
        ByteBuffer line = ByteBuffer.wrap((json.writeValueAsString(outcome.document()) + "\n")
                .getBytes(StandardCharsets.UTF_8));
        synchronized (successLocks.computeIfAbsent(outcome.fileName(), name -> new Object())) {
            if (again && hasLine(file, outcome.key())) {
                return;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                long end = channel.size();
                try {
                    while (line.hasRemaining()) {
                        channel.write(line, end + line.position());
                    }
                } catch (IOException e) {
                    channel.truncate(end);
                    throw e;
                }
            }
        }
    }

    private boolean hasLine(Path file, String key) throws IOException {
        return successLine(file, key, 0) != null;
    }

    /** The last success line of a key in a success file, sent at or after a time (epoch ms), or null. */
    private JsonNode successLine(Path file, String key, long since) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        String start = "{\"key\":" + TextNode.valueOf(key) + ",";
        JsonNode found = null;
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith(start)) {
                    JsonNode candidate = readSuccessLine(line);
                    Long sentAt = candidate == null ? null : epochMillis(candidate, "sent_at");
                    if (sentAt != null && sentAt >= since) {
                        found = candidate;
                    }
                }
            }
        }
        return found;
    }

    /** A success line, or null for a torn one (cut by a full disk before lines were written whole). */
    JsonNode readSuccessLine(String line) {
        try {
            return json.readTree(line);
        } catch (JsonProcessingException torn) {
            return null;
        }
    }

    /**
     * The outcome written for a record since it was claimed, if one was: after a crash, the ledger may have lost an
     * outcome that its folder already has. Older files of the same record (a retry file it was sent from) don't count.
     */
    public Optional<OutcomeFile> writtenSince(OutreachItem item, long claimedAt) throws IOException {
        String quarantineName = quarantineName(item);
        String successFile = item.source().successFileName();
        JsonNode line = successLine(success().resolve(successFile), item.key(), claimedAt);
        if (line != null) {
            return Optional.of(new OutcomeFile(OutcomeFile.Folder.success, successFile, item.key(), (ObjectNode) line,
                    quarantineName));
        }
        // Which outcome was decided for this claim is read from the documents' own times, taken from the same clock
        // as the claim's: file modification times run on a coarser clock and could put a new file before its claim.
        for (Path file : new Path[] { quarantine().resolve(quarantineName), retryFile(item.key()),
                scheduledFile(item.key()) }) {
            // a file left unreadable by hand is no outcome of this claim (the record is then in doubt), and does not
            // stop the start-up that asks
            JsonNode document = Files.isRegularFile(file) ? documentOf(file) : null;
            if (document != null) {
                OutcomeFile.Folder folder = file.getParent().equals(retry()) ? OutcomeFile.Folder.retry
                        : file.getParent().equals(scheduled()) ? OutcomeFile.Folder.scheduled
                        : OutcomeFile.Folder.quarantine;
                Long decidedAt = epochMillis(document,
                        folder == OutcomeFile.Folder.quarantine ? "quarantined_at" : "decided_at");
                if (item.key().equals(document.path("key").asText()) && decidedAt != null && decidedAt >= claimedAt) {
                    return Optional.of(new OutcomeFile(folder, file.getFileName().toString(), item.key(),
                            (ObjectNode) document, quarantineName));
                }
            }
        }
        return Optional.empty();
    }

    /** Writes a JSON file so that it appears whole or not at all. */
    public void writeWhole(Path target, JsonNode document) throws IOException {
        // not named after the target: a name near the longest a file may have would not take the additions
        Path aside = target.resolveSibling("." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(aside, pretty(document));
            Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(aside);
        }
    }

    private byte[] pretty(JsonNode document) throws JsonProcessingException {
        return (json.writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code name} in {@code folder}, or {@code name-2.ext}, {@code name-3.ext}... when taken: nothing is overwritten. */
    public static Path freeName(Path folder, String name) {
        Path target = folder.resolve(name);
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        for (int n = 2; Files.exists(target, LinkOption.NOFOLLOW_LINKS); n++) {
            target = folder.resolve(base + "-" + n + extension);
        }
        return target;
    }
}
