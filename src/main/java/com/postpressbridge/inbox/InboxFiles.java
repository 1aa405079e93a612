package com.postpressbridge.inbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.support.SynchronizationAdapter;
import org.jboss.logging.Logger;

import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.outcome.OutcomeFolders;
import com.postpressbridge.postpress.SendChat;
import com.postpressbridge.record.FileRun;
import com.postpressbridge.record.OutreachError;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.Stopping;

/**
 * The inbox side of {@code file-intake}: checks a dropped file, hands out its records, and moves it on: to
 * {@code archive/<date>/} with a summary once its records are done, or whole to {@code quarantine/} with a
 * {@code .error.json} when it cannot be read.
 */
@ApplicationScoped
@Named("inbox")
public class InboxFiles {

    private static final Logger LOG = Logger.getLogger(InboxFiles.class);
    /** Names of files still being written (as the {@code exclude} of {@code file-intake} says). */
    private static final Pattern IN_PROGRESS = Pattern.compile(".*\\.(tmp|part|partial|crdownload|swp)$|.*~$");
    /** Exchange property with the {@link FileRun} of the file being processed. */
    public static final String RUN = "outreachFileRun";
    /** Exchange property with the {@link Snapshot} its records are read from. */
    static final String SNAPSHOT = "outreachFileSnapshot";

    private final OutcomeFolders folders;
    private final ObjectMapper json;
    private final Stopping stopping;
    private final Ledger ledger;
    private final DiskFault disk;
    private final CsvRecordReader csv = new CsvRecordReader();
    private final JsonRecordReader jsonFiles;
    private final JsonLinesRecordReader jsonLines;
    private final AtomicInteger unreadableFiles = new AtomicInteger();
    /** Why each file that was not copied for reading stays in the inbox, as last said ({@link #leave}). */
    private final Map<String, String> leftFor = new ConcurrentHashMap<>();
    /** The files this process is sending, by name: what the status page shows in progress. */
    private final Map<String, FileRun> running = new ConcurrentHashMap<>();
    private final Duration progressEvery;

    public InboxFiles(OutcomeFolders folders, ObjectMapper json, Stopping stopping, Ledger ledger,
            OutreachConfig config, DiskFault disk) {
        this.disk = disk;
        this.progressEvery = config.inbox().progressInterval();
        this.ledger = ledger;
        this.folders = folders;
        this.json = json;
        this.stopping = stopping;
        this.jsonFiles = new JsonRecordReader(json);
        this.jsonLines = new JsonLinesRecordReader(json);
    }

    /**
     * Whether another bridge process (a replica on the same inbox and ledger) reads this file: then this one leaves it
     * alone. Otherwise this process takes it, in the ledger, until it is archived, quarantined or left for later; a
     * file held by a process that died is taken over once that process's records are.
     */
    public boolean takenByAnother(Exchange exchange) {
        Path file = file(exchange);
        String name = file.getFileName().toString();
        if (!ledger.takeFile(name)) {
            return true;
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            ledger.releaseFile(name); // finished by another process since this one listed it
            return true;
        }
        return false;
    }

    /**
     * Step of {@code file-intake}: the file is copied aside ({@link Snapshot}), the copy is checked ({@link #check})
     * and the run begins. Its records are read from the copy: a file overwritten, cut short or written on in the inbox
     * while its records are sent (an export job, a {@code cp} onto the same name, a copy that stalled) changes nothing
     * of what is sent, and is read again as a new file once this one is done ({@link #finish}).
     */
    public void open(Exchange exchange) throws IOException {
        Path file = file(exchange);
        refuseNonFile(file);
        Snapshot snapshot = Snapshot.take(file, folders.root().resolve(Snapshot.FOLDER), ledger.instance());
        leftFor.remove(file.getFileName().toString());
        exchange.setProperty(SNAPSHOT, snapshot);
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                snapshot.delete(); // archived by now, or its file is read again
            }
        });
        long records = checkContent(file, snapshot.copy());
        FileRun run = new FileRun(file.getFileName().toString(), records, progressEvery, stopping::stopping);
        exchange.setProperty(RUN, run);
        running.put(run.fileName(), run);
        // However the file ends (archived, quarantined, left in the inbox), it is no longer in progress.
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                running.remove(run.fileName(), run);
            }
        });
    }

    /**
     * Error step: the file was not copied for reading (it changed meanwhile, the copy failed): it stays in the inbox.
     * Said once (a WARN), not at every poll while the reason stays the same: a file too big for a disk short of room
     * said so every second or so (a fault probe); the next polls at DEBUG.
     */
    public void leave(Exchange exchange) {
        String name = file(exchange).getFileName().toString();
        ledger.releaseFile(name);
        String why = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class).getMessage();
        if (why.equals(leftFor.put(name, why))) {
            LOG.debugf("%s: %s (again)", FileRun.quoted(name), why);
        } else {
            LOG.warnf("%s: %s", FileRun.quoted(name), why);
        }
    }

    /**
     * Step of {@code inbox-sweep}: what the file consumer never lists (a folder, a link to nowhere, a pipe, a file whose
     * name this process cannot read) would otherwise sit in the inbox unseen. Each goes to quarantine with a
     * {@code .error.json} saying what to drop instead. Also tidies the copies files are read from ({@link Snapshot}),
     * and forgets why files no longer in the inbox were left there ({@link #leave}).
     */
    public void sweep() throws IOException {
        Snapshot.removeLeftOvers(folders.root().resolve(Snapshot.FOLDER), folders.inbox(), Instant.now());
        // a file left uncopied and then removed: a new one of its name is said again
        leftFor.keySet().removeIf(name -> !Files.exists(folders.inbox().resolve(name), LinkOption.NOFOLLOW_LINKS));
        List<Path> strays;
        try (Stream<Path> entries = Files.list(folders.inbox())) {
            strays = entries.filter(entry -> !ignored(entry.getFileName().toString())
                    && (!Files.isRegularFile(entry) || !FileNames.readable(entry))).toList();
        }
        for (Path stray : strays) {
            if (!FileNames.readable(stray)) {
                String escaped = FileNames.escaped(stray);
                quarantine(stray, escaped, new UnreadableFileException("unreadable_name", FileNames.why(escaped,
                        FileNames.nameEncoding()), null, null));
                continue;
            }
            String what = Files.isSymbolicLink(stray) ? "a symbolic link to nothing readable"
                    : Files.isDirectory(stray) ? "a folder" : "not a regular file";
            quarantine(stray, stray.getFileName().toString(), new UnreadableFileException("not_a_file", "this is "
                    + what + ", and the inbox takes outreach files only: drop .csv, .json, .jsonl or .ndjson files",
                    null, null));
        }
    }

    /**
     * At start-up, before {@code file-intake} reads anything: the copies files were read from are tidied, and an inbox
     * file this process moved aside in an earlier life, to compare it, and left there when it died, goes back to the
     * inbox, to be read in this run.
     */
    public void tidyCopies() {
        Snapshot.removeLeftOvers(folders.root().resolve(Snapshot.FOLDER), folders.inbox(), Instant.now(),
                ledger.instance());
    }

    /** The names {@code file-intake} leaves alone: hidden files and files still being written. */
    public static boolean ignored(String name) {
        return name.startsWith(".") || IN_PROGRESS.matcher(name).matches();
    }

    /**
     * Reads the file through once: a file that cannot be read is refused before any record is sent. So is a symbolic
     * link: the inbox takes files, as the attachments folder does, so that a link can't make the bridge read (and
     * quote in an error file) a file from elsewhere on the machine.
     *
     * @return how many records the file holds
     */
    public long check(Path file) {
        refuseNonFile(file);
        return checkContent(file, file);
    }

    /** Refuses what is not a file to read: a name this process cannot read, a symbolic link, an unknown format. */
    private void refuseNonFile(Path file) {
        if (!FileNames.readable(file)) { // as the sweep will quarantine it (only a preview lists such a file)
            throw new UnreadableFileException("unreadable_name", FileNames.why(FileNames.escaped(file),
                    FileNames.nameEncoding()), null, null);
        }
        if (Files.isSymbolicLink(file)) {
            throw new UnreadableFileException("not_a_file", "this is a symbolic link, and the inbox takes files only:"
                    + " copy or move the file itself into the inbox", null, null);
        }
        String name = file.getFileName().toString();
        if (FileNames.tooLong(name)) {
            throw new UnreadableFileException("name_too_long", "its name is " + name.getBytes(StandardCharsets.UTF_8)
                    .length + " bytes long, and the outcome files of its records are named after it: rename it to at"
                    + " most " + FileNames.LONGEST + " bytes and drop it again", null, null);
        }
        reader(file);
    }

    /** Reads {@code content} (the file, or its copy) through as the format of {@code file}'s name says. */
    private long checkContent(Path file, Path content) {
        RecordReader reader = reader(file);
        try {
            Utf8Check.check(content);
        } catch (IOException e) {
            throw new UnreadableFileException("unreadable_file", ReadProblems.plain(e), null, null);
        }
        return reader.check(content);
    }

    /** The records of the file as it was copied, one at a time (the split streams them). */
    public RecordReader.Records records(Exchange exchange, @ExchangeProperty(RUN) FileRun run) throws IOException {
        return reader(file(exchange)).records(exchange.getProperty(SNAPSHOT, Snapshot.class).copy(), run);
    }

    /** The records of a checked file, one at a time. */
    public RecordReader.Records records(Path file, FileRun run) throws IOException {
        return reader(file).records(file, run);
    }

    /**
     * Error step: the ledger took no claim (or could not record what it must), a failure every record would meet. A
     * file stays in the inbox for later, which one line a file says; a waiting record (retry, scheduled, webhook) stays
     * waiting in the ledger. A fault of the disk or of the database was said once where it was found ({@code DiskFault});
     * any other failure is said here for each record, with its stack at DEBUG (Camel's own dump of it is off).
     */
    public void stopReading(@ExchangeProperty(SendChat.ITEM) OutreachItem item,
            @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable failure) {
        String why = failure == null ? "the ledger failed" : failure.getMessage();
        if (item.fileRun() != null) {
            if (item.fileRun().stop()) {
                LOG.warnf("%s stays in the inbox: %s. It is read again once the ledger takes claims, and its records"
                        + " already decided are duplicates then", FileRun.quoted(item.fileRun().fileName()), why);
            }
        } else if (!disk.raised()) {
            LOG.warnf("record %s waits on in the ledger (%s): %s; it is taken again at the next pass", item.key(),
                    item.waitingIn(), why);
        }
        if (!disk.raised()) {
            LOG.debug("the ledger's failure", failure);
        }
    }

    /**
     * Every record of the file has its outcome: archive it with its summary. Unless the bridge stopped reading it: the
     * file stays in the inbox, and the next start reads it again (the records decided meanwhile are duplicates then).
     */
    public void finish(Exchange exchange, @ExchangeProperty(RUN) FileRun run) throws IOException {
        Path file = file(exchange);
        if (run.stopped()) {
            ledger.releaseFile(file.getFileName().toString());
            LOG.infof("%s stays in the inbox: the bridge stopped before taking all its records (%d have their"
                    + " outcome); the next start reads it again and sends none of those twice", FileRun.quoted(
                    file.getFileName().toString()), run.records());
            return;
        }
        Path day = folders.archive().resolve(LocalDate.now().toString());
        Files.createDirectories(day);
        Path archived = OutcomeFolders.freeName(day, file.getFileName().toString());
        // What was sent is archived (the copy); the file as it is now, if it changed, stays in the inbox for the next
        // poll (its records already sent are duplicates then).
        boolean unchanged = exchange.getProperty(SNAPSHOT, Snapshot.class).archive(archived);
        String archivedAs = folders.root().relativize(archived).toString();
        folders.writeWhole(archived.resolveSibling(archived.getFileName() + ".summary.json"), run.summary(archivedAs));
        ledger.releaseFile(file.getFileName().toString()); // after the move: no other process finds it half-done
        LOG.info(run.logLine(archivedAs));
        if (!unchanged) {
            LOG.warnf("%s changed in the inbox while its records were sent: what was sent (the file as it was when"
                    + " its reading began) is archived as %s; the file as it is now %s", FileRun.quoted(
                    file.getFileName().toString()), archivedAs, Files.exists(file, LinkOption.NOFOLLOW_LINKS)
                    ? "stays in the inbox and is read as a new file (its records already sent are not sent again)"
                    : "is no longer in the inbox under that name (removed, or renamed: a renamed file is read as a new"
                            + " one, and its records already sent are not sent again)");
        }
    }

    /** The files this process is sending now, in the order they were started. */
    public List<FileRun> running() {
        return running.values().stream().sorted(Comparator.comparing(FileRun::startedAt)).toList();
    }

    /** The file cannot be read: it goes whole to quarantine, with what is wrong and where beside it. */
    public void quarantine(Exchange exchange) throws IOException {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        UnreadableFileException why = null;
        for (Throwable t = caught; t != null && why == null; t = t.getCause()) {
            why = t instanceof UnreadableFileException unreadable ? unreadable : null;
        }
        Path file = file(exchange);
        quarantine(file, file.getFileName().toString(), why);
        ledger.releaseFile(file.getFileName().toString());
    }

    /** Moves the file to {@code quarantine/<name>} (or a free name beside it) with its {@code .error.json}. */
    private void quarantine(Path file, String name, UnreadableFileException why) throws IOException {
        Path quarantined = OutcomeFolders.freeName(folders.quarantine(), name);
        try {
            Files.move(file, quarantined, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException gone) {
            LOG.debugf("%s left the inbox before it could be quarantined", FileRun.quoted(name));
            return;
        }
        ObjectNode report = json.createObjectNode();
        report.put("file", name);
        report.put("quarantined_as", folders.root().relativize(quarantined).toString());
        String detail = why.getMessage() + (why.recordsRead() == 0
                ? ". Nothing of it was sent; once it is fixed, drop it back in the inbox."
                : ". The " + why.recordsRead() + " records before that point were read and have their outcomes"
                        + " (success/, retry/, scheduled/, quarantine/); nothing after it was read. Fix the file and drop it back"
                        + " in the inbox: the records already sent are recognised and not sent again.");
        ObjectNode error = OutreachError.local(why.reason(), "File cannot be read", detail).toJson();
        if (why.line() != null) {
            error.put("line", why.line());
        }
        if (why.column() != null) {
            error.put("column", why.column());
        }
        report.set("error", error);
        report.put("records_read", why.recordsRead());
        report.put("quarantined_at", Instant.now().toString());
        folders.writeWhole(quarantined.resolveSibling(FileNames.fit(quarantined.getFileName().toString(),
                ".error.json")), report);
        unreadableFiles.incrementAndGet();
        LOG.warnf("%s cannot be read, moved to %s: %s", FileRun.quoted(name),
                FileRun.quoted(folders.root().relativize(quarantined).toString()), why.getMessage());
    }

    /** Files quarantined whole since start-up (run-once exits non-zero when there were any). */
    public int unreadableFiles() {
        return unreadableFiles.get();
    }

    private RecordReader reader(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return csv;
        }
        if (name.endsWith(".json")) {
            return jsonFiles;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return jsonLines;
        }
        throw new UnreadableFileException("unsupported_file",
                "not an outreach file: drop .csv, .json, .jsonl or .ndjson files in the inbox", null, null);
    }

    private static Path file(Exchange exchange) {
        return Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class)).toAbsolutePath();
    }
}
