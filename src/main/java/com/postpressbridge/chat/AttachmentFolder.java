package com.postpressbridge.chat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.record.Attachment;
import com.postpressbridge.record.InvalidRecordException;

/**
 * The one folder record file names are resolved in. A name that is absolute, or that leaves the folder through
 * {@code ..} or a symbolic link, is refused: a record must never be able to send an arbitrary file of this machine.
 */
@ApplicationScoped
public class AttachmentFolder {

    private static final Map<String, String> MEDIA_TYPES = Map.ofEntries(
            Map.entry("pdf", "application/pdf"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("heic", "image/heic"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("mov", "video/quicktime"),
            Map.entry("webm", "video/webm"),
            Map.entry("avi", "video/x-msvideo"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("m4a", "audio/mp4"),
            Map.entry("aac", "audio/aac"),
            Map.entry("wav", "audio/wav"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("opus", "audio/opus"),
            Map.entry("txt", "text/plain"),
            Map.entry("csv", "text/csv"),
            Map.entry("doc", "application/msword"),
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("xls", "application/vnd.ms-excel"),
            Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Map.entry("ppt", "application/vnd.ms-powerpoint"),
            Map.entry("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            Map.entry("zip", "application/zip"));

    private final Path root;

    public AttachmentFolder(OutreachConfig config) {
        this.root = Path.of(config.attachmentsDir()).toAbsolutePath().normalize();
    }

    /**
     * @param field the record field that named the file, quoted in errors
     */
    public Attachment resolve(String field, String name) {
        Path relative;
        try {
            relative = Path.of(name);
        } catch (InvalidPathException e) {
            throw invalidPath(field, name, "is not a valid file name");
        }
        if (relative.isAbsolute() || name.startsWith("/") || name.startsWith("\\")) {
            throw invalidPath(field, name, "is an absolute path; name a file inside the attachments folder");
        }
        Path file = root.resolve(relative).normalize();
        if (!file.startsWith(root)) {
            throw invalidPath(field, name, "points outside the attachments folder");
        }
        if (!Files.exists(file)) {
            throw new InvalidRecordException("attachment_not_found", "Attachment not found",
                    field + ": \"" + name + "\" is not in the attachments folder " + root);
        }
        try {
            Path real = file.toRealPath();
            if (!real.startsWith(root.toRealPath())) {
                throw invalidPath(field, name, "is a link to a file outside the attachments folder");
            }
            if (!Files.isRegularFile(real)) {
                throw new InvalidRecordException("attachment_not_found", "Attachment not found",
                        field + ": \"" + name + "\" is not a regular file");
            }
            return new Attachment(relative.getFileName().toString(), real, mediaType(name));
        } catch (IOException e) {
            throw new InvalidRecordException("attachment_not_found", "Attachment not readable",
                    field + ": \"" + name + "\" cannot be read: " + e.getMessage());
        }
    }

    private static InvalidRecordException invalidPath(String field, String name, String why) {
        return new InvalidRecordException("invalid_attachment_path", "Attachment path refused",
                field + ": \"" + name + "\" " + why);
    }

    static String mediaType(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String extension = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return MEDIA_TYPES.getOrDefault(extension, "application/octet-stream");
    }
}
