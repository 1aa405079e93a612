package com.postpressbridge.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.postpressbridge.config.LedgerUrl;

import io.agroal.api.AgroalDataSource;
import io.quarkus.scheduler.Scheduled;

/**
 * The state of every record key, in the database (plain JDBC). A key is claimed atomically before any request:
 * whoever claims it sends it, everybody else sees a duplicate. Outcomes are stored here before they are written to
 * their folder, so that a crash between the two is repaired at start-up.
 *
 * <p>What must survive a killed process is the claim: a claim for sending is durable before it returns. PostgreSQL's
 * commit waits for its WAL; embedded H2 writes its commits to its file a moment later, so there the claim is also
 * appended to the {@link ClaimJournal}, which start-up applies ({@link #replayJournal}). Outcomes may reach the file
 * a moment later: after a crash, start-up finds a lost outcome in its folder ({@link LedgerRecovery}).
 *
 * <p>A write the disk refuses raises the {@link DiskFault}: no new claim is taken until it clears. Embedded H2 closes
 * the database for good after a failed write to its file; {@link #reopen} opens it again.
 */
@ApplicationScoped
public class Ledger {

    public enum State {
        /** Accepted from a webhook, durably: waiting to be sent. */
        QUEUED,
        SENDING,
        SENT,
        RETRY,
        QUARANTINED,
        /** Waiting in {@code scheduled/} for its account's next free slot (the pacing): not an error, not a retry. */
        SCHEDULED
    }

    /** The answer to a claim. */
    public enum Claim {
        /** This caller sends the record. */
        CLAIMED,
        /**
         * This caller sends a record the ledger had quarantined: it came back changed (fixed) or as its quarantine file
         * dropped back. Its earlier quarantine files are stale from now on (the caller removes them).
         */
        CLAIMED_AGAIN,
        ALREADY_SENT,
        /** Another thread, file or delivery is sending it right now. */
        IN_FLIGHT,
        /** It waits to be sent: a webhook record accepted before, or a record in the retry or scheduled folder. */
        WAITING,
        /** Quarantined, and read again unchanged: it comes back fixed, or by its quarantine file. */
        ALREADY_QUARANTINED,
        /** It may have been sent; only its quarantine file dropped back in the inbox releases it. */
        IN_DOUBT;

        public boolean isDuplicate() {
            return this != CLAIMED && this != CLAIMED_AGAIN;
        }
    }

    private static final Logger LOG = Logger.getLogger(Ledger.class);
    static final String UNIQUE_VIOLATION = "23505";
    /**
     * H2's error codes for a database it closed, a file it cannot read or write, a damaged file. (On PostgreSQL: SQL
     * states 08xxx, a connection failure, and 57P0x, a server shutting down or not accepting connections yet.)
     */
    private static final int DATABASE_CLOSED = 90098;
    private static final int CLOSED_AT_SHUTDOWN = 90121;
    private static final int FILE_CORRUPTED = 90030;
    private static final List<Integer> STORAGE_ERRORS = List.of(DATABASE_CLOSED, CLOSED_AT_SHUTDOWN, FILE_CORRUPTED,
            90028, 90031);
    /** In {@link #unsentClaims}: a claim of a new record, deleted when released. */
    private static final State NEW_CLAIM = State.SENDING;

    private final DataSource dataSource;
    private final DiskFault disk;
    /** The database could not be written: its connections are dropped before it is used again. */
    private volatile boolean broken;
    /**
     * Claims whose transaction failed on a write the disk refused: the claim may have reached the file all the same,
     * although its record was never sent. {@link #releaseUnsent} undoes them: {@link #NEW_CLAIM}, or the state the
     * record waited in.
     */
    private final Map<String, State> unsentClaims = new ConcurrentHashMap<>();
    private volatile Boolean embedded;
    /** Durable commits numbered in the order they were made, and the last one known to be in the database file. */
    private final AtomicLong commits = new AtomicLong();
    private final Object checkpoints = new Object();
    private long inFile;
    /**
     * Embedded H2: held (shared) by every transaction from its first statement to its commit or rollback, and taken
     * whole by a CHECKPOINT and the compaction after it, so that the ledger's writes of H2's file come between
     * transactions. H2's background writer, which stored the file while transactions committed, is put off by the URL
     * ({@link LedgerUrl#pooled}); after a kill, H2 had opened rows locked for good by a transaction that no longer
     * existed (a start failed on one). H2 still stores by itself in two cases: when a second of changes outgrows its
     * write buffer (16 to 19 MB), and when its writer thread wakes, every eight days, to compact. Checkpoints beside
     * running transactions also made a read fail in a probe ("Chunk not found": a chunk freed under the reader, which
     * {@code RETENTION_TIME=0} allows).
     */
    private final ReentrantReadWriteLock storeWrites = new ReentrantReadWriteLock();
    /** How long a checkpoint waits for the transactions under way before it gives up (a commit that hangs). */
    static final long CHECKPOINT_WAIT_SECONDS = 30;
    private final Queue<Written> written = new ConcurrentLinkedQueue<>();
    /** Orders the documents of a key; starts from the clock so that it keeps growing across restarts. */
    private final AtomicLong versions = new AtomicLong(System.currentTimeMillis() * 1000);

    /** Embedded H2 on a file: the journal of its claims and deliveries (null: none, or not known yet). */
    private volatile ClaimJournal journal;
    /** Held from a journal append to its transaction's commit; taken whole to close a journal file. */
    private final ReentrantReadWriteLock journalAppends = new ReentrantReadWriteLock();
    /** One of the journal's jobs at a time: applying it, the checkpoint every second, the one at a stop. */
    private final Object journalJobs = new Object();
    /** The journal files up to this one were closed before the last checkpoint: the next one covers them twice. */
    private long journalCovered;
    /** The journal files up to this one are deleted. */
    private long journalDeleted;
    /** The database was opened again after a failed write: the journal is applied before it is used. */
    private volatile boolean journalDue;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** This process among those sharing the ledger ({@code outreach.instance.id}): what it claims, it holds. */
    private final String instance;
    /** This start's token in its row of {@code bridge_instance}, once registered ({@link #arrive}); else null. */
    private volatile Long startedAt;

    @Inject
    public Ledger(LedgerDatabase database, DiskFault disk,
            @ConfigProperty(name = "outreach.instance.id") String instance) {
        this(database.dataSource(), disk, instance);
    }

    public Ledger(DataSource dataSource, DiskFault disk, String instance) {
        this.dataSource = dataSource;
        this.disk = disk;
        this.instance = instance;
    }

    public String instance() {
        return instance;
    }

    /**
     * Claims a record: a new key, or a quarantined one that comes back changed (fixed, same external_id) or as its
     * quarantine file dropped back in the inbox ({@code redropped}: a person decided, which also releases a record in
     * doubt). The claimed key is {@code SENDING} (sent now) or {@code QUEUED} (a webhook record, sent soon).
     *
     * @param item the item document, kept until the record's outcome is in its folder
     */
    public Claim claim(String key, String contentHash, String item, boolean redropped, State as) {
        return claim(key, contentHash, item, null, redropped, as);
    }

    /**
     * A record's sending account and its place in the order records were read in: while it is being sent or scheduled,
     * the account's records read after it wait for it (the pacing keeps an account's order).
     */
    public record Place(String account, long order) {
    }

    /** As {@link #claim(String, String, String, boolean, State)}, with the record's {@link Place} (or null). */
    public Claim claim(String key, String contentHash, String item, Place place, boolean redropped, State as) {
        disk.ensureRoom("claim record " + key);
        try {
            StringBuilder lines = journalLines();
            return transaction("claim record " + key, as == State.SENDING, lines,
                    db -> claimIn(db, key, contentHash, item, place, redropped, as, lines));
        } catch (LedgerException e) {
            if (as == State.SENDING && isStorage(e)) {
                unsentClaims.put(key, NEW_CLAIM);
            }
            throw e;
        }
    }

    private Claim claimIn(Connection db, String key, String contentHash, String item, Place place, boolean redropped,
            State as, StringBuilder lines) throws SQLException {
        long now = System.currentTimeMillis();
        String account = place == null ? null : place.account();
        Long order = place == null ? null : place.order();
        if (as == State.SENDING) {
            fence(db);
        }
        Savepoint before = db.setSavepoint();
        try {
            insertClaim(db, key, as, now, contentHash, account, order);
            journalClaim(lines, key, as, now, work(db, key, item), contentHash, place, true, item);
            return Claim.CLAIMED;
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            db.rollback(before); // only the insert: a delivery's earlier records stay in its transaction
        }
        if (update(db, "UPDATE outreach_record SET state = ?, attempts = 0, first_seen_at = ?, updated_at = ?,"
                + " paced_until = NULL, next_attempt_at = NULL, in_doubt = FALSE, content_hash = ?, held_by = ?,"
                + " account_id = ?, pace_order = ? WHERE record_key = ? AND " + TAKES_QUARANTINED, as.name(), now, now,
                contentHash, holder(as), account, order, key, redropped, contentHash) == 1) {
            journalClaim(lines, key, as, now, work(db, key, item), contentHash, place, true, item);
            return Claim.CLAIMED_AGAIN;
        }
        return duplicate(db, key);
    }

    /** The row of a key claimed for the first time, {@code as} from {@code at}: no attempt yet, not in doubt. */
    private void insertClaim(Connection db, String key, State as, long at, String contentHash, String account,
            Long order) throws SQLException {
        update(db, "INSERT INTO outreach_record (record_key, state, attempts, first_seen_at, updated_at, in_doubt,"
                + " content_hash, held_by, account_id, pace_order) VALUES (?, ?, 0, ?, ?, FALSE, ?, ?, ?, ?)", key,
                as.name(), at, at, contentHash, holder(as), account, order);
    }

    /**
     * Whether a key already known is claimed again (parameters: redropped, content hash): a quarantined record whose
     * quarantine file a person dropped back, or that comes back changed and is not in doubt.
     */
    private static final String TAKES_QUARANTINED =
            "state = 'QUARANTINED' AND (? OR (in_doubt = FALSE AND content_hash <> ?))";

    /**
     * A chat or message id as its column keeps it: cut to the column's 255 characters. postpress's ids are far shorter;
     * a longer one (a broken answer) must not fail the outcome of a record that was sent, which would stop all sending
     * as a full disk does. The outcome files keep it whole.
     */
    private static String id(String postpressId) {
        return postpressId == null || postpressId.length() <= 255 ? postpressId : postpressId.substring(0, 255);
    }

    /** A record being sent is held by this process; a queued one by none (any process may send it). */
    private String holder(State as) {
        return as == State.SENDING ? instance : null;
    }

    /** A webhook record to queue: its key, what it would send (hashed), and its item document. */
    public record Queued(String key, String contentHash, String item, Place place) {
    }

    /** The answer of a delivery, and whether it is the one given to an earlier copy of it. */
    public record DeliveryAnswer(String body, boolean replayed) {
    }

    /**
     * Stores a webhook delivery in one durable transaction: its records queued (or found to be duplicates) and, with a
     * delivery id, its answer, made from their claims. All of it is stored, or none: a failure in the middle leaves
     * nothing queued that the sender was told was refused. A delivery whose id was stored before, or meanwhile by a
     * copy of it, gets that answer, and nothing of it is stored again.
     */
    public DeliveryAnswer acceptDelivery(String source, String deliveryId, List<Queued> records,
            Function<List<Claim>, String> answer) {
        String what = "store delivery" + (deliveryId == null ? "" : " " + deliveryId);
        disk.ensureRoom(what);
        try {
            StringBuilder lines = journalLines();
            return transaction(what, true, lines, db -> {
                List<Claim> claims = new ArrayList<>();
                for (Queued record : records) {
                    claims.add(claimIn(db, record.key(), record.contentHash(), record.item(), record.place(), false,
                            State.QUEUED, lines));
                }
                String body = answer.apply(claims);
                if (deliveryId != null) {
                    // Last, and no read before it: a delivery stored before (or by a copy at once, which this insert
                    // waits for) fails it, which takes back this transaction's claims; that answer is given below.
                    update(db, "INSERT INTO webhook_delivery (source, delivery_id, received_at, answer) VALUES (?, ?,"
                            + " ?, ?)", source, deliveryId, System.currentTimeMillis(), body);
                    if (lines != null) { // after its records: a delivery cut short is delivered again
                        lines.append(JSON.createObjectNode().put("delivery", deliveryId).put("source", source)
                                .put("at", System.currentTimeMillis()).put("answer", body).toString()).append('\n');
                    }
                }
                return new DeliveryAnswer(body, false);
            });
        } catch (LedgerException e) {
            if (deliveryId != null && e.getCause() instanceof SQLException sql
                    && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                String earlier = deliveryAnswer(source, deliveryId);
                if (earlier != null) {
                    return new DeliveryAnswer(earlier, true);
                }
            }
            throw e;
        }
    }

    /**
     * Claims a record that waits to be sent ({@code RETRY}, {@code SCHEDULED} or {@code QUEUED}); false when someone
     * else took it or it is no longer waiting (or, waiting in retry or scheduled, not due).
     */
    public boolean claimWaiting(String key, State waiting, String item) {
        return claimWaiting(key, waiting, item, System.currentTimeMillis());
    }

    /** As {@link #claimWaiting(String, State, String)}, due at {@code now} (epoch ms). */
    public boolean claimWaiting(String key, State waiting, String item, long now) {
        disk.ensureRoom("claim waiting record " + key);
        try {
            StringBuilder lines = journalLines();
            return transaction("claim waiting record " + key, true, lines, db -> {
                fence(db);
                // A retry only when it is due: another scan may have sent it and scheduled it later meanwhile.
                if (update(db, "UPDATE outreach_record SET state = 'SENDING', updated_at = ?, held_by = ?,"
                        + " paced_until = NULL WHERE record_key = ? AND state = ? AND (state NOT IN ('RETRY',"
                        + " 'SCHEDULED') OR next_attempt_at <= ?)",
                        now, instance,
                        key, waiting.name(), now) != 1) {
                    return false;
                }
                journalClaim(lines, key, State.SENDING, now, work(db, key, item), null, null, false, item);
                return true;
            });
        } catch (LedgerException e) {
            if (isStorage(e)) {
                unsentClaims.put(key, waiting);
            }
            throw e;
        }
    }

    /** The work row of a claimed key: the item it is sent from. Returns the row's version. */
    private long work(Connection db, String key, String item) throws SQLException {
        long version = versions.incrementAndGet();
        work(db, key, item, version);
        return version;
    }

    private static void work(Connection db, String key, String item, long version) throws SQLException {
        // A waiting record has its row (one statement); a new key has none (an update that finds nothing, an insert).
        byte[] document = utf8(item);
        if (update(db, "UPDATE outreach_work SET version = ?, item = ?, unwritten_outcome = NULL WHERE record_key = ?",
                version, document, key) == 0) {
            update(db, "INSERT INTO outreach_work (record_key, version, item) VALUES (?, ?, ?)", key, version, document);
        }
    }

    /** Lines for the claim journal of a transaction, or null when there is none (PostgreSQL, H2 in memory). */
    private StringBuilder journalLines() {
        return journal == null ? null : new StringBuilder();
    }

    /**
     * Journals a claim ({@code fresh}: a new or quarantined key, whose attempts start again) or a waiting record's
     * claim: the row and the work row it makes. {@code contentHash} and {@code place} null: unchanged.
     */
    private static void journalClaim(StringBuilder lines, String key, State state, long at, long version,
            String contentHash, Place place, boolean fresh, String item) {
        if (lines == null) {
            return;
        }
        ObjectNode line = JSON.createObjectNode().put("key", key).put("state", state.name()).put("at", at)
                .put("version", version).put("fresh", fresh).put("hash", contentHash);
        if (place != null) {
            line.put("account", place.account()).put("order", place.order());
        }
        lines.append(line.put("item", item).toString()).append('\n');
    }

    /**
     * Applies what the claim journal holds that the database file does not: H2 lost its last commits with a killed
     * process (or after a write the disk refused), and a claim or a webhook delivery among them was journaled. A
     * claim is applied unless the key's row is newer (its work row's version, or else the time it last changed: the
     * same moment counts as older, the safe side, since start-up then takes the outcome from its folder or makes the
     * record in doubt). Then the journal is emptied. Called at start-up before anything reads the ledger, and when
     * the ledger was opened again after a failed write. On PostgreSQL, or H2 in memory, there is no journal.
     *
     * @return how many changes were applied
     */
    public int replayJournal() {
        synchronized (journalJobs) { // never beside the checkpoint job, which could delete the files being applied
            ClaimJournal open = journal != null ? journal : transaction("find the claim journal", this::findJournal);
            if (open == null) {
                return 0;
            }
            long last = rotate(open);
            int applied = applyJournal(open, last);
            deleteJournal(open, last);
            journalCovered = last;
            journalDeleted = last;
            journal = open; // from now on claims are journaled
            return applied;
        }
    }

    /** How often start-up tries to apply the claim journal when H2 finds a row locked (see {@link #applyJournal}). */
    static final int JOURNAL_TRIES = 4;

    /**
     * Applies the journal files up to {@code last} in one durable transaction (checkpointed before the files go).
     * A row H2 reports locked by another transaction ends the try, and it is tried again a second later: a restart
     * after a kill once failed so in a test (a work row's unique index held for longer than H2's lock timeout, by a
     * transaction that was not found), and the same journal was applied by the next start. After the last try the
     * failure is raised as before (at start-up the start fails, with the journal kept).
     */
    private int applyJournal(ClaimJournal open, long last) {
        for (int tried = 1; ; tried++) {
            try {
                return transaction("apply the claim journal", true, db -> {
                    int count = 0;
                    try {
                        for (Path file : ClaimJournal.files(open.folder()).headMap(last, true).values()) {
                            for (String line : ClaimJournal.lines(file)) {
                                count += apply(db, line, file);
                            }
                        }
                    } catch (IOException e) {
                        throw journalFault("read", e);
                    }
                    return count;
                });
            } catch (LedgerException e) {
                if (tried == JOURNAL_TRIES || !(e.getCause() instanceof SQLTransientException)) {
                    throw e;
                }
                LOG.warnf("the claim journal is applied again in a second (try %d of %d): %s", tried + 1,
                        JOURNAL_TRIES, String.valueOf(e.getCause().getMessage()).lines().findFirst().orElse(""));
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The journal of an embedded H2 file, or null (PostgreSQL, H2 in memory). */
    private ClaimJournal findJournal(Connection db) throws SQLException {
        if (!embedded(db)) {
            return null;
        }
        try (Statement statement = db.createStatement();
                ResultSet path = statement.executeQuery("SELECT DATABASE_PATH()")) {
            if (!path.next() || path.getString(1) == null) {
                return null; // in memory
            }
            return new ClaimJournal(Path.of(path.getString(1)).toAbsolutePath().getParent());
        } catch (IOException e) {
            throw journalFault("read", e);
        }
    }

    /** A failure of the claim journal's file: the disk's, as a failed write of H2's own file is ({@link #isStorage}). */
    private static SQLException journalFault(String what, IOException e) {
        return new SQLException("cannot " + what + " the claim journal: " + e.getMessage(), "58030", e);
    }

    /**
     * Closes the journal's current file once no transaction is between its append and its commit. Waits at most a
     * few seconds: a commit that hangs (H2 after a write the disk refused) must not stop the checkpoints for good.
     */
    private long rotate(ClaimJournal open) {
        try {
            if (!journalAppends.writeLock().tryLock(5, TimeUnit.SECONDS)) {
                throw new LedgerException("cannot close the claim journal's file: a commit has not returned for 5 s",
                        new SQLException("a commit hangs", "58030"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerException("interrupted while closing the claim journal's file", new SQLException(e));
        }
        try {
            return open.rotate();
        } catch (IOException e) {
            throw new LedgerException("cannot close the claim journal's file", journalFault("close a file of", e));
        } finally {
            journalAppends.writeLock().unlock();
        }
    }

    /** A key's row as the database file has it, when a journal line is applied. */
    private record RowNow(String state, long updatedAt) {
    }

    private int apply(Connection db, String text, Path file) throws SQLException {
        JsonNode line;
        State state;
        try {
            line = JSON.readTree(text);
            state = line.has("delivery") ? null : State.valueOf(line.path("state").asText());
        } catch (IOException | IllegalArgumentException e) {
            // Never written so by the bridge: the file was damaged. The rest is applied; this line is for a person.
            LOG.errorf("%s: a line that cannot be read is skipped (%s): %s", file, e.getMessage(),
                    text.length() > 300 ? text.substring(0, 300) + "..." : text);
            return 0;
        }
        if (line.has("delivery")) {
            if (deliveryAnswer(db, line.path("source").asText(), line.path("delivery").asText()) == null) {
                update(db, "INSERT INTO webhook_delivery (source, delivery_id, received_at, answer) VALUES (?, ?, ?, ?)",
                        line.path("source").asText(), line.path("delivery").asText(), line.path("at").asLong(),
                        line.path("answer").asText());
                return 1;
            }
            return 0;
        }
        String key = line.path("key").asText();
        long at = line.path("at").asLong();
        long version = line.path("version").asLong();
        List<Long> workVersion = rows(db, "SELECT version FROM outreach_work WHERE record_key = ?", 1,
                row -> row.getLong(1), key);
        List<RowNow> row = rows(db, "SELECT state, updated_at FROM outreach_record WHERE record_key = ?", 1,
                found -> new RowNow(found.getString(1), found.getLong(2)), key);
        boolean known = !row.isEmpty();
        // A sent key is never claimed again: its claims are all older. Else the work row's version says, and without
        // one (its outcome written and forgotten) the time of the last change, the same moment counting as older. A key
        // the file has no row of is always claimed: a work row without its record row is none the bridge made, and
        // must not hide a claim (taking the claim can only make the record in doubt, never send it twice).
        boolean newer = known && ("SENT".equals(row.get(0).state())
                || (workVersion.isEmpty() ? row.get(0).updatedAt() > at : workVersion.get(0) >= version));
        if (newer) {
            return 0;
        }
        if (!known && !workVersion.isEmpty()) {
            LOG.warnf("record %s: the ledger's file has its work row (version %d) without its record row; its claim is"
                    + " taken from the claim journal (version %d)", key, workVersion.get(0), version);
        }
        String hash = line.path("hash").isTextual() ? line.path("hash").asText() : null;
        String account = line.path("account").isTextual() ? line.path("account").asText() : null;
        Long order = line.path("order").isNumber() ? line.path("order").asLong() : null;
        if (!known) {
            insertClaim(db, key, state, at, hash == null ? "" : hash, account, order);
        } else {
            update(db, "UPDATE outreach_record SET state = ?, updated_at = ?, in_doubt = FALSE, held_by = ?,"
                    + " paced_until = NULL, content_hash = COALESCE(?, content_hash), account_id = COALESCE(?,"
                    + " account_id), pace_order = COALESCE(?, pace_order) WHERE record_key = ?", state.name(), at,
                    holder(state), hash, account, order, key);
            if (line.path("fresh").asBoolean()) {
                update(db, "UPDATE outreach_record SET attempts = 0, first_seen_at = ?, next_attempt_at = NULL WHERE"
                        + " record_key = ?", at, key);
            }
        }
        work(db, key, line.path("item").asText(null), version);
        return 1;
    }

    /**
     * Every second: the journal file written to is closed, H2 writes all its commits to its file (CHECKPOINT, between
     * transactions, and compacts it), and the files closed before the previous checkpoint are deleted (two
     * checkpoints: a margin, see {@link ClaimJournal}).
     */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void checkpointJournal() {
        synchronized (journalJobs) {
            ClaimJournal open = journal;
            if (open == null || disk.raised()) {
                return;
            }
            long closed = rotate(open);
            // Also when nothing was journaled since: what was committed without a line (an outcome, a repair) reaches
            // the file only here now that H2's own writer is put off (H2 writes nothing when nothing changed).
            transaction("checkpoint the ledger", true, db -> null);
            if (closed == journalCovered && journalDeleted == journalCovered) {
                return; // no journal file to delete
            }
            deleteJournal(open, journalCovered);
            journalDeleted = journalCovered;
            journalCovered = closed;
        }
    }

    private static void deleteJournal(ClaimJournal open, long upTo) {
        try {
            open.deleteUpTo(upTo);
        } catch (IOException e) {
            LOG.debugf("claim journal files not deleted (start-up applies them again, which changes nothing): %s",
                    e.getMessage());
        }
    }

    private static Claim duplicate(Connection db, String key) throws SQLException {
        try (PreparedStatement select = db.prepareStatement(
                "SELECT state, in_doubt FROM outreach_record WHERE record_key = ?")) {
            select.setString(1, key);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Claim.IN_FLIGHT; // deleted under us: treat as taken, never send blindly
                }
                return duplicate(State.valueOf(row.getString(1)), row.getBoolean(2));
            }
        }
    }

    private static Claim duplicate(State state, boolean inDoubt) {
        return switch (state) {
            case SENT -> Claim.ALREADY_SENT;
            case SENDING -> Claim.IN_FLIGHT;
            case QUEUED, RETRY, SCHEDULED -> Claim.WAITING;
            case QUARANTINED -> inDoubt ? Claim.IN_DOUBT : Claim.ALREADY_QUARANTINED;
        };
    }

    /**
     * What {@link #claim} would answer now, without claiming (a dry run): {@code CLAIMED} for a record that would be
     * sent, else why it would be a duplicate. Changes nothing.
     */
    public Claim wouldClaim(String key, String contentHash, boolean redropped) {
        return transaction("look up record " + key, db -> {
            try (PreparedStatement select = db.prepareStatement("SELECT state, in_doubt, CASE WHEN " + TAKES_QUARANTINED
                    + " THEN 1 ELSE 0 END FROM outreach_record WHERE record_key = ?")) {
                select.setObject(1, redropped);
                select.setString(2, contentHash);
                select.setString(3, key);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next() || row.getInt(3) == 1) {
                        return Claim.CLAIMED;
                    }
                    return duplicate(State.valueOf(row.getString(1)), row.getBoolean(2));
                }
            }
        });
    }

    /**
     * Records the outcome of a claimed key, with the outcome document still to be written to its folder.
     *
     * @return the version to pass to {@link #written} once the document is in its folder
     */
    public long finish(String key, State state, int attempts, Long nextAttemptAt, boolean inDoubt, String chatId,
            String messageId, String unwrittenOutcome) {
        return finish(key, state, attempts, nextAttemptAt, inDoubt, chatId, messageId, null, unwrittenOutcome, null);
    }

    /**
     * What a record that waits to go again is sent from when its time comes ({@code item}), and for a scheduled one
     * its account and its place in the account's order (else null).
     */
    public record Waiting(String item, String account, Long order) {

        public static Waiting retry(String item) {
            return new Waiting(item, null, null);
        }
    }

    /**
     * As {@link #finish(String, State, int, Long, boolean, String, String, String)}, for a record that waits to go
     * again ({@code RETRY}, {@code SCHEDULED}): {@code waiting} is what it is sent from when its time comes. The retry
     * and scheduled files are written for people; the ledger never reads them back. {@code event}, when not null, is the callback event the change
     * causes: stored in the same transaction.
     */
    public long finish(String key, State state, int attempts, Long nextAttemptAt, boolean inDoubt, String chatId,
            String messageId, Waiting waiting, String unwrittenOutcome, CallbackOutbox.Event event) {
        long version = versions.incrementAndGet();
        byte[] waitingItem = utf8(waiting == null ? null : waiting.item());
        byte[] outcome = utf8(unwrittenOutcome);
        String account = waiting == null ? null : waiting.account();
        Long order = waiting == null ? null : waiting.order();
        boolean kept = transaction("finish " + key, db -> {
            if (update(db, "UPDATE outreach_record SET state = ?, attempts = ?, next_attempt_at = ?, in_doubt = ?,"
                    + " paced_until = NULL, chat_id = ?, message_id = ?, updated_at = ?, account_id = COALESCE(?,"
                    + " account_id), pace_order = COALESCE(?, pace_order) WHERE record_key = ? AND (held_by = ? OR"
                    + " held_by IS NULL)", state.name(), attempts, nextAttemptAt, inDoubt, id(chatId), id(messageId),
                    System.currentTimeMillis(), account, order, key, instance) != 1) {
                if (heldByAnother(db, key)) {
                    return false;
                }
                // The claim is gone: H2 lost its last writes after one the disk refused (a claim it had reported
                // durable among them). The outcome is recorded all the same: it is what happened to the record.
                long now = System.currentTimeMillis();
                update(db, "INSERT INTO outreach_record (record_key, state, attempts, first_seen_at, updated_at,"
                        + " next_attempt_at, in_doubt, content_hash, chat_id, message_id, account_id, pace_order) VALUES"
                        + " (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?)", key, state.name(), attempts, now, now, nextAttemptAt,
                        inDoubt, id(chatId), id(messageId), account, order);
            }
            if (update(db, "UPDATE outreach_work SET version = ?, item = ?, unwritten_outcome = ?"
                    + " WHERE record_key = ?", version, waitingItem, outcome, key) != 1) {
                update(db, "INSERT INTO outreach_work (record_key, version, item, unwritten_outcome) VALUES (?, ?, ?, ?)",
                        key, version, waitingItem, outcome);
            }
            CallbackOutbox.store(db, event);
            return true;
        });
        if (!kept) {
            LOG.warnf("the outcome of record %s (%s) is not kept: another bridge process took the record over, as this"
                    + " one was not seen for outreach.instance.lease; that one has made it in doubt", key, state);
            return TAKEN_OVER;
        }
        return version;
    }

    /** What {@link #finish} returns when another process took the record over: its outcome file is not written. */
    public static final long TAKEN_OVER = -1;

    private boolean heldByAnother(Connection db, String key) throws SQLException {
        try (PreparedStatement select = db.prepareStatement("SELECT held_by FROM outreach_record WHERE record_key = ?")) {
            select.setString(1, key);
            try (ResultSet row = select.executeQuery()) {
                return row.next() && row.getString(1) != null && !row.getString(1).equals(instance);
            }
        }
    }

    /**
     * Takes an outcome found in its folder after a crash as the key's state; the key's work is done. Its callback
     * event (if any) was lost with the commit: {@code event} stores it again.
     */
    public void adopt(String key, State state, int attempts, Long nextAttemptAt, boolean inDoubt, String chatId,
            String messageId, CallbackOutbox.Event event) {
        adopt(key, state, attempts, nextAttemptAt, inDoubt, chatId, messageId, event, null);
    }

    /**
     * As {@link #adopt(String, State, int, Long, boolean, String, String, CallbackOutbox.Event)}, for a record that
     * waits to go again ({@code RETRY}, {@code SCHEDULED}): in the same transaction, {@code waiting} becomes what it is
     * sent from when due, so that it goes without a restart reading its folder again.
     */
    public void adopt(String key, State state, int attempts, Long nextAttemptAt, boolean inDoubt, String chatId,
            String messageId, CallbackOutbox.Event event, Waiting waiting) {
        transaction("adopt the outcome of " + key, db -> {
            outcome(db, key, state, attempts, nextAttemptAt, inDoubt, chatId, messageId);
            CallbackOutbox.store(db, event);
            if (waiting == null) {
                return update(db, "DELETE FROM outreach_work WHERE record_key = ?", key);
            }
            update(db, "UPDATE outreach_record SET account_id = COALESCE(?, account_id), pace_order = COALESCE(?,"
                    + " pace_order) WHERE record_key = ?", waiting.account(), waiting.order(), key);
            work(db, key, waiting.item(), versions.incrementAndGet());
            return 1;
        });
    }

    private static int outcome(Connection db, String key, State state, int attempts, Long nextAttemptAt,
            boolean inDoubt, String chatId, String messageId) throws SQLException {
        return update(db, "UPDATE outreach_record SET state = ?, attempts = ?, next_attempt_at = ?, in_doubt = ?,"
                + " paced_until = NULL, chat_id = ?, message_id = ?, updated_at = ? WHERE record_key = ?", state.name(),
                attempts, nextAttemptAt, inDoubt, id(chatId), id(messageId), System.currentTimeMillis(), key);
    }

    /**
     * The outcome document of a key is in its folder. Its work row is cleared a little later, with others, in one
     * transaction: a crash before that only makes start-up write the same document again.
     */
    public void written(String key, long version) {
        written.add(new Written(key, version));
    }

    private record Written(String key, long version) {
    }

    /**
     * Clears the work rows of written outcomes, unless a newer claim or outcome of the key replaced them: all that were
     * written since the last run, a thousand a transaction (a second of sending can write more than a thousand).
     */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void clearWritten() {
        List<Written> batch = new ArrayList<>();
        // not to a failing disk: the rows only make start-up write a file again
        while (!disk.raised()) {
            batch.clear();
            for (Written next; batch.size() < 1000 && (next = written.poll()) != null; ) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                return;
            }
            clear(batch);
        }
    }

    private void clear(List<Written> batch) {
        transaction("clear written outcomes", db -> {
            // A row that keeps the item of a waiting record only forgets the outcome it has projected.
            try (PreparedStatement delete = db.prepareStatement(
                    "DELETE FROM outreach_work WHERE record_key = ? AND version = ? AND item IS NULL");
                    PreparedStatement projected = db.prepareStatement("UPDATE outreach_work SET unwritten_outcome = NULL"
                            + " WHERE record_key = ? AND version = ? AND item IS NOT NULL")) {
                for (Written done : batch) {
                    for (PreparedStatement statement : List.of(delete, projected)) {
                        statement.setString(1, done.key());
                        statement.setLong(2, done.version());
                        statement.addBatch();
                    }
                }
                delete.executeBatch();
                projected.executeBatch();
            }
            return null;
        });
    }

    /**
     * At a stop, forgets the documents of outcomes written meanwhile. If the pool is already closed, the next start
     * finds them and writes the same files again, which changes nothing.
     */
    @PreDestroy
    public void flush() {
        try {
            clearWritten();
        } catch (LedgerException e) {
            LOG.debugf("written outcomes not cleared at the stop (start-up writes them again): %s", e.getMessage());
            written.clear();
        }
        try {
            checkpointJournal(); // twice, as while running: the second deletes what the first covered
            checkpointJournal();
        } catch (LedgerException e) {
            LOG.debugf("claim journal kept at the stop (start-up applies it): %s", e.getMessage());
        }
    }

    /**
     * Makes the ledger usable again after the disk refused a write: embedded H2 closes the database for good then,
     * and every pooled connection keeps answering that it is closed (while still passing the pool's validation).
     * Dropping them all (idle ones now, ones in use when they come back) makes the next connection open the file
     * again once the last is gone, as a start would ({@link #check} it). H2 lost its last commits with the failed
     * write: {@link #check} applies the claims among them from the claim journal once the file answers again.
     *
     * @return whether the database had failed and its connections were dropped
     */
    public boolean reopen() {
        if (!broken) {
            return false;
        }
        if (dataSource instanceof AgroalDataSource pool) {
            // On H2, every connection: those abandoned after its failure too, which Agroal 2.8 counts as in use for
            // good (a fault probe's full disk during a webhook burst took all 16 so, and nothing recovered).
            pool.flush(Boolean.TRUE.equals(embedded) ? AgroalDataSource.FlushMode.ALL
                    : AgroalDataSource.FlushMode.GRACEFUL);
        }
        broken = false;
        journalDue = true;
        return true;
    }

    /**
     * Reads the ledger once: fails (and raises the fault) unless it answers. After a {@link #reopen}, then applies the
     * claim journal.
     */
    public void check() {
        isEmpty();
        if (journalDue) {
            int applied = replayJournal();
            journalDue = false;
            if (applied > 0) {
                LOG.infof("%d claims and webhook deliveries H2 lost with its failed write were taken from the claim"
                        + " journal", applied);
            }
        }
    }

    /**
     * Undoes the claims whose transaction failed on a write the disk refused (their records were not sent): a new
     * claim is deleted, so that its record is claimed afresh when its file is read again; a waiting record's claim
     * goes back to waiting. Only for rows still being sent, and only when no record is in flight.
     *
     * @return how many claims were undone
     */
    public int releaseUnsent() {
        int released = 0;
        for (Map.Entry<String, State> unsent : Map.copyOf(unsentClaims).entrySet()) {
            String key = unsent.getKey();
            State waiting = unsent.getValue();
            released += transaction("release the claim of " + key, true, db -> {
                if (waiting == NEW_CLAIM) {
                    // Only this process's own claim: another replica may have claimed the key since.
                    update(db, "DELETE FROM outreach_work WHERE record_key = ? AND EXISTS (SELECT 1 FROM outreach_record"
                            + " WHERE record_key = ? AND state = 'SENDING' AND held_by = ?)", key, key, instance);
                    return update(db, "DELETE FROM outreach_record WHERE record_key = ? AND state = 'SENDING' AND"
                            + " held_by = ?", key, instance);
                }
                return update(db, "UPDATE outreach_record SET state = ?, held_by = NULL, paced_until = NULL WHERE"
                        + " record_key = ? AND state = 'SENDING' AND held_by = ?", waiting.name(), key, instance);
            });
            unsentClaims.remove(key, waiting);
        }
        return released;
    }

    /** Whether claims failed on the disk and wait for {@link #releaseUnsent}. */
    public boolean hasUnsentClaims() {
        return !unsentClaims.isEmpty();
    }

    /**
     * A record waiting in {@code RETRY} or {@code SCHEDULED} whose time has come: the document it is sent from, and
     * whether its retry (or scheduled) file was written (projected) since its outcome was decided.
     */
    public record Due(String key, State state, String document, boolean projected) {
    }

    /**
     * Records waiting to go again whose time has come, oldest first, with the documents they are sent from. Of an
     * account's scheduled records, only the first in its order: they go out in the order they were read.
     */
    public List<Due> dueRetries(long now, int limit) {
        return rows("list due retries", DUE_OLDEST_FIRST, limit,
                row -> new Due(row.getString(1), State.valueOf(row.getString(2)), document(row, 3), row.getBoolean(4)),
                now, limit, now, limit);
    }

    /** A scheduled record {@code s} is the first of its account's scheduled records in their order. */
    private static final String FIRST_OF_ITS_ACCOUNT = "NOT EXISTS (SELECT 1 FROM outreach_record e WHERE e.state ="
            + " 'SCHEDULED' AND e.account_id = s.account_id AND e.pace_order < s.pace_order)";

    /** A record {@code s} has the item it is sent from (an old ledger may have kept a waiting record's state only). */
    private static final String HAS_ITEM = "EXISTS (SELECT 1 FROM outreach_work i WHERE i.record_key = s.record_key AND"
            + " i.item IS NOT NULL)";

    /**
     * The due records of each waiting state that have their item, at most {@code ?} of each, read in the order of index
     * {@code outreach_record_due} (records due at the same millisecond in the order of their rows) and joined to their
     * items afterwards: a backlog of due retries (after an outage of postpress) is not read and sorted whole at every
     * scan (100,000 retries and 100,000 scheduled records due: 466 to 614 ms a scan joined first, 140 ms so, spent on
     * the scheduled records behind the first of their account, which are still read; LedgerQueriesTest,
     * QueryPlansTest).
     */
    static final String DUE_OLDEST_FIRST = "SELECT r.record_key, r.state, w.item, w.unwritten_outcome IS NULL FROM"
            + " (SELECT * FROM (SELECT record_key, state, next_attempt_at FROM outreach_record s WHERE state = 'RETRY'"
            + " AND next_attempt_at <= ? AND " + HAS_ITEM + " ORDER BY state, next_attempt_at FETCH FIRST ? ROWS ONLY)"
            + " retry UNION ALL SELECT * FROM (SELECT record_key, state, next_attempt_at FROM outreach_record s WHERE"
            + " state = 'SCHEDULED' AND next_attempt_at <= ? AND " + FIRST_OF_ITS_ACCOUNT + " AND " + HAS_ITEM
            + " ORDER BY state, next_attempt_at FETCH FIRST ? ROWS ONLY) scheduled) r JOIN outreach_work w ON"
            + " w.record_key = r.record_key ORDER BY r.next_attempt_at, r.record_key";

    /** How many records are in a state. */
    public long count(State state) {
        return transaction("count " + state, db -> {
            try (PreparedStatement select = db.prepareStatement("SELECT COUNT(*) FROM outreach_record WHERE state = ?")) {
                select.setString(1, state.name());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            }
        });
    }

    /**
     * When the next record waiting in a state ({@code RETRY}, {@code SCHEDULED}) is due (epoch ms), or null. Of an
     * account's scheduled records only the first in its order counts: the others go after it, whatever they say.
     */
    public Long nextDue(State state) {
        return transaction("read the next " + state, db -> {
            try (PreparedStatement select = db.prepareStatement("SELECT MIN(s.next_attempt_at) FROM outreach_record s"
                    + " WHERE s.state = ? AND (s.state <> 'SCHEDULED' OR " + FIRST_OF_ITS_ACCOUNT + ")")) {
                select.setString(1, state.name());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    long next = row.getLong(1);
                    return row.wasNull() ? null : next;
                }
            }
        });
    }

    /** The state of a key, or null when the ledger has never seen it. */
    public State state(String key) {
        return transaction("read record " + key, db -> {
            try (PreparedStatement select = db.prepareStatement("SELECT state FROM outreach_record WHERE record_key = ?")) {
                select.setString(1, key);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? State.valueOf(row.getString(1)) : null;
                }
            }
        });
    }

    /**
     * Puts a file found in the retry (or scheduled) folder back on the schedule, with the document it is sent from: for
     * a ledger that lost track of it (a new database), or one that kept only its state (written by a version that read
     * retry files back). A key in any other state is left as it is.
     */
    public boolean adoptWaiting(String key, State state, int attempts, long firstSeenAt, long nextAttemptAt,
            Waiting waiting) {
        byte[] item = utf8(waiting.item());
        return transaction("adopt waiting record " + key, db -> {
            Savepoint before = db.setSavepoint();
            try {
                update(db, "INSERT INTO outreach_record (record_key, state, attempts, first_seen_at, updated_at,"
                        + " next_attempt_at, in_doubt, content_hash, account_id, pace_order) VALUES (?, ?, ?, ?, ?, ?,"
                        + " FALSE, '', ?, ?)", key, state.name(), attempts, firstSeenAt, System.currentTimeMillis(),
                        nextAttemptAt, waiting.account(), waiting.order());
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                db.rollback(before);
                // known (its outcome adopted from its folder after a crash), but not its place in its account's order
                update(db, "UPDATE outreach_record SET account_id = ?, pace_order = ? WHERE record_key = ? AND state = ?"
                        + " AND account_id IS NULL", waiting.account(), waiting.order(), key, state.name());
            }
            if (update(db, "UPDATE outreach_work SET item = ? WHERE record_key = ? AND item IS NULL AND EXISTS"
                    + " (SELECT 1 FROM outreach_record r WHERE r.record_key = ? AND r.state = ?)", item, key, key,
                    state.name()) == 1) {
                return true;
            }
            return update(db, "INSERT INTO outreach_work (record_key, version, item) SELECT ?, ?, ? FROM (VALUES (0))"
                    + " AS one (x) WHERE NOT EXISTS (SELECT 1 FROM outreach_work WHERE record_key = ?) AND EXISTS"
                    + " (SELECT 1 FROM outreach_record r WHERE r.record_key = ? AND r.state = ?)", key,
                    versions.incrementAndGet(), item, key, key, state.name()) == 1;
        });
    }

    /** A pause of sending: an account's ({@code scope} is its id) or of all sending ({@link #ALL_SENDING}). */
    public record Hold(String scope, long until, String reason, String probe) {
    }

    /** The scope of the pause of all sending (postpress refused the API key). */
    public static final String ALL_SENDING = "*";

    /** Every pause, ended or not (an ended one waits for its probe's answer). */
    public List<Hold> holds() {
        return rows("read pauses", "SELECT scope, until_at, reason, probe_key FROM sending_hold", Integer.MAX_VALUE,
                row -> new Hold(row.getString(1), row.getLong(2), row.getString(3), row.getString(4)));
    }

    /**
     * Pauses a scope until a time; a pause that already lasts longer keeps its end. Nobody probes it yet.
     *
     * @return the end of the scope's pause before this one (epoch ms), or null when it had none
     */
    public Long hold(String scope, long until, String reason) {
        long now = System.currentTimeMillis();
        return transaction("pause " + scope, db -> {
            List<Long> before = extendHold(db, scope, until, reason, now);
            if (!before.isEmpty()) {
                return before.get(0);
            }
            Savepoint inserting = db.setSavepoint();
            try {
                update(db, "INSERT INTO sending_hold (scope, until_at, reason, probe_key, updated_at) VALUES (?, ?, ?,"
                        + " NULL, ?)", scope, until, reason, now);
                return null;
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                db.rollback(inserting); // paused meanwhile by another: pause again over it
                before = extendHold(db, scope, until, reason, now);
                return before.isEmpty() ? null : before.get(0);
            }
        });
    }

    /** Extends a scope's pause, if it has one (a longer one keeps its end): its end before, or nothing. */
    private static List<Long> extendHold(Connection db, String scope, long until, String reason, long now)
            throws SQLException {
        List<Long> before = rows(db, "SELECT until_at FROM sending_hold WHERE scope = ? FOR UPDATE", 1,
                row -> row.getLong(1), scope);
        if (!before.isEmpty()) {
            update(db, "UPDATE sending_hold SET until_at = CASE WHEN until_at > ? THEN until_at ELSE ? END,"
                    + " reason = ?, probe_key = NULL, updated_at = ? WHERE scope = ?", until, until, reason, now, scope);
        }
        return before;
    }

    /**
     * Lets a record through a scope, or says why not: a pause that has not ended holds it, and so does one that has
     * ended but is probed by another record. The first record to come after the end becomes the probe. A probe whose
     * record left {@code SENDING} more than {@link #STALE_PROBE} ago (by any process) probes nothing: its release failed
     * in the ledger, and it was then quarantined, cancelled, or sent; the next record probes instead of the account
     * staying held until a restart. Not sooner: an answer's outcome is committed a moment before the pause hears of it
     * (released, or paused again), and a record let through then would be a second request to a paused account.
     *
     * @return the pause that holds the record, or empty when it may go
     */
    public Optional<Hold> admit(String scope, String key, long now) {
        return transaction("admit " + key, db -> {
            if (update(db, "UPDATE sending_hold SET probe_key = ?, updated_at = ? WHERE scope = ? AND until_at <= ?"
                    + " AND (probe_key IS NULL OR probe_key = ? OR NOT EXISTS (SELECT 1 FROM outreach_record r WHERE"
                    + " r.record_key = sending_hold.probe_key AND (r.state = 'SENDING' OR r.updated_at > ?)))", key,
                    now, scope, now, key, now - STALE_PROBE) == 1) {
                return Optional.empty();
            }
            try (PreparedStatement select = db.prepareStatement(
                    "SELECT scope, until_at, reason, probe_key FROM sending_hold WHERE scope = ?")) {
                select.setString(1, scope);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(new Hold(row.getString(1), row.getLong(2), row.getString(3),
                            row.getString(4))) : Optional.empty();
                }
            }
        });
    }

    /**
     * How long after its record's outcome a probe that was neither released nor renewed is handed to the next record
     * (ms): far longer than the moment between an outcome's commit and the pause hearing of it, and than the clocks
     * of replicas differ by.
     */
    public static final long STALE_PROBE = 60_000;

    /** The probe of a scope was answered in a way that ends its pause. */
    public void release(String scope, String probe) {
        transaction("release " + scope, db -> update(db, "DELETE FROM sending_hold WHERE scope = ? AND probe_key = ?",
                scope, probe));
    }

    /** The probe of a scope got no answer: the next record may probe instead. */
    public void unprobe(String scope, String probe) {
        transaction("unprobe " + scope, db -> update(db, "UPDATE sending_hold SET probe_key = NULL WHERE scope = ? AND"
                + " probe_key = ?", scope, probe));
    }

    /** Forgets every probe: the process that let them through has stopped. */
    public void unprobeAll() {
        transaction("forget probes", db -> update(db, "UPDATE sending_hold SET probe_key = NULL"));
    }

    /**
     * Lifts the pause of all sending, and makes the records that wait for its end due now: the pause was for the API
     * key, which a restart may have fixed. Those are the records in retry until its end, or up to {@code answersWithin}
     * before it: each request in flight that the key was refused to set an end of its own (its answer's time plus the
     * pause), the pause keeps the latest, and the answers come within a request's longest pass of each other.
     * Records that wait longer (their account is paused too) keep their time; so do retries due well before the end.
     *
     * @return how many records were made due
     */
    public int liftStopAll(long now, long answersWithin) {
        return transaction("lift the stop of all sending", db -> {
            List<Long> until = rows(db, "SELECT until_at FROM sending_hold WHERE scope = ?", 1, row -> row.getLong(1),
                    ALL_SENDING);
            update(db, "DELETE FROM sending_hold WHERE scope = ?", ALL_SENDING);
            return until.isEmpty() || until.get(0) <= now ? 0 : update(db, "UPDATE outreach_record SET next_attempt_at"
                    + " = ? WHERE state = 'RETRY' AND next_attempt_at BETWEEN ? AND ?", now,
                    Math.max(now, until.get(0) - answersWithin), until.get(0));
        });
    }

    /** Lifts a pause, or every pause with {@code null}. */
    public void lift(String scope) {
        transaction("lift pauses", db -> scope == null ? update(db, "DELETE FROM sending_hold")
                : update(db, "DELETE FROM sending_hold WHERE scope = ?", scope));
    }

    /** A fact about the ledger itself, or null. */
    public String fact(String name) {
        return transaction("read " + name, db -> {
            try (PreparedStatement select = db.prepareStatement("SELECT fact FROM ledger_fact WHERE name = ?")) {
                select.setString(1, name);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? row.getString(1) : null;
                }
            }
        });
    }

    /** Keeps a fact about the ledger itself, durably. */
    public void fact(String name, String fact) {
        transaction("keep " + name, true, db -> {
            if (update(db, "UPDATE ledger_fact SET fact = ? WHERE name = ?", fact, name) == 0) {
                update(db, "INSERT INTO ledger_fact (name, fact) VALUES (?, ?)", name, fact);
            }
            return null;
        });
    }

    /** Whether the ledger holds no record at all: a new database. */
    public boolean isEmpty() {
        return transaction("count records", db -> {
            try (PreparedStatement select = db.prepareStatement("SELECT 1 FROM outreach_record")) {
                select.setMaxRows(1);
                try (ResultSet row = select.executeQuery()) {
                    return !row.next();
                }
            }
        });
    }

    /** A key found in an outcome folder, for a ledger rebuilt from the folders. */
    public record Known(String key, State state, boolean inDoubt, String chatId, String messageId,
            String contentHash) {
    }

    /**
     * Enters keys found in the outcome folders, in one transaction; a key already entered stays as it is.
     *
     * @return how many keys were not in the ledger
     */
    public int rebuild(List<Known> keys) {
        long now = System.currentTimeMillis();
        return transaction("rebuild " + keys.size() + " records", true, db -> {
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO outreach_record (record_key, state,"
                    + " attempts, first_seen_at, updated_at, in_doubt, content_hash, chat_id, message_id)"
                    + " SELECT ?, ?, 0, ?, ?, ?, ?, ?, ? FROM (VALUES (0)) AS one (x)"
                    + " WHERE NOT EXISTS (SELECT 1 FROM outreach_record WHERE record_key = ?)")) {
                for (Known known : keys) {
                    insert.setString(1, known.key());
                    insert.setString(2, known.state().name());
                    insert.setLong(3, now);
                    insert.setLong(4, now);
                    insert.setBoolean(5, known.inDoubt());
                    insert.setString(6, known.contentHash() == null ? "" : known.contentHash());
                    insert.setString(7, id(known.chatId()));
                    insert.setString(8, id(known.messageId()));
                    insert.setString(9, known.key());
                    insert.addBatch();
                }
                int entered = 0;
                for (int count : insert.executeBatch()) {
                    entered += Math.max(count, 0);
                }
                return entered;
            }
        });
    }

    /**
     * Whose records a recovery takes over: those held by the given processes (gone), and those held by none (written
     * before records had holders); {@code null}: every record (embedded H2, where only one process ever runs).
     */
    public record Holders(List<String> gone, boolean unheld) {
        public static final Holders ALL = new Holders(null, true);

        String where(String column) {
            if (gone == null) {
                return "TRUE";
            }
            StringBuilder in = new StringBuilder("(" + (unheld ? column + " IS NULL" : "FALSE"));
            gone.forEach(holder -> in.append(" OR ").append(column).append(" = ?"));
            return in.append(')').toString();
        }

        /** The values of the {@code ?} of {@link #where}. */
        Object[] values() {
            return gone == null ? new Object[0] : gone.toArray();
        }
    }

    /** An outcome decided but maybe not written to its folder, and the process that held it. */
    public record Unwritten(String key, String holder, long version, String document) {
    }

    /** Outcomes decided but maybe not written to their folder (a crash came in between), of these holders. */
    public List<Unwritten> unwrittenOutcomes(Holders holders) {
        return rows("read unwritten outcomes", "SELECT w.record_key, r.held_by, w.version, w.unwritten_outcome FROM"
                + " outreach_work w JOIN outreach_record r ON r.record_key = w.record_key WHERE w.unwritten_outcome IS"
                + " NOT NULL AND " + holders.where("r.held_by"), Integer.MAX_VALUE,
                row -> new Unwritten(row.getString(1), row.getString(2), row.getLong(3), document(row, 4)),
                holders.values());
    }

    /** A record claimed by a process that is gone (a request may have left for it), with its item document. */
    public record InFlight(String key, String holder, String document) {
    }

    /** Records claimed by processes that are gone (these holders). */
    public List<InFlight> inFlight(Holders holders) {
        return rows("read records in flight", "SELECT r.record_key, r.held_by, w.item FROM outreach_work w JOIN"
                + " outreach_record r ON r.record_key = w.record_key WHERE r.state = 'SENDING' AND w.item IS NOT NULL"
                + " AND " + holders.where("r.held_by"), Integer.MAX_VALUE,
                row -> new InFlight(row.getString(1), row.getString(2), document(row, 3)), holders.values());
    }

    /**
     * Takes over a record in flight of a process that is gone, before recovering it: only while it is still being
     * sent, still held by that process, and that process is gone (no row: forgotten, or never had one). Only one
     * process recovers it, even when several find it at once, and never one its holder has finished meanwhile.
     */
    public boolean takeOverInFlight(InFlight record) {
        return takeOver(record.key(), record.holder(), " AND state = 'SENDING'");
    }

    /** Takes over an outcome not yet written, unless its holder wrote it (or decided again) meanwhile. */
    public boolean takeOverUnwritten(Unwritten outcome) {
        return takeOver(outcome.key(), outcome.holder(), " AND EXISTS (SELECT 1 FROM outreach_work w WHERE w.record_key"
                + " = outreach_record.record_key AND w.version = " + outcome.version()
                + " AND w.unwritten_outcome IS NOT NULL)");
    }

    private boolean takeOver(String key, String holder, String still) {
        return transaction("take over " + key, db -> {
            if (holder == null) {
                return update(db, "UPDATE outreach_record SET held_by = ? WHERE record_key = ? AND held_by IS NULL"
                        + still, instance, key) == 1;
            }
            if (holder.equals(instance)) { // this process's previous run (start-up), or its own repair after a fault
                return update(db, "UPDATE outreach_record SET held_by = ? WHERE record_key = ? AND held_by = ?" + still,
                        instance, key, holder) == 1;
            }
            return update(db, "UPDATE outreach_record SET held_by = ? WHERE record_key = ? AND held_by = ?" + still
                    + " AND NOT EXISTS (SELECT 1 FROM bridge_instance b WHERE b.instance_id = ?)", instance, key, holder,
                    holder) == 1;
        });
    }

    /** The holders of records that have no row: processes forgotten as dead (or never registered). */
    public List<String> goneHolders() {
        return rows("read gone holders", "SELECT DISTINCT r.held_by FROM outreach_record r WHERE r.held_by IS NOT NULL"
                + " AND r.state = 'SENDING' AND NOT EXISTS (SELECT 1 FROM bridge_instance b WHERE b.instance_id ="
                + " r.held_by) UNION SELECT DISTINCT r.held_by FROM outreach_record r JOIN outreach_work w ON"
                + " w.record_key = r.record_key WHERE r.held_by IS NOT NULL AND w.unwritten_outcome IS NOT NULL AND NOT"
                + " EXISTS (SELECT 1 FROM bridge_instance b WHERE b.instance_id = r.held_by)", Integer.MAX_VALUE,
                row -> row.getString(1));
    }

    /** The processes that share the ledger, and when each was last seen. */
    public record Process(String id, long startedAt, long seenAt) {
    }

    /** The row of this process, or null. */
    public Process process(String id) {
        return processes("SELECT instance_id, started_at, seen_at FROM bridge_instance WHERE instance_id = ?", id)
                .stream().findFirst().orElse(null);
    }

    /** The processes not seen since a time (other than this one): dead, their records to be taken over. */
    public List<String> unseenSince(long since) {
        return processes("SELECT instance_id, started_at, seen_at FROM bridge_instance WHERE seen_at < ? AND"
                + " instance_id <> ?", since, instance).stream().map(Process::id).toList();
    }

    /**
     * The database's clock (epoch milliseconds): every process's heartbeat and every lease is measured by it, so that
     * the clocks of the machines the replicas run on need not agree.
     */
    public long now() {
        return transaction("read the time", db -> {
            try (PreparedStatement select = db.prepareStatement("SELECT CURRENT_TIMESTAMP");
                    ResultSet row = select.executeQuery()) {
                row.next();
                return row.getTimestamp(1).getTime();
            }
        });
    }

    private List<Process> processes(String sql, Object... values) {
        return rows("read bridge processes", sql, Integer.MAX_VALUE,
                row -> new Process(row.getString(1), row.getLong(2), row.getLong(3)), values);
    }

    /**
     * This process starts: its row, fresh. The row is locked first ({@code FOR UPDATE}): a claim an earlier start under
     * the same id is making ({@link #fence}) ends before, and one it makes after finds the new token and is refused.
     */
    public void arrive(long now) {
        transaction("register " + instance, true, db -> {
            rows(db, "SELECT started_at FROM bridge_instance WHERE instance_id = ? FOR UPDATE", 1, row -> row.getLong(1),
                    instance);
            if (update(db, "UPDATE bridge_instance SET started_at = ?, seen_at = ? WHERE instance_id = ?", now, now,
                    instance) == 0) {
                update(db, "INSERT INTO bridge_instance (instance_id, started_at, seen_at) VALUES (?, ?, ?)", instance,
                        now, now);
            }
            return null;
        });
        startedAt = now;
    }

    /**
     * On a ledger shared by several processes (PostgreSQL), a claim holds a record for this process only while its
     * row of {@code bridge_instance} is there, from this start: else it was taken for dead (not seen for the lease, as
     * after a long freeze), its records were taken over, and a record it claimed now would be taken over too while it
     * sends it (made in doubt without need). The row is read {@code FOR KEY SHARE}: a process that forgets this one
     * waits for the claim's commit, so its takeover sees the claim. This process stops at its next heartbeat.
     */
    private void fence(Connection db) throws SQLException {
        Long token = startedAt;
        if (token == null || embedded(db)) {
            return; // not registered (a tool, a test), or embedded H2: one process
        }
        try (PreparedStatement select = db.prepareStatement("SELECT 1 FROM bridge_instance WHERE instance_id = ? AND"
                + " started_at = ? FOR KEY SHARE")) {
            select.setString(1, instance);
            select.setLong(2, token);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new TakenForDead(instance);
                }
            }
        }
    }

    /** A claim refused: this process was taken for dead by another sharing the ledger (see {@link #fence}). */
    public static class TakenForDead extends LedgerException {
        TakenForDead(String instance) {
            super("this process (instance id " + instance + ") was taken for dead by another bridge process, or"
                    + " another one started under its id: it claims no record, and stops at its next heartbeat", null);
        }
    }

    /**
     * This process is alive; false when its row is gone (another process declared it dead and took over) or belongs
     * to another start under the same id ({@code startedAt}, this start's token).
     */
    public boolean seen(long now, long startedAt) {
        return transaction("heartbeat", db -> update(db, "UPDATE bridge_instance SET seen_at = ? WHERE instance_id = ?"
                + " AND started_at = ?", now, instance, startedAt) == 1);
    }

    /**
     * Forgets a dead process, unless it was seen again meanwhile: from then on what it held is taken over (its
     * heartbeat, if it still runs, tells it to stop). True for the process that forgot it.
     */
    public boolean forget(String id, long notSeenSince) {
        return transaction("forget " + id, db -> update(db, "DELETE FROM bridge_instance WHERE instance_id = ? AND"
                + " seen_at < ?", id, notSeenSince) == 1);
    }

    /**
     * This process stops, having finished what it held: its row goes, if it is still this start's. False when it was
     * not: another start under the same id replaced it, or another process forgot this one as dead. Deleting that row
     * took the newer start for dead, and its next heartbeat stopped it (a fault probe).
     */
    public boolean leave() {
        Long token = startedAt;
        return token != null && transaction("unregister " + instance, db -> update(db, "DELETE FROM bridge_instance"
                + " WHERE instance_id = ? AND started_at = ?", instance, token)) == 1;
    }

    /**
     * Takes an inbox file for this process: one process reads a file at a time. A file held by a process that is gone
     * (its row deleted once its records were taken over) is taken over.
     */
    public boolean takeFile(String name) {
        long now = System.currentTimeMillis();
        return transaction("take file " + name, db -> {
            // Held by this process already (the next poll), or by one that is gone: taken.
            if (update(db, "UPDATE inbox_file SET held_by = ?, taken_at = ? WHERE name = ? AND (held_by = ? OR NOT"
                    + " EXISTS (SELECT 1 FROM bridge_instance b WHERE b.instance_id = inbox_file.held_by))", instance,
                    now, name, instance) == 1) {
                return true;
            }
            // Held by a live process: left to it, without a failed insert at every poll.
            if (!rows(db, "SELECT 1 FROM inbox_file WHERE name = ?", 1, row -> row.getInt(1), name).isEmpty()) {
                return false;
            }
            Savepoint before = db.setSavepoint();
            try {
                update(db, "INSERT INTO inbox_file (name, held_by, taken_at) VALUES (?, ?, ?)", name, instance, now);
                return true;
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                db.rollback(before); // another process took it just now
                return false;
            }
        });
    }

    /** An inbox file a process is reading, since when. */
    public record InboxFile(String name, String holder, long takenAt) {
    }

    /** The inbox files being read now, by any process, in the order they were taken. */
    public List<InboxFile> files() {
        return rows("read the files in progress", "SELECT name, held_by, taken_at FROM inbox_file ORDER BY taken_at,"
                + " name", 100, row -> new InboxFile(row.getString(1), row.getString(2), row.getLong(3)));
    }

    /** The file is archived, quarantined or left for later: another process may take it. */
    public void releaseFile(String name) {
        transaction("release file " + name, db -> update(db, "DELETE FROM inbox_file WHERE name = ? AND held_by = ?",
                name, instance));
    }

    /** Webhook records accepted and waiting to be sent, oldest first. */
    public List<String> queued(int limit) {
        return rows("read waiting records", QUEUED_OLDEST_FIRST, limit, row -> document(row, 1), limit);
    }

    /**
     * The oldest queued records that have their item, at most {@code ?} of them, read in the order of index
     * {@code outreach_record_queued} (V8) and joined to their items afterwards: a backlog of queued records is not read
     * and sorted whole at every dispatch (200,000 queued: about a second a dispatch joined first, a few milliseconds
     * so; LedgerQueriesTest, QueryPlansTest).
     */
    static final String QUEUED_OLDEST_FIRST = "SELECT w.item FROM (SELECT record_key, first_seen_at FROM"
            + " outreach_record s WHERE state = 'QUEUED' AND " + HAS_ITEM + " ORDER BY state, first_seen_at, record_key"
            + " FETCH FIRST ? ROWS ONLY) r JOIN outreach_work w ON w.record_key = r.record_key ORDER BY r.first_seen_at,"
            + " r.record_key";

    /** Rows of one query, in one transaction, each made into a {@code T}; at most {@code limit} of them. */
    <T> List<T> rows(String what, String sql, int limit, Row<T> made, Object... values) {
        return transaction(what, db -> rows(db, sql, limit, made, values));
    }

    /** The same, inside a transaction already open. */
    static <T> List<T> rows(Connection db, String sql, int limit, Row<T> made, Object... values)
            throws SQLException {
        List<T> rows = new ArrayList<>();
        try (PreparedStatement select = db.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                select.setObject(i + 1, values[i]);
            }
            select.setMaxRows(limit);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.add(made.of(row));
                }
            }
        }
        return rows;
    }

    interface Row<T> {
        T of(ResultSet row) throws SQLException;
    }

    /** The answer given to a webhook delivery before, or null. */
    public String deliveryAnswer(String source, String deliveryId) {
        return transaction("read delivery " + deliveryId, db -> deliveryAnswer(db, source, deliveryId));
    }

    /** The same, inside a transaction already open. */
    private static String deliveryAnswer(Connection db, String source, String deliveryId) throws SQLException {
        List<String> answer = rows(db, "SELECT answer FROM webhook_delivery WHERE source = ? AND delivery_id = ?", 1,
                row -> row.getString(1), source, deliveryId);
        return answer.isEmpty() ? null : answer.get(0);
    }

    interface Work<T> {
        T in(Connection db) throws SQLException;
    }

    <T> T transaction(String what, Work<T> work) {
        return transaction(what, false, work);
    }

    /**
     * Runs the work in one transaction: it all happens, or none of it does. {@code durable}: the commit is in the
     * database file before this returns.
     */
    <T> T transaction(String what, boolean durable, Work<T> work) {
        return transaction(what, durable, null, work);
    }

    /**
     * As {@link #transaction(String, boolean, Work)}; with journal {@code lines} (a claim, a webhook delivery) on
     * embedded H2, durable by appending them to the {@link ClaimJournal} just before the commit instead of a
     * CHECKPOINT after it.
     */
    private <T> T transaction(String what, boolean durable, StringBuilder lines, Work<T> work) {
        if (durable && storeWrites.getReadHoldCount() > 0) { // its checkpoint would wait for the outer one
            throw new IllegalStateException("a durable transaction inside another one: " + what);
        }
        try (Connection db = dataSource.getConnection()) {
            db.setAutoCommit(false);
            T result;
            Lock between = embedded(db) ? storeWrites.readLock() : null;
            if (between != null) {
                between.lock();
            }
            try {
                if (!durable && !embedded(db)) {
                    asynchronousCommit(db);
                }
                result = work.in(db);
                if (lines == null) {
                    db.commit();
                } else {
                    journalAppends.readLock().lock();
                    try {
                        if (lines.length() > 0) {
                            journal.append(lines.toString());
                        }
                        db.commit();
                    } catch (IOException e) {
                        throw journalFault("write", e);
                    } finally {
                        journalAppends.readLock().unlock();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                end(db, e);
                throw e;
            } finally {
                if (between != null) {
                    between.unlock();
                }
            }
            db.setAutoCommit(true);
            if (durable && lines == null && embedded(db)) {
                reachFile(db, commits.incrementAndGet());
            }
            return result;
        } catch (SQLException e) {
            LedgerException failure = new LedgerException("cannot " + what, e);
            if (isStorage(failure)) {
                broken = true;
                disk.raise(storageReason(e));
            }
            throw failure;
        }
    }

    /**
     * On PostgreSQL, a commit that need not be on disk before the next step (an outcome, a pause: everything but a
     * claim and a webhook delivery) does not wait for its WAL flush. It is lost only if the database server itself
     * crashes within a fraction of a second, never when the bridge does; start-up then takes such an outcome from its
     * folder, as on H2 ({@code LedgerRecovery}). Claims keep waiting: they are what makes a record go once.
     */
    private static void asynchronousCommit(Connection db) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute("SET LOCAL synchronous_commit = off");
        }
    }

    /**
     * Returns once the commit numbered {@code commit} is in the database file. One CHECKPOINT writes every commit
     * numbered before it started, so the claims of records sent at the same time share one (group commit): those
     * that commit while a checkpoint runs wait for it, and the first of them runs the next one for all. A claim is
     * still in the file before its request leaves; only the requests in flight can be in doubt after a crash.
     */
    private void reachFile(Connection db, long commit) throws SQLException {
        synchronized (checkpoints) {
            if (inFile >= commit) {
                return;
            }
            long upTo = commits.get();
            try {
                if (!storeWrites.writeLock().tryLock(CHECKPOINT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new SQLException("a transaction has not ended for " + CHECKPOINT_WAIT_SECONDS + " s: H2's file"
                            + " cannot be written between transactions", "58030");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting to checkpoint the ledger", e);
            }
            try (Statement checkpoint = db.createStatement()) {
                checkpoint.execute("CHECKPOINT");
                if (compact(db)) {
                    checkpoint.execute("CHECKPOINT");
                }
            } finally {
                storeWrites.writeLock().unlock();
            }
            inFile = upTo;
        }
    }

    /** Below this share of live data in its chunks, a checkpoint compacts H2's file ({@link #compact}). */
    static final int COMPACT_BELOW_FILL_RATE = 80;
    /** At most this many bytes of chunks are rewritten by one checkpoint. */
    static final int COMPACT_BYTES = 2 * 1024 * 1024;

    /**
     * Rewrites the live pages of H2's least filled chunks, so that their space can be used again: the compaction H2's
     * background writer did, here between transactions, at every checkpoint (called with {@link #storeWrites} taken
     * whole; compacting at most once a second instead was slower: 1,653 and 1,785 against 2,054 records/s, with more
     * garbage in the file). Without it the file grew more than three times as large (362 MB against 109 MB after
     * 100,000 records). Chunks are not moved: the file does not shrink while the bridge runs (H2 compacts it at its
     * close). Not for an H2 reached over TCP.
     *
     * @return whether pages were rewritten (the next CHECKPOINT writes them)
     */
    private static boolean compact(Connection db) throws SQLException {
        if (db.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session) {
            try {
                return session.getDatabase().getStore().getMvStore().compact(COMPACT_BELOW_FILL_RATE, COMPACT_BYTES);
            } catch (RuntimeException e) {
                // H2's own failure (a store that failed to write, closed): the file is only not compacted this time;
                // the next CHECKPOINT meets the same failure and reports it as the ledger's
                LOG.debugf("the ledger's file not compacted: %s", e);
            }
        }
        return false;
    }

    /**
     * Ends a failed transaction: rolled back, the connection back in auto-commit. Not when embedded H2 failed on its
     * storage: the next statement on an H2 store whose write failed can spin forever (MVStore.registerVersionUsage, seen
     * after a commit that met a full disk), holding the connection so that the pool cannot close it. Such a connection
     * is abandoned instead ({@code abort()}), never used again. Agroal 2.8 does not give an aborted connection back to
     * the pool (agroal commit a20370b, in a later release, does): {@link #reopen} takes them back. On PostgreSQL a
     * connection the failure broke goes back to the pool all the same: it fails again at once if taken, and the pool
     * drops it at the reopen or at its validation.
     */
    private void end(Connection db, Exception cause) {
        try {
            if (isStorage(cause) && embedded(db)) {
                db.abort(Runnable::run);
                return;
            }
        } catch (SQLException abandoned) {
            return; // abandoned all the same
        }
        try {
            db.rollback();
            db.setAutoCommit(true);
        } catch (SQLException e) {
            cause.addSuppressed(e); // a rollback of a closed database fails too: the first failure says what happened
        }
    }

    /**
     * Whether a failure is the disk's (a write it refused, H2 closing the database after one, a damaged file) rather
     * than a refusal of the statement (a constraint, a failing trigger).
     */
    static boolean isStorage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException
                    || t instanceof SQLException sql && (STORAGE_ERRORS.contains(sql.getErrorCode())
                            || sql.getSQLState() != null && (sql.getSQLState().startsWith("08")
                                    || sql.getSQLState().startsWith("57P0")))) {
                return true;
            }
        }
        return false;
    }

    private String storageReason(SQLException e) {
        Throwable root = e;
        boolean damaged = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            root = t;
            damaged |= t instanceof SQLException sql && sql.getErrorCode() == FILE_CORRUPTED;
        }
        if (damaged) {
            return "the ledger file is damaged (" + root.getMessage() + "): stop the bridge, move the ledger's folder"
                    + " aside and start it again; it rebuilds the ledger from the outcome folders";
        }
        return "the ledger cannot be written: " + root.getMessage();
    }

    /** H2 commits reach the file within its write delay; a server database (PostgreSQL) commits to it at once. */
    private boolean embedded(Connection db) throws SQLException {
        if (embedded == null) {
            embedded = "H2".equals(db.getMetaData().getDatabaseProductName());
        }
        return embedded;
    }

    /**
     * A document (an item, an outcome not yet in its folder) as the ledger keeps it: its UTF-8 bytes. H2 writes a
     * string column character by character each time it writes the row's page, bytes at once (V7 migration).
     */
    static byte[] utf8(String document) {
        return document == null ? null : document.getBytes(StandardCharsets.UTF_8);
    }

    /** A document column ({@link #utf8}) read back. */
    static String document(ResultSet row, int column) throws SQLException {
        byte[] bytes = row.getBytes(column);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static int update(Connection db, String sql, Object... values) throws SQLException {
        try (PreparedStatement update = db.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                update.setObject(i + 1, values[i]);
            }
            return update.executeUpdate();
        }
    }

    /** The ledger cannot be read or written: nothing is sent until it can. */
    public static class LedgerException extends RuntimeException {
        public LedgerException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
