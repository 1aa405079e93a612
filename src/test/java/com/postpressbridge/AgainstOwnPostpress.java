package com.postpressbridge;

import java.nio.file.Path;

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
}
