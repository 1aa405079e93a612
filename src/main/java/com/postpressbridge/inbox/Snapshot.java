package com.postpressbridge.inbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
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
    /** The length of a copy's name before its extension: two tags of 8 hex digits. */
    private static final int HASH_LENGTH = 16;
    /** Between the hash and the file's own name in the name of a file moved aside. */
    private static final char NAMED = '~';
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
        Path copy = folder.resolve(copyHash(name, instance) + (name.lastIndexOf('.') < 0 ? ""
                : name.substring(name.lastIndexOf('.'))));
        Stamp before = Stamp.of(file);
        InputStream in;
        try {
            in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UnreadableFileException("unreadable_file", ReadProblems.plain(e), null, null);
        }
        try (in) {
            Files.createDirectories(folder);
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            delete(copy); // a failure to remove it must not replace the reason (it went to Camel's error log)
            throw new NotCopiedException("it cannot be copied for reading (" + copyProblem(e, file, folder) + "): it"
                    + " stays in the inbox and is tried again");
        }
        if (!before.equals(Stamp.of(file))) {
            delete(copy);
            throw new NotCopiedException("it changed while it was being copied for reading: it is read once it stops"
                    + " changing");
        }
        return new Snapshot(file, copy, before);
    }

    /**
     * Why a copy failed: reading the file, or writing its copy in the copies' folder (said so, with the folder and what
     * to do). A full disk fails a write without naming a file.
     */
    static String copyProblem(IOException e, Path file, Path folder) {
        String copy = "its copy cannot be written in " + folder + ": ";
        if (e instanceof FileSystemException refused && refused.getFile() != null
                && !refused.getFile().equals(file.toString())) {
            if (refused instanceof AccessDeniedException) {
                return copy + "permission denied: give the user that runs the bridge write access to it";
            }
            if (refused instanceof FileAlreadyExistsException) {
                return copy + "a file of that name is in the way: remove it (the bridge makes the folder)";
            }
            return copy + (refused.getReason() != null ? refused.getReason() : "input/output error");
        }
        String message = String.valueOf(e.getMessage());
        if (!(e instanceof FileSystemException) && (message.contains("No space left") || message.contains("quota"))) {
            return copy + message + ": make room on its disk";
        }
        return ReadProblems.plain(e);
    }

    /**
     * Removes copies left over by a process that died while it sent their file. Never a file moved aside to be compared
     * ({@link #ASIDE}) while it may be compared: that is the inbox file itself, whose time of change the move keeps (an
     * old one, for a file copied in with its times), and another process may be comparing it right now. One moved aside
     * longer ago than a compare could take (the move's own time, its ctime) was left by a process that died between the
     * move and the compare: it goes back to the inbox under its own name, and is read again (its records already sent
     * are duplicates; what was written to it meanwhile is sent). Without that it would be lost.
     */
    static void removeLeftOvers(Path folder, Path inbox, Instant now) {
        removeLeftOvers(folder, inbox, now, null);
    }

    /**
     * As {@link #removeLeftOvers(Path, Path, Instant)}; at the start of the process {@code starting} (its instance),
     * before it reads any file: a file it moved aside itself in an earlier life (its name tells) is stranded whatever
     * its age, and goes back at once.
     */
    static void removeLeftOvers(Path folder, Path inbox, Instant now, String starting) {
        Instant before = now.minus(LEFT_OVER);
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> copies = Files.newDirectoryStream(folder)) {
            for (Path copy : copies) {
                try {
                    String name = copy.getFileName().toString();
                    if (name.endsWith(ASIDE)) {
                        if (asideBy(name, starting) || movedBefore(copy, now.minus(STRANDED))) {
                            moveBack(copy, inbox);
                        }
                    } else if (Files.getLastModifiedTime(copy, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(before)) {
                        Files.deleteIfExists(copy);
                    }
                } catch (IOException | RuntimeException e) { // gone meanwhile (another replica's sweep), or refused
                    LOG.debugf("left over %s not tidied: %s", copy, e.getMessage());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("copies left over in %s not removed: %s", folder, e.getMessage());
        }
    }

    /**
     * The name of an inbox file moved aside beside its copy: the copy's hash, then the file's own name, so that it goes
     * back under that name if it is ever stranded there.
     */
    private static String asideName(Path copy, String name) {
        if (FileNames.tooLong(name)) { // refused before it is read; would not fit beside the hash: recovered-<copy>
            return copy.getFileName() + ASIDE;
        }
        return copy.getFileName().toString().substring(0, HASH_LENGTH) + NAMED + name + ASIDE;
    }

    /** Whether a file aside was moved there by this process's instance (null: none asked). */
    private static boolean asideBy(String name, String instance) {
        String own = ownName(name);
        return instance != null && own != null && name.startsWith(copyHash(own, instance));
    }

    /** The name of the inbox file a file aside is, or null when the name was not kept (too long, or an older aside). */
    private static String ownName(String aside) {
        return aside.length() > HASH_LENGTH + 1 + ASIDE.length() && aside.charAt(HASH_LENGTH) == NAMED
                ? aside.substring(HASH_LENGTH + 1, aside.length() - ASIDE.length()) : null;
    }

    /** The part of a copy's name that tells its file and process apart (a hash of both). */
    private static String copyHash(String name, String instance) {
        return RecordKeys.tag(instance + "/" + name) + RecordKeys.tag(name + "/" + instance);
    }

    /** Puts a stranded file aside back in the inbox under its own name (taken: the next free one), and says so. */
    private static void moveBack(Path aside, Path inbox) {
        String name = aside.getFileName().toString();
        String own = ownName(name) != null ? ownName(name) : "recovered-" + name.substring(0, name.length()
                - ASIDE.length()); // a name too long to be kept
        try {
            Path back = OutcomeFolders.freeName(inbox, own);
            Files.move(aside, back, StandardCopyOption.ATOMIC_MOVE);
            LOG.warnf("%s was left aside in %s by a process that stopped while it compared it with what it had sent:"
                    + " back in the inbox as %s, to be read again (its records already sent are duplicates)",
                    FileRun.quoted(own), aside.getParent().getFileName(), FileRun.quoted(back.getFileName().toString()));
        } catch (IOException | RuntimeException e) {
            LOG.warnf("%s, left aside in %s by a process that stopped while it compared it, could not be moved back to"
                    + " the inbox (%s): move %s there by hand", FileRun.quoted(own), aside.getParent(), e.getMessage(),
                    aside);
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
        Path aside = copy.resolveSibling(asideName(copy, file.getFileName().toString()));
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
        delete(copy);
    }

    private static void delete(Path copy) {
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
