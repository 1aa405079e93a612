package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.postpressbridge.inbox.FileNamesTest;

/**
 * {@code bin/run-once} on the packaged app, as a user runs it against the sandbox: its closing table counts what is in
 * each folder (a folder quarantined whole is one entry, and the files in it are not records); and when the embedded
 * ledger is open in another process (a bridge running on the same folder) it says so in one sentence and prints no
 * table. Started without a locale (as cron starts it), it still opens a file named in UTF-8, and a name that is not
 * UTF-8 goes to quarantine instead of staying in the inbox unseen.
 */
class RunOnceScriptIT {

    @TempDir
    Path work;

    @Test
    void theTableCountsWhatIsInEachFolder() throws Exception {
        Path dir = work.resolve("outreach");
        Path stray = Files.createDirectories(dir.resolve("quarantine/sub"));
        Files.writeString(stray.resolve("a.csv"), "account_id,attendees_ids\n");
        Files.writeString(stray.resolve("b.csv"), "account_id,attendees_ids\n");
        Files.writeString(dir.resolve("quarantine/sub.error.json"), "{\"error\": {\"type\": \"local/not_a_file\"}}");
        Result run = runOnce(dir);
        assertEquals(0, run.code, run.output);
        assertTrue(run.output.matches("(?s).*quarantine/ +1 records or files +local/not_a_file ×1\n.*"), run.output);
        // a run where nothing went wrong warns of nothing but the sandbox (it took no webhooks: none were set up)
        assertEquals(List.of(), run.output.lines().filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                .filter(line -> !line.contains("SANDBOX MODE")).toList(), run.output);
    }

    @Test
    void aUtf8NameIsReadWithoutAUtf8LocaleAndANameThatIsNotUtf8IsQuarantined() throws Exception {
        Path inbox = Files.createDirectories(work.resolve("outreach/inbox"));
        Files.writeString(inbox.resolve("café.csv"), "account_id,attendees_ids,text\nacc,accented,Hi\n");
        FileNamesTest.withRawName(inbox, "latin1-caf\\351.csv", "account_id,attendees_ids,text\nacc,latin1,Hi\n");
        // as cron runs it: no locale at all, which would make Java read every name as ASCII
        Result run = runOnce(work.resolve("outreach"), "LANG", "LC_ALL", "LC_CTYPE");
        assertEquals(2, run.code, "a file went whole to quarantine: " + run.output);
        assertTrue(run.output.contains("run-once done: sent 1, already performed 0, retry 0, scheduled 0, quarantined 0,"
                + " duplicates 0;"), "what the run did, by outcome: " + run.output);
        assertTrue(TestFolders.find(work.resolve("outreach/archive"), "café.csv.summary.json") != null, run.output);
        Path quarantined = work.resolve("outreach/quarantine/latin1-caf%E9.csv");
        assertTrue(Files.exists(quarantined), run.output);
        assertEquals("local/unreadable_name", TestFolders.read(quarantined.resolveSibling("latin1-caf%E9.csv.error.json"))
                .at("/error/type").asText());
        try (Stream<Path> left = Files.list(inbox)) {
            assertEquals(List.of(), left.toList(), "nothing left in the inbox");
        }
    }

    @Test
    void aLedgerOpenElsewhereIsRefusedInOneSentence() throws Exception {
        Path dir = work.resolve("outreach");
        Files.createDirectories(dir.resolve(".ledger"));
        // Another process has the embedded ledger open, as a running bridge would.
        try (Connection bridge = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve(".ledger/ledger"),
                "outreach", "")) {
            Result run = runOnce(dir);
            assertEquals(1, run.code, run.output);
            assertTrue(run.output.contains("bin/run-once: the ledger in " + dir + "/.ledger is open in a running bridge"),
                    run.output);
            assertTrue(run.output.contains("Nothing was sent."), run.output);
            assertFalse(run.output.contains("Outcomes in"), "no table: " + run.output);
        }
    }

    private record Result(int code, String output) {
    }

    private static Result runOnce(Path dir, String... unset) throws Exception {
        ProcessBuilder script = new ProcessBuilder(List.of("bash", "bin/run-once")).redirectErrorStream(true);
        script.environment().keySet().removeIf(name -> name.startsWith("POSTPRESS_") || name.startsWith("OUTREACH_"));
        script.environment().keySet().removeAll(List.of(unset));
        script.environment().put("POSTPRESS_SANDBOX", "true");
        script.environment().put("OUTREACH_DIR", dir.toString());
        script.environment().put("QUARKUS_HTTP_PORT", String.valueOf(PackagedApp.freePort()));
        script.environment().put("JAVA_OPTS", "-Xmx256m");
        Process process = script.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), output);
        return new Result(process.exitValue(), output);
    }
}
