package com.postpressbridge.inbox;

/** An inbox file that cannot be read at all; it goes whole to quarantine with a {@code .error.json}. */
public class UnreadableFileException extends RuntimeException {

    private final String reason;
    private final Long line;
    private final Long column;
    private final long recordsRead;

    public UnreadableFileException(String reason, String detail, Long line, Long column) {
        this(reason, detail, line, column, 0);
    }

    private UnreadableFileException(String reason, String detail, Long line, Long column, long recordsRead) {
        super(detail + (line == null ? "" : " (line " + line + (column == null ? "" : ", column " + column) + ")"),
                null, false, false);
        this.reason = reason;
        this.line = line;
        this.column = column;
        this.recordsRead = recordsRead;
    }

    /** The file passed its check but failed while its records were read, after {@code recordsRead} of them. */
    public static UnreadableFileException whileReading(String reason, Throwable failure, Long line, long recordsRead) {
        if (failure instanceof UnreadableFileException known) {
            return new UnreadableFileException(known.reason, known.detail(), known.line, known.column, recordsRead);
        }
        return new UnreadableFileException(reason, ReadProblems.plain(failure), line, null, recordsRead);
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

    /** Records of the file handed out before the failure: they have their outcomes; the rest was not read. */
    public long recordsRead() {
        return recordsRead;
    }

    private String detail() {
        String message = getMessage();
        int at = line == null ? -1 : message.lastIndexOf(" (line ");
        return at < 0 ? message : message.substring(0, at);
    }
}
