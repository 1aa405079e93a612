package com.postpressbridge.inbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.jboss.logging.Logger;

import com.postpressbridge.outcome.OutcomeFolders;
import com.postpressbridge.record.FileRun;
import com.postpressbridge.record.RecordKeys;

/**
 * A copy of an inbox file made when its reading begins, and the file's size, modification time and identity then:
 * its records are read from the copy, so that what is sent is the file as it was, whatever is done to it in the inbox
 * meanwhile; and {@link InboxFiles#finish} tells by them whether the file changed since.
 */
final class Snapshot {

    /** The folder of the copies, beside the inbox (in {@code outreach.dir}, so a copy can be moved to the archive). */
    static final String FOLDER = ".reading";
    /** A copy older than this is left over from a process that died while it sent the file: removed. */
    private static final Duration LEFT_OVER = Duration.ofDays(1);
    /** The ending of the inbox file moved aside beside its copy, to be compared once its records are sent. */
    private static final String ASIDE = ".done";
    /** A file moved aside this long ago is not being compared any more (a compare takes a moment). */
    private static final Duration STRANDED = Duration.ofMinutes(10);

    private static final Logger LOG = Logger.getLogger(Snapshot.class);

    private final Path file;
    private final Path copy;
    private final Stamp taken;

    private Snapshot(Path file, Path copy, Stamp taken) {
        this.file = file;
        this.copy = copy;
        this.taken = taken;
    }

    /** What tells a file's versions apart: its size, when it was last written, and which file it is (its inode). */
    private record Stamp(long size, FileTime modified, Object identity) {

        static Stamp of(Path file) throws IOException {
            BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new Stamp(now.size(), now.lastModifiedTime(), now.fileKey());
        }
    }

    /**
     * Copies the file into {@code folder}, for this process ({@code instance}).
     *
     * @throws UnreadableFileException the file cannot be opened for reading (it goes to quarantine)
     * @throws NotCopiedException     the file changed while it was copied, or the copy failed (it is read later)
     */
    static Snapshot take(Path file, Path folder, String instance) throws IOException {
        // Named by a hash of the process and the file (a name of 255 bytes stays one), in the file's extension.
        String name = file.getFileName().toString();
        Path copy = folder.resolve(RecordKeys.tag(instance + "/" + name) + RecordKeys.tag(name + "/" + instance)
                + (name.lastIndexOf('.') < 0 ? "" : name.substring(name.lastIndexOf('.'))));
        Stamp before = Stamp.of(file);
        InputStream in;
        try {
            in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UnreadableFileException("unreadable_file", ReadProblems.plain(e), null, null);
        }
        Files.createDirectories(folder);
        try (in) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(copy);
            throw new NotCopiedException("it cannot be copied for reading (" + ReadProblems.plain(e) + "): it stays in"
                    + " the inbox and is tried again");
        }
        if (!before.equals(Stamp.of(file))) {
            Files.deleteIfExists(copy);
            throw new NotCopiedException("it changed while it was being copied for reading: it is read once it stops"
                    + " changing");
        }
        return new Snapshot(file, copy, before);
    }

    /**
     * Removes copies left over by a process that died while it sent their file. Never a file moved aside to be compared
     * ({@link #ASIDE}) while it may be compared: that is the inbox file itself, whose time of change the move keeps (an
     * old one, for a file copied in with its times), and another process may be comparing it right now. One moved aside
     * longer ago than a compare could take (the move's own time, its ctime) was left by a process that died between the
     * move and the compare: it goes back to the inbox, as {@code recovered-<copy name>}, and is read again (its
     * records already sent are duplicates; what was written to it meanwhile is sent). Without that it would be lost.
     */
    static void removeLeftOvers(Path folder, Path inbox, Instant now) {
        Instant before = now.minus(LEFT_OVER);
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> copies = Files.newDirectoryStream(folder)) {
            for (Path copy : copies) {
                String name = copy.getFileName().toString();
                if (name.endsWith(ASIDE)) {
                    if (movedBefore(copy, now.minus(STRANDED))) {
                        Path back = OutcomeFolders.freeName(inbox, "recovered-" + name.substring(0, name.length()
                                - ASIDE.length()));
                        Files.move(copy, back, StandardCopyOption.ATOMIC_MOVE);
                        LOG.warnf("an inbox file was left aside in %s by a process that stopped while it compared it:"
                                + " back in the inbox as %s, to be read again (its records already sent are"
                                + " duplicates)", folder.getFileName(), FileRun.quoted(back.getFileName().toString()));
                    }
                } else if (Files.getLastModifiedTime(copy, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(before)) {
                    Files.deleteIfExists(copy);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("copies left over in %s not removed: %s", folder, e.getMessage());
        }
    }

    /** Whether a file was last moved (or changed) before {@code time}: its ctime, where the file system keeps one. */
    private static boolean movedBefore(Path file, Instant time) throws IOException {
        try {
            return ((FileTime) Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS)).toInstant()
                    .isBefore(time);
        } catch (UnsupportedOperationException | IllegalArgumentException noCtime) {
            return false; // kept: it cannot be told from one being compared now
        }
    }

    /** What the records are read from. */
    Path copy() {
        return copy;
    }

    /**
     * The file's records are all sent: the copy (what was sent) goes to {@code archived}, and the file in the inbox is
     * removed if it is still as it was copied. It is first moved aside, then compared, so that nothing written to it
     * meanwhile is lost: a file that changed goes back to the inbox, to be read as a new file.
     *
     * @return whether the file was still as it was copied
     */
    boolean archive(Path archived) throws IOException {
        Files.move(copy, archived, StandardCopyOption.ATOMIC_MOVE);
        Path aside = copy.resolveSibling(copy.getFileName() + ASIDE);
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException removed) {
            return false;
        }
        if (taken.equals(Stamp.of(aside))) {
            Files.delete(aside);
            return true;
        }
        Files.move(aside, Files.exists(file, LinkOption.NOFOLLOW_LINKS)
                ? OutcomeFolders.freeName(file.getParent(), file.getFileName().toString()) : file,
                StandardCopyOption.ATOMIC_MOVE);
        return false;
    }

    /** Removes the copy, unless it was archived. */
    void delete() {
        try {
            Files.deleteIfExists(copy);
        } catch (IOException e) {
            LOG.debugf("the copy %s was not removed (the next copy of its file replaces it): %s", copy, e.getMessage());
        }
    }

    /** The file was not copied (written to meanwhile, or the copy failed): it stays in the inbox for a later poll. */
    static final class NotCopiedException extends RuntimeException {

        NotCopiedException(String why) {
            super(why, null, false, false);
        }
    }
}
