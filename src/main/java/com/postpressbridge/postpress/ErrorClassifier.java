package com.postpressbridge.postpress;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

import javax.net.ssl.SSLHandshakeException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.client5.http.ConnectTimeoutException;

import com.postpressbridge.config.PostpressConfig;
import com.postpressbridge.record.InvalidRecordException;
import com.postpressbridge.record.OutreachError;

/**
 * Reads a failed pass of a record into a {@link SendFailure}: postpress's error envelope (tolerantly: a missing or
 * broken body still routes by status), Retry-After, the kind of I/O failure, or why no request was made. What to do
 * about it is {@link OutcomePolicy}'s call; only the quick in-process re-send of blips is decided here, because the
 * error policy's {@code blip} clause must know it before the failure is handled.
 */
@ApplicationScoped
@Named("errorClassifier")
public class ErrorClassifier {

    /** Retry-After above this is not waited for in-process: the record goes to the retry folder at once. */
    static final Duration BLIP = Duration.ofSeconds(5);
    private static final int MAX_DETAIL = 500;

    /** What stands in an error's text where the API key was. */
    static final String REDACTED = "[redacted]";

    private final ObjectMapper json;
    /** The API key as an echo may carry it (null: no key). */
    private final Pattern echoes;

    @Inject
    public ErrorClassifier(ObjectMapper json, PostpressConfig postpress) {
        this(json, postpress.apiKey().filter(key -> !key.isBlank()).orElse(null));
    }

    /** @param apiKey the key sent to postpress, taken out of its answers' texts (null: none) */
    public ErrorClassifier(ObjectMapper json, String apiKey) {
        this.json = json;
        this.echoes = apiKey == null ? null : echoes(apiKey);
    }

    /** {@code onWhen} of the {@code blip} clause: a 503 or a connection that never opened, without a long Retry-After. */
    public boolean isBlip(Exchange exchange) {
        Throwable cause = caught(exchange);
        if (!(cause instanceof HttpOperationFailedException) && !isNoAnswer(exchange)) {
            return false;
        }
        SendFailure failure = classify(cause);
        boolean unavailable = failure.kind() == SendFailure.Kind.ANSWERED && failure.status() == 503
                && ErrorTable.routing(503, failure.error().type()) == ErrorRouting.RETRY;
        if (!unavailable && failure.kind() != SendFailure.Kind.NEVER_SENT) {
            return false;
        }
        Duration retryAfter = failure.retryAfterDelay(Instant.now());
        return retryAfter == null || retryAfter.compareTo(BLIP) <= 0;
    }

    /**
     * {@code onWhen} of the {@code no-answer} clause: the request itself failed with an I/O error. One of our own
     * failures that an I/O error caused (the ledger on a full disk) is not a missing answer, although Camel matches a
     * clause on the innermost cause first.
     */
    public boolean isNoAnswer(Exchange exchange) {
        return caught(exchange) instanceof IOException;
    }

    /** The exception being handled: still on the exchange while {@code onWhen} runs, in a property once handled. */
    public static Throwable caught(Exchange exchange) {
        Throwable cause = exchange.getException();
        return cause != null ? cause : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    public SendFailure classify(Throwable cause) {
        if (cause instanceof HttpOperationFailedException answer) {
            return answered(answer);
        }
        if (cause instanceof InvalidRecordException invalid) {
            return SendFailure.invalidRecord(invalid.error());
        }
        if (cause instanceof SendingPacedException paced) {
            return SendFailure.paced(paced.nextSlot());
        }
        if (cause instanceof SendingHeldException held) {
            return SendFailure.held(held.reason(), held.pausedUntil(), held.allSending());
        }
        IOException io = ioCause(cause);
        if (io != null) {
            return noAnswer(io);
        }
        String what = cause == null ? "unknown error"
                : redacted(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        return SendFailure.unexpected(OutreachError.local("internal_error", "Unexpected error in postpress-bridge",
                clip(what)));
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
            detail = clip(redacted("unreadable error body: " + body.strip()));
        }
        if (title == null) {
            title = redacted(answer.getStatusText());
        }
        return SendFailure.answered(new OutreachError(status, type, title, detail),
                header(answer.getResponseHeaders(), "Retry-After"));
    }

    private static SendFailure noAnswer(IOException io) {
        String what = io.getClass().getSimpleName() + (io.getMessage() == null ? "" : ": " + io.getMessage());
        if (neverSent(io)) {
            return SendFailure.neverSent(OutreachError.local("connection_failed", "No connection to postpress",
                    clip(what + " (the request was not sent)")));
        }
        return SendFailure.maybeSent(OutreachError.inDoubt(clip(what) + ": the request may have reached postpress"));
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

    private String text(JsonNode envelope, String field) {
        JsonNode value = envelope.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : clip(redacted(value.asText()));
    }

    /**
     * The text without the API key: a postpress (or a proxy before it) that echoes the request's headers in its error
     * must not put the key in outcome files, logs, the ledger or CRM events, which all take their error from here.
     */
    private String redacted(String text) {
        return echoes == null || text == null ? text : echoes.matcher(text).replaceAll(REDACTED);
    }

    /**
     * The key as an echo may carry it: in any case, and any of its characters percent-encoded (a proxy that echoes
     * the request line or a form encodes some, or all; a form writes a space as {@code +}) or escaped as in JSON or
     * JavaScript (a backslash, u and four hex digits, in a body that did not parse as JSON and is kept as text).
     */
    private static Pattern echoes(String apiKey) {
        StringBuilder pattern = new StringBuilder();
        apiKey.codePoints().forEach(point -> {
            String character = new String(Character.toChars(point));
            StringBuilder encoded = new StringBuilder();
            for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
                encoded.append('%').append(String.format("%02X", b & 0xff));
            }
            StringBuilder escaped = new StringBuilder();
            for (char unit : character.toCharArray()) {
                escaped.append("\\\\u").append(String.format("%04X", (int) unit));
            }
            pattern.append("(?:").append(Pattern.quote(character)).append('|').append(encoded).append('|')
                    .append(escaped).append(point == ' ' ? "|\\+" : "").append(')');
        });
        return Pattern.compile(pattern.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
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
