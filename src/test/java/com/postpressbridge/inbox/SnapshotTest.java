package com.postpressbridge.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The copy a file's records are read from, on real files: what is archived, and what is left to read again. */
class SnapshotTest {

    @TempDir
    Path root;

    private Path inbox() throws Exception {
        return Files.createDirectories(root.resolve("inbox"));
    }

    @Test
    void aFileStillAsItWasCopiedLeavesTheInbox() throws Exception {
        Path file = Files.writeString(inbox().resolve("leads.csv"), "a,b\n1,2\n");
        Snapshot snapshot = Snapshot.take(file, root.resolve(Snapshot.FOLDER), "host-1");
        assertEquals("a,b\n1,2\n", Files.readString(snapshot.copy()));

        assertTrue(snapshot.archive(root.resolve("leads.csv")));
        assertEquals("a,b\n1,2\n", Files.readString(root.resolve("leads.csv")));
        assertFalse(Files.exists(file));
        assertEquals(List.of(), Files.list(root.resolve(Snapshot.FOLDER)).toList(), "nothing left aside");
    }

    @Test
    void aFileWrittenToMeanwhileIsArchivedAsItWasAndStaysInTheInboxAsItIs() throws Exception {
        Path file = Files.writeString(inbox().resolve("leads.csv"), "a,b\n1,2\n");
        Snapshot snapshot = Snapshot.take(file, root.resolve(Snapshot.FOLDER), "host-1");
        Files.writeString(file, "3,4\n", StandardOpenOption.APPEND); // the same file, written on in place

        assertFalse(snapshot.archive(root.resolve("leads.csv")));
        assertEquals("a,b\n1,2\n", Files.readString(root.resolve("leads.csv")), "what was sent");
        assertEquals("a,b\n1,2\n3,4\n", Files.readString(file), "read again as a new file");
    }

    @Test
    void aFileRemovedMeanwhileIsArchivedAsItWas() throws Exception {
        Path file = Files.writeString(inbox().resolve("leads.csv"), "a,b\n1,2\n");
        Snapshot snapshot = Snapshot.take(file, root.resolve(Snapshot.FOLDER), "host-1");
        Files.delete(file);

        assertFalse(snapshot.archive(root.resolve("leads.csv")));
        assertEquals("a,b\n1,2\n", Files.readString(root.resolve("leads.csv")));
    }

    @Test
    void aNameAsLongAsAFileNameMayBeIsCopied() throws Exception {
        String name = "x".repeat(251) + ".csv"; // 255 bytes: the longest name most file systems take
        Path file = Files.writeString(inbox().resolve(name), "a,b\n");
        Snapshot snapshot = Snapshot.take(file, root.resolve(Snapshot.FOLDER), "a-long-host-name-of-a-pod-7f9c");
        assertTrue(snapshot.copy().getFileName().toString().length() < 30, snapshot.copy().toString());
        assertTrue(snapshot.copy().toString().endsWith(".csv"));
    }
}
