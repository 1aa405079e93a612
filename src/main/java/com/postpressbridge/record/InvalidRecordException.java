package com.postpressbridge.record;

/** A record that must not be sent as it is: quarantined with a {@code local/} error, no request made. */
public class InvalidRecordException extends RuntimeException {

    private final OutreachError error;

    public InvalidRecordException(String reason, String title, String detail) {
        this(OutreachError.local(reason, title, detail));
    }

    public InvalidRecordException(OutreachError error) {
        super(error.toString(), null, false, false);
        this.error = error;
    }

    public OutreachError error() {
        return error;
    }
}
