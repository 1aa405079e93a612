package com.postpressbridge.record;

/** One part of the multipart request: a text field or a file. */
public record FormPart(String name, String value, Attachment file) {

    public static FormPart text(String name, String value) {
        return new FormPart(name, value, null);
    }

    public static FormPart file(String name, Attachment file) {
        return new FormPart(name, null, file);
    }

    public boolean isFile() {
        return file != null;
    }
}
