package com.postpressbridge;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test of the packaged app against a postpress stub of its own (WireMock on a free port, answering 201 unless the
 * test stubs otherwise), with a folder of its own for the app's outreach folder and logs.
 */
abstract class AgainstOwnPostpress {

    @TempDir
    Path work;

    WireMockServer postpress;

    @BeforeEach
    void startPostpress() {
        postpress = PostpressStub.startOwn();
    }

    @AfterEach
    void stopPostpress() {
        postpress.stop();
    }

    /** The app's environment: this stub, an API key, and more variables as name, value, ... */
    Map<String, String> env(String... more) {
        Map<String, String> env = new HashMap<>(Map.of("POSTPRESS_BASE_URL", postpress.baseUrl(), "POSTPRESS_API_KEY",
                CrashRecoveryIT.API_KEY));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    /** As {@link #env(String...)}, the app listening on the given port. */
    Map<String, String> env(int port, String... more) {
        Map<String, String> env = env(more);
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        return env;
    }

    /** Every chat is started (201), each answer after the given delay. */
    void answerCreatedAfter(int millis) {
        postpress.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/api/v1/chats")
                .willReturn(PostpressStub.created().withFixedDelay(millis)));
    }
}
