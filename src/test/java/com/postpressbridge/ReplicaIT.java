package com.postpressbridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three bridge processes share one inbox folder and one PostgreSQL ledger while a CRM delivers webhooks to any of them.
 * One is killed with SIGKILL and started again four times while the others go on: twice under its own instance id (a
 * restarted container takes back what it held at once) and twice under a new one (a replaced pod: the others find the
 * dead one by its lease and take over its records and its file). At the end postpress saw each record at most once,
 * every record has exactly one outcome, only records in flight at a kill are in doubt, each file was archived once by
 * one process with all its records counted, and nothing is left claimed, queued or held in the ledger.
 * Runs on the PostgreSQL ledger only (Failsafe's {@code postgresql-ledger} execution): H2 belongs to one process.
 */
class ReplicaIT extends AgainstOwnPostpress {

    static final int FILES = 4;
    static final int RECORDS_A_FILE = 1_500;
    static final int KILLS = 4;
    static final int CONCURRENCY = 4;

    final List<PackagedApp> running = new ArrayList<>();

    @BeforeEach
    void stubAnswers() {
        answerCreatedAfter(10);
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (PackagedApp app : running) {
            app.close();
        }
    }

    @Test
    void threeReplicasOneKilledAndRestartedFourTimesSendEachRecordOnce() throws Exception {
        assertTrue(TestLedger.postgresql(), "several processes share a PostgreSQL ledger: run with -Dtest.ledger=postgresql");
        long seed = Long.getLong("kill.seed", System.nanoTime());
        System.out.println("ReplicaIT seed " + seed + " (-Dkill.seed=" + seed + " repeats it)");
        Random random = new Random(seed);
        Path dir = work.resolve("outreach");
        for (int f = 0; f < FILES; f++) {
            TestFolders.dropLeads(dir, "leads-" + f + ".csv", "acc_rep_", 5, "file" + f + "-", RECORDS_A_FILE);
        }

        Map<String, String> common = env("OUTREACH_WEBHOOK_SECRETS", RepeatedKillIT.SECRET, "OUTREACH_CONCURRENCY",
                String.valueOf(CONCURRENCY), "OUTREACH_INSTANCE_LEASE", "6s", "OUTREACH_INSTANCE_HEARTBEAT", "1s");
        int[] ports = { PackagedApp.freePort(), PackagedApp.freePort(), PackagedApp.freePort() };
        start(dir, common, "replica-b", ports[1]);
        start(dir, common, "replica-c", ports[2]);
        PackagedApp victim = start(dir, common, "replica-a", ports[0]);
        RepeatedKillIT.Crm crm = new RepeatedKillIT.Crm(ports);
        CompletableFuture<Void> deliveries = CompletableFuture.runAsync(crm::deliverUntilStopped);
        try {
            for (int kill = 1; kill <= KILLS; kill++) {
                int before = PostpressStub.chatRequests(postpress).size();
                await().atMost(Duration.ofSeconds(90)).until(() -> PostpressStub.chatRequests(postpress).size() > before + 50);
                Thread.sleep(500 + random.nextInt(2_000));
                victim.crash();
                running.remove(victim);
                // Twice a restarted container (same id), twice a replaced pod (a new id: found dead by its lease).
                String id = kill % 2 == 1 ? "replica-a" : "replica-a-" + kill;
                victim = start(dir, common, id, ports[0]);
            }
            int at = crm.answered.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> crm.answered.get() > at);
        } finally {
            crm.stop.set(true);
        }
        deliveries.get();
        int expectedCount = FILES * RECORDS_A_FILE + crm.answered.get() * RepeatedKillIT.RECORDS_A_DELIVERY;
        await().atMost(Duration.ofSeconds(180)).until(() -> RepeatedKillIT.outcomes(dir).size() >= expectedCount
                && inboxFiles(dir).isEmpty());
        // Nothing is left in the ledger either: a dead process's claims were all taken over.
        await().atMost(Duration.ofSeconds(30)).until(() -> unfinishedRows(dir) == 0);
        for (PackagedApp app : running) {
            app.terminate();
            assertEquals(0, app.awaitExit(60), app.log());
        }

        Map<String, Integer> posts = PostpressStub.postsByAttendee(postpress);
        posts.forEach((attendee, count) -> assertEquals(1, count, attendee + " was posted " + count + " times"));
        List<String> outcomes = RepeatedKillIT.outcomes(dir);
        Set<String> distinct = new TreeSet<>(outcomes);
        assertEquals(outcomes.size(), distinct.size(), "a record has two outcomes");
        Set<String> expected = new TreeSet<>();
        for (int f = 0; f < FILES; f++) {
            for (int i = 0; i < RECORDS_A_FILE; i++) {
                expected.add("file" + f + "-" + i);
            }
        }
        for (int d = 0; d < crm.answered.get(); d++) {
            for (int r = 0; r < RepeatedKillIT.RECORDS_A_DELIVERY; r++) {
                expected.add(RepeatedKillIT.Crm.attendee(d, r));
            }
        }
        assertEquals(expected, distinct, "every record of every file and accepted delivery has one outcome");
        List<String> inDoubt = RepeatedKillIT.inDoubt(dir);
        assertTrue(inDoubt.size() <= CONCURRENCY * KILLS, "at most outreach.concurrency in doubt per kill: " + inDoubt);

        List<JsonNode> summaries = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir.resolve("archive"))) {
            for (Path summary : files.filter(p -> p.toString().endsWith(".summary.json")).toList()) {
                summaries.add(CrashRecoveryIT.JSON.readTree(summary.toFile()));
            }
        }
        assertEquals(FILES, summaries.size(), "each file archived once: " + summaries);
        for (JsonNode summary : summaries) {
            assertEquals(RECORDS_A_FILE, summary.get("records").asInt(), "read whole by one process: " + summary);
        }
        System.out.printf("ReplicaIT: 3 replicas, %d kills, %d file records and %d webhook records, %d posts, %d in"
                + " doubt%n", KILLS, FILES * RECORDS_A_FILE, crm.answered.get() * RepeatedKillIT.RECORDS_A_DELIVERY,
                posts.size(), inDoubt.size());
        CrashRecoveryIT.assertSecretNowhere(work);
    }

    private PackagedApp start(Path dir, Map<String, String> common, String id, int port) {
        Map<String, String> env = new HashMap<>(common);
        env.put("OUTREACH_INSTANCE_ID", id);
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        PackagedApp app = PackagedApp.start(dir, env, id);
        running.add(app);
        return app;
    }

    private static List<Path> inboxFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("inbox"))) {
            return files.filter(p -> p.toString().endsWith(".csv")).toList();
        }
    }

    /** Rows of records claimed or queued, and of files held: none once everything is done. */
    private static int unfinishedRows(Path dir) throws Exception {
        Map<String, String> ledger = TestLedger.forApp(dir);
        try (Connection db = DriverManager.getConnection(ledger.get("OUTREACH_LEDGER_URL"),
                ledger.get("OUTREACH_LEDGER_USERNAME"), ledger.get("OUTREACH_LEDGER_PASSWORD"));
                Statement statement = db.createStatement();
                ResultSet row = statement.executeQuery("SELECT (SELECT COUNT(*) FROM outreach_record WHERE state IN"
                        + " ('SENDING', 'QUEUED')) + (SELECT COUNT(*) FROM inbox_file)")) {
            row.next();
            return row.getInt(1);
        }
    }
}
