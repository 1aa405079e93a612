import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * H2 alone, killed: a child process commits on four threads (a row inserted, then updated, as a claim and its outcome;
 * a work row with a 1.5 KB value inserted, updated, and deleted for a third of the keys) and checkpoints every
 * {@code -Dcheckpoint-ms} (default 1000); this process kills it with SIGKILL at a random moment, opens the file and
 * counts the rows that cannot be written (locked for good by a transaction that died with the child) and the commits a
 * checkpoint had covered that are missing. Then again, {@code kills} times (default 25).
 *
 * <pre>
 * java -cp target/quarkus-app/lib/main/com.h2database.h2-*.jar bench/H2KillProbe.java [kills]
 * </pre>
 *
 * {@code -Doptions=...} the URL's settings (default {@code RETENTION_TIME=0}, H2's background writer on);
 * {@code -Dbetween=true} checkpoints only between transactions, as the ledger does. What the ledger runs:
 * {@code -Doptions=RETENTION_TIME=0;WRITE_DELAY=2147483647 -Dbetween=true}.
 */
public class H2KillProbe {

    static final String OPTIONS = System.getProperty("options", "RETENTION_TIME=0");
    static final boolean BETWEEN = Boolean.getBoolean("between");
    static final long EVERY = Long.getLong("checkpoint-ms", 1000);

    public static void main(String[] args) throws Exception {
        if (args.length > 1 && args[0].equals("child")) {
            child(Path.of(args[1]));
        } else {
            parent(args.length > 0 ? Integer.parseInt(args[0]) : 25);
        }
    }

    static Connection open(Path dir, String extra) throws SQLException {
        return DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("db") + ";" + OPTIONS + extra, "sa", "");
    }

    static void child(Path dir) throws Exception {
        try (Connection c = open(dir, ""); Statement sql = c.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS rec (k VARCHAR(80) PRIMARY KEY, state VARCHAR(20), held VARCHAR(20))");
            sql.execute("CREATE TABLE IF NOT EXISTS work (k VARCHAR(80) PRIMARY KEY, item VARBINARY(100000))");
            sql.execute("CREATE INDEX IF NOT EXISTS rec_state ON rec(state, held)");
        }
        PrintStream out = System.out;
        AtomicLong seq = new AtomicLong();
        ReentrantReadWriteLock between = new ReentrantReadWriteLock();
        String run = Long.toString(System.nanoTime(), 36);
        byte[] item = new byte[1500];
        Arrays.fill(item, (byte) 'x');
        for (int t = 0; t < 4; t++) {
            int thread = t;
            new Thread(() -> {
                try (Connection c = open(dir, "")) {
                    c.setAutoCommit(false);
                    for (long i = 0; ; i++) {
                        String k = run + "-" + thread + "-" + i;
                        inTransaction(c, between, "INSERT INTO rec VALUES (?, 'SENDING', 'me')", k, null,
                                "INSERT INTO work VALUES (?, ?)", k, item);
                        long s = seq.incrementAndGet();
                        synchronized (out) {
                            out.println("C " + s + " " + k);
                            out.flush();
                        }
                        inTransaction(c, between, "UPDATE rec SET state = 'SENT', held = NULL WHERE k = ?", k, null,
                                "UPDATE work SET item = ? WHERE k = ?", item, k);
                        if (i % 3 == 0) {
                            inTransaction(c, between, "DELETE FROM work WHERE k = ?", k, null, null, null, null);
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }).start();
        }
        try (Connection c = open(dir, ""); Statement sql = c.createStatement()) {
            while (true) {
                Thread.sleep(EVERY);
                long before;
                if (BETWEEN) {
                    between.writeLock().lock();
                }
                try {
                    before = seq.get();
                    sql.execute("CHECKPOINT");
                } finally {
                    if (BETWEEN) {
                        between.writeLock().unlock();
                    }
                }
                synchronized (out) {
                    out.println("P " + before);
                    out.flush();
                }
            }
        }
    }

    /** One or two statements of two parameters each, in one transaction. */
    static void inTransaction(Connection c, ReentrantReadWriteLock between, String first, Object a, Object b,
            String second, Object c1, Object c2) throws SQLException {
        if (BETWEEN) {
            between.readLock().lock();
        }
        try {
            for (Object[] statement : new Object[][] {{first, a, b}, {second, c1, c2}}) {
                if (statement[0] == null) {
                    continue;
                }
                try (PreparedStatement p = c.prepareStatement((String) statement[0])) {
                    for (int i = 1; i <= 2 && statement[i] != null; i++) {
                        p.setObject(i, statement[i]);
                    }
                    p.executeUpdate();
                }
            }
            c.commit();
        } finally {
            if (BETWEEN) {
                between.readLock().unlock();
            }
        }
    }

    static void parent(int kills) throws Exception {
        Path dir = Files.createTempDirectory("h2kill");
        Random random = new Random();
        int phantoms = 0;
        int lost = 0;
        int unopenable = 0;
        String java = ProcessHandle.current().info().command().orElse("java");
        String source = "bench/H2KillProbe.java"; // run from the repository's folder
        for (int kill = 1; kill <= kills; kill++) {
            List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    "-Doptions=" + OPTIONS, "-Dbetween=" + BETWEEN, "-Dcheckpoint-ms=" + EVERY));
            command.addAll(List.of(source, "child", dir.toString()));
            Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException killed) {
                    // the end of the child
                }
            });
            reader.start();
            Thread.sleep(3000 + random.nextInt(2500)); // its start (compiling this file), then a while of commits
            child.destroyForcibly();
            child.waitFor();
            reader.join();
            long covered = 0;
            List<String[]> commits = new ArrayList<>();
            for (String l : lines) {
                String[] f = l.split(" ");
                if (f.length == 2 && f[0].equals("P")) {
                    covered = Math.max(covered, Long.parseLong(f[1]));
                } else if (f.length == 3 && f[0].equals("C")) {
                    commits.add(f);
                }
            }
            try (Connection c = open(dir, ";LOCK_TIMEOUT=200")) {
                c.setAutoCommit(false);
                Set<String> present = new HashSet<>();
                try (ResultSet r = c.createStatement().executeQuery("SELECT k FROM rec")) {
                    while (r.next()) {
                        present.add(r.getString(1));
                    }
                }
                int lostNow = 0;
                for (String[] commit : commits) {
                    if (Long.parseLong(commit[1]) <= covered && !present.contains(commit[2])) {
                        lostNow++;
                    }
                }
                int phantomNow = 0;
                for (String table : List.of("rec", "work")) {
                    List<String> keys = new ArrayList<>();
                    try (ResultSet r = c.createStatement().executeQuery("SELECT k FROM " + table)) {
                        while (r.next()) {
                            keys.add(r.getString(1));
                        }
                    }
                    for (String k : keys) {
                        try (PreparedStatement p = c.prepareStatement("UPDATE " + table + " SET k = k WHERE k = ?")) {
                            p.setString(1, k);
                            p.executeUpdate();
                        } catch (SQLException e) {
                            phantomNow++;
                            c.rollback();
                        }
                    }
                }
                c.rollback();
                lost += lostNow;
                phantoms += phantomNow;
                System.out.printf("kill %d: %d commits (%d checkpointed), %d checkpointed missing, %d rows locked%n",
                        kill, commits.size(), covered, lostNow, phantomNow);
                if (phantomNow > 0 || lostNow > 0) {
                    c.close();
                    empty(dir);
                }
            } catch (SQLException e) {
                unopenable++;
                System.out.println("kill " + kill + ": cannot open: " + e.getMessage().lines().findFirst().orElse(""));
                empty(dir);
            }
        }
        System.out.printf("options %s, checkpoints between transactions %s, every %d ms: %d kills, %d checkpointed"
                + " commits missing, %d rows locked, %d files not opened%n", OPTIONS, BETWEEN, EVERY, kills, lost,
                phantoms, unopenable);
    }

    /** Deletes the database's files: the next round starts from a sound file. */
    static void empty(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
    }
}
