package com.postpressbridge.status;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;

import io.vertx.core.net.SocketAddress;

import com.postpressbridge.config.OutreachConfig;

/**
 * Who may read {@code GET /status}: it shows account ids, file names and error details, so it is not for everyone who
 * can reach the HTTP port (webhooks come in on that port from the internet). Allowed: a request from this machine
 * (loopback: a browser on the host, {@code kubectl port-forward}) that names this machine as its host (a web page
 * elsewhere cannot make a local browser read it by pointing a name of its own at 127.0.0.1), or one that carries
 * {@code Authorization: Bearer <outreach.status.token>}. Everyone else gets 403 with what to do. The page at {@code /}
 * and the help page hold no data and are served to all; the page passes the token from its URL's fragment
 * ({@code /#token=...}, never sent to the server) to {@code /status}.
 */
@ApplicationScoped
@Named("statusAccess")
public class StatusAccess {

    private static final String BEARER = "Bearer ";
    /** An IPv4 or IPv6 address as written, not a name. */
    private static final Pattern ADDRESS_LITERAL = Pattern.compile("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private final Optional<String> token;
    private final boolean local;

    public StatusAccess(OutreachConfig config) {
        this.token = config.status().token().filter(t -> !t.isBlank());
        this.local = config.status().local();
    }

    /** Predicate of the {@code status} route: whether the request may not read the status. */
    public boolean refused(Exchange exchange) {
        Object remote = exchange.getMessage().getHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS);
        String host = remote instanceof SocketAddress address ? address.hostAddress() : null;
        return !allowed(host, requestedHost(exchange), local,
                exchange.getMessage().getHeader("Authorization", String.class), token);
    }

    /**
     * The host the request names: its Host header, or over HTTP/2 (no Host header, an {@code :authority} instead; the
     * JDK's HttpClient upgrades to it) the authority of the URL it was sent to.
     */
    private static String requestedHost(Exchange exchange) {
        String host = exchange.getMessage().getHeader("Host", String.class);
        if (host != null) {
            return host;
        }
        String url = exchange.getMessage().getHeader(Exchange.HTTP_URL, String.class);
        try {
            return url == null ? null : URI.create(url).getRawAuthority();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The body of the 403: what to do to read the status. */
    public String refusal() {
        return "{\"error\":\"" + refusalText(local, token.isPresent()) + "\"}";
    }

    /**
     * Whether a request may read the status: from this machine (unless {@code local} is off), or with the token (when
     * one is set).
     */
    static boolean allowed(String remoteHost, String hostHeader, boolean local, String authorization,
            Optional<String> token) {
        if (local && isLoopback(remoteHost) && isLoopback(withoutPort(hostHeader))) {
            return true;
        }
        if (token.isEmpty() || authorization == null || !authorization.startsWith(BEARER)) {
            return false;
        }
        byte[] given = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.get().getBytes(StandardCharsets.UTF_8));
    }

    static String refusalText(boolean local, boolean tokenSet) {
        String who = local ? "this machine (open it there, or through kubectl port-forward)" : "no one without the token";
        return tokenSet
                ? "the status is shown to " + who + " and with the status token: send Authorization: Bearer"
                        + " <OUTREACH_STATUS_TOKEN> (in a browser, open /#token=<OUTREACH_STATUS_TOKEN>)"
                : "the status is shown to " + who + "; set OUTREACH_STATUS_TOKEN to let other machines read it with"
                        + " that token";
    }

    /** {@code localhost}, or an address literal of loopback; a name is never looked up. */
    private static boolean isLoopback(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!ADDRESS_LITERAL.matcher(host).matches()) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress(); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The host of a Host header: {@code [::1]:8080} is {@code ::1}, {@code localhost:8080} is {@code localhost}. */
    static String withoutPort(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        if (hostHeader.startsWith("[")) {
            int end = hostHeader.indexOf(']');
            return end < 0 ? null : hostHeader.substring(1, end);
        }
        int colon = hostHeader.indexOf(':');
        return colon < 0 ? hostHeader : hostHeader.substring(0, colon);
    }
}
