package com.postpressbridge.outcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.postpressbridge.callback.CallbackEvents;
import com.postpressbridge.ledger.CallbackOutbox;
import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.postpress.ErrorClassifier;
import com.postpressbridge.pacing.Pacing;
import com.postpressbridge.postpress.OutcomePolicy;
import com.postpressbridge.postpress.OutcomePolicyTest;
import com.postpressbridge.postpress.SendChat;
import com.postpressbridge.postpress.SendGate;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordSource;

/**
 * Issue 6: a failure after a 2xx never turns a sent record into a quarantined or in-doubt one. {@link Outcomes} with
 * real folders and a ledger that records what it is told (or fails), without Quarkus: the success folder cannot be
 * written (a file stands in its place, which stops root too), or the ledger fails to take the success. The outcome is
 * held, sending stops, and the outcome is written once the folder or the ledger works again (issue 6, hole 7).
 */
class SentStaysSentTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ANSWER = "{\"object\":\"ChatStarted\",\"chat_id\":\"chat_1\",\"message_id\":\"msg_1\"}";

    /** One {@code Ledger.finish} call. */
    record Finish(String key, Ledger.State state, int attempts, boolean inDoubt, String chatId, String document) {
    }

    /** A ledger that keeps what it is told, and fails when asked to. */
    static class RecordingLedger extends Ledger {
        final List<Finish> finished = new ArrayList<>();
        final List<String> written = new ArrayList<>();
        RuntimeException down;

        RecordingLedger(DiskFault disk) {
            super((javax.sql.DataSource) null, disk, "test-process");
        }

        @Override
        public long finish(String key, State state, int attempts, Long nextAttemptAt, boolean inDoubt, String chatId,
                String messageId, Waiting waiting, String unwrittenOutcome, CallbackOutbox.Event event) {
            if (down != null) {
                throw down;
            }
            finished.add(new Finish(key, state, attempts, inDoubt, chatId, unwrittenOutcome));
            return finished.size();
        }

        @Override
        public void written(String key, long version) {
            written.add(key);
        }
    }

    @TempDir
    Path root;

    DiskFault disk;
    RecordingLedger ledger;
    OutcomeFolders folders;
    HeldOutcomes held;
    Outcomes outcomes;
    OutreachItem item;

    @BeforeEach
    void setUp() throws IOException {
        disk = new DiskFault(List.of(), 0);
        ledger = new RecordingLedger(disk);
        folders = new OutcomeFolders(root, JSON);
        folders.create();
        held = new HeldOutcomes(ledger, folders, disk, new CallbackOutbox(ledger));
        outcomes = new Outcomes(ledger, folders, new ErrorClassifier(JSON, (String) null), new SendGate(ledger, JSON, java.time.Duration.ofSeconds(30)),
                new OutcomePolicy(OutcomePolicyTest.DEFAULTS), held, JSON, CallbackEvents.off(), Pacing.off());
        item = OutreachItem.of(RecordSource.fileLine("sent.csv", 2),
                JSON.readTree("{\"account_id\": \"acc\", \"attendees_ids\": [\"att\"], \"text\": \"Hi\"}"), null);
        item.key("sent-key");
        item.firstSeenAt(Instant.now().minus(Duration.ofDays(30))); // past the age limit: it must not matter
    }

    /** The exchange as send-chat leaves it after postpress answered 201. */
    private Exchange answered201() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(SendChat.ITEM, item);
        exchange.setProperty(RecordClaims.CLAIMED, true);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
        exchange.getMessage().setBody(ANSWER);
        return exchange;
    }

    @Test
    void anUnwritableSuccessFolderLeavesTheRecordSentInTheLedgerAndTheLineIsWrittenOnceTheFolderIs() throws IOException {
        Files.delete(folders.success());
        Files.writeString(folders.success(), "not a folder");

        outcomes.sent(answered201(), item);

        assertEquals(1, ledger.finished.size(), "one outcome: " + ledger.finished);
        Finish sent = ledger.finished.get(0);
        assertEquals(Ledger.State.SENT, sent.state());
        assertEquals(1, sent.attempts());
        assertFalse(sent.inDoubt());
        assertEquals("chat_1", sent.chatId());
        JsonNode unwritten = JSON.readTree(sent.document());
        assertEquals("success", unwritten.get("folder").asText());
        assertEquals("chat_1", unwritten.at("/document/chat_id").asText(), "the chat id is kept for the line");
        assertEquals(List.of(), ledger.written, "not written: the ledger keeps the line until start-up writes it");
        assertNothingIn(folders.quarantine(), folders.retry());
        assertTrue(disk.raised(), "nothing more is sent while outcomes cannot be written");
        assertEquals(1, held.size());

        Files.delete(folders.success());
        Files.createDirectory(folders.success());
        assertEquals(1, held.writeAll());
        assertEquals(1, ledger.finished.size(), "the ledger had it already");
        assertEquals(List.of("sent-key"), ledger.written);
        assertEquals(1, Files.readAllLines(folders.success().resolve("sent.csv.jsonl")).size());
    }

    /**
     * A bug of ours after the claim: the record is in doubt (a request may have left), and the log says so; it said
     * "quarantined", which sends a person to retry it as any refused record (a review).
     */
    @Test
    void anUnexpectedErrorAfterTheClaimIsLoggedAsInDoubt() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(SendChat.ITEM, item);
        exchange.setProperty(RecordClaims.CLAIMED, true);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new IllegalStateException("a bug of ours"));
        List<String> said;
        try (com.postpressbridge.LogWatch errors = com.postpressbridge.LogWatch.of(line -> true)) {
            outcomes.failed(exchange, item);
            said = errors.lines().stream().map(com.postpressbridge.LogWatch::text).toList();
        }
        assertEquals(Ledger.State.QUARANTINED, ledger.finished.get(0).state());
        assertTrue(ledger.finished.get(0).inDoubt());
        assertTrue(said.stream().anyMatch(line -> line.contains("unexpected error with record")
                && line.endsWith("quarantined as in doubt (a request may have left)")), String.valueOf(said));
    }

    static Stream<RuntimeException> ledgerFailures() {
        return Stream.of(new Ledger.LedgerException("cannot finish", new SQLException("No space left on device")),
                new IllegalStateException("a bug in the ledger"));
    }

    @ParameterizedTest
    @MethodSource("ledgerFailures")
    void aLedgerThatFailsAfterTheAnswerStillGetsTheSuccessLineWrittenAndTheSuccessOnceItWorks(RuntimeException failure)
            throws IOException {
        ledger.down = failure;

        outcomes.sent(answered201(), item); // nothing reaches the error policy's clauses, which could quarantine

        assertTrue(disk.raised(), "nothing more is sent while the ledger cannot take outcomes");
        assertEquals(1, held.size());
        List<String> lines = Files.readAllLines(folders.success().resolve("sent.csv.jsonl"));
        assertEquals(1, lines.size());
        JsonNode line = JSON.readTree(lines.get(0));
        assertEquals("sent-key", line.get("key").asText());
        assertEquals("chat_1", line.get("chat_id").asText(), "start-up recovery takes this line as the outcome");
        assertFalse(line.get("already_performed").asBoolean());
        assertNothingIn(folders.quarantine(), folders.retry());

        ledger.down = null;
        assertEquals(1, held.writeAll());
        assertEquals(List.of(Ledger.State.SENT), ledger.finished.stream().map(Finish::state).toList());
        assertEquals("chat_1", ledger.finished.get(0).chatId());
        assertEquals(1, Files.readAllLines(folders.success().resolve("sent.csv.jsonl")).size(), "not appended twice");
    }

    private static void assertNothingIn(Path... folders) throws IOException {
        for (Path folder : folders) {
            try (var files = Files.list(folder)) {
                assertEquals(List.of(), files.toList(), folder.getFileName() + " should be empty");
            }
        }
    }
}
