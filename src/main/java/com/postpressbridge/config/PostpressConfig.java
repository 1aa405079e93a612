package com.postpressbridge.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;

/** How to reach postpress. */
@ConfigMapping(prefix = "postpress")
public interface PostpressConfig {

    /** Where requests go; resolves to {@link #sandboxUrl()} while the sandbox is on. */
    @WithConverter(SettingValues.HttpUrl.class)
    String baseUrl();

    /** The X-API-KEY. Never logged, never written to an outcome file. */
    Optional<String> apiKey();

    /** Serve a postpress look-alike inside the app and send to it instead. */
    @WithConverter(SettingValues.StrictBoolean.class)
    boolean sandbox();

    String sandboxUrl();

    /** Connect and response timeout of one request. */
    @WithConverter(SettingValues.PositiveDuration.class)
    Duration timeout();
}
