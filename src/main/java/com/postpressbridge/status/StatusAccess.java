package com.postpressbridge.status;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;

import io.vertx.core.net.SocketAddress;

import com.postpressbridge.config.OutreachConfig;

/**
 * Who may read {@code GET /status}: it shows account ids, file names and error details, so it is not for everyone who
 * can reach the HTTP port (webhooks come in on that port from the internet). Allowed: a request from this machine
 * (loopback: a browser on the host, {@code kubectl port-forward}), or one that carries
 * {@code Authorization: Bearer <outreach.status.token>}. Everyone else gets 403 with what to do. The page at {@code /}
 * and the help page hold no data and are served to all; the page passes the token from its URL's fragment
 * ({@code /#token=...}, never sent to the server) to {@code /status}.
 */
@ApplicationScoped
@Named("statusAccess")
public class StatusAccess {

    private static final String BEARER = "Bearer ";

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
        return !allowed(host, local, exchange.getMessage().getHeader("Authorization", String.class), token);
    }

    /** The body of the 403: what to do to read the status. */
    public String refusal() {
        return "{\"error\":\"" + refusalText(local, token.isPresent()) + "\"}";
    }

    /**
     * Whether a request may read the status: from this machine (unless {@code local} is off), or with the token (when
     * one is set).
     */
    static boolean allowed(String remoteHost, boolean local, String authorization, Optional<String> token) {
        if (local && isLoopback(remoteHost)) {
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

    private static boolean isLoopback(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        try {
            // An address literal is parsed, never looked up: the peer's address is always one.
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
