import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.sun.management.OperatingSystemMXBean;

/**
 * What H2 alone costs a record the way the ledger writes one: a row inserted (the claim) and then updated (the
 * outcome), each in its own commit, by four threads, in a file database as the bridge opens it. No pool, no journal,
 * no documents: the floor of a ledger with one row a record. Prints records/s and the process's CPU a record.
 *
 * <pre>
 * java -cp target/quarkus-app/lib/main/com.h2database.h2-*.jar bench/H2Loop.java [records] [key|state-indexes] [commit-every]
 * </pre>
 *
 * {@code key}: only the key is indexed; {@code state-indexes}: also the four indexes on the state the ledger has (V1,
 * V6, V8, and the one of V4's foreign key, here a plain index: the key's lookup in the table of states is not made).
 * {@code commit-every} greater than 1 commits the claims and outcomes of that many records of a thread at once.
 */
public class H2Loop {

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        boolean stateIndexes = args.length > 1 && args[1].equals("state-indexes");
        int commitEvery = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Path folder = Files.createTempDirectory("h2loop");
        String url = "jdbc:h2:file:" + folder.resolve("ledger") + ";RETENTION_TIME=0";
        try (Connection db = DriverManager.getConnection(url, "bench", ""); Statement sql = db.createStatement()) {
            sql.execute("CREATE TABLE outreach_record (record_key VARCHAR(255) NOT NULL PRIMARY KEY, state VARCHAR(16)"
                    + " NOT NULL, attempts INT, first_seen_at BIGINT, updated_at BIGINT, next_attempt_at BIGINT,"
                    + " in_doubt BOOLEAN, content_hash VARCHAR(64), chat_id VARCHAR(255), message_id VARCHAR(255),"
                    + " held_by VARCHAR(255), account_id VARCHAR(255), pace_order BIGINT)");
            if (stateIndexes) {
                sql.execute("CREATE INDEX by_state ON outreach_record (state)");
                sql.execute("CREATE INDEX due ON outreach_record (state, next_attempt_at)");
                sql.execute("CREATE INDEX scheduled ON outreach_record (state, account_id, pace_order)");
                sql.execute("CREATE INDEX queued ON outreach_record (state, first_seen_at, record_key)");
            }
        }
        OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<Void>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t;
            done.add(threads.submit(() -> {
                write(url, first, records, commitEvery);
                return null;
            }));
        }
        for (Future<Void> thread : done) {
            thread.get();
        }
        threads.shutdown();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s, commit every %d: %d records in %.1f s, %.0f records/s, %.3f ms of CPU a record%n",
                stateIndexes ? "key and four state indexes" : "key only", commitEvery, records, seconds,
                records / seconds, (os.getProcessCpuTime() - cpu) / 1e6 / records);
        try (var files = Files.walk(folder)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** Records first, first + 4, ...: each claimed (inserted) then sent (updated). */
    private static void write(String url, int first, int records, int commitEvery) throws SQLException {
        try (Connection db = DriverManager.getConnection(url, "bench", "");
                PreparedStatement claim = db.prepareStatement("INSERT INTO outreach_record (record_key, state,"
                        + " attempts, first_seen_at, updated_at, in_doubt, content_hash, held_by) VALUES (?, 'SENDING',"
                        + " 0, ?, ?, FALSE, ?, 'bench')");
                PreparedStatement sent = db.prepareStatement("UPDATE outreach_record SET state = 'SENT', attempts = 1,"
                        + " chat_id = ?, message_id = ?, updated_at = ? WHERE record_key = ? AND held_by = 'bench'")) {
            db.setAutoCommit(false);
            int written = 0;
            for (int i = first; i < records; i += 4) {
                String key = UUID.randomUUID().toString() + UUID.randomUUID();
                long now = System.currentTimeMillis();
                claim.setString(1, key);
                claim.setLong(2, now);
                claim.setLong(3, now);
                claim.setString(4, "hash-" + i);
                claim.executeUpdate();
                if (commitEvery == 1) {
                    db.commit();
                }
                sent.setString(1, "chat-" + i);
                sent.setString(2, "message-" + i);
                sent.setLong(3, now);
                sent.setString(4, key);
                sent.executeUpdate();
                if (++written % commitEvery == 0) {
                    db.commit();
                }
            }
            db.commit();
        }
    }
}
