package com.postpressbridge;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

/**
 * {@code bin/preview} on the packaged app, after a real run filled the ledger: every record of the files is shown as
 * it would be sent (the exact form fields, templates filled, attachments resolved), as a duplicate, or with the error
 * it would be quarantined with; and nothing is sent, no ledger row changes, the files stay in the inbox. A real run
 * afterwards sends exactly what the preview said it would.
 */
class PreviewIT extends AgainstOwnPostpress {

    @Test
    void aPreviewShowsWhatARunWouldDoAndDoesNothing() throws Exception {
        Path dir = work.resolve("outreach");
        Map<String, String> real = env("OUTREACH_RUN_ONCE", "true");
        postpress.stubFor(PostpressStub.forAttendee("p-2").willReturn(PostpressStub.error(401,
                "errors/invalid_credentials"))); // acc-held is paused for outreach.account-pause (30 min)
        Files.writeString(Files.createDirectories(dir.resolve("inbox")).resolve("first.csv"),
                "account_id,attendees_ids,external_id,text\n"
                + "acc,p-1,crm-1,Hello\n"
                + "acc-held,p-2,crm-2,Hello\n");
        try (PackagedApp app = PackagedApp.start(dir, real, "run-1")) {
            assertEquals(0, app.awaitExit(90), app.log());
        }
        assertEquals(2, postpress.findAll(postRequestedFor(urlPathEqualTo("/api/v1/chats"))).size());
        postpress.resetRequests();

        Files.write(Files.createDirectories(dir.resolve("attachments")).resolve("deck.pdf"), new byte[1234]);
        Path leads = dir.resolve("inbox/leads.csv");
        Files.writeString(leads, "account_id,attendees_ids,external_id,text,attachments,first_name\n"
                + "acc,p-1,crm-1,Hello,,\n" // line 2: sent by the run before
                + "acc,p-3,crm-3,Hi {{first_name}},deck.pdf,Ada\n" // line 3: would be sent
                + "acc,p-4,crm-4,Hi {{company}},,Bob\n" // line 4: a variable without a value
                + "acc,p-3,crm-3,Hi {{first_name}},deck.pdf,Ada\n" // line 5: line 3 again
                + "acc-held,p-5,crm-5,Hi,,\n"); // line 6: its account is paused
        Path broken = dir.resolve("inbox/broken.json");
        Files.writeString(broken, "[{\"account_id\": \"acc\",");
        Path elsewhere = Files.writeString(work.resolve("elsewhere.jsonl"),
                "{\"account_id\":\"acc\",\"attendees_ids\":[\"p-9\"],\"text\":\"Yo\"}\n");
        // A file of the same name from another folder: its preview is kept beside the first one's, not over it.
        Path sameName = Files.writeString(Files.createDirectories(work.resolve("other")).resolve("leads.csv"),
                "account_id,attendees_ids,text\nacc,p-8,Yo\n");
        String ledgerBefore = TestLedger.dump(dir);

        Process preview = preview(dir, List.of(leads.toString(), broken.toString(), elsewhere.toString(),
                sameName.toString()));
        assertTrue(preview.waitFor(90, TimeUnit.SECONDS), "the preview ends by itself");
        String output = new String(preview.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(2, preview.exitValue(), "a file that cannot be read at all: " + output);
        assertTrue(output.contains("DRY RUN: nothing was sent and the ledger was not changed."), output);
        assertTrue(output.contains("\"leads.csv\": 5 records: 1 would be sent, 2 duplicates (not sent again), 1 would"
                + " wait for a held account, 1 would be quarantined (local/missing_variable ×1) → preview/leads.csv.jsonl"),
                output);
        assertTrue(output.contains("\"broken.json\": the whole file would be quarantined (malformed_json: "), output);
        assertTrue(output.contains("\"elsewhere.jsonl\": 1 records: 1 would be sent"), output);
        assertTrue(output.contains("\"leads.csv\": 1 records: 1 would be sent, 0 duplicates (not sent again), 0 would"
                + " wait for a held account, 0 would be quarantined → preview/leads.csv-2.jsonl"), output);
        assertEquals("p-8", CrashRecoveryIT.JSON.readTree(Files.readString(dir.resolve("preview/leads.csv-2.jsonl")))
                .at("/fields/1/value").asText());
        assertFalse(output.contains(CrashRecoveryIT.API_KEY), "no API key in the output");

        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("preview/leads.csv.jsonl"))) {
            lines.add(CrashRecoveryIT.JSON.readTree(line));
        }
        assertEquals(5, lines.size());
        assertEquals("skip_duplicate", lines.get(0).get("would").asText());
        assertEquals("already_sent", lines.get(0).get("duplicate").asText());
        JsonNode send = lines.get(1);
        assertEquals("send", send.get("would").asText(), send.toString());
        assertEquals("crm-3", send.get("key").asText());
        assertEquals(3, send.get("source").get("line").asInt());
        assertEquals(CrashRecoveryIT.JSON.readTree("[{\"name\":\"account_id\",\"value\":\"acc\"},"
                + "{\"name\":\"attendees_ids[]\",\"value\":\"p-3\"},{\"name\":\"text\",\"value\":\"Hi Ada\"},"
                + "{\"name\":\"attachments[]\",\"file\":\"deck.pdf\",\"content_type\":\"application/pdf\",\"bytes\":1234}]"),
                send.get("fields"), "the exact form fields of the request");
        JsonNode quarantine = lines.get(2);
        assertEquals("quarantine", quarantine.get("would").asText());
        assertEquals("local/missing_variable", quarantine.path("error").path("type").asText());
        assertTrue(quarantine.path("error").path("detail").asText().contains("company"), quarantine.toString());
        assertEquals("skip_duplicate", lines.get(3).get("would").asText());
        assertEquals("the same record as \"leads.csv\" line 3 in this preview", lines.get(3).get("duplicate").asText());
        assertEquals("wait_held_account", lines.get(4).get("would").asText(), lines.get(4).toString());
        assertTrue(Instant.parse(lines.get(4).get("held_until").asText()).isAfter(Instant.now().plusSeconds(600)));

        assertEquals(0, postpress.findAll(postRequestedFor(urlPathEqualTo("/api/v1/chats"))).size(), "nothing sent");
        assertEquals(ledgerBefore, TestLedger.dump(dir), "no ledger row changed");
        assertTrue(Files.exists(leads) && Files.exists(broken) && Files.exists(elsewhere), "the files stay");

        // A real run then does what the preview said: crm-3 sent once, crm-1 not again, crm-4 quarantined with the
        // same error, crm-5 held in retry/ without a request.
        Files.delete(broken);
        try (PackagedApp app = PackagedApp.start(dir, real, "run-2")) {
            assertEquals(0, app.awaitExit(90), app.log());
        }
        assertEquals(Map.of("p-3", 1), PostpressStub.postsByAttendee(postpress));
        JsonNode quarantined = TestFolders.read(Files.list(dir.resolve("quarantine"))
                .filter(p -> p.getFileName().toString().startsWith("leads.csv.4.")).findFirst().orElseThrow());
        assertEquals(quarantine.get("error"), quarantined.get("error"), "the error the preview showed");
        assertTrue(TestFolders.read(dir.resolve("retry/crm-5.json")).get("held").asBoolean(), "held, as previewed");
    }

    @Test
    void aPreviewShowsWhichRecordsWouldWaitForTheirAccountsPacing() throws Exception {
        Path dir = work.resolve("outreach");
        Path paced = Files.writeString(Files.createDirectories(dir.resolve("inbox")).resolve("paced.csv"),
                "account_id,attendees_ids,text\nacc_a,a-1,Hi\nacc_a,a-2,Hi\nacc_b,b-1,Hi\nacc_a,a-3,Hi\nacc_a,a-4,Hi\n");
        Process preview = preview(dir, List.of(paced.toString()), Map.of("OUTREACH_PACING_ENABLED", "true",
                "OUTREACH_PACING_PER_DAY", "2", "OUTREACH_PACING_MIN_INTERVAL", "1h", "OUTREACH_PACING_JITTER", "0",
                "OUTREACH_PACING_WINDOW", "always"));
        assertTrue(preview.waitFor(90, TimeUnit.SECONDS), "the preview ends by itself");
        String output = new String(preview.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, preview.exitValue(), output);
        assertTrue(output.contains("\"paced.csv\": 5 records: 2 would be sent, 0 duplicates (not sent again), 0 would"
                + " wait for a held account, 3 would wait for their account's pacing (scheduled/), 0 would be"
                + " quarantined"), output);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("preview/paced.csv.jsonl"))) {
            lines.add(CrashRecoveryIT.JSON.readTree(line));
        }
        assertEquals(List.of("send", "wait_pacing", "send", "wait_pacing", "wait_pacing"),
                lines.stream().map(l -> l.get("would").asText()).toList());
        Instant a2 = Instant.parse(lines.get(1).get("next_attempt_at").asText());
        Instant a3 = Instant.parse(lines.get(3).get("next_attempt_at").asText());
        Instant a4 = Instant.parse(lines.get(4).get("next_attempt_at").asText());
        assertTrue(a2.isAfter(Instant.now().plusSeconds(3000)) && a3.isAfter(a2) && a4.isAfter(a3),
                "an hour apart at least, in file order: " + a2 + ", " + a3 + ", " + a4);
        assertTrue(Files.exists(paced), "the file stays");
    }

    static Process preview(Path dir, List<String> files) throws Exception {
        return preview(dir, files, Map.of());
    }

    /** {@code bin/preview FILE...} as a user runs it, on the app's ledger, without an API key. */
    static Process preview(Path dir, List<String> files, Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "bin/preview"));
        command.addAll(files);
        ProcessBuilder script = new ProcessBuilder(command).redirectErrorStream(true);
        script.environment().keySet().removeIf(name -> name.startsWith("POSTPRESS_") || name.startsWith("OUTREACH_"));
        script.environment().putAll(TestLedger.forApp(dir));
        script.environment().put("OUTREACH_DIR", dir.toString());
        script.environment().put("JAVA_OPTS", "-Xmx256m");
        // as the real runs of these tests, which send many records of one account at once (PacingIT paces them)
        script.environment().put("OUTREACH_PACING_ENABLED", "false");
        script.environment().putAll(env);
        return script.start();
    }
}
