package com.postpressbridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.jboss.logging.Logger;

/**
 * The inbox side of {@code file-intake}: checks a dropped file, hands out its records, and moves it on: to
 * {@code archive/<date>/} with a summary once its records are done, or whole to {@code quarantine/} with a
 * {@code .error.json} when it cannot be read.
 */
@ApplicationScoped
@Named("inbox")
public class InboxFiles {

    private static final Logger LOG = Logger.getLogger(InboxFiles.class);
    /** Exchange property with the {@link FileRun} of the file being processed. */
    public static final String RUN = "outreachFileRun";

    private final OutcomeFolders folders;
    private final ObjectMapper json;
    private final CsvRecordReader csv = new CsvRecordReader();
    private final JsonRecordReader jsonFiles;
    private final JsonLinesRecordReader jsonLines;
    private final AtomicInteger unreadableFiles = new AtomicInteger();

    public InboxFiles(OutcomeFolders folders, ObjectMapper json) {
        this.folders = folders;
        this.json = json;
        this.jsonFiles = new JsonRecordReader(json);
        this.jsonLines = new JsonLinesRecordReader(json);
    }

    /** Reads the file through once: a file that cannot be read is refused before any record is sent. */
    public void open(Exchange exchange) throws IOException {
        Path file = file(exchange);
        RecordReader reader = reader(file);
        Utf8Check.check(file);
        reader.check(file);
        exchange.setProperty(RUN, new FileRun(file.getFileName().toString()));
    }

    /** The records of the file, one at a time (the split streams them). */
    public RecordReader.Records records(Exchange exchange, @ExchangeProperty(RUN) FileRun run) throws IOException {
        Path file = file(exchange);
        return reader(file).records(file, run);
    }

    /** Error step: a record hit a failure that every record would hit; the file stays in the inbox for later. */
    public void stopReading(@ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        if (item.fileRun() != null) {
            item.fileRun().stop();
        }
    }

    /** Every record of the file has its outcome: archive it with its summary. */
    public void finish(Exchange exchange, @ExchangeProperty(RUN) FileRun run) throws IOException {
        Path file = file(exchange);
        Path day = folders.archive().resolve(LocalDate.now().toString());
        Files.createDirectories(day);
        Path archived = OutcomeFolders.freeName(day, file.getFileName().toString());
        Files.move(file, archived, StandardCopyOption.ATOMIC_MOVE);
        String archivedAs = folders.root().relativize(archived).toString();
        folders.writeWhole(archived.resolveSibling(archived.getFileName() + ".summary.json"), run.summary(archivedAs));
        LOG.info(run.logLine(archivedAs));
    }

    /** The file cannot be read: it goes whole to quarantine, with what is wrong and where beside it. */
    public void quarantine(Exchange exchange) throws IOException {
        Path file = file(exchange);
        UnreadableFileException why = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, UnreadableFileException.class);
        Path quarantined = OutcomeFolders.freeName(folders.quarantine(), file.getFileName().toString());
        Files.move(file, quarantined, StandardCopyOption.ATOMIC_MOVE);
        ObjectNode report = json.createObjectNode();
        report.put("file", file.getFileName().toString());
        report.put("quarantined_as", folders.root().relativize(quarantined).toString());
        ObjectNode error = OutreachError.local(why.reason(), "File cannot be read", why.getMessage()).toJson();
        if (why.line() != null) {
            error.put("line", why.line());
        }
        if (why.column() != null) {
            error.put("column", why.column());
        }
        report.set("error", error);
        report.put("quarantined_at", Instant.now().toString());
        folders.writeWhole(quarantined.resolveSibling(quarantined.getFileName() + ".error.json"), report);
        unreadableFiles.incrementAndGet();
        LOG.warnf("%s cannot be read, moved to %s: %s", file.getFileName(), folders.root().relativize(quarantined),
                why.getMessage());
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
