package com.postpressbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * A CRM's callback receiver: a real HTTP server on a fixed free port (a test stops it and starts it again), set as
 * {@code outreach.callback.url} with every event and short back-offs. Takes every event (200) unless a test says
 * otherwise.
 */
public class CallbackReceiver implements QuarkusTestResourceLifecycleManager {

    /** Marks the test field that receives the receiver. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Server {
    }

    /** The boot of the tests that use the receiver: its own ledger, the receiver as the callback URL. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(CallbackReceiver.class));
        }
    }

    static final String PATH = "/hooks/outreach";
    static final String SECRET = "cb-receiver-5ecret";

    private WireMockServer server;

    static void takeEverything(WireMockServer receiver) {
        receiver.resetAll();
        receiver.stubFor(post(PATH).atPriority(10).willReturn(aResponse().withStatus(200)));
    }

    /** The events received, in the order they came. */
    static List<LoggedRequest> events(WireMockServer receiver) {
        return receiver.findAll(postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Override
    public Map<String, String> start() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            server = new WireMockServer(wireMockConfig().port(socket.getLocalPort()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server.start();
        takeEverything(server);
        Map<String, String> config = new HashMap<>();
        config.put("outreach.callback.url", server.baseUrl() + PATH);
        config.put("outreach.callback.secret", SECRET);
        config.put("outreach.callback.events", "sent,already_performed,quarantined,in_doubt,retry_exhausted,held");
        config.put("outreach.callback.poll-interval", "100ms");
        config.put("outreach.callback.max-delay", "3s");
        config.put("outreach.callback.timeout", "2s");
        config.put("outreach.retry.max-attempts", "2");
        config.put("outreach.account-pause", "6s");
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(Server.class, WireMockServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
