package com.postpressbridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged app killed with SIGKILL nine times at random moments while it sends a file of 5,000 records and webhook
 * deliveries keep arriving, started again each time (as a supervisor would). At the end: postpress saw each record at
 * most once, every record (of the file, and of every delivery answered 202) has exactly one outcome, and the only
 * records in doubt are ones that were in flight at a kill: at most {@code outreach.concurrency} per kill. The moments
 * come from a seed printed at the start ({@code -Dkill.seed=...} repeats a run).
 */
class RepeatedKillIT extends AgainstOwnPostpress {

    static final int RECORDS = 5_000;
    static final int KILLS = 9;
    static final int CONCURRENCY = 4;
    static final int RECORDS_A_DELIVERY = 3;
    static final String SECRET = "kill-it-secret";

    @BeforeEach
    void stubAnswers() {
        // 10 ms an answer: the file takes long enough to be killed in the middle nine times.
        answerCreatedAfter(10);
    }

    @Test
    void nineKillsAtRandomMomentsSendNothingTwiceAndLoseNothing() throws Exception {
        long seed = Long.getLong("kill.seed", System.nanoTime());
        System.out.println("RepeatedKillIT seed " + seed + " (-Dkill.seed=" + seed + " repeats it)");
        Random random = new Random(seed);
        Path dir = work.resolve("outreach");
        TestFolders.dropLeads(dir, "leads.csv", "acc_kill_", 7, "file-", RECORDS);

        int port = PackagedApp.freePort();
        Map<String, String> env = env(port, "OUTREACH_WEBHOOK_SECRETS", SECRET, "OUTREACH_CONCURRENCY",
                String.valueOf(CONCURRENCY));
        Crm crm = new Crm(port);
        CompletableFuture<Void> deliveries = CompletableFuture.runAsync(crm::deliverUntilStopped);
        try {
            for (int kill = 1; kill <= KILLS; kill++) {
                try (PackagedApp app = PackagedApp.start(dir, env, "run-" + kill)) {
                    int before = PostpressStub.chatRequests(postpress).size();
                    await().atMost(Duration.ofSeconds(90)).until(
                            () -> PostpressStub.chatRequests(postpress).size() > before || !app.isAlive());
                    assertTrue(app.isAlive(), "run " + kill + " ended by itself: " + app.log());
                    Thread.sleep(random.nextInt(2_000));
                    app.crash();
                }
            }
            assertTrue(Files.exists(dir.resolve("inbox/leads.csv")), "killed before the file was done");

            try (PackagedApp last = PackagedApp.start(dir, env, "run-last")) {
                // The CRM's delivery on its way is answered (by this run: one a killed run stored may not have had its
                // 202 yet, and the CRM delivers it again until it has), then it stops; the app finishes everything.
                int answeredBefore = crm.answered.get();
                await().atMost(Duration.ofSeconds(60)).until(() -> crm.answered.get() > answeredBefore);
                crm.stop.set(true);
                deliveries.get();
                int expected = RECORDS + crm.answered.get() * RECORDS_A_DELIVERY;
                await().atMost(Duration.ofSeconds(180)).until(() -> outcomes(dir).size() >= expected
                        && !Files.exists(dir.resolve("inbox/leads.csv")));
            }
        } finally {
            crm.stop.set(true);
        }

        Map<String, Integer> posts = PostpressStub.postsByAttendee(postpress);
        posts.forEach((attendee, count) -> assertEquals(1, count, attendee + " was posted " + count + " times"));
        List<String> outcomes = outcomes(dir);
        Set<String> distinct = new TreeSet<>(outcomes);
        assertEquals(outcomes.size(), distinct.size(), "a record has two outcomes");
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < RECORDS; i++) {
            expected.add("file-" + i);
        }
        for (int d = 0; d < crm.answered.get(); d++) {
            for (int r = 0; r < RECORDS_A_DELIVERY; r++) {
                expected.add(Crm.attendee(d, r));
            }
        }
        assertEquals(expected, distinct, "every record of the file and of every accepted delivery has one outcome");
        for (String attendee : distinct) {
            assertTrue(posts.containsKey(attendee) || inDoubt(dir).contains(attendee),
                    attendee + " has an outcome but was never posted and is not in doubt");
        }
        List<String> inDoubt = inDoubt(dir);
        assertTrue(inDoubt.size() <= CONCURRENCY * KILLS, "at most outreach.concurrency in doubt per kill: " + inDoubt);
        System.out.printf("RepeatedKillIT: %d kills, %d file records and %d webhook records (%d deliveries, %d"
                + " connection failures), %d posts, %d in doubt%n", KILLS, RECORDS, crm.answered.get()
                * RECORDS_A_DELIVERY, crm.answered.get(), crm.refused.get(), posts.size(), inDoubt.size());
        // Ten runs' logs, killed and not, with signed webhooks: neither the API key nor the webhook secret in them.
        CrashRecoveryIT.assertSecretNowhere(work, SECRET);
    }

    /**
     * The attendee of every success line, record quarantine file and retry file: one entry per outcome. Safe to call
     * while an app runs (a line being appended is not read; quarantine and retry files are written aside and renamed).
     */
    static List<String> outcomes(Path dir) throws Exception {
        List<String> attendees = new java.util.ArrayList<>();
        if (Files.exists(dir.resolve("success"))) {
            try (Stream<Path> files = Files.list(dir.resolve("success"))) {
                for (Path file : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                    // Only whole lines: the app may be appending one right now.
                    String text = Files.readString(file);
                    for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
                        if (!line.isBlank()) {
                            attendees.add(CrashRecoveryIT.JSON.readTree(line).at("/record/attendees_ids/0").asText());
                        }
                    }
                }
            }
        }
        for (String folder : List.of("quarantine", "retry")) {
            for (JsonNode document : CrashRecoveryIT.documents(dir.resolve(folder))) {
                attendees.add(document.at("/record/attendees_ids/0").asText());
            }
        }
        return attendees;
    }

    static List<String> inDoubt(Path dir) throws Exception {
        List<String> attendees = new java.util.ArrayList<>();
        for (JsonNode document : CrashRecoveryIT.documents(dir.resolve("quarantine"))) {
            assertEquals("local/in_doubt", document.at("/error/type").asText(), document.toString());
            attendees.add(document.at("/record/attendees_ids/0").asText());
        }
        return attendees;
    }

    /**
     * A CRM delivering records as webhooks, one delivery every 100 ms, each with its delivery id: a delivery that got
     * no answer (the app was down or killed) or a 503 is delivered again, with the same id, until it is answered 202;
     * with several ports, each attempt goes to the next one.
     */
    static final class Crm {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger refused = new AtomicInteger();
        private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final List<URI> endpoints = new java.util.ArrayList<>();
        private int next;

        /** Delivering to these ports in turn: replicas behind one Service. */
        Crm(int... ports) {
            for (int port : ports) {
                endpoints.add(URI.create("http://localhost:" + port + "/webhooks/outreach"));
            }
        }

        static String attendee(int delivery, int record) {
            return "hook-" + delivery + "-" + record;
        }

        void deliverUntilStopped() {
            int delivery = 0;
            while (!stop.get()) {
                StringBuilder body = new StringBuilder("[");
                for (int r = 0; r < RECORDS_A_DELIVERY; r++) {
                    body.append(r == 0 ? "" : ",").append(WebhookIntakeTest.record(attendee(delivery, r)));
                }
                String records = body.append(']').toString();
                if (deliver(records, "delivery-" + delivery)) {
                    delivery = answered.incrementAndGet();
                }
                sleep(100);
            }
        }

        private boolean deliver(String body, String id) {
            URI endpoint = endpoints.get(next++ % endpoints.size());
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").header("X-Outreach-Delivery-Id", id)
                    .header("X-Outreach-Signature", WebhookIntakeTest.signature(SECRET, Instant.now().getEpochSecond(),
                            body))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            try {
                HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 202) {
                    return true;
                }
                assertTrue(answer.statusCode() == 503, "a delivery was answered " + answer.statusCode() + ": "
                        + answer.body());
            } catch (java.io.IOException e) {
                refused.incrementAndGet(); // the app is down, starting or was killed: delivered again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.set(true);
            }
            return false;
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
