package com.postpressbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


/**
 * The packaged app killed with SIGKILL in the middle of a file, then started again: no record is sent twice, and
 * every record ends in exactly one outcome.
 */
class CrashRecoveryIT extends AgainstOwnPostpress {

    static final String API_KEY = "pp_live_it_5ecret_key";
    static final int RECORDS = 300;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void stubAnswers() {
        postpress.stubFor(post("/api/v1/chats").willReturn(aResponse().withStatus(201).withFixedDelay(40)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"object\":\"ChatStarted\",\"chat_id\":\"chat_it\",\"message_id\":\"msg_it\"}")));
    }

    @Test
    void killedMidFileThenRestartedSendsEachRecordOnceAndLosesNone() throws Exception {
        Path dir = work.resolve("outreach");
        TestFolders.dropLeads(dir, "leads.csv", "acc_it", 1, "person-", RECORDS);

        Map<String, String> env = env();
        try (PackagedApp first = PackagedApp.start(dir, env, "first")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> requests().size() >= RECORDS / 3);
            first.crash();
        }
        int beforeCrash = requests().size();
        assertTrue(beforeCrash < RECORDS, "killed in the middle: " + beforeCrash);
        assertTrue(Files.exists(dir.resolve("inbox/leads.csv")), "the unfinished file is still in the inbox");

        Map<String, String> again = new HashMap<>(env);
        again.put("OUTREACH_RUN_ONCE", "true");
        String log;
        try (PackagedApp second = PackagedApp.start(dir, again, "second")) {
            assertEquals(0, second.awaitExit(120), second.log());
            log = second.log();
        }

        Map<String, Integer> posts = new HashMap<>();
        for (LoggedRequest request : requests()) {
            posts.merge(PostpressStub.attendee(request), 1, Integer::sum);
        }
        posts.forEach((attendee, count) -> assertEquals(1, count, attendee + " was sent " + count + " times"));

        Set<String> outcomes = new HashSet<>();
        List<String> successLines = Files.readAllLines(dir.resolve("success/leads.csv.jsonl"));
        for (String line : successLines) {
            String attendee = JSON.readTree(line).at("/record/attendees_ids/0").asText();
            assertTrue(outcomes.add(attendee), attendee + " has two outcomes");
            assertTrue(posts.containsKey(attendee), attendee + " is in success but was never posted");
        }
        List<JsonNode> quarantined = documents(dir.resolve("quarantine"));
        for (JsonNode document : quarantined) {
            assertEquals("local/in_doubt", document.at("/error/type").asText(), document.toString());
            assertTrue(outcomes.add(document.at("/record/attendees_ids/0").asText()), "two outcomes: " + document);
        }
        assertTrue(quarantined.size() <= 4, "at most outreach.concurrency records were in flight: " + quarantined.size());
        assertEquals(List.of(), documents(dir.resolve("retry")));
        assertEquals(RECORDS, outcomes.size(), "every record has exactly one outcome");
        assertTrue(log.contains("records in doubt"), "the recovery says what it did");

        assertFalse(Files.exists(dir.resolve("inbox/leads.csv")));
        Path summary;
        try (Stream<Path> files = Files.walk(dir.resolve("archive"))) {
            summary = files.filter(p -> p.toString().endsWith("leads.csv.summary.json")).findFirst().orElseThrow();
        }
        JsonNode counts = JSON.readTree(summary.toFile());
        assertEquals(RECORDS, counts.get("records").asInt());
        assertTrue(counts.get("duplicates").asInt() >= beforeCrash - quarantined.size(),
                "records sent before the crash are duplicates now: " + counts);
        assertSecretNowhere(work);
    }

    /**
     * Restarted by the run-once job (which dispatches what waits once), or as a service whose scans are 10 min apart:
     * what was queued goes at its start, not a scan interval later.
     */
    @ParameterizedTest(name = "restarted {0}")
    @ValueSource(strings = { "run-once", "as a service" })
    void killedRightAfterA202TheAcceptedRecordsAreStillSentOnce(String restart) throws Exception {
        postpress.stubFor(post("/api/v1/chats").willReturn(aResponse().withStatus(201).withFixedDelay(3000)
                .withHeader("Content-Type", "application/json").withBody("{\"chat_id\":\"c\",\"message_id\":\"m\"}")));
        Path dir = work.resolve("outreach");
        Files.createDirectories(dir);
        int port = PackagedApp.freePort();
        Map<String, String> env = env(port, "OUTREACH_WEBHOOK_SECRETS", "it-secret", "OUTREACH_CONCURRENCY", "1");
        StringBuilder records = new StringBuilder("[");
        for (int i = 0; i < 5; i++) {
            records.append(i == 0 ? "" : ",").append("{\"account_id\": \"acc_hook\", \"attendees_ids\": [\"hooked-")
                    .append(i).append("\"], \"text\": \"Hi\"}");
        }
        String body = records.append("]").toString();
        long t = java.time.Instant.now().getEpochSecond();
        String signature = WebhookIntakeTest.signature("it-secret", t, body);
        try (PackagedApp first = PackagedApp.start(dir, env, "webhook-first")) {
            java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
            java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://localhost:" + port + "/webhooks/outreach"))
                    .header("Content-Type", "application/json").header("X-Outreach-Signature", signature)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
            java.net.http.HttpResponse<String> answer = await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()), r -> true);
            assertEquals(202, answer.statusCode(), answer.body());
            assertEquals(5, JSON.readTree(answer.body()).get("accepted").asInt());
            Thread.sleep(500);
            first.crash();
        }
        assertTrue(requests().size() <= 1, "one record at a time, each taking 3 s: at most one was on its way");

        postpress.stubFor(post("/api/v1/chats").willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"chat_id\":\"c\",\"message_id\":\"m\"}")));
        Map<String, String> again = new HashMap<>(env);
        again.put(restart.equals("run-once") ? "OUTREACH_RUN_ONCE" : "OUTREACH_RETRY_SCAN_INTERVAL",
                restart.equals("run-once") ? "true" : "10m");
        try (PackagedApp second = PackagedApp.start(dir, again, "webhook-second")) {
            if (restart.equals("run-once")) {
                assertEquals(0, second.awaitExit(120), second.log());
            } else {
                try {
                    await().atMost(Duration.ofSeconds(60)).until(() -> RepeatedKillIT.outcomes(dir).size() == 5);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("outcomes " + RepeatedKillIT.outcomes(dir) + "; log: " + second.log(), e);
                }
            }
        }
        Map<String, Integer> posts = new HashMap<>();
        requests().forEach(r -> posts.merge(PostpressStub.attendee(r), 1, Integer::sum));
        posts.forEach((attendee, count) -> assertEquals(1, count, attendee + " was sent " + count + " times"));
        Set<String> outcomes = new HashSet<>();
        try (Stream<Path> files = Files.list(dir.resolve("success"))) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file)) {
                    assertTrue(outcomes.add(JSON.readTree(line).at("/record/attendees_ids/0").asText()));
                }
            }
        }
        int sent = outcomes.size();
        for (JsonNode document : documents(dir.resolve("quarantine"))) {
            assertEquals("local/in_doubt", document.at("/error/type").asText());
            assertTrue(outcomes.add(document.at("/record/attendees_ids/0").asText()));
        }
        assertTrue(sent >= 4, "the records still queued at the crash were sent after it: " + sent);
        assertEquals(5, outcomes.size(), "every accepted record has exactly one outcome");
        assertSecretNowhere(work);
    }

    /**
     * Run-once against a postpress that refuses the API key: every record waits in retry/, none is quarantined, and the
     * run exits with 4 and an ERROR line that says what to fix, not 0 as a run that went well (a fault probe: a cron job
     * could not tell).
     */
    @Test
    void runOnceWithTheApiKeyRefusedExitsWith4AndSaysWhatToFix() throws Exception {
        postpress.stubFor(post("/api/v1/chats").willReturn(PostpressStub.error(401, "errors/missing_credentials")));
        Path dir = work.resolve("outreach");
        Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(dir.resolve("inbox/leads.csv"), "account_id,attendees_ids,text\nacc_1,refused-1,Hi\n"
                + "acc_2,refused-2,Hi\nacc_3,refused-3,Hi\n");
        try (PackagedApp app = PackagedApp.start(dir, env("OUTREACH_RUN_ONCE", "true"), "key-refused")) {
            assertEquals(4, app.awaitExit(120), app.log());
            assertTrue(app.log().contains("nothing more is sent until it is fixed (POSTPRESS_API_KEY); the records wait"
                    + " in retry/ and the next run after the fix sends them. Exiting with 4"), app.log());
        }
        assertEquals(3, documents(dir.resolve("retry")).size(), "every record waits in retry/");
        assertEquals(List.of(), documents(dir.resolve("quarantine")), "none is quarantined for the key");
        assertSecretNowhere(work);
    }

    /**
     * A run-once job on a disk without room (less free than {@code outreach.disk.min-free}, the same check as a disk
     * that filled up) exits with 6 after {@code outreach.disk.run-once-wait}, says what to do, sends nothing and keeps
     * the file in the inbox. It waited forever before: the file never started, so the inbox was never found drained,
     * and a cron job stacked up behind it.
     */
    @Test
    void runOnceOnAFullDiskExitsWith6AndKeepsTheFile() throws Exception {
        Path dir = work.resolve("outreach");
        Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(dir.resolve("inbox/leads.csv"), "account_id,attendees_ids,text\nacc_1,disk-1,Hi\n");
        try (PackagedApp app = PackagedApp.start(dir, env("OUTREACH_RUN_ONCE", "true", "OUTREACH_DISK_MIN_FREE",
                "1000000T", "OUTREACH_DISK_RUN_ONCE_WAIT", "3s"), "disk-full")) {
            assertEquals(6, app.awaitExit(120), app.log());
            assertTrue(app.log().contains("Nothing more was sent; files wait in the inbox and retries in the ledger, and"
                    + " no outcome is lost. Make room (or make the folder writable, or bring the ledger's database back)"
                    + " and run again. Exiting with 6"), app.log());
            // said by the bridge in its own words, not by a dump of the exchange and its stack
            assertFalse(app.log().contains("DefaultErrorHandler"), app.log());
            assertFalse(app.log().contains("Rollback file strategy"), app.log());
        }
        assertTrue(Files.exists(dir.resolve("inbox/leads.csv")), "the file waits in the inbox");
        assertEquals(List.of(), requests(), "nothing was sent");
    }

    /**
     * The same with nothing in the inbox but a retry that is due: the run exits with 6 as above, the record still
     * waiting. It exited with 1 and a stack trace at once when the disk refused the retry's claim (a fault probe).
     * Before that, a first run whose record failed twice (its retry was due within the run, and taken) says one record
     * waits in retry/: it said two, counting outcomes, not records (the same probe).
     */
    @Test
    void runOnceOnAFullDiskWithOnlyARetryDueExitsWith6AndKeepsTheRetry() throws Exception {
        postpress.stubFor(post("/api/v1/chats").willReturn(PostpressStub.error(500, "errors/unexpected_error")));
        Path dir = work.resolve("outreach");
        Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(dir.resolve("inbox/leads.csv"), "account_id,attendees_ids,text\nacc_1,due-1,Hi\n");
        try (PackagedApp app = PackagedApp.start(dir, env("OUTREACH_RUN_ONCE", "true", "OUTREACH_RETRY_INITIAL_DELAY",
                "1ms"), "retry")) {
            assertEquals(0, app.awaitExit(120), app.log());
            assertTrue(app.log().contains("run-once done: sent 0, already performed 0, retry 2,"), app.log());
            assertTrue(app.log().contains(" 1 records wait in retry/ (each file there says why"), app.log());
        }
        assertEquals(1, documents(dir.resolve("retry")).size(), "the record waits in retry/");
        assertEquals(2, requests().size(), "its retry was due within the run");
        try (PackagedApp app = PackagedApp.start(dir, env("OUTREACH_RUN_ONCE", "true", "OUTREACH_DISK_MIN_FREE",
                "1000000T", "OUTREACH_DISK_RUN_ONCE_WAIT", "3s"), "retry-disk-full")) {
            assertEquals(6, app.awaitExit(120), app.log());
            assertFalse(app.log().contains("run-once failed"), app.log());
        }
        assertEquals(1, documents(dir.resolve("retry")).size(), "the record still waits in retry/");
        assertEquals(2, requests().size(), "it was not sent again");
    }

    /**
     * A setting the bridge cannot run with stops the start with exit code 1 and one message that says what to set: no
     * stack trace (a probe found one above the message), and no file read or record sent before it.
     */
    /** 256 characters: one more than the ledger keeps of an instance id. */
    static final String LONG_ID = "replica-0123456789abcdef-0123456789abcdef-0123456789abcdef-0123456789abcdef"
            + "-0123456789abcdef-0123456789abcdef-0123456789abcdef-0123456789abcdef-0123456789abcdef"
            + "-0123456789abcdef-0123456789abcdef-0123456789abcdef-0123456789abcdef-0123456789abcdef-0123456789";

    @ParameterizedTest
    @ValueSource(strings = {
            "POSTPRESS_API_KEY= -> POSTPRESS_API_KEY is not set: set it to your postpress API key (or set"
                    + " POSTPRESS_SANDBOX=true",
            "OUTREACH_CONCURRENCY=0 -> outreach.concurrency with the config value \"0\" threw an Exception whilst being"
                    + " converted - it must be a whole number of 1 or more",
            "OUTREACH_PACING_ENABLED=maybe -> outreach.pacing.enabled with the config value \"maybe\"",
            "OUTREACH_WEBHOOK_TOLERANCE=-5m -> outreach.webhook.tolerance with the config value \"-5m\"",
            "POSTPRESS_TIMEOUT=-1s -> - it must be a duration above zero",
            "POSTPRESS_BASE_URL=not a url -> - it must be an http:// or https:// URL with a host",
            // it was taken, and then each record was quarantined in doubt: Camel found no host in the URL
            "POSTPRESS_BASE_URL=http://postpress_stub:8080 -> - it has '_' in its host name (postpress_stub)",
            // its records were quarantined in doubt, and the start-up line showed the password
            "POSTPRESS_BASE_URL=http://bob:hunter2pw@localhost:1 -> postpress.base-url (POSTPRESS_BASE_URL) has a user"
                    + " name or password before its host",
            "POSTPRESS_BASE_URL=http://localhost:99999 -> - it has a port that is none (99999)",
            "OUTREACH_INSTANCE_ID=" + LONG_ID + " -> outreach.instance.id (OUTREACH_INSTANCE_ID) must be 1 to 255",
            "OUTREACH_WEBHOOK_SOURCES_CRM_AUTH=weird -> outreach.webhook.sources.crm.auth is \"weird\"; allowed:",
            "OUTREACH_CALLBACK_URL=crm.example.com/x -> outreach.callback.url must be an http:// or https:// URL",
            "OUTREACH_PACING_TIMEZONE=Mars/Olympus -> outreach.pacing.timezone 'Mars/Olympus' is not a time zone",
            // the ledger: 38 to 60 lines of Flyway's stack trace around the reason, before LedgerSchema
            "OUTREACH_LEDGER_URL=jdbc:mysql://localhost/x -> outreach.ledger.url (OUTREACH_LEDGER_URL) must be"
                    + " jdbc:postgresql://host:port/database for a PostgreSQL ledger, or jdbc:h2:file:<path>",
            // pgjdbc and the pool logged this URL whole, password included, as the pool started
            "OUTREACH_LEDGER_URL=jdbc:postgresql://outreach:hunter2pw@localhost/outreach -> outreach.ledger.url"
                    + " (OUTREACH_LEDGER_URL) has a user name or password before its host",
            "OUTREACH_LEDGER_URL=jdbc:postgresql://localhost:1/outreach -> the ledger's database does not answer at"
                    + " PostgreSQL jdbc:postgresql://localhost:1/outreach",
            "OUTREACH_LEDGER_URL=jdbc:postgresql://localhost:5432/postgres?user=outreach&password=hunter2pw -> the"
                    + " ledger (PostgreSQL jdbc:postgresql://localhost:5432/postgres) refused the user name or password",
            "OUTREACH_LEDGER_URL=jdbc:postgresql://localhost:5432/no_such_ledger?user=outreach&password=outreach -> the"
                    + " database named in outreach.ledger.url (OUTREACH_LEDGER_URL) does not exist"})
    void aSettingItCannotRunWithStopsTheStartWithOneMessage(String setting) throws Exception {
        String[] settingAndMessage = setting.split(" -> ");
        String[] nameAndValue = settingAndMessage[0].split("=", 2);
        Path dir = work.resolve("outreach");
        TestFolders.dropLeads(dir, "leads.csv", "acc_it", 1, "person-", 3);
        try (PackagedApp app = PackagedApp.start(dir, env("OUTREACH_PACING_ENABLED", "true",
                "OUTREACH_INBOX_SETTLE_TIME", "0ms", nameAndValue[0], nameAndValue[1]), "bad-setting")) {
            assertEquals(1, app.awaitExit(60), app.log());
            assertTrue(app.log().contains(settingAndMessage[1]), app.log());
            assertFalse(app.log().contains("\tat "), "no stack trace: " + app.log());
            assertFalse(app.log().contains("Failed to start"), app.log());
            assertFalse(app.log().contains("hunter2pw"), "a password in a setting is not repeated: " + app.log());
        }
        assertEquals(0, requests().size(), "nothing sent");
        assertTrue(Files.exists(dir.resolve("inbox/leads.csv")), "the file is not read");
    }

    /**
     * Two bridges started on one outreach folder with the embedded ledger (meant as replicas, without PostgreSQL): the
     * second stops with one message that says what to do, and the first goes on sending.
     */
    @Test
    void aSecondBridgeOnTheSameEmbeddedLedgerStopsWithOneMessage() throws Exception {
        Path dir = work.resolve("outreach");
        String embedded = "jdbc:h2:file:" + dir.resolve(".ledger/ledger") + ";RETENTION_TIME=0;TRACE_LEVEL_FILE=0"
                + ";DB_CLOSE_ON_EXIT=FALSE"; // also in the suite's PostgreSQL run
        int port = PackagedApp.freePort();
        try (PackagedApp first = PackagedApp.start(dir, env(port, "OUTREACH_LEDGER_URL", embedded), "first")) {
            PackagedApp.awaitReady(port);
            try (PackagedApp second = PackagedApp.start(dir, env("OUTREACH_LEDGER_URL", embedded), "second")) {
                assertEquals(1, second.awaitExit(60), second.log());
                assertTrue(second.log().contains("another process has the embedded ledger open (embedded H2"
                        + " jdbc:h2:file:" + dir.resolve(".ledger/ledger") + "): another bridge on the same outreach.dir"),
                        second.log());
                assertFalse(second.log().contains("\tat "), "no stack trace: " + second.log());
            }
            TestFolders.dropLeads(dir, "leads.csv", "acc_it", 1, "person-", 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> requests().size() == 3);
            assertTrue(first.isAlive(), first.log());
        }
    }

    private List<LoggedRequest> requests() {
        return PostpressStub.chatRequests(postpress);
    }

    /** The JSON documents of a folder (record quarantine or retry files; files' .error.json are JSON too). */
    static List<JsonNode> documents(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".json")).map(p -> {
                try {
                    return JSON.readTree(p.toFile());
                } catch (java.io.FileNotFoundException | java.nio.file.NoSuchFileException gone) {
                    return null; // removed since it was listed (a retry file whose record went out): not an outcome
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).filter(java.util.Objects::nonNull).toList();
        }
    }

    /** The API key (and the other secrets given: webhook secrets) appears in no log line and no outcome file. */
    static void assertSecretNowhere(Path root, String... otherSecrets) throws IOException {
        List<String> secrets = new java.util.ArrayList<>(List.of(otherSecrets));
        secrets.add(API_KEY);
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).filter(p -> !p.toString().contains(".ledger")).toList()) {
                String content = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
                for (String secret : secrets) {
                    assertFalse(content.contains(secret), "a secret is in " + file);
                }
            }
        }
    }
}
