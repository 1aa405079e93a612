package com.postpressbridge.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.postpressbridge.callback.OutreachSignature;

/**
 * The ways a webhook sender proves who it is. Every comparison takes the same time whatever the bytes, and a
 * failure never says which part was wrong.
 */
public final class WebhookSignatures {

    private WebhookSignatures() {
    }

    /**
     * {@code X-Outreach-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]}, the hex being
     * HMAC-SHA256(secret, "<t>." + raw body). Any of the secrets (rotation) may have signed it; the timestamp must be
     * within the tolerance of now, either way.
     */
    public static boolean outreachSignature(String header, byte[] body, List<String> secrets, Duration tolerance,
            Instant now) {
        if (header == null || secrets.isEmpty()) {
            return false;
        }
        String timestamp = null;
        List<String> signatures = new ArrayList<>();
        for (String element : header.split(",")) {
            String[] pair = element.trim().split("=", 2);
            if (pair.length != 2) {
                continue;
            }
            if (pair[0].equals("t")) {
                timestamp = pair[1];
            } else if (pair[0].equals("v1")) {
                signatures.add(pair[1].toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (timestamp == null || !timestamp.matches("[0-9]{1,12}") || signatures.isEmpty()
                || !fresh(Instant.ofEpochSecond(Long.parseLong(timestamp)), tolerance, now)) {
            return false;
        }
        boolean match = false;
        for (String secret : secrets) {
            byte[] expected = OutreachSignature.v1(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
            for (String signature : signatures) {
                match |= MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
            }
        }
        return match;
    }

    /** {@code Authorization: Bearer <token>} for senders that can only add a fixed header. */
    public static boolean bearer(String authorization, List<String> tokens) {
        return fixedCredential(authorization, "Bearer ", bearerTokens(tokens), false);
    }

    /** {@code Authorization: Basic base64(user:password)}, for senders such as Pipedrive that offer only that. */
    public static boolean basic(String authorization, List<String> userPasswords) {
        return fixedCredential(authorization, "Basic ", userPasswords(userPasswords), true);
    }

    /**
     * The entries of {@code OUTREACH_WEBHOOK_TOKENS} that are bearer tokens: those without ':'. A user:password entry is
     * a basic source's, never a bearer token, or the password a CRM keeps would open every source that takes bearer
     * tokens (a probe).
     */
    public static List<String> bearerTokens(List<String> tokens) {
        return tokens.stream().filter(token -> token.indexOf(':') < 0).toList();
    }

    /** The entries of {@code OUTREACH_WEBHOOK_TOKENS} that are a basic source's user:password. */
    public static List<String> userPasswords(List<String> tokens) {
        return tokens.stream().filter(entry -> entry.indexOf(':') > 0).toList();
    }

    private static boolean fixedCredential(String authorization, String scheme, List<String> accepted, boolean base64) {
        if (authorization == null || !authorization.regionMatches(true, 0, scheme, 0, scheme.length())) {
            return false;
        }
        String given = authorization.substring(scheme.length()).trim();
        boolean match = false;
        for (String credential : accepted) {
            String expected = base64 ? Base64.getEncoder().encodeToString(credential.getBytes(StandardCharsets.UTF_8))
                    : credential;
            match |= MessageDigest.isEqual(sha256(expected), sha256(given));
        }
        return match;
    }

    /**
     * HubSpot's v3 signature: {@code X-HubSpot-Signature-v3} = base64(HMAC-SHA256(client secret, method + URI + body +
     * timestamp)), with {@code X-HubSpot-Request-Timestamp} in milliseconds, at most five minutes old.
     */
    public static boolean hubspotV3(String signature, String timestampMillis, String method, String uri, byte[] body,
            String secret, Instant now) {
        if (signature == null || timestampMillis == null || secret == null || !timestampMillis.matches("[0-9]{1,15}")
                || !fresh(Instant.ofEpochMilli(Long.parseLong(timestampMillis)), Duration.ofMinutes(5), now)) {
            return false;
        }
        byte[] signed = OutreachSignature.concat(OutreachSignature.concat((method + uri)
                .getBytes(StandardCharsets.UTF_8), body), timestampMillis.getBytes(StandardCharsets.US_ASCII));
        byte[] expected = Base64.getEncoder().encode(OutreachSignature.hmacSha256(secret, signed));
        return MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean fresh(Instant at, Duration tolerance, Instant now) {
        return !at.isBefore(now.minus(tolerance)) && !at.isAfter(now.plus(tolerance));
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
