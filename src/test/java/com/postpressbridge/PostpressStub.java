package com.postpressbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aMultipart;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A real HTTP server standing in for postpress, on a free port; tests get it through {@link Server}. */
public class PostpressStub implements QuarkusTestResourceLifecycleManager {

    /** Marks the test field that receives the stub server. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface Server {
    }

    static final String CHAT_ID = "chat_stub";
    static final String MESSAGE_ID = "msg_stub";

    private WireMockServer server;

    /** Forgets earlier stubs and requests; every chat is then started (201), unless a test stubs otherwise. */
    static void answerCreated(WireMockServer server) {
        server.resetAll();
        server.stubFor(post("/api/v1/chats").atPriority(10).willReturn(created()));
    }

    /** The 201 of "Start a new chat". */
    static ResponseDefinitionBuilder created() {
        return aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                .withBody("{\"object\":\"ChatStarted\",\"chat_id\":\"" + CHAT_ID + "\",\"message_id\":\"" + MESSAGE_ID + "\"}");
    }

    /** An error answer with postpress's envelope. */
    static ResponseDefinitionBuilder error(int status, String type) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"status\":" + status + ",\"type\":\"" + type + "\",\"title\":\"t\"}");
    }

    /** A stub for the requests whose (first) attendee is the given one. */
    static MappingBuilder forAttendee(String attendee) {
        return post("/api/v1/chats").atPriority(1)
                .withMultipartRequestBody(aMultipart().withName("attendees_ids[]").withBody(equalTo(attendee)));
    }

    /** A stub of its own, on a free port, answering 201, for a test that runs the packaged app. Stop it after. */
    static WireMockServer startOwn() {
        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort());
        server.start();
        answerCreated(server);
        return server;
    }

    /** The "Start a new chat" requests the stub received. */
    static List<LoggedRequest> chatRequests(WireMockServer server) {
        return server.findAll(postRequestedFor(urlPathEqualTo("/api/v1/chats")));
    }

    /** How many requests the stub received for each (first) attendee, sorted by attendee. */
    static Map<String, Integer> postsByAttendee(WireMockServer server) {
        Map<String, Integer> posts = new TreeMap<>();
        chatRequests(server).forEach(request -> posts.merge(attendee(request), 1, Integer::sum));
        return posts;
    }

    /** The (first) attendee of a request the stub received. */
    static String attendee(LoggedRequest request) {
        return request.getParts().stream().filter(p -> p.getName().equals("attendees_ids[]")).map(Request.Part::getBody)
                .map(b -> b.asString()).findFirst().orElseThrow();
    }

    /**
     * Also empties the test folders before the app boots: each boot has a new ledger in memory, and outcome files of
     * an earlier boot beside it would be taken for a lost ledger's records and entered again (LedgerRebuild). On the
     * PostgreSQL run of the suite, the boot gets a new database ({@link TestLedger}).
     */
    @Override
    public Map<String, String> start() {
        TestFolders.wipe();
        // A fixed port, so that a test can stop the server (connection refused) and start it again.
        server = new WireMockServer(wireMockConfig().port(freePort()));
        server.start();
        Map<String, String> config = new java.util.HashMap<>(TestLedger.forBoot());
        config.put("postpress.base-url", server.baseUrl());
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(Server.class, WireMockServer.class));
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
