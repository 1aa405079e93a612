package com.postpressbridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.eclipse.microprofile.config.spi.Converter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The values each kind of setting takes, and the words it refuses others with. */
class SettingValuesTest {

    @ParameterizedTest(name = "{0} \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', value = {
            "StrictBoolean       | true                 | true",
            "StrictBoolean       | FALSE                | false",
            "StrictBoolean       | maybe                | - it must be true or false",
            "StrictBoolean       | ' yes '              | true",
            "StrictBoolean       | 0                    | false",
            "StrictBoolean       | Off                  | false",
            "StrictBoolean       | truee                | - it must be true or false",
            "AtLeastOne          | 4                    | 4",
            "AtLeastOne          | 0                    | - it must be a whole number of 1 or more",
            "AtLeastOne          | four                 | - it must be a whole number of 1 or more",
            "NotNegative         | 0                    | 0",
            "NotNegative         | -1                   | - it must be a whole number of 0 or more",
            "PositiveDuration    | 5m                   | PT5M",
            "PositiveDuration    | PT0.5S               | PT0.5S",
            "PositiveDuration    | 7d                   | PT168H",
            "PositiveDuration    | 0s                   | - it must be a duration above zero, such as 500ms, 30s, 5m, 1h or 7d",
            "PositiveDuration    | -5m                  | - it must be a duration above zero, such as 500ms, 30s, 5m, 1h or 7d",
            "PositiveDuration    | soon                 | - it must be a duration, such as 500ms, 30s, 5m, 1h or 7d",
            "NotNegativeDuration | 0ms                  | PT0S",
            "NotNegativeDuration | -1s                  | - it must be a duration of zero or more, such as 0s, 500ms or 1m",
            "HttpUrl             | https://api.postpress.ai | https://api.postpress.ai",
            "HttpUrl             | http://localhost:8080/sandbox | http://localhost:8080/sandbox",
            "HttpUrl             | ' HTTPS://api.postpress.ai/v1 ' | https://api.postpress.ai/v1",
            "HttpUrl             | http://postpress_stub:8080 | - it has '_' in its host name (postpress_stub), which the HTTP client refuses: use a host name without '_' (a Docker Compose service can have one as an alias)",
            "HttpUrl             | http://localhost:99999 | - it has a port that is none (99999): a port is 1 to 65535",
            "HttpUrl             | http://localhost:18504?x=1 | - it must have neither a query (?...) nor a fragment (#...): the bridge adds /api/v1/chats to it",
            "HttpUrl             | http://bob:pw@localhost:1 | http://bob:pw@localhost:1", // refused at the start, not echoed
            "HttpUrl             | http://user@post_stub/x | - it has '_' in its host name (post_stub), which the HTTP client refuses: use a host name without '_' (a Docker Compose service can have one as an alias)",
            "HttpUrl             | not a url            | - it must be an http:// or https:// URL with a host, such as https://api.postpress.ai",
            "HttpUrl             | ftp://host/          | - it must be an http:// or https:// URL with a host, such as https://api.postpress.ai",
            "HttpUrl             | https:///path        | - it must be an http:// or https:// URL with a host, such as https://api.postpress.ai" })
    void takesOrRefuses(String kind, String value, String expected) throws Exception {
        Converter<?> converter = (Converter<?>) Class.forName(SettingValues.class.getName() + "$" + kind)
                .getConstructor().newInstance();
        if (expected.startsWith("- ")) {
            assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> converter.convert(value))
                    .getMessage());
        } else {
            Object converted = converter.convert(value);
            assertEquals(expected, converted instanceof Duration duration ? duration.toString() : String.valueOf(converted));
        }
    }
}
