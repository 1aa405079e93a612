package com.postpressbridge.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
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
    void aFileLeftAsideByAProcessThatDiedGoesBackToTheInboxUnderItsName() throws Exception {
        Path file = Files.writeString(inbox().resolve("leads.csv"), "a,b\n1,2\n");
        Path folder = root.resolve(Snapshot.FOLDER);
        Snapshot snapshot = Snapshot.take(file, folder, "host-1");
        Files.writeString(file, "3,4\n", StandardOpenOption.APPEND);
        // the process dies right after the file was moved aside, before the compare: what the move leaves
        Path aside = folder.resolve(snapshot.copy().getFileName().toString().substring(0, 16) + "~leads.csv.done");
        Files.move(file, aside);
        Path older = Files.writeString(folder.resolve("89abcdef01234567.csv.done"), "c,d\n"); // a version before names

        Snapshot.removeLeftOvers(folder, inbox(), java.time.Instant.now().plus(java.time.Duration.ofMinutes(9)));
        assertTrue(Files.exists(aside), "ten minutes after the move, it may still be compared");

        Snapshot.removeLeftOvers(folder, inbox(), java.time.Instant.now().plus(java.time.Duration.ofMinutes(11)));
        assertFalse(Files.exists(aside));
        assertFalse(Files.exists(older));
        assertEquals("a,b\n1,2\n3,4\n", Files.readString(inbox().resolve("leads.csv")), "what was written to it too");
        assertEquals("c,d\n", Files.readString(inbox().resolve("recovered-89abcdef01234567.csv")));
    }

    /**
     * At its start, a process puts back at once the file it moved aside itself before it died, whatever the age of the
     * move (its name tells); another process's stays until it is ten minutes old (it may be comparing it now).
     */
    @Test
    void atItsStartAProcessPutsBackAtOnceWhatItLeftAside() throws Exception {
        Path folder = root.resolve(Snapshot.FOLDER);
        Snapshot mine = Snapshot.take(Files.writeString(inbox().resolve("mine.csv"), "a\n"), folder, "host-1");
        Snapshot theirs = Snapshot.take(Files.writeString(inbox().resolve("theirs.csv"), "b\n"), folder, "host-2");
        Path mineAside = folder.resolve(mine.copy().getFileName().toString().substring(0, 16) + "~mine.csv.done");
        Path theirsAside = folder.resolve(theirs.copy().getFileName().toString().substring(0, 16) + "~theirs.csv.done");
        Files.move(inbox().resolve("mine.csv"), mineAside);
        Files.move(inbox().resolve("theirs.csv"), theirsAside);

        Snapshot.removeLeftOvers(folder, inbox(), java.time.Instant.now(), "host-1");

        assertEquals("a\n", Files.readString(inbox().resolve("mine.csv")));
        assertTrue(Files.exists(theirsAside), "another process's file aside stays");
    }

    /** The name a file is moved aside under is the one a stranded file is found by (the tests above build it). */
    @Test
    void aFileIsMovedAsideUnderItsName() throws Exception {
        Path file = Files.writeString(inbox().resolve("leads.csv"), "a,b\n1,2\n");
        Path folder = root.resolve(Snapshot.FOLDER);
        Snapshot snapshot = Snapshot.take(file, folder, "host-1");
        String hash = snapshot.copy().getFileName().toString().substring(0, 16);
        // the compare's own moves: seen from the inbox it goes away and, changed, comes back
        Files.writeString(file, "3,4\n", StandardOpenOption.APPEND);
        try (var watch = root.getFileSystem().newWatchService()) {
            folder.register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
            assertFalse(snapshot.archive(root.resolve("archived.csv")));
            List<String> created = watch.poll(5, java.util.concurrent.TimeUnit.SECONDS).pollEvents().stream()
                    .map(event -> event.context().toString()).toList();
            assertTrue(created.contains(hash + "~leads.csv.done"), created.toString());
        }
    }

    @Test
    void aNameAsLongAsAFileNameMayBeIsCopied() throws Exception {
        String name = "x".repeat(251) + ".csv"; // 255 bytes: the longest name most file systems take
        Path file = Files.writeString(inbox().resolve(name), "a,b\n");
        Snapshot snapshot = Snapshot.take(file, root.resolve(Snapshot.FOLDER), "a-long-host-name-of-a-pod-7f9c");
        assertTrue(snapshot.copy().getFileName().toString().length() < 30, snapshot.copy().toString());
        assertTrue(snapshot.copy().toString().endsWith(".csv"));
    }

    /** Why a copy failed says which side failed, and for the copies' folder, the folder and what to do. */
    @Test
    void aFailedCopySaysWhetherTheFileOrItsCopyFailed() {
        Path file = root.resolve("inbox/leads.csv");
        Path folder = root.resolve(Snapshot.FOLDER);
        String copy = "its copy cannot be written in " + folder + ": ";
        assertEquals(copy + "permission denied: give the user that runs the bridge write access to it",
                Snapshot.copyProblem(new AccessDeniedException(folder.resolve("x.csv").toString()), file, folder));
        assertEquals(copy + "a file of that name is in the way: remove it (the bridge makes the folder)",
                Snapshot.copyProblem(new FileAlreadyExistsException(folder.toString()), file, folder));
        assertEquals(copy + "No space left on device: make room on its disk",
                Snapshot.copyProblem(new IOException("No space left on device"), file, folder));
        assertEquals("the bridge may not read this file (permission denied): give the user that runs the bridge read"
                + " access to it", Snapshot.copyProblem(new AccessDeniedException(file.toString()), file, folder));
    }
}
