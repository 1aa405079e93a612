package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bin/run-once} run as a user runs it: with someone's own folder and no API key it refuses, says what to set,
 * and leaves every file of the folder where it was.
 */
class RunOnceScriptTest {

    @TempDir
    Path work;

    @ParameterizedTest
    @ValueSource(strings = { "unset", "" })
    void aUserFolderWithoutAKeyIsRefusedAndLeftUntouched(String key) throws Exception {
        Path dir = work.resolve("outreach");
        Path success = Files.createDirectories(dir.resolve("success")).resolve("leads.csv.jsonl");
        Files.writeString(success, "{\"key\":\"crm-1\"}\n");
        Path ledger = Files.createDirectories(dir.resolve(".ledger")).resolve("ledger.mv.db");
        Files.writeString(ledger, "not really a database");

        ProcessBuilder script = new ProcessBuilder("bash", "bin/run-once").redirectErrorStream(true);
        script.environment().keySet().removeIf(name -> name.startsWith("POSTPRESS_") || name.startsWith("OUTREACH_"));
        script.environment().put("OUTREACH_DIR", dir.toString());
        if (!key.equals("unset")) {
            script.environment().put("POSTPRESS_API_KEY", key);
        }
        Process process = script.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the script answers at once, before any build");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(64, process.exitValue(), output);
        assertTrue(output.contains("POSTPRESS_API_KEY"), output);
        assertTrue(output.contains("POSTPRESS_SANDBOX=true OUTREACH_DIR=" + dir), "says how to try it: " + output);
        assertEquals(List.of("{\"key\":\"crm-1\"}"), Files.readAllLines(success));
        assertEquals("not really a database", Files.readString(ledger));
    }
}
