package com.postpressbridge.preview;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import com.postpressbridge.chat.ChatRequestMapper;
import com.postpressbridge.inbox.InboxFiles;
import com.postpressbridge.inbox.RecordReader;
import com.postpressbridge.inbox.UnreadableFileException;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.outcome.OutcomeFolders;
import com.postpressbridge.ledger.AccountPaces;
import com.postpressbridge.pacing.Pacing;
import com.postpressbridge.pacing.PacingPolicy;
import com.postpressbridge.postpress.SendGate;
import com.postpressbridge.record.FileRun;
import com.postpressbridge.record.FormPart;
import com.postpressbridge.record.InvalidRecordException;
import com.postpressbridge.record.OutreachItem;

/**
 * A dry run ({@code outreach.dry-run}, {@code bin/preview}): every record of the files goes through what a real run
 * does before its request — the same reader, the same validation, templates and attachments, the same key — and is
 * looked up in the ledger (would it be a duplicate?), read-only. Each file's records go to
 * {@code preview/<file>.jsonl}, one line each, with the exact form fields a request would carry; nothing is sent, no
 * ledger row changes, the files stay where they are.
 */
@ApplicationScoped
public class Preview {

    /** What a real run would do with a record. */
    enum Would {
        send,
        skip_duplicate,
        wait_held_account,
        wait_pacing,
        quarantine
    }

    /** The counts of one previewed file; {@code unreadable} when the whole file would be quarantined. */
    public record FileResult(String file, Path written, Map<Would, Integer> counts, Map<String, Integer> errors,
            String unreadable) {
    }

    private final InboxFiles inbox;
    private final ChatRequestMapper requests;
    private final Ledger ledger;
    private final SendGate gate;
    private final OutcomeFolders folders;
    private final ObjectMapper json;
    private final Pacing pacing;
    private final AccountPaces paces;

    /**
     * The preview's own copy of each account's pace, from the ledger's: the records it would send take their slots in
     * it, so that the next ones of the account show when they would go (nothing is written to the ledger).
     */
    private final Map<String, AccountPaces.Pace> virtualPaces = new HashMap<>();
    /** Records of each account that would wait before the next one: in the ledger, then in this preview. */
    private final Map<String, Integer> waiting = new HashMap<>();

    public Preview(InboxFiles inbox, ChatRequestMapper requests, Ledger ledger, SendGate gate, OutcomeFolders folders,
            ObjectMapper json, Pacing pacing, AccountPaces paces) {
        this.pacing = pacing;
        this.paces = paces;
        this.inbox = inbox;
        this.requests = requests;
        this.ledger = ledger;
        this.gate = gate;
        this.folders = folders;
        this.json = json;
    }

    /**
     * What is in the inbox, as {@code file-intake} and the sweep would take it: hidden and half-written files left
     * out; a folder or a link is reported as the sweep would quarantine it.
     */
    public List<Path> inboxFiles() throws IOException {
        try (Stream<Path> entries = Files.list(folders.inbox())) {
            return entries.filter(f -> !InboxFiles.ignored(f.getFileName().toString())).sorted().toList();
        }
    }

    /** The files named in a list: one a line, or separated by NUL characters (any name then, even with a newline). */
    public static List<Path> listed(Path list) throws IOException {
        String names = Files.readString(list, StandardCharsets.UTF_8);
        String separator = names.indexOf('\0') >= 0 ? "\0" : "\n";
        return Stream.of(names.split(separator)).filter(name -> !name.isEmpty()).map(Path::of).toList();
    }

    /** Previews the files, one after the other; a file that cannot be read is reported, and the others go on. */
    public List<FileResult> run(List<Path> files) throws IOException {
        gate.refresh(); // the holds as the ledger has them now (read only)
        virtualPaces.clear();
        waiting.clear();
        if (pacing.enabled()) {
            paces.all().forEach(account -> virtualPaces.put(account.id(), account.pace()));
            waiting.putAll(paces.waitingByAccount());
        }
        Path previews = folders.root().resolve("preview");
        Files.createDirectories(previews);
        List<FileResult> results = new ArrayList<>();
        Map<String, String> keysSeen = new HashMap<>(); // over all the files: a run would send a key once
        Set<String> written = new HashSet<>(); // two files of one name (from two folders) keep a preview each
        for (Path file : files) {
            results.add(preview(file.toAbsolutePath(), previews, keysSeen, written));
        }
        return results;
    }

    private FileResult preview(Path file, Path previews, Map<String, String> keysSeen, Set<String> written)
            throws IOException {
        String name = file.getFileName().toString();
        Map<Would, Integer> counts = new TreeMap<>();
        Map<String, Integer> errors = new TreeMap<>();
        long records;
        try {
            if (Files.isDirectory(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new UnreadableFileException("not_a_file", "this is a folder, and the inbox takes outreach files"
                        + " only", null, null);
            }
            if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new UnreadableFileException("not_a_file", "there is no file " + file, null, null);
            }
            records = inbox.check(file);
        } catch (UnreadableFileException unreadable) {
            return new FileResult(name, null, counts, errors, unreadable.reason() + ": " + unreadable.getMessage());
        }
        String targetName = name + ".jsonl";
        for (int n = 2; !written.add(targetName); n++) {
            targetName = name + "-" + n + ".jsonl";
        }
        Path target = previews.resolve(targetName);
        Path aside = previews.resolve("." + name + "." + UUID.randomUUID() + ".tmp");
        FileRun run = new FileRun(name, records, () -> false);
        try (BufferedWriter out = Files.newBufferedWriter(aside, StandardCharsets.UTF_8);
                RecordReader.Records items = inbox.records(file, run)) {
            while (items.hasNext()) {
                ObjectNode line = preview(items.next(), keysSeen);
                Would would = Would.valueOf(line.get("would").asText());
                counts.merge(would, 1, Integer::sum);
                if (would == Would.quarantine) {
                    errors.merge(line.path("error").path("type").asText(), 1, Integer::sum);
                }
                out.write(json.writeValueAsString(line));
                out.write('\n');
            }
        } catch (UnreadableFileException unreadable) {
            Files.deleteIfExists(aside);
            return new FileResult(name, null, counts, errors, unreadable.reason() + ": " + unreadable.getMessage());
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(aside);
            throw e;
        }
        Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new FileResult(name, target, counts, errors, null);
    }

    /** One record's line: what it would send, or why it would not be sent. */
    private ObjectNode preview(OutreachItem item, Map<String, String> keysSeen) {
        ObjectNode line = json.createObjectNode();
        line.set("source", item.source().toJson());
        line.putNull("would"); // first, for a person reading the line; set below
        try {
            requests.prepare(item);
        } catch (InvalidRecordException invalid) {
            line.put("would", Would.quarantine.name());
            line.set("error", invalid.error().toJson());
            line.set("record", item.record());
            return line;
        }
        line.put("key", item.key());
        line.put("account_id", item.request().accountId());
        ArrayNode fields = line.putArray("fields");
        for (FormPart part : item.request().parts()) {
            ObjectNode field = fields.addObject().put("name", part.name());
            if (part.isFile()) {
                field.put("file", part.file().fileName()).put("content_type", part.file().contentType());
                try {
                    field.put("bytes", Files.size(part.file().path()));
                } catch (IOException e) {
                    field.putNull("bytes");
                }
            } else {
                field.put("value", part.value());
            }
        }
        String earlier = keysSeen.putIfAbsent(item.key(), where(item));
        if (earlier != null) {
            line.put("would", Would.skip_duplicate.name());
            line.put("duplicate", "the same record as " + earlier + " in this preview");
            return line;
        }
        Ledger.Claim claim = ledger.wouldClaim(item.key(), item.contentHash(), item.redropped());
        if (claim.isDuplicate()) {
            line.put("would", Would.skip_duplicate.name());
            line.put("duplicate", claim.name().toLowerCase());
            return line;
        }
        // The account's pause as a run now would find it: a pause of all sending goes at every start (the API key may
        // have been fixed), and a pause that has ended lets a record through.
        Optional<Instant> held = Optional.ofNullable(gate.pauses().get(item.request().accountId()))
                .map(SendGate.Pause::until).filter(until -> until.isAfter(Instant.now()));
        if (held.isPresent()) {
            line.put("would", Would.wait_held_account.name());
            line.put("held_until", held.get().toString());
            return line;
        }
        Instant slot = pacing.enabled() ? nextSlot(item.request().accountId()) : null;
        line.put("would", slot == null ? Would.send.name() : Would.wait_pacing.name());
        if (slot != null) {
            line.put("next_attempt_at", slot.toString());
        }
        return line;
    }

    /**
     * The account's pacing as a run now would find it, with the records this preview would send before: null when
     * the record would go now (it takes the slot), else when its slot would come.
     */
    private Instant nextSlot(String account) {
        PacingPolicy policy = pacing.policy(account);
        Instant now = Instant.now();
        AccountPaces.Pace pace = virtualPaces.getOrDefault(account, AccountPaces.Pace.FRESH);
        int ahead = waiting.getOrDefault(account, 0);
        PacingPolicy.Verdict verdict = policy.take(pace, new AccountPaces.Ahead(ahead, false, 0), now, 0);
        if (verdict instanceof PacingPolicy.Go go) {
            virtualPaces.put(account, policy.ended(go.pace(), go.pace(), now, now));
            return null;
        }
        waiting.merge(account, 1, Integer::sum);
        return ((PacingPolicy.Wait) verdict).at();
    }

    private static String where(OutreachItem item) {
        return FileRun.quoted(item.source().name()) + (item.source().line() != null ? " line " + item.source().line()
                : " record " + item.source().index());
    }

    /** The one-screen summary: a line per file, then what was (not) done. */
    public String summary(List<FileResult> results) {
        StringBuilder text = new StringBuilder("DRY RUN: nothing was sent and the ledger was not changed.\n");
        if (ledger.isEmpty()) {
            text.append("The ledger holds no record yet, so no record is a duplicate of an earlier run. If the bridge"
                    + " has run before, OUTREACH_DIR (or OUTREACH_LEDGER_URL) does not point at its ledger.\n");
        }
        for (FileResult result : results) {
            text.append(FileRun.quoted(result.file())).append(": ");
            if (result.unreadable() != null) {
                text.append("the whole file would be quarantined (").append(result.unreadable()).append(")\n");
                continue;
            }
            int total = result.counts().values().stream().mapToInt(Integer::intValue).sum();
            text.append(total).append(" records: ").append(count(result, Would.send)).append(" would be sent, ")
                    .append(count(result, Would.skip_duplicate)).append(" duplicates (not sent again), ")
                    .append(count(result, Would.wait_held_account)).append(" would wait for a held account, ")
                    .append(pacing.enabled() ? count(result, Would.wait_pacing)
                            + " would wait for their account's pacing (scheduled/), " : "")
                    .append(count(result, Would.quarantine)).append(" would be quarantined");
            if (!result.errors().isEmpty()) {
                text.append(" (");
                result.errors().forEach((type, n) -> text.append(type).append(" ×").append(n).append(", "));
                text.setLength(text.length() - 2);
                text.append(')');
            }
            text.append(" → ").append(folders.root().relativize(result.written())).append('\n');
        }
        return text.toString();
    }

    private static int count(FileResult result, Would would) {
        return result.counts().getOrDefault(would, 0);
    }

    /** Whether a file would be quarantined whole: the dry run then exits non-zero, as run-once would. */
    public static boolean anyUnreadable(List<FileResult> results) {
        return results.stream().anyMatch(r -> r.unreadable() != null);
    }
}
