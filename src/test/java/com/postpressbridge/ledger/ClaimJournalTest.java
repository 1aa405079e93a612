package com.postpressbridge.ledger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.postpressbridge.LedgerMigrations;
import com.postpressbridge.config.LedgerUrl;
import com.postpressbridge.ledger.Ledger.State;

/**
 * The claim journal on a real H2 file. A killed process is H2's {@code SHUTDOWN IMMEDIATELY}: the file keeps only what
 * H2 had written to it (only what a checkpoint wrote: the URL, as the pool gets it, puts H2's background writer off),
 * as when the process dies. The next "process" is a new {@link Ledger} on the same file.
 */
class ClaimJournalTest {

    private static final String INSTANCE = "journal-test";

    @TempDir
    Path folder;
    private JdbcDataSource database;

    @BeforeEach
    void migrate() {
        database = new JdbcDataSource();
        database.setURL(
                LedgerUrl.pooled("jdbc:h2:file:" + folder.resolve("ledger") + ";RETENTION_TIME=0;DB_CLOSE_DELAY=-1"));
        database.setUser("outreach");
        LedgerMigrations.h2().dataSource(database).load().migrate();
    }

    /** A process on the ledger, before its start-up has applied the journal. */
    private Ledger process() {
        return new Ledger(database, new DiskFault(List.of(), 0), INSTANCE);
    }

    private Ledger start() {
        Ledger ledger = process();
        ledger.replayJournal();
        return ledger;
    }

    private void kill() throws SQLException {
        try (Connection db = database.getConnection(); Statement sql = db.createStatement()) {
            sql.execute("SHUTDOWN IMMEDIATELY");
        }
    }

    /** A process claims the key for sending and is killed before H2 wrote the claim to its file. */
    private void claimedThenKilled(String key) throws SQLException {
        start().claim(key, "hash-1", "{\"claimed_at\":1}", null, false, State.SENDING);
        kill();
    }

    private long rowsInTheFile() throws SQLException {
        try (Connection db = database.getConnection(); Statement sql = db.createStatement();
                ResultSet count = sql.executeQuery("SELECT COUNT(*) FROM outreach_record")) {
            count.next();
            return count.getLong(1);
        }
    }

    @Test
    void claimsAndADeliveryThatH2LostWithAKilledProcessAreTakenFromTheJournal() throws Exception {
        Ledger ledger = start();
        assertEquals(Ledger.Claim.CLAIMED, ledger.claim("k-1", "hash-1", "{\"claimed_at\":1}",
                new Ledger.Place("acc-1", 7), false, State.SENDING));
        Ledger.DeliveryAnswer answer = ledger.acceptDelivery("crm", "d-1",
                List.of(new Ledger.Queued("k-2", "hash-2", "{\"queued\":true}", null)), claims -> "{\"accepted\":1}");
        assertEquals("{\"accepted\":1}", answer.body());
        kill();
        // What H2 had: nothing of either (without the journal, both records would be unknown now: the claimed one
        // could be sent a second time, the accepted one would be lost).
        assertEquals(0, rowsInTheFile());

        Ledger next = process();
        assertEquals(3, next.replayJournal());

        assertEquals(State.SENDING, next.state("k-1"));
        assertEquals(State.QUEUED, next.state("k-2"));
        assertEquals("{\"accepted\":1}", next.deliveryAnswer("crm", "d-1"));
        List<Ledger.InFlight> inFlight = next.inFlight(Ledger.Holders.ALL);
        assertEquals(1, inFlight.size());
        assertEquals("k-1", inFlight.get(0).key());
        assertEquals("{\"claimed_at\":1}", inFlight.get(0).document(), "start-up makes it in doubt from this");
        assertEquals(List.of("{\"queued\":true}"), next.queued(10), "sent from this when its turn comes");
        assertTrue(ClaimJournal.files(folder).isEmpty(), "applied, then emptied");
        assertEquals(0, start().replayJournal(), "nothing to apply twice");
    }

    /**
     * A restart after a kill in RepeatedKillIT once failed so: applying the journal met a work row that another
     * transaction held for longer than H2's lock timeout (2 s). Start-up tries again instead of failing.
     */
    @Test
    void aRowHeldByAnotherTransactionForAWhileDoesNotFailTheStart() throws Exception {
        claimedThenKilled("k-1");
        try (Connection holder = database.getConnection(); Statement sql = holder.createStatement()) {
            holder.setAutoCommit(false);
            sql.executeUpdate("INSERT INTO outreach_work (record_key, version, item) VALUES ('k-1', 99, NULL)");
            CompletableFuture<Void> released = CompletableFuture.runAsync(() -> {
                try {
                    holder.rollback();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, CompletableFuture.delayedExecutor(3, TimeUnit.SECONDS));

            Ledger next = process();
            assertEquals(1, next.replayJournal());
            released.join();
            assertEquals(State.SENDING, next.state("k-1"));
            assertEquals("k-1", next.inFlight(Ledger.Holders.ALL).get(0).key());
        }
    }

    /**
     * A key the file has no record row of is claimed from the journal even when a work row of it is there with a newer
     * version (none the bridge makes: a record row and its work row go in one transaction). RepeatedKillIT sent a
     * record twice after a kill (1 run in 2 or 3 with seed 63156771697750): its claim, made half a second before the
     * kill, was neither in the file nor applied from the journal. Whether an orphan work row was the cause is not
     * shown; taking the claim is safe either way.
     */
    @Test
    void aKeyWithoutItsRecordRowIsClaimedWhateverItsWorkRowSays() throws Exception {
        claimedThenKilled("k-1");
        try (Connection db = database.getConnection(); Statement sql = db.createStatement()) {
            sql.executeUpdate("INSERT INTO outreach_work (record_key, version, item) VALUES ('k-1', "
                    + Long.MAX_VALUE + ", NULL)");
        }

        Ledger next = process();
        assertEquals(1, next.replayJournal());
        assertEquals(State.SENDING, next.state("k-1"), "claimed: in doubt at the repair, never claimed afresh");
    }

    @Test
    void aRowTheFileHasInANewerStateIsLeftAsItIs() throws Exception {
        Ledger ledger = start();
        ledger.claim("k-sent", "hash-1", "{\"claimed_at\":1}", false, State.SENDING);
        ledger.claim("k-retry", "hash-2", "{\"claimed_at\":2}", false, State.SENDING);
        ledger.finish("k-sent", State.SENT, 1, null, false, "chat-1", "msg-1", "{\"sent\":true}");
        ledger.checkpointJournal(); // both claims and the first outcome are in the file now
        ledger.finish("k-retry", State.RETRY, 1, System.currentTimeMillis() + 60_000, false, null, null, "{}");
        kill(); // the second outcome was in memory only

        Ledger next = process();
        assertEquals(0, next.replayJournal(), "the file knows both claims, and more");
        assertEquals(State.SENT, next.state("k-sent"), "never made in doubt by its older claim");
        assertEquals(State.SENDING, next.state("k-retry"), "its lost outcome is start-up's to find in its folder");
    }

    @Test
    void aClaimOfAWaitingRecordGoesOverTheStateItWaitedIn() throws Exception {
        Ledger ledger = start();
        ledger.acceptDelivery("crm", null, List.of(new Ledger.Queued("k-w", "hash-w", "{\"n\":1}", null)),
                claims -> "{}");
        ledger.checkpointJournal(); // the file has it queued
        assertTrue(ledger.claimWaiting("k-w", State.QUEUED, "{\"n\":1,\"claimed_at\":5}"));
        kill(); // its request may have left

        Ledger next = process();
        assertEquals(1, next.replayJournal());
        assertEquals(State.SENDING, next.state("k-w"), "never queued again: it would be sent twice");
        assertEquals("{\"n\":1,\"claimed_at\":5}", next.inFlight(Ledger.Holders.ALL).get(0).document());
    }

    @Test
    void aFileIsDeletedAfterTwoCheckpointsHaveCoveredIt() throws Exception {
        Ledger ledger = start();
        ledger.claim("k-a", "hash-a", "{}", false, State.SENDING);
        ledger.checkpointJournal();
        assertEquals(List.of(1L), List.copyOf(ClaimJournal.files(folder).keySet()));
        ledger.claim("k-b", "hash-b", "{}", false, State.SENDING);
        ledger.checkpointJournal();
        assertEquals(List.of(2L), List.copyOf(ClaimJournal.files(folder).keySet()));
        ledger.checkpointJournal();
        assertTrue(ClaimJournal.files(folder).isEmpty());
    }

    @Test
    void aLineCutShortByAKilledProcessIsLeftOut() throws IOException {
        Path file = folder.resolve("claims-1.journal");
        Files.writeString(file, "{\"key\":\"whole\"}\n{\"key\":\"cut");
        assertEquals(List.of("{\"key\":\"whole\"}"), ClaimJournal.lines(file));
        // cut in the middle of a character of two bytes (é): no failure, the whole line before it stands
        byte[] accented = "{\"key\":\"café\"}\n{\"key\":\"é".getBytes(StandardCharsets.UTF_8);
        Files.write(file, Arrays.copyOf(accented, accented.length - 1));
        assertEquals(List.of("{\"key\":\"café\"}"), ClaimJournal.lines(file));
        Files.writeString(file, "");
        assertEquals(List.of(), ClaimJournal.lines(file));
    }

    @Test
    void aDamagedLineIsSkippedAndTheRestIsApplied() throws Exception {
        Files.writeString(folder.resolve("claims-1.journal"), "not json at all\n"
                + "{\"key\":\"k-odd\",\"state\":\"LOST\",\"at\":1,\"version\":1,\"item\":\"{}\"}\n"
                + "{\"key\":\"k-ok\",\"state\":\"SENDING\",\"at\":1,\"version\":1,\"fresh\":true,\"hash\":\"h\","
                + "\"item\":\"{\\\"claimed_at\\\":1}\"}\n");
        Ledger ledger = process();
        assertEquals(1, ledger.replayJournal(), "the start goes on; the damaged lines are logged for a person");
        assertEquals(State.SENDING, ledger.state("k-ok"));
        assertNull(ledger.state("k-odd"));
        assertTrue(ClaimJournal.files(folder).isEmpty());
    }

    /**
     * An outcome is committed without a journal line: with H2's writer put off, the checkpoint every second is what
     * writes it, also when no claim was journaled since (a kill then lost it, and a start repaired it again from its
     * folder, each time; a probe of the packaged app saw the same repair at three restarts).
     */
    @Test
    void anOutcomeReachesTheFileAtTheNextCheckpointWhenNothingWasJournaledSince() throws Exception {
        Ledger ledger = start();
        ledger.claim("k-1", "hash-1", "{\"claimed_at\":1}", null, false, State.SENDING);
        ledger.checkpointJournal();
        ledger.checkpointJournal();
        assertTrue(ClaimJournal.files(folder).isEmpty(), "the claim's journal is done with");
        ledger.finish("k-1", State.SENT, 1, null, false, "chat-1", "msg-1", "{}");
        ledger.checkpointJournal();
        kill();
        assertEquals(State.SENT, process().state("k-1"));
    }

    /** H2 writes its file only between transactions: a checkpoint waits for the one under way. */
    @Test
    void aCheckpointWaitsForTheTransactionUnderWay() throws Exception {
        Ledger ledger = start();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> underWay = CompletableFuture.supplyAsync(() -> ledger.transaction("hold", db -> {
            inside.countDown();
            try {
                assertTrue(release.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return 1;
        }));
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        CompletableFuture<Object> checkpoint = CompletableFuture.supplyAsync(
                () -> ledger.transaction("checkpoint", true, db -> null));
        await("a checkpoint beside a transaction under way").during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                .until(() -> !checkpoint.isDone());
        release.countDown();
        assertEquals(1, underWay.get(10, TimeUnit.SECONDS));
        assertNull(checkpoint.get(10, TimeUnit.SECONDS));
    }

    /** A durable transaction inside another would wait for itself: refused at once rather than hanging. */
    @Test
    void aDurableTransactionInsideAnotherIsRefused() {
        Ledger ledger = start();
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> ledger.transaction("outer", db -> ledger.transaction("inner", true, inner -> null)));
        assertEquals("a durable transaction inside another one: inner", refused.getMessage());
    }
}
