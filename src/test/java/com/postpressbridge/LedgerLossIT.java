package com.postpressbridge;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.postpressbridge.ledger.LedgerWatch;

/**
 * The ledger's folder deleted under the running app (issue 6, hole 8): the app notices and stops; the next start
 * rebuilds the ledger from the success lines, so the same file dropped again sends nothing a second time.
 */
class LedgerLossIT extends AgainstOwnPostpress {

    static final String LEADS = "account_id,attendees_ids,text\nacc,lost-1,Hi\nacc,lost-2,Hi\nacc,lost-3,Hi\n"
            + "acc,refused-4,Hi\n";

    @BeforeEach
    void stubAnswers() {
        postpress.stubFor(PostpressStub.forAttendee("refused-4").willReturn(PostpressStub.error(422,
                "errors/invalid_recipient")));
    }

    @Test
    void aDeletedLedgerStopsTheAppAndIsRebuiltSoThatNothingIsSentTwice() throws Exception {
        Path dir = work.resolve("outreach");
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Files.writeString(inbox.resolve("leads.csv"), LEADS);
        Map<String, String> env = Map.of("POSTPRESS_BASE_URL", postpress.baseUrl(), "POSTPRESS_API_KEY", "pp_live_x");
        try (PackagedApp app = PackagedApp.start(dir, env, "running")) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> TestFolders.find(dir.resolve("archive"),
                    "leads.csv.summary.json") != null);
            deleteTree(dir.resolve(".ledger"));
            assertEquals(LedgerWatch.LEDGER_LOST, app.awaitExit(30), "stops by itself: " + app.log());
            assertTrue(app.log().contains("was deleted while the bridge was running"), app.log());
        }

        Files.writeString(inbox.resolve("leads.csv"), LEADS);
        Map<String, String> again = new HashMap<>(env);
        again.put("OUTREACH_RUN_ONCE", "true");
        try (PackagedApp app = PackagedApp.start(dir, again, "restarted")) {
            assertEquals(0, app.awaitExit(60), app.log());
            assertTrue(app.log().contains("3 success lines entered as sent, 1 quarantined records"), app.log());
        }

        // The refused record comes back unchanged: the rebuilt ledger knows what it would send (the content hash kept
        // in its quarantine file), so it is refused again without a request, as with the ledger it had.
        assertEquals(Map.of("lost-1", 1, "lost-2", 1, "lost-3", 1, "refused-4", 1),
                PostpressStub.postsByAttendee(postpress), "each record posted once");
        Path second = TestFolders.find(dir.resolve("archive"), "leads-2.csv.summary.json");
        assertEquals(4, TestFolders.read(second).get("duplicates").asInt(), "the file dropped again is all duplicates");
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
