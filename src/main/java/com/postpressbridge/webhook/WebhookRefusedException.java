package com.postpressbridge.webhook;

/** A webhook delivery refused as a whole, with the HTTP status of the answer; nothing of it was stored. */
public class WebhookRefusedException extends RuntimeException {

    private final int status;
    private final String error;
    private final String detail;
    private final Integer retryAfterSeconds;

    public WebhookRefusedException(int status, String error, String detail) {
        this(status, error, detail, null);
    }

    public WebhookRefusedException(int status, String error, String detail, Integer retryAfterSeconds) {
        super(status + " " + error + (detail == null ? "" : ": " + detail), null, false, false);
        this.status = status;
        this.error = error;
        this.detail = detail;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String detail() {
        return detail;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
