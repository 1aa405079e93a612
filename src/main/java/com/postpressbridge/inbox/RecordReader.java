package com.postpressbridge.inbox;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.databind.JsonNode;

import com.postpressbridge.record.FileRun;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordSource;

/** Reads one format of inbox file, record by record, never the whole file at once. */
public interface RecordReader {

    /**
     * Reads the whole file once without keeping it, sending nothing: a file that fails here is quarantined whole,
     * so that a broken file is never half-sent.
     *
     * @return how many records {@link #records} will hand out: what the status page's progress bar counts towards
     */
    long check(Path file) throws UnreadableFileException;

    /** The records of a checked file, one at a time. */
    Records records(Path file, FileRun run) throws IOException;

    /** A lazy sequence of records that holds the file open until closed. */
    interface Records extends Iterator<OutreachItem>, Closeable {
    }

    /**
     * Records pulled one at a time from an open file. It ends at the end of the file, once closed, or once its file's
     * run is stopped (something every record needs, the ledger, is down).
     */
    abstract class PulledRecords implements Records {

        private final FileRun run;
        private final String reason;
        private OutreachItem next;
        private boolean closed;

        /** @param reason the {@code local/} type of a failure while reading, e.g. {@code malformed_csv} */
        protected PulledRecords(FileRun run, String reason) {
            this.run = run;
            this.reason = reason;
        }

        /** The next record, or null at the end of the file. */
        protected abstract OutreachItem pull() throws IOException;

        /** The line reached in the file, for an error message. */
        protected abstract long line();

        /** Closes the file. */
        protected abstract void release() throws IOException;

        /**
         * A failure here (a value over a parser limit, a file the process may not read) would fail the same way at
         * every poll: it makes the file unreadable, and the file goes to quarantine.
         */
        @Override
        public final boolean hasNext() {
            if (next == null && !closed && !run.stopped()) {
                try {
                    next = pull();
                } catch (IOException | RuntimeException e) {
                    throw UnreadableFileException.whileReading(reason, e, line(), run.readSoFar());
                }
            }
            return next != null;
        }

        @Override
        public final OutreachItem next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            OutreachItem item = next;
            next = null;
            run.read();
            return item;
        }

        @Override
        public final void close() throws IOException {
            closed = true;
            release();
        }
    }

    /**
     * A record as found in a JSON or JSON Lines file: a record, a quarantine file dropped back in the inbox (read as
     * its {@code record}, with its original source), or a retry or scheduled file dropped there (read as its record
     * too, which waits already: a duplicate, not the "key is not a field" a probe was told).
     */
    static OutreachItem item(JsonNode node, RecordSource here, FileRun run) {
        if (node.isObject() && node.has("record") && node.has("key")) {
            RecordSource original = RecordSource.fromJson(node.get("source"));
            RecordSource source = original == null ? here : original;
            if (node.has("next_attempt_at")) {
                return OutreachItem.of(source, node.get("record"), run);
            }
            if (node.has("error")) {
                return OutreachItem.redropped(source, node.get("record"), run);
            }
        }
        return OutreachItem.of(here, node, run);
    }

    /** A reader that refuses bytes that are not UTF-8 ({@link Utf8Check} ran before), and skips a byte order mark. */
    static Reader utf8(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        PushbackReader reader = new PushbackReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)), 1);
        int first = reader.read();
        if (first >= 0 && first != '\uFEFF') {
            reader.unread(first);
        }
        return reader;
    }
}
