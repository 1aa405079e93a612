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

    /**
     * A copy left over for a day by a process that died goes; an inbox file moved aside to be compared does not, though
     * its time of change is old (the move keeps it; a file copied in with its times has an old one): another process
     * may be comparing it, and it is the only copy of what was written to it.
     */
    @Test
    void leftOverCopiesGoButNeverAFileMovedAsideToBeCompared() throws Exception {
        Path folder = Files.createDirectories(root.resolve(Snapshot.FOLDER));
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofDays(3)));
        Path leftOver = Files.setLastModifiedTime(Files.writeString(folder.resolve("0123abcd4567ef89.csv"), "a\n"), old);
        Path aside = Files.setLastModifiedTime(Files.writeString(folder.resolve("89abcdef01234567.csv.done"), "b\n"),
                old);

        Snapshot.removeLeftOvers(folder, inbox(), java.time.Instant.now());

        assertFalse(Files.exists(leftOver), "a copy left over goes");
        assertEquals("b\n", Files.readString(aside), "the file aside stays");
    }

    /**
     * An inbox file moved aside to be compared, by a process that died before the compare: once that is long past
     * (here: ten minutes and more since the move), it goes back to the inbox to be read again. It stayed aside for good
     * before, and what had been written to it meanwhile was never sent.
     */
    @Test
    void aFileLeftAsideByAProcessThatDiedGoesBackToTheInbox() throws Exception {
        Path folder = Files.createDirectories(root.resolve(Snapshot.FOLDER));
        Path aside = Files.writeString(folder.resolve("89abcdef01234567.csv.done"), "a,b\n1,2\n3,4\n");

        Snapshot.removeLeftOvers(folder, inbox(), java.time.Instant.now().plus(java.time.Duration.ofMinutes(11)));

        assertFalse(Files.exists(aside));
        assertEquals("a,b\n1,2\n3,4\n", Files.readString(inbox().resolve("recovered-89abcdef01234567.csv")));
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
