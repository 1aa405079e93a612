package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** The files of samples/ through the built-in sandbox, as the quick start runs them. */
@QuarkusTest
@TestProfile(SandboxSamplesTest.Sandbox.class)
@QuarkusTestResource(PostpressStub.class)
class SandboxSamplesTest {

    public static class Sandbox implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("postpress.sandbox", "true", "outreach.retry.scan-interval", "1h");
        }
    }

    @Test
    void theSamplesEndWhereTheReadmeSays() throws Exception {
        TestFolders.wipe();
        try (Stream<Path> files = Files.list(Path.of("samples/attachments"))) {
            for (Path file : files.toList()) {
                TestFolders.attachment(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        for (String sample : List.of("leads.csv", "recruiter.json", "sales-navigator.jsonl")) {
            TestFolders.drop(sample, Files.readAllBytes(Path.of("samples", sample)));
        }

        assertCounts(TestFolders.awaitSummary("leads.csv"), 3, 1, 2);
        assertCounts(TestFolders.awaitSummary("recruiter.json"), 2, 1, 0);
        assertCounts(TestFolders.awaitSummary("sales-navigator.jsonl"), 2, 0, 1);

        assertTrue(TestFolders.successLines("leads.csv").stream().allMatch(l -> l.get("chat_id").asText()
                .startsWith("chat_sandbox_")), "answered by the sandbox");
        assertEquals("local/missing_variable", TestFolders.read(TestFolders.quarantineFile("leads.csv.6"))
                .at("/error/type").asText());
        JsonNode invalid = TestFolders.read(TestFolders.quarantineFile("leads.csv.7"));
        assertEquals("errors/invalid_recipient", invalid.at("/error/type").asText());
        assertEquals(422, invalid.at("/error/status").asInt());
        assertEquals("errors/too_many_requests",
                TestFolders.read(TestFolders.RETRY.resolve("crm-lead-1006.json")).at("/error/type").asText());
        assertEquals("errors/disconnected_account",
                TestFolders.read(TestFolders.RETRY.resolve("ats-cand-503.json")).at("/error/type").asText());
        assertEquals("local/option_not_allowed", TestFolders.read(TestFolders
                .quarantineFile("sales-navigator.jsonl.3")).at("/error/type").asText());
    }

    private static void assertCounts(JsonNode summary, int sent, int retry, int quarantined) {
        assertEquals(sent, summary.get("sent").asInt(), summary.toString());
        assertEquals(retry, summary.get("retry").asInt(), summary.toString());
        assertEquals(quarantined, summary.get("quarantined").asInt(), summary.toString());
    }
}
