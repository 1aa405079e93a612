package com.postpressbridge.record;

import java.nio.file.Path;

/** A file sent as a part of the request: its name as the record gave it, where it is, and its media type. */
public record Attachment(String fileName, Path path, String contentType) {
}
