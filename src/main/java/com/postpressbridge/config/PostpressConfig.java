package com.postpressbridge.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** How to reach postpress. */
@ConfigMapping(prefix = "postpress")
public interface PostpressConfig {

    /** Where requests go; resolves to {@link #sandboxUrl()} while the sandbox is on. */
    String baseUrl();

    /** The X-API-KEY. Never logged, never written to an outcome file. */
    Optional<String> apiKey();

    /** Serve a postpress look-alike inside the app and send to it instead. */
    boolean sandbox();

    String sandboxUrl();

    /** Connect and response timeout of one request. */
    Duration timeout();
}
