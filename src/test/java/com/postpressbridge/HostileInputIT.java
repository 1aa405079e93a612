package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.postpressbridge.inbox.FileNamesTest;
import com.postpressbridge.inbox.HostileReadersTest;

/**
 * The inputs real users drop, all at once, into the packaged app in run-once mode: huge exports, files the process
 * may not read, links, folders, copy-paste junk, odd names. The app exits by itself; every input ends archived or
 * quarantined with a reason a person can act on; every good record among them is sent once and nothing else is.
 * The corpus is generated here (its large files would bloat the repository).
 */
class HostileInputIT {

    static final String API_KEY = "pp_live_hostile_5ecret_key";
    static final String GOOD_CSV = "good leads \"2026\" ünïcødé.csv";
    static final String NEWLINE_NAME = "new\nline.jsonl";

    @TempDir
    Path work;

    WireMockServer postpress;
    Path inbox;

    @BeforeEach
    void startPostpress() throws IOException {
        postpress = PostpressStub.startOwn();
        inbox = Files.createDirectories(work.resolve("outreach/inbox"));
    }

    @AfterEach
    void stopPostpress() {
        postpress.stop();
    }

    @Test
    void everyHostileInputEndsArchivedOrQuarantinedAndOnlyGoodRecordsAreSentOnce() throws Exception {
        // Files whose good records go out; their bad records are quarantined alone.
        drop(GOOD_CSV, "account_id,attendees_ids,text\nacc,good-1,Hi\nacc,good-2,Hello\n");
        drop("crlf-mixed.csv", "account_id,attendees_ids,text\r\nacc,good-3,Hi\nacc,good-4,\"two\r\nlines\"\r\n");
        drop(NEWLINE_NAME, record("good-5", "hi") + "\n");
        drop("bom-middle.csv", "\uFEFFaccount_id,attendees_ids,text\nacc,good-6,Hi\n\uFEFFacc,never-1,Hi\n");
        drop("nul.csv", "account_id,attendees_ids,text\nacc,good-7,Hi\nacc,never-2,Hi\u0000there\n");
        drop("nul.json", "[" + record("never-3", "a\\u0000b") + "]");
        drop("header-only.csv", "account_id,attendees_ids,text\n");
        try (Writer out = writer("long-line.jsonl")) {
            out.write(record("good-8", "before") + "\n{\"account_id\": \"acc\", \"attendees_ids\": [\"never-4\"], \"text\": \"");
            repeat(out, 'y', 30 << 20);
            out.write("\"}\n" + record("good-9", "after") + "\n");
        }
        try (Writer out = writer("big-cell.csv")) {
            out.write("account_id,attendees_ids,text,notes\nacc,never-5,Hi,");
            repeat(out, 'z', 10 << 20);
            out.write("\nacc,good-10,Hi,short\n");
        }
        // Files that go whole to quarantine: nothing of them is sent.
        Files.write(inbox.resolve("tail-not-utf8.jsonl"), concat(record("never-6", "hi") + "\n",
                new byte[] { (byte) 0xC3, (byte) 0x28 }));
        drop("empty.csv", "");
        drop("deep.json", "[".repeat(100_000) + "]".repeat(100_000));
        try (Writer out = writer("huge-string.json")) {
            out.write("[" + record("never-7", "ok") + ",\n{\"text\": \"");
            repeat(out, 'x', 21 << 20);
            out.write("\"}]");
        }
        Files.writeString(Files.createDirectories(inbox.resolve("x.csv")).resolve("inside.csv"),
                "account_id,attendees_ids,text\nacc,never-8,Hi\n");
        Path elsewhere = Files.writeString(work.resolve("elsewhere.csv"), "account_id,attendees_ids,text\nacc,never-9,Hi\n");
        Files.createSymbolicLink(inbox.resolve("link.csv"), elsewhere);
        Files.createSymbolicLink(inbox.resolve("dangling.csv"), work.resolve("missing.csv"));
        Path locked = drop("locked.csv", "account_id,attendees_ids,text\nacc,never-10,Hi\n");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Path lockedAttachment = Files.writeString(Files.createDirectories(work.resolve("outreach/attachments"))
                .resolve("locked.pdf"), "%PDF");
        Files.setPosixFilePermissions(lockedAttachment, PosixFilePermissions.fromString("---------"));
        drop("attach.csv", "account_id,attendees_ids,text,attachments\nacc,never-11,Hi,locked.pdf\n");
        FileNamesTest.withRawName(inbox, "not-utf8-\\377.csv", "account_id,attendees_ids,text\nacc,never-12,Hi\n");

        Map<String, String> env = Map.of("POSTPRESS_BASE_URL", postpress.baseUrl(), "POSTPRESS_API_KEY", API_KEY,
                "OUTREACH_RUN_ONCE", "true");
        String log;
        int code;
        try (PackagedApp app = PackagedApp.startBoundByPermissions(work.resolve("outreach"), env, "hostile")) {
            code = app.awaitExit(240);
            log = app.log();
        }

        assertEquals(2, code, "run-once ends by itself, saying files could not be read: " + log);
        Map<String, Integer> posts = PostpressStub.postsByAttendee(postpress);
        Map<String, Integer> once = new TreeMap<>();
        for (int i = 1; i <= 10; i++) {
            once.put("good-" + i, 1);
        }
        assertEquals(once, posts, "every good record once, nothing else");

        Path outreach = work.resolve("outreach");
        try (Stream<Path> left = Files.list(inbox)) {
            assertEquals(List.of(), left.toList(), "the inbox is empty");
        }
        for (String archived : List.of(GOOD_CSV, "crlf-mixed.csv", NEWLINE_NAME, "bom-middle.csv", "nul.csv", "nul.json",
                "header-only.csv", "long-line.jsonl", "big-cell.csv", "attach.csv")) {
            assertTrue(TestFolders.find(outreach.resolve("archive"), archived + ".summary.json") != null,
                    archived + " is archived with its summary");
        }
        Map<String, String> wholeFiles = Map.of("tail-not-utf8.jsonl", "local/not_utf8", "empty.csv",
                "local/malformed_csv", "deep.json", "local/malformed_json", "huge-string.json", "local/malformed_json",
                "x.csv", "local/not_a_file", "link.csv", "local/not_a_file", "dangling.csv", "local/not_a_file",
                "locked.csv", "local/unreadable_file", "not-utf8-%FF.csv", "local/unreadable_name");
        Path quarantine = outreach.resolve("quarantine");
        for (Map.Entry<String, String> file : wholeFiles.entrySet()) {
            assertTrue(Files.exists(quarantine.resolve(file.getKey()), java.nio.file.LinkOption.NOFOLLOW_LINKS),
                    file.getKey() + " is quarantined whole");
            JsonNode report = TestFolders.read(quarantine.resolve(file.getKey() + ".error.json"));
            assertEquals(file.getValue(), report.at("/error/type").asText(), report.toString());
            String detail = report.at("/error/detail").asText();
            HostileReadersTest.assertPlain(detail);
            assertTrue(detail.contains("drop"), "says what to do: " + detail);
            assertFalse(report.toString().contains("never-9"), "a linked file is never read into an error file");
        }

        Map<String, String> recordTypes = new TreeMap<>();
        List<Path> recordFiles;
        try (Stream<Path> files = Files.list(quarantine)) {
            recordFiles = files.filter(file -> !wholeFiles.containsKey(file.getFileName().toString())
                    && !file.getFileName().toString().endsWith(".error.json")).toList();
        }
        for (Path file : recordFiles) {
            JsonNode document = TestFolders.read(file);
            HostileReadersTest.assertPlain(document.at("/error/detail").asText());
            recordTypes.put(document.at("/source/file").asText() + ":" + document.at("/source/line").asText(),
                    document.at("/error/type").asText());
        }
        Map<String, String> expected = new TreeMap<>(Map.of("bom-middle.csv:3", "local/invalid_characters",
                "nul.csv:3", "local/invalid_characters", "nul.json:1", "local/invalid_characters",
                "long-line.jsonl:2", "local/too_large", "big-cell.csv:2", "local/too_large",
                "attach.csv:2", "local/attachment_not_readable"));
        assertEquals(expected, recordTypes, "each bad record quarantined alone with its reason");

        assertFalse(log.lines().anyMatch(line -> line.matches("\\s+at [\\w$.]+\\(.*")), "no stack trace: " + log);
        assertTrue(log.contains("\"new\\nline.jsonl\": 1 records"), "a file name stays on its log line: " + log);
        assertFalse(log.contains(API_KEY));
    }

    private static String record(String attendee, String text) {
        return "{\"account_id\": \"acc\", \"attendees_ids\": [\"" + attendee + "\"], \"text\": \"" + text + "\"}";
    }

    private Path drop(String name, String content) throws IOException {
        return Files.writeString(inbox.resolve(name), content);
    }

    private Writer writer(String name) throws IOException {
        return Files.newBufferedWriter(inbox.resolve(name), StandardCharsets.UTF_8);
    }

    private static void repeat(Writer out, char c, int times) throws IOException {
        char[] chunk = new char[1 << 16];
        java.util.Arrays.fill(chunk, c);
        for (int left = times; left > 0; left -= chunk.length) {
            out.write(chunk, 0, Math.min(left, chunk.length));
        }
    }

    private static byte[] concat(String text, byte[] tail) {
        byte[] head = text.getBytes(StandardCharsets.UTF_8);
        byte[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
