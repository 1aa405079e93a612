import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.sun.management.OperatingSystemMXBean;

/**
 * What H2 alone costs a record the way the ledger writes one: a row inserted (the claim) and then updated (the
 * outcome), each in its own commit, by four threads, in a file database as the bridge opens it, with a CHECKPOINT every
 * second (as the claim journal's rotation makes). No pool, no journal file. Prints records/s and the process's CPU a
 * record, for each shape of the ledger asked for, in that order, and again for each further round (the first round
 * of a JVM pays for compiling H2's code, as the bridge does in a run of 50,000 records, most of it in the first shape
 * of the list: compare shapes in the later rounds, which show H2 warm).
 *
 * <pre>
 * java -cp target/quarkus-app/lib/main/com.h2database.h2-*.jar bench/H2Loop.java [records] [shapes] [commit-every] [rounds]
 * java -cp ... bench/H2Loop.java 50000 ledger,state-indexes,work,key 1 2
 * </pre>
 *
 * Shapes, comma-separated: {@code key}: one row a record, only its key indexed; {@code state-indexes}: also the three
 * indexes on the state and the foreign key to the table of states the ledger has (V1, V4, V6, V8); {@code work}: the
 * key's row and a work row a record (the item, 600 bytes, at the claim; the outcome, 800 bytes, at the outcome; deleted
 * a second later with the others, as {@code Ledger.clearWritten}); {@code ledger}: both, what the bridge does today.
 * {@code commit-every} greater than 1 commits the claims and outcomes of that many records of a thread at once.
 */
public class H2Loop {

    private static final byte[] ITEM = filled(600, 'i');
    private static final byte[] OUTCOME = filled(800, 'o');

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        String[] shapes = (args.length > 1 ? args[1] : "key").split(",");
        int commitEvery = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        for (int round = 1; round <= rounds; round++) {
            for (String shape : shapes) {
                run(shape, records, commitEvery, round);
            }
        }
    }

    private static void run(String shape, int records, int commitEvery, int round) throws Exception {
        if (!List.of("key", "state-indexes", "work", "ledger").contains(shape)) {
            throw new IllegalArgumentException("shapes are key, state-indexes, work and ledger, not " + shape);
        }
        boolean stateIndexes = shape.equals("state-indexes") || shape.equals("ledger");
        boolean work = shape.equals("work") || shape.equals("ledger");
        Path folder = Files.createTempDirectory("h2loop");
        String url = "jdbc:h2:file:" + folder.resolve("ledger") + ";RETENTION_TIME=0;TRACE_LEVEL_FILE=0";
        try (Connection db = DriverManager.getConnection(url, "bench", ""); Statement sql = db.createStatement()) {
            sql.execute("CREATE TABLE record_state (state VARCHAR(16) NOT NULL PRIMARY KEY)");
            sql.execute("INSERT INTO record_state VALUES ('QUEUED'), ('SENDING'), ('SENT'), ('RETRY'), ('QUARANTINED'),"
                    + " ('SCHEDULED')");
            sql.execute("CREATE TABLE outreach_record (record_key VARCHAR(255) NOT NULL PRIMARY KEY, state VARCHAR(16)"
                    + " NOT NULL, attempts INT NOT NULL, first_seen_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,"
                    + " next_attempt_at BIGINT, in_doubt BOOLEAN NOT NULL, content_hash VARCHAR(80) NOT NULL, chat_id"
                    + " VARCHAR(255), message_id VARCHAR(255), held_by VARCHAR(255), account_id VARCHAR(255), pace_order"
                    + " BIGINT, paced_until BIGINT)");
            sql.execute("CREATE TABLE outreach_work (record_key VARCHAR(255) NOT NULL PRIMARY KEY, version BIGINT NOT"
                    + " NULL, item BINARY VARYING(1000000), unwritten_outcome BINARY VARYING(1000000))");
            if (stateIndexes) {
                sql.execute("ALTER TABLE outreach_record ADD CONSTRAINT outreach_record_state FOREIGN KEY (state)"
                        + " REFERENCES record_state (state)");
                sql.execute("CREATE INDEX due ON outreach_record (state, next_attempt_at)");
                sql.execute("CREATE INDEX scheduled ON outreach_record (state, account_id, pace_order)");
                sql.execute("CREATE INDEX queued ON outreach_record (state, first_seen_at, record_key)");
            }
        }
        Queue<String> written = new ConcurrentLinkedQueue<>();
        Checkpoints checkpoints = new Checkpoints(url, work ? written : null);
        checkpoints.start();
        OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<Void>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t;
            done.add(threads.submit(() -> {
                write(url, first, records, commitEvery, work ? written : null);
                return null;
            }));
        }
        for (Future<Void> thread : done) {
            thread.get();
        }
        threads.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuPerRecord = (os.getProcessCpuTime() - cpu) / 1e6 / records;
        checkpoints.finish();
        System.out.printf("round %d, %-13s commit every %d: %d records in %.1f s, %6.0f records/s, %.3f ms of CPU a"
                + " record%n", round, shape + ",", commitEvery, records, seconds, records / seconds, cpuPerRecord);
        try (var files = Files.walk(folder)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** Records first, first + 4, ...: each claimed (inserted) then sent (updated); with work rows, as the ledger. */
    private static void write(String url, int first, int records, int commitEvery, Queue<String> written)
            throws SQLException {
        try (Connection db = DriverManager.getConnection(url, "bench", "");
                PreparedStatement claim = db.prepareStatement("INSERT INTO outreach_record (record_key, state,"
                        + " attempts, first_seen_at, updated_at, in_doubt, content_hash, held_by) VALUES (?, 'SENDING',"
                        + " 0, ?, ?, FALSE, ?, 'bench')");
                PreparedStatement item = db.prepareStatement("INSERT INTO outreach_work (record_key, version, item)"
                        + " VALUES (?, 1, ?)");
                PreparedStatement sent = db.prepareStatement("UPDATE outreach_record SET state = 'SENT', attempts = 1,"
                        + " next_attempt_at = NULL, in_doubt = FALSE, paced_until = NULL, chat_id = ?, message_id = ?,"
                        + " updated_at = ? WHERE record_key = ? AND (held_by = 'bench' OR held_by IS NULL)");
                PreparedStatement outcome = db.prepareStatement("UPDATE outreach_work SET version = 2, item = NULL,"
                        + " unwritten_outcome = ? WHERE record_key = ?")) {
            db.setAutoCommit(false);
            int count = 0;
            List<String> committing = new ArrayList<>();
            for (int i = first; i < records; i += 4) {
                String key = "sha256-" + UUID.randomUUID().toString().replace("-", "")
                        + UUID.randomUUID().toString().replace("-", "");
                long now = System.currentTimeMillis();
                claim.setString(1, key);
                claim.setLong(2, now);
                claim.setLong(3, now);
                claim.setString(4, "hash-" + key);
                claim.executeUpdate();
                if (written != null) {
                    item.setString(1, key);
                    item.setBytes(2, ITEM);
                    item.executeUpdate();
                }
                if (commitEvery == 1) {
                    db.commit();
                }
                sent.setString(1, "chat-" + i);
                sent.setString(2, "message-" + i);
                sent.setLong(3, now);
                sent.setString(4, key);
                sent.executeUpdate();
                if (written != null) {
                    outcome.setBytes(1, OUTCOME);
                    outcome.setString(2, key);
                    outcome.executeUpdate();
                }
                if (written != null) {
                    committing.add(key);
                }
                if (++count % commitEvery == 0) {
                    db.commit();
                    if (written != null) { // cleared only once committed, as the ledger clears written outcomes
                        written.addAll(committing);
                    }
                    committing.clear();
                }
            }
            db.commit();
            if (written != null) {
                written.addAll(committing);
            }
        }
    }

    /** Every second: the work rows of written outcomes deleted in one transaction (if any), then a CHECKPOINT. */
    private static final class Checkpoints extends Thread {

        private final String url;
        private final Queue<String> written;
        private volatile boolean done;
        private volatile Exception failed;

        Checkpoints(String url, Queue<String> written) {
            this.url = url;
            this.written = written;
        }

        @Override
        public void run() {
            try (Connection db = DriverManager.getConnection(url, "bench", "");
                    PreparedStatement delete = db.prepareStatement("DELETE FROM outreach_work WHERE record_key = ? AND"
                            + " version = 2 AND item IS NULL");
                    Statement checkpoint = db.createStatement()) {
                while (!done) {
                    Thread.sleep(1000);
                    if (written != null) {
                        db.setAutoCommit(false);
                        for (String key; (key = written.poll()) != null; ) {
                            delete.setString(1, key);
                            delete.addBatch();
                        }
                        delete.executeBatch();
                        db.commit();
                        db.setAutoCommit(true);
                    }
                    checkpoint.execute("CHECKPOINT");
                }
            } catch (SQLException | InterruptedException e) {
                failed = e;
            }
        }

        /** Stops the checkpoints; a run whose checkpoints failed has no figures worth printing. */
        void finish() throws Exception {
            done = true;
            join();
            if (failed != null) {
                throw new IllegalStateException("the checkpoints failed: the figures do not count", failed);
            }
        }
    }

    private static byte[] filled(int length, char with) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) with);
        return bytes;
    }
}
