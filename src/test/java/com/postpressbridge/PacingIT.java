package com.postpressbridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import org.junit.jupiter.api.Test;

/**
 * The packaged app with short pacing settings (5 a day, 1 s apart, at any hour): postpress sees at most 5 sends per
 * account, a second apart, in file order; the rest waits in scheduled/, and still waits after a restart (the caps are
 * in the ledger, not in the process). A window that cannot be used stops the start with a sentence saying why.
 */
class PacingIT extends AgainstOwnPostpress {

    private static final int ACCOUNTS = 3;
    private static final int RECORDS = 24;

    private Map<String, String> paced(int port, String... more) {
        Map<String, String> env = env(port, "OUTREACH_PACING_ENABLED", "true", "OUTREACH_PACING_PER_DAY", "5",
                "OUTREACH_PACING_MIN_INTERVAL", "1s", "OUTREACH_PACING_JITTER", "0.2", "OUTREACH_PACING_WINDOW", "always",
                "OUTREACH_RETRY_SCAN_INTERVAL", "200ms");
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void atMostTheDailyCapPerAccountASecondApartAndTheRestScheduledAcrossARestart() throws Exception {
        Path dir = work.resolve("outreach");
        int port = PackagedApp.freePort();
        try (PackagedApp app = PackagedApp.start(dir, paced(port), "paced")) {
            PackagedApp.awaitReady(port);
            TestFolders.dropLeads(dir, "paced.csv", "acc_pace", ACCOUNTS, "pace-", RECORDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> PostpressStub.chatRequests(postpress).size() == 15
                    && scheduled(dir) == 9);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> PostpressStub.chatRequests(postpress).size() == 15);
            assertTrue(app.log().contains("pacing per account: 5/day, 200/week, 1s apart (+ up to 20%), always UTC"),
                    app.log());
            app.terminate();
            assertEquals(0, app.awaitExit(60), app.log());
        }

        Map<String, List<LoggedRequest>> byAccount = new java.util.TreeMap<>();
        for (LoggedRequest request : PostpressStub.chatRequests(postpress)) {
            int attendee = Integer.parseInt(PostpressStub.attendee(request).substring("pace-".length()));
            byAccount.computeIfAbsent("acc_pace" + attendee % ACCOUNTS, a -> new ArrayList<>()).add(request);
        }
        assertEquals(ACCOUNTS, byAccount.size());
        long leastGap = Long.MAX_VALUE;
        for (Map.Entry<String, List<LoggedRequest>> account : byAccount.entrySet()) {
            List<LoggedRequest> sends = account.getValue().stream()
                    .sorted(Comparator.comparing(LoggedRequest::getLoggedDate)).toList();
            assertEquals(5, sends.size(), account.getKey() + ": the day's cap");
            List<Integer> attendees = sends.stream()
                    .map(r -> Integer.parseInt(PostpressStub.attendee(r).substring("pace-".length()))).toList();
            assertEquals(attendees.stream().sorted().toList(), attendees, account.getKey() + ": in file order");
            assertEquals(attendees.get(0), account.getValue().stream()
                    .mapToInt(r -> Integer.parseInt(PostpressStub.attendee(r).substring(5))).min().orElseThrow());
            for (int i = 1; i < sends.size(); i++) {
                leastGap = Math.min(leastGap, sends.get(i).getLoggedDate().getTime()
                        - sends.get(i - 1).getLoggedDate().getTime());
            }
        }
        // The gap counts from the end of the request before: the arrivals at the stub are that far apart at least.
        assertTrue(leastGap >= 1000, "sends of one account at least a second apart: " + leastGap + " ms");
        System.out.printf("PacingIT: %s sends per account, least gap %d ms, %d scheduled%n", byAccount.values().stream()
                .map(List::size).collect(Collectors.toList()), leastGap, scheduled(dir));

        // The caps are the ledger's: a restart sends nothing more today, and what waits keeps waiting.
        int again = PackagedApp.freePort();
        try (PackagedApp app = PackagedApp.start(dir, paced(again), "paced-again")) {
            PackagedApp.awaitReady(again);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> PostpressStub.chatRequests(postpress).size() == 15);
            assertEquals(9, scheduled(dir));
            app.terminate();
            assertEquals(0, app.awaitExit(60), app.log());
        }
        try (Stream<Path> lines = Files.list(dir.resolve("success"))) {
            assertEquals(15, lines.mapToLong(f -> {
                try {
                    return Files.readAllLines(f).size();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum(), "every record sent or scheduled, none lost");
        }
    }

    @Test
    void aWindowThatCannotBeUsedStopsTheStartAndSaysWhy() throws Exception {
        Path dir = work.resolve("outreach");
        try (PackagedApp app = PackagedApp.start(dir, paced(PackagedApp.freePort(), "OUTREACH_PACING_WINDOW",
                "Mon-Fri 18:30-08:30"), "bad-window")) {
            assertNotEquals(0, app.awaitExit(60));
            assertTrue(app.log().contains("outreach.pacing.window 'Mon-Fri 18:30-08:30': the window must close after it"
                    + " opens on the same day"), app.log());
        }
    }

    private static long scheduled(Path dir) throws java.io.IOException {
        Path folder = dir.resolve("scheduled");
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")
                    && !f.getFileName().toString().startsWith(".")).count();
        }
    }
}
