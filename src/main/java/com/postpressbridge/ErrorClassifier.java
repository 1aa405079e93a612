package com.postpressbridge;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

import javax.net.ssl.SSLHandshakeException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.client5.http.ConnectTimeoutException;

/**
 * Reads a failed send: postpress's error envelope (tolerantly: a missing or broken body still routes by status),
 * Retry-After, or the kind of I/O failure. The {@code is...} methods are the {@code onWhen} predicates of the
 * error policy in {@code routes/error-handling.camel.yaml}.
 */
@ApplicationScoped
@Named("errorClassifier")
public class ErrorClassifier {

    static final String FAILURE = "outreachFailure";
    /** Retry-After above this is not waited for in-process: the record goes to the retry folder at once. */
    static final Duration BLIP = Duration.ofSeconds(5);
    private static final int MAX_DETAIL = 500;

    private final ObjectMapper json;
    private final OutreachConfig config;

    public ErrorClassifier(ObjectMapper json, OutreachConfig config) {
        this.json = json;
        this.config = config;
    }

    public boolean isAlreadyPerformed(Exchange exchange) {
        return routing(exchange) == ErrorRouting.ALREADY_PERFORMED;
    }

    public boolean isQuarantine(Exchange exchange) {
        return routing(exchange) == ErrorRouting.QUARANTINE;
    }

    public boolean isStopAll(Exchange exchange) {
        return routing(exchange) == ErrorRouting.STOP_ALL;
    }

    public boolean isHoldAccount(Exchange exchange) {
        ErrorRouting routing = routing(exchange);
        return routing == ErrorRouting.HOLD_ACCOUNT || routing == ErrorRouting.HOLD_ACCOUNT_LONG;
    }

    public boolean isRateLimited(Exchange exchange) {
        return routing(exchange) == ErrorRouting.RETRY_PAUSE_ACCOUNT;
    }

    public boolean isRetryLater(Exchange exchange) {
        return routing(exchange) == ErrorRouting.RETRY_LATER;
    }

    /** A 503 or a connection that never opened: worth a quick re-send in-process before the retry folder. */
    public boolean isBlip(Exchange exchange) {
        SendFailure failure = failure(exchange);
        if (failure.routing() != ErrorRouting.RETRY) {
            return false;
        }
        boolean unavailable = failure.error().status() != null && failure.error().status() == 503;
        boolean shortWait = failure.retryAfter() == null || failure.retryAfter().compareTo(BLIP) <= 0;
        return (unavailable || failure.neverSent()) && shortWait;
    }

    public boolean isRetry(Exchange exchange) {
        return routing(exchange) == ErrorRouting.RETRY;
    }

    private ErrorRouting routing(Exchange exchange) {
        return failure(exchange).routing();
    }

    /** The failure of the exception being handled, read once per exception. */
    public SendFailure failure(Exchange exchange) {
        Throwable cause = exchange.getException();
        if (cause == null) {
            cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        }
        Object cached = exchange.getProperty(FAILURE);
        if (cached instanceof CachedFailure hit && hit.cause == cause) {
            return hit.failure;
        }
        SendFailure failure = classify(cause);
        exchange.setProperty(FAILURE, new CachedFailure(cause, failure));
        return failure;
    }

    private record CachedFailure(Throwable cause, SendFailure failure) {
    }

    public SendFailure classify(Throwable cause) {
        if (cause instanceof HttpOperationFailedException answer) {
            return answered(answer);
        }
        if (cause instanceof InvalidRecordException invalid) {
            return new SendFailure(ErrorRouting.QUARANTINE, invalid.error(), null, false, true);
        }
        IOException io = ioCause(cause);
        if (io != null) {
            return noAnswer(io);
        }
        String what = cause == null ? "unknown error" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new SendFailure(ErrorRouting.QUARANTINE,
                OutreachError.local("internal_error", "Unexpected error in postpress-bridge", clip(what)), null, false,
                true);
    }

    private SendFailure answered(HttpOperationFailedException answer) {
        int status = answer.getStatusCode();
        String type = null;
        String title = null;
        String detail = null;
        String body = answer.getResponseBody();
        JsonNode envelope = parse(body);
        if (envelope != null) {
            type = text(envelope, "type");
            title = text(envelope, "title");
            detail = text(envelope, "detail");
        } else if (body != null && !body.isBlank()) {
            detail = clip("unreadable error body: " + body.strip());
        }
        if (title == null) {
            title = answer.getStatusText();
        }
        OutreachError error = new OutreachError(status, type, title, detail);
        Duration retryAfter = retryAfter(header(answer.getResponseHeaders(), "Retry-After"), Instant.now());
        return new SendFailure(ErrorTable.routing(status, type), error, retryAfter, true, false);
    }

    private SendFailure noAnswer(IOException io) {
        String what = io.getClass().getSimpleName() + (io.getMessage() == null ? "" : ": " + io.getMessage());
        if (neverSent(io)) {
            return new SendFailure(ErrorRouting.RETRY, OutreachError.local("connection_failed",
                    "No connection to postpress", clip(what + " (the request was not sent)")), null, false, true);
        }
        ErrorRouting routing = config.retry().inDoubt() == OutreachConfig.InDoubtPolicy.retry
                ? ErrorRouting.RETRY
                : ErrorRouting.QUARANTINE;
        return new SendFailure(routing, OutreachError.local("in_doubt", "No answer from postpress",
                clip(what + ": the request may have reached postpress and the chat may have started. Check the"
                        + " conversation before dropping this record back in the inbox.")),
                null, false, false);
    }

    /** The request did not leave this machine: no connection was ever made. */
    static boolean neverSent(IOException io) {
        return io instanceof ConnectException || io instanceof UnknownHostException
                || io instanceof NoRouteToHostException || io instanceof ConnectTimeoutException
                || io instanceof SSLHandshakeException
                || io instanceof org.apache.hc.core5.http.ConnectionRequestTimeoutException;
    }

    private static IOException ioCause(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    /** Retry-After as seconds or as an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String value, Instant now) {
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

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = json.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode envelope, String field) {
        JsonNode value = envelope.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : clip(value.asText());
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            if (name.equalsIgnoreCase(header.getKey())) {
                return header.getValue();
            }
        }
        return null;
    }

    private static String clip(String text) {
        return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "…";
    }
}
