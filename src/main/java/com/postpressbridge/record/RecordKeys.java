package com.postpressbridge.record;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The identity of a record in the ledger: its {@code external_id} when it has one, else a hash of what would be
 * sent (account, attendees, texts after templates, subject, file names and bytes, LinkedIn options). Two records
 * that would send the same message to the same people have the same key.
 */
public final class RecordKeys {

    public static final int MAX_EXTERNAL_ID = 200;
    private static final String CONTENT_PREFIX = "sha256-";

    private RecordKeys() {
    }

    /** A hash of exactly what the request would send, file bytes included. */
    public static String contentHash(ChatRequest request) {
        MessageDigest digest = sha256();
        digest.update("postpress-chat/1\n".getBytes(StandardCharsets.UTF_8));
        for (FormPart part : request.parts()) {
            update(digest, part.name());
            if (part.isFile()) {
                update(digest, part.file().fileName());
                digest.update(fileHash(part.file()));
            } else {
                update(digest, part.value());
            }
        }
        return CONTENT_PREFIX + HexFormat.of().formatHex(digest.digest());
    }

    /** Key of a record that could not be turned into a request: its external_id, else a hash of its JSON. */
    public static String ofRecord(JsonNode record, String raw) {
        String external = externalId(record);
        if (external != null) {
            return external;
        }
        MessageDigest digest = sha256();
        digest.update("postpress-record/1\n".getBytes(StandardCharsets.UTF_8));
        update(digest, record == null ? "" : canonical(record));
        update(digest, raw == null ? "" : raw);
        return CONTENT_PREFIX + HexFormat.of().formatHex(digest.digest());
    }

    /** The external_id of a record, or null when it has none (validated by {@link ChatRequestMapper}). */
    public static String externalId(JsonNode record) {
        JsonNode id = record == null || !record.isObject() ? null : record.get(ChatField.EXTERNAL_ID.fieldName());
        if (id == null || id.isNull() || id.isContainerNode() || id.asText().isBlank()) {
            return null;
        }
        return id.asText().trim();
    }

    /** Eight hex digits of the key's hash: short enough for a file name, enough to tell records of one line apart. */
    public static String tag(String key) {
        return HexFormat.of().formatHex(sha256().digest(key.getBytes(StandardCharsets.UTF_8)), 0, 4);
    }

    /** A key that is a file name as it is (compiled once: every sent record asks). */
    private static final Pattern PLAIN_FILE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}");

    /** A file name for a key: the key itself when it is safe, else a cleaned copy made unique by a hash suffix. */
    public static String fileName(String key) {
        if (PLAIN_FILE_NAME.matcher(key).matches()) {
            return key;
        }
        String cleaned = key.replaceAll("[^A-Za-z0-9._-]", "_");
        if (cleaned.length() > 150) {
            cleaned = cleaned.substring(0, 150);
        }
        byte[] hash = sha256().digest(key.getBytes(StandardCharsets.UTF_8));
        return "_" + cleaned + "-" + HexFormat.of().formatHex(hash, 0, 6);
    }

    private static byte[] fileHash(Attachment file) {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file.path())) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read attachment " + file.fileName(), e);
        }
        return digest.digest();
    }

    /** JSON with object fields sorted, so that field order does not change a key. */
    static String canonical(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            StringBuilder out = new StringBuilder("{");
            for (String name : names) {
                out.append(out.length() > 1 ? "," : "").append(quote(name)).append(':').append(canonical(node.get(name)));
            }
            return out.append('}').toString();
        }
        if (node.isArray()) {
            StringBuilder out = new StringBuilder("[");
            for (JsonNode element : node) {
                out.append(out.length() > 1 ? "," : "").append(canonical(element));
            }
            return out.append(']').toString();
        }
        return node.toString();
    }

    private static String quote(String text) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(text).toString();
    }

    private static void update(MessageDigest digest, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
