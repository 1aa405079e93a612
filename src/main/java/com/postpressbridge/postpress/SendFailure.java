package com.postpressbridge.postpress;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import com.postpressbridge.record.OutreachError;

/**
 * What came back from one pass of a record through {@code send-chat}, read by {@link ErrorClassifier}: postpress's
 * answer (its status, error envelope and Retry-After), no answer at all (and whether the request may have arrived),
 * or why no request was made. It says what happened, not what to do: {@link OutcomePolicy} decides that.
 *
 * @param error       the error to keep in the outcome file (for {@link Kind#ANSWERED}: the HTTP status and what the
 *                    envelope said, if anything; for the held kinds: the reason of the pause)
 * @param retryAfter  the Retry-After header as postpress sent it (seconds or an HTTP date), or null
 * @param pausedUntil for the held kinds: the end of the pause that held the record (in the past while another record
 *                    probes it), else null
 */
public record SendFailure(Kind kind, OutreachError error, String retryAfter, Instant pausedUntil) {

    public enum Kind {
        /** postpress answered with an HTTP status: any status, a 2xx is a success. */
        ANSWERED,
        /** No answer, and the request surely never left (no connection was made). */
        NEVER_SENT,
        /** No answer, and the request may have reached postpress (read timeout, reset, empty answer). */
        MAYBE_SENT,
        /** The record must not be sent as it is: no request was made. */
        INVALID_RECORD,
        /** Not sent: its account is paused, or another record probes it. */
        HELD_BY_ACCOUNT,
        /** Not sent: all sending is stopped because postpress refused the API key. */
        HELD_BY_API_KEY,
        /** Not sent: its account's pacing has no free slot now ({@code pausedUntil}: the next one). */
        PACED,
        /** A bug of ours; once the record is claimed, a request may have left. */
        UNEXPECTED
    }

    /** An answer of postpress. */
    public static SendFailure answered(OutreachError error, String retryAfter) {
        return new SendFailure(Kind.ANSWERED, error, retryAfter, null);
    }

    /** An answer without an error envelope: what a 2xx is. */
    public static SendFailure answered(int status) {
        return answered(new OutreachError(status, null, null, null), null);
    }

    public static SendFailure neverSent(OutreachError error) {
        return new SendFailure(Kind.NEVER_SENT, error, null, null);
    }

    public static SendFailure maybeSent(OutreachError error) {
        return new SendFailure(Kind.MAYBE_SENT, error, null, null);
    }

    public static SendFailure invalidRecord(OutreachError error) {
        return new SendFailure(Kind.INVALID_RECORD, error, null, null);
    }

    /** Held without a request by a pause that lasts until the given time. */
    public static SendFailure held(OutreachError reason, Instant pausedUntil, boolean byApiKey) {
        return new SendFailure(byApiKey ? Kind.HELD_BY_API_KEY : Kind.HELD_BY_ACCOUNT, reason, null, pausedUntil);
    }

    /** Not sent now: the account's next free slot is at the given time. */
    public static SendFailure paced(Instant nextSlot) {
        return new SendFailure(Kind.PACED, OutreachError.local("pacing", "Paced",
                "the account's pacing has no free slot before " + nextSlot), null, nextSlot);
    }

    public static SendFailure unexpected(OutreachError error) {
        return new SendFailure(Kind.UNEXPECTED, error, null, null);
    }

    /** The HTTP status of an answer; null for everything else. */
    public Integer status() {
        return kind == Kind.ANSWERED ? error.status() : null;
    }

    /** How long postpress asked to wait, counted from {@code now}; null when it did not ask (or unreadably). */
    public Duration retryAfterDelay(Instant now) {
        return parseRetryAfter(retryAfter, now);
    }

    /** Retry-After as seconds or as an HTTP date; null when absent or unreadable, zero for a date in the past. */
    public static Duration parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.matches("[0-9]{1,10}")) {
            return Duration.ofSeconds(Long.parseLong(trimmed));
        }
        try {
            Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
