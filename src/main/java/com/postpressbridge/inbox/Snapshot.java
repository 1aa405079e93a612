package com.postpressbridge.inbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

import org.jboss.logging.Logger;

/**
 * A copy of an inbox file made when its reading begins, and the file's size, modification time and identity then:
 * its records are read from the copy, so that what is sent is the file as it was, whatever is done to it in the inbox
 * meanwhile; and {@link InboxFiles#finish} tells by them whether the file changed since.
 */
final class Snapshot {

    /** The folder of the copies, beside the inbox (in {@code outreach.dir}, so a copy can be moved to the archive). */
    static final String FOLDER = ".reading";

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
     * Copies the file to {@code copy}.
     *
     * @throws UnreadableFileException the file cannot be opened for reading (it goes to quarantine)
     * @throws FileChangingException   the file changed while it was copied (it is read later)
     * @throws IOException             the copy cannot be written (the file stays in the inbox)
     */
    static Snapshot take(Path file, Path copy) throws IOException {
        Stamp before = Stamp.of(file);
        InputStream in;
        try {
            in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UnreadableFileException("unreadable_file", ReadProblems.plain(e), null, null);
        }
        Files.createDirectories(copy.getParent());
        try (in) {
            Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(copy);
            throw e;
        }
        if (!before.equals(Stamp.of(file))) {
            Files.deleteIfExists(copy);
            throw new FileChangingException();
        }
        return new Snapshot(file, copy, before);
    }

    /** What the records are read from. */
    Path copy() {
        return copy;
    }

    /** Whether the file in the inbox is still as it was copied (not written to, replaced, or removed). */
    boolean unchanged() {
        try {
            return taken.equals(Stamp.of(file));
        } catch (IOException gone) {
            return false;
        }
    }

    /** Removes the copy, unless it was archived. */
    void delete() {
        try {
            Files.deleteIfExists(copy);
        } catch (IOException e) {
            LOG.debugf("the copy %s was not removed (the next copy of its file replaces it): %s", copy, e.getMessage());
        }
    }

    /** The file was written to while it was copied: still being written, it is read once it stops changing. */
    static final class FileChangingException extends RuntimeException {

        FileChangingException() {
            super("the file changed while it was copied for reading", null, false, false);
        }
    }
}
