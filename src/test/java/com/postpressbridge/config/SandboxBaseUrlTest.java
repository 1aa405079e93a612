package com.postpressbridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Requests go to the sandbox exactly when postpress.sandbox reads as on, as its switch is read everywhere else. */
class SandboxBaseUrlTest {

    @ParameterizedTest(name = "postpress.sandbox \"{0}\" -> {1}")
    @CsvSource({
            "true, http://localhost:8080/sandbox",
            "'true ', http://localhost:8080/sandbox",
            "yes, http://localhost:8080/sandbox",
            "false, https://api.postpress.ai",
            "0, https://api.postpress.ai" })
    void theBaseUrlFollowsTheSwitch(String sandbox, String baseUrl) {
        Map<String, String> properties = Map.of("postpress.sandbox", sandbox, "postpress.base-url",
                "https://api.postpress.ai", "postpress.sandbox-url", "http://localhost:8080/sandbox");
        assertEquals(baseUrl, new SmallRyeConfigBuilder().withInterceptors(new SandboxBaseUrl())
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build()
                .getValue("postpress.base-url", String.class));
        assertEquals(baseUrl.contains("sandbox"), new SettingValues.StrictBoolean().convert(sandbox),
                "the switch as postpress.sandbox reads it");
    }

    /**
     * The base URL as the route's {@code {{postpress.base-url}}} reads it (a plain String, no converter): trimmed, its
     * scheme in lower case. Spaces around it quarantined every record in doubt, "HTTP://" failed the start with a Camel
     * stack trace, although the settings check took both (a fault probe).
     */
    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource({
            "' HTTPS://api.postpress.ai ', https://api.postpress.ai",
            "HTTP://localhost:18504, http://localhost:18504",
            "https://api.postpress.ai, https://api.postpress.ai",
            "'  not a url', not a url" })
    void theBaseUrlIsReadAsRequestsUseIt(String written, String read) {
        assertEquals(read, new SmallRyeConfigBuilder().withInterceptors(new SandboxBaseUrl())
                .withSources(new PropertiesConfigSource(Map.of("postpress.base-url", written), "test", 100)).build()
                .getValue("postpress.base-url", String.class));
    }
}
