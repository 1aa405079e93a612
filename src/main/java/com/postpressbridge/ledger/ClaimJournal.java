package com.postpressbridge.ledger;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * What makes a claim on embedded H2 survive a killed process without a {@code CHECKPOINT} of its own. H2 keeps its
 * commits in memory and writes them to its file at the ledger's checkpoints, once a second; the changes that must be
 * in a file before a request leaves (a claim) or before a webhook delivery is answered (its records and answer) are
 * appended here as lines, in the transaction that makes them, just before its commit. Each append is one
 * {@code write} to the operating system, which a killed process does not take back (like H2's own file; nothing is
 * fsync'ed, as before). The files are {@code claims-<n>.journal} beside the ledger's file. Every second the current
 * file is closed and H2 writes everything to its file; while the bridge runs, a closed file is deleted after two such
 * checkpoints (a margin: H2 can still begin a write of its own when a second's changes outgrow its buffer). A start-up
 * applies what the files still hold before anything else ({@link Ledger#replayJournal}), checkpoints, and deletes
 * them (nothing else writes then).
 * Written through a stream, not a {@code FileChannel}: a thread interrupted during a write must not close the file
 * for everybody.
 *
 * <p>A line is a JSON object and ends with a newline. A line cut short (the process died during its write: its
 * transaction never committed, its request never left) is ignored; after a failed write the next append starts a new
 * file, so that a cut line is always the last of its file.
 */
final class ClaimJournal {

    private static final String PREFIX = "claims-";
    private static final String SUFFIX = ".journal";

    private final Path folder;
    private OutputStream current;
    private long number;

    ClaimJournal(Path folder) throws IOException {
        this.folder = folder;
        TreeMap<Long, Path> files = files(folder);
        this.number = files.isEmpty() ? 0 : files.lastKey();
    }

    /** Appends these lines (each ending with a newline) to the current file, in one write. */
    synchronized void append(String lines) throws IOException {
        byte[] bytes = lines.getBytes(StandardCharsets.UTF_8);
        try {
            if (current == null) {
                number++;
                current = new FileOutputStream(file(number).toFile(), true);
            }
            current.write(bytes);
        } catch (IOException e) {
            close(); // a line may be cut short: the next one goes to a new file
            throw e;
        }
    }

    /**
     * Closes the current file: what comes next goes to a new one.
     *
     * @return the number of the last file that was closed (0: none yet)
     */
    synchronized long rotate() throws IOException {
        close();
        return number;
    }

    Path folder() {
        return folder;
    }

    private void close() throws IOException {
        OutputStream closing = current;
        current = null;
        if (closing != null) {
            closing.close();
        }
    }

    /** Deletes the files numbered up to {@code last}. */
    void deleteUpTo(long last) throws IOException {
        for (var file : files(folder).headMap(last, true).values()) {
            Files.deleteIfExists(file);
        }
    }

    /** The files of the journal in a folder, by number. */
    static TreeMap<Long, Path> files(Path folder) throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        if (!Files.isDirectory(folder)) {
            return files;
        }
        try (DirectoryStream<Path> list = Files.newDirectoryStream(folder, PREFIX + "*" + SUFFIX)) {
            for (Path file : list) {
                String name = file.getFileName().toString();
                try {
                    files.put(Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length())), file);
                } catch (NumberFormatException notOurs) {
                    // a file of another name: not the journal's
                }
            }
        }
        return files;
    }

    /**
     * The whole lines of a file, in order; a last line without its newline (cut short, maybe in the middle of a
     * character) is left out.
     */
    static List<String> lines(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int end = 0; end < bytes.length; end++) {
            if (bytes[end] == '\n') {
                lines.add(new String(bytes, start, end - start, StandardCharsets.UTF_8));
                start = end + 1;
            }
        }
        return lines;
    }

    private Path file(long n) {
        return folder.resolve(PREFIX + n + SUFFIX);
    }
}
