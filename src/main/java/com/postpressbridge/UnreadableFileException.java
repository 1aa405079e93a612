package com.postpressbridge;

/** An inbox file that cannot be read at all; it goes whole to quarantine with a {@code .error.json}. */
public class UnreadableFileException extends RuntimeException {

    private final String reason;
    private final Long line;
    private final Long column;

    public UnreadableFileException(String reason, String detail, Long line, Long column) {
        super(detail + (line == null ? "" : " (line " + line + (column == null ? "" : ", column " + column) + ")"));
        this.reason = reason;
        this.line = line;
        this.column = column;
    }

    /** The {@code local/} error type: unsupported_file, not_utf8, malformed_csv, malformed_json, ... */
    public String reason() {
        return reason;
    }

    public Long line() {
        return line;
    }

    public Long column() {
        return column;
    }
}
