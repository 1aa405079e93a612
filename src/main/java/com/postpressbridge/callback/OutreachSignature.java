package com.postpressbridge.callback;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-Outreach-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>}: the scheme the inbound
 * webhooks are checked with and the callbacks are signed with, so that a receiver checks a callback in a few lines.
 */
public final class OutreachSignature {

    private OutreachSignature() {
    }

    /** The header for a body signed at {@code unixSeconds}. */
    public static String header(String secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + v1(secret, String.valueOf(unixSeconds), body);
    }

    /** The {@code v1} value: hex of HMAC-SHA256(secret, "<timestamp>." + body). */
    public static String v1(String secret, String timestamp, byte[] body) {
        return HexFormat.of().formatHex(hmacSha256(secret, concat((timestamp + ".").getBytes(StandardCharsets.US_ASCII),
                body)));
    }

    /** The bytes of {@code a}, then those of {@code b}: what a signature is computed over. */
    public static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** HMAC-SHA256 of the bytes with the secret. */
    public static byte[] hmacSha256(String secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
