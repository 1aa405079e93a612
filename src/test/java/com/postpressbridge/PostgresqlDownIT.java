package com.postpressbridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL ledger goes away in the middle of a file (its connections are ended by the server, and it takes no
 * new one): sending stops once the requests on their way end, readiness is DOWN with the reason, and when the
 * database takes connections again the app goes on by itself, without a restart. Every record is posted once and has
 * one outcome. PostgreSQL only.
 */
class PostgresqlDownIT extends AgainstOwnPostpress {

    static final int RECORDS = 600;

    @BeforeEach
    void stubAnswers() {
        answerCreatedAfter(20);
    }

    @Test
    void sendingStopsWhileTheDatabaseIsAwayAndResumesByItself() throws Exception {
        assertTrue(TestLedger.postgresql(), "run with -Dtest.ledger=postgresql");
        Path dir = Files.createDirectories(work.resolve("outreach"));
        int port = PackagedApp.freePort();
        Map<String, String> env = env(port);
        try (PackagedApp app = PackagedApp.start(dir, env, "database-away")) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> PackagedApp.readiness(port).statusCode() == 200);
            TestFolders.dropLeads(dir, "leads.csv", "acc_pg", 1, "away-", RECORDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> posted() >= RECORDS / 6);

            database(dir, false);
            try {
                HttpResponse<String> down = await().atMost(Duration.ofSeconds(30))
                        .until(() -> PackagedApp.readiness(port), answer -> answer.statusCode() == 503);
                JsonNode check = PackagedApp.check(down, "disk");
                assertEquals("DOWN", check.get("status").asText(), down.body());
                assertTrue(check.at("/data/reason").asText().contains("ledger"), down.body());
                AtomicInteger seen = new AtomicInteger(-1);
                await().pollInterval(Duration.ofMillis(250)).during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(30)).until(() -> seen.getAndSet(posted()) == posted());
                assertTrue(posted() < RECORDS, "stopped in the middle of the file: " + posted());
            } finally {
                database(dir, true);
            }

            await().atMost(Duration.ofSeconds(120)).until(() -> RepeatedKillIT.outcomes(dir).size() >= RECORDS
                    && !Files.exists(dir.resolve("inbox/leads.csv")));
            assertEquals(200, PackagedApp.readiness(port).statusCode());
            assertTrue(app.log().contains("sending resumes"), app.log());
            // Seconds without the database: the heartbeat says so once, and once that it is back (quiet logs).
            assertEquals(1, app.log().split("heartbeat not written \\(", -1).length - 1, app.log());
            assertTrue(app.log().contains("heartbeat written again"), app.log());
        }
        Map<String, Integer> posts = PostpressStub.postsByAttendee(postpress);
        posts.forEach((attendee, count) -> assertEquals(1, count, attendee + " was posted " + count + " times"));
        assertEquals(RECORDS, posts.size(), "every record was posted");
        List<String> outcomes = RepeatedKillIT.outcomes(dir);
        Set<String> distinct = new TreeSet<>(outcomes);
        assertEquals(outcomes.size(), distinct.size(), "a record has two outcomes");
        assertEquals(RECORDS, distinct.size());
        assertEquals(List.of(), RepeatedKillIT.inDoubt(dir), "the answers that came while it was away are kept");
    }

    private int posted() {
        return PostpressStub.chatRequests(postpress).size();
    }

    /** Takes the app's database away (its connections ended, no new one taken) or gives it back. */
    private static void database(Path dir, boolean available) throws Exception {
        Map<String, String> ledger = TestLedger.forApp(dir);
        String url = ledger.get("OUTREACH_LEDGER_URL");
        String name = url.substring(url.lastIndexOf('/') + 1);
        try (Connection admin = DriverManager.getConnection(url.substring(0, url.lastIndexOf('/') + 1) + "postgres",
                ledger.get("OUTREACH_LEDGER_USERNAME"), ledger.get("OUTREACH_LEDGER_PASSWORD"));
                Statement statement = admin.createStatement()) {
            statement.execute("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS " + available);
            if (!available) {
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name
                        + "'");
            }
        }
    }
}
