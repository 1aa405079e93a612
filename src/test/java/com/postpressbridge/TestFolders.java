package com.postpressbridge;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The outreach folders of the test profile (target/test-outreach): drop files, wait for outcomes, read them. */
public final class TestFolders {

    static final Path ROOT = Path.of("target/test-outreach").toAbsolutePath();
    static final Path INBOX = ROOT.resolve("inbox");
    static final Path SUCCESS = ROOT.resolve("success");
    static final Path RETRY = ROOT.resolve("retry");
    static final Path QUARANTINE = ROOT.resolve("quarantine");
    static final Path SCHEDULED = ROOT.resolve("scheduled");
    static final Path ARCHIVE = ROOT.resolve("archive");
    static final Path ATTACHMENTS = ROOT.resolve("attachments");
    static final ObjectMapper JSON = new ObjectMapper();

    private TestFolders() {
    }

    /** Empties every folder (the app keeps running and keeps watching the inbox). */
    static void wipe() {
        for (Path folder : List.of(INBOX, SUCCESS, RETRY, QUARANTINE, SCHEDULED, ARCHIVE, ATTACHMENTS)) {
            deleteContents(folder);
        }
    }

    /** Deletes the folder and all it holds (a folder of the app's, replaced by a test). */
    static void deleteTree(Path folder) throws IOException {
        deleteContents(folder);
        Files.delete(folder);
    }

    private static void deleteContents(Path folder) {
        try {
            Files.createDirectories(folder);
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(folder)).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the file aside, then moves it into the inbox in one step, as a careful user or tool would. */
    static Path drop(String name, String content) {
        return drop(name, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path drop(String name, byte[] content) {
        try {
            Path staging = ROOT.resolve("staging");
            Files.createDirectories(staging);
            Path aside = Files.write(staging.resolve(name), content);
            return Files.move(aside, INBOX.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Drops a CSV of {@code records} rows into the inbox of an outreach folder (a packaged app's): row {@code i} goes
     * from account {@code account} (followed by {@code i % accounts} when there are several) to attendee
     * {@code <attendee><i>}. Written aside in that folder (so on the same disk) and moved in at once.
     */
    static void dropLeads(Path outreachDir, String name, String account, int accounts, String attendee, int records) {
        StringBuilder csv = new StringBuilder("account_id,attendees_ids,text\n");
        for (int i = 0; i < records; i++) {
            csv.append(account).append(accounts > 1 ? String.valueOf(i % accounts) : "").append(',').append(attendee)
                    .append(i).append(",Hello number ").append(i).append('\n');
        }
        try {
            Files.createDirectories(outreachDir.resolve("inbox"));
            Path aside = Files.writeString(outreachDir.resolve("." + name + ".tmp"), csv);
            Files.move(aside, outreachDir.resolve("inbox").resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path attachment(String name, byte[] content) {
        try {
            Path file = ATTACHMENTS.resolve(name);
            Files.createDirectories(file.getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the file is archived (every record has its outcome) and returns its summary. */
    static JsonNode awaitSummary(String name) {
        Path[] summary = new Path[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            summary[0] = find(ARCHIVE, name + ".summary.json");
            return summary[0] != null;
        });
        return read(summary[0]);
    }

    /** The quarantine file of the one record of {@code <file>.<line>} ({@code <file>.<line>.<tag>.json}). */
    static Path quarantineFile(String fileAndLine) {
        List<Path> found = quarantineFiles(fileAndLine);
        if (found.size() != 1) {
            throw new AssertionError("one quarantine file of " + fileAndLine + " expected, found " + found);
        }
        return found.get(0);
    }

    /** The quarantine files of the records of {@code <file>.<line>}: one per record, whatever file they came from. */
    static List<Path> quarantineFiles(String fileAndLine) {
        try (Stream<Path> files = Files.list(QUARANTINE)) {
            return files.filter(p -> p.getFileName().toString().matches(
                    java.util.regex.Pattern.quote(fileAndLine) + "\\.[0-9a-f]{8}\\.json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The file of that name under a folder, or null. A file the app renames meanwhile (its outcome written aside, then
     * moved in place) can vanish while the folder is walked: the walk starts again.
     */
    static Path find(Path folder, String name) {
        for (int walk = 1; ; walk++) {
            try (Stream<Path> files = Files.walk(folder)) {
                return files.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElse(null);
            } catch (IOException | UncheckedIOException e) {
                boolean vanished = e instanceof java.nio.file.NoSuchFileException
                        || e.getCause() instanceof java.nio.file.NoSuchFileException;
                if (!vanished || walk == 10) {
                    throw e instanceof UncheckedIOException unchecked ? unchecked
                            : new UncheckedIOException((IOException) e);
                }
            }
        }
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The lines of success/<name>.jsonl written so far: a line the app is appending right now (a reader can see the
     * part of it on one page of the file before the rest) is left for the next look.
     */
    static List<JsonNode> successLines(String sourceName) {
        Path file = SUCCESS.resolve(sourceName + ".jsonl");
        List<JsonNode> lines = new ArrayList<>();
        if (!Files.exists(file)) {
            return lines;
        }
        try {
            String text = Files.readString(file);
            for (String line : text.substring(0, text.lastIndexOf('\n') + 1).lines().toList()) {
                lines.add(JSON.readTree(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines;
    }

    static List<JsonNode> all(Path folder) {
        List<JsonNode> documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().startsWith("."))
                    .sorted().forEach(p -> documents.add(read(p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }
}
