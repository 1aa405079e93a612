package com.postpressbridge.inbox;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A file's name is bytes; Java reads it in the encoding of the process's locale ({@code sun.jnu.encoding}). A name
 * that is not valid in that encoding (not UTF-8, or anything but ASCII when the bridge was started without a UTF-8
 * locale) is read with replacement characters, and that string leads to no file: the file consumer never sees the
 * file, and nothing could open it by that name. Such a file is moved by the path it was listed with, which keeps the
 * bytes, under a name of its bytes %-escaped.
 */
public final class FileNames {

    private FileNames() {
    }

    /** The encoding this process reads file names in. */
    public static Charset nameEncoding() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (IllegalArgumentException unknown) {
            return StandardCharsets.US_ASCII;
        }
    }

    /** Whether the file (as listed from its folder) can be found again by its name as this process reads it. */
    public static boolean readable(Path listed) {
        Path byName = listed.resolveSibling(listed.getFileName().toString());
        return byName.toAbsolutePath().toUri().equals(listed.toAbsolutePath().toUri());
    }

    /** The name's bytes, those outside plain ASCII (and {@code %}) written {@code %XX}: {@code caf%C3%A9.csv}. */
    public static String escaped(Path listed) {
        String path = listed.toAbsolutePath().toUri().getRawPath();
        if (path.endsWith("/")) { // a folder
            path = path.substring(0, path.length() - 1);
        }
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Why a file of that name was quarantined as {@code escaped}, and what to do, for names read in {@code encoding}. */
    public static String why(String escaped, Charset encoding) {
        String movedAs = "; it was moved here as \"" + escaped + "\" (its bytes, %-escaped)";
        if (encoding.equals(StandardCharsets.UTF_8)) {
            return "this file's name is not valid UTF-8, so the bridge cannot open the file by its name" + movedAs
                    + ". Rename it with a UTF-8 name and drop it in the inbox again";
        }
        return "the bridge reads file names as " + encoding.name() + ", because it was started without a UTF-8"
                + " locale, and this name has other characters" + movedAs + ". Start the bridge with LANG=C.UTF-8 (the"
                + " bin/ scripts and the container images do), or rename the file with ASCII letters and drop it in"
                + " the inbox again";
    }

    /** The longest inbox file name taken, in bytes: the outcome files named after it stay names a file system takes. */
    public static final int LONGEST = 200;

    /** Whether a name is longer than {@link #LONGEST} bytes (UTF-8). */
    public static boolean tooLong(String name) {
        return name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > LONGEST;
    }

    /**
     * {@code name + suffix}, the name cut short (whole characters, marked with {@code ~}) when the whole would be over
     * the 255 bytes a file name may have.
     */
    public static String fit(String name, String suffix) {
        String whole = name + suffix;
        if (whole.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255) {
            return whole;
        }
        StringBuilder cut = new StringBuilder();
        int room = 255 - 1 - suffix.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        int used = 0;
        for (int at = 0; at < name.length(); ) {
            int point = name.codePointAt(at);
            int bytes = new String(Character.toChars(point)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (used + bytes > room) {
                break;
            }
            cut.appendCodePoint(point);
            used += bytes;
            at += Character.charCount(point);
        }
        return cut + "~" + suffix;
    }
}
