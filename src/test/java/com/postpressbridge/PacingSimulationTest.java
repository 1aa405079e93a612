package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.ledger.AccountPaces;
import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.ledger.LedgerDatabase;
import com.postpressbridge.outcome.LedgerRecovery;
import com.postpressbridge.outcome.OutcomeDocuments;
import com.postpressbridge.outcome.RecordClaims;
import com.postpressbridge.pacing.Pacing;
import com.postpressbridge.postpress.SendingPacedException;
import com.postpressbridge.record.FileRun;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordSource;

/**
 * Several bridge processes pacing the same accounts on one ledger (this run's database: H2, or PostgreSQL on the second
 * run of the suite), on a simulated clock: each process reads a file of its own with two sending threads, and all
 * three send what waits in scheduled/ when it is due, as the bridge does (the ledger's claims, its scheduled state, the
 * pacing's row locks; only postpress and the folders are left out). No account goes over a cap on any day or week,
 * no two sends of an account come closer than the least gap, each file's records of an account go in file order, and
 * everything is sent on the day the caps allow.
 */
@QuarkusTest
@QuarkusTestResource(PostpressStub.class)
class PacingSimulationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ACCOUNTS = 50;
    private static final int RECORDS = 2000;
    private static final int PER_DAY = 10;
    private static final int PER_WEEK = 30;
    private static final Duration MIN_INTERVAL = Duration.ofMinutes(20);
    /** How often the processes look for due records when none is due later (outreach.retry.scan-interval). */
    private static final Duration SCAN = Duration.ofMinutes(1);
    /** A Monday, ahead of the real clock: the app under test, which shares the ledger, never finds these due. */
    private static final Instant START = Instant.parse("2030-03-04T07:00:00Z");

    @Inject
    LedgerDatabase database;

    @Inject
    Scheduler scheduler;

    @Inject
    CamelContext camel;

    /** A send: which account, when (simulated), from which file and line. */
    record Send(String account, Instant at, String file, int line) {
    }

    /** One bridge process: its own ledger connection (instance id), pacing on the simulated clock, two senders. */
    final class Process {
        final Ledger ledger;
        final Pacing pacing;
        final ExecutorService senders = Executors.newFixedThreadPool(2);

        Process(String id, AtomicReference<Instant> clock) {
            ledger = new Ledger(database.dataSource(), new DiskFault(List.of(), 0), id);
            ledger.arrive(System.currentTimeMillis());
            pacing = new Pacing(new Settings(), true, new AccountPaces(ledger), clock::get, Duration.ofMinutes(2),
                    SCAN);
        }

        /** As send-chat does it: claim, pace, then sent (the request) or scheduled. */
        void send(OutreachItem item, boolean waiting, Instant now, List<Send> sends) {
            String document = OutcomeDocuments.item(item).toString();
            boolean claimed = waiting ? ledger.claimWaiting(item.key(), Ledger.State.SCHEDULED, document, now.toEpochMilli())
                    : ledger.claim(item.key(), item.key(), document, RecordClaims.place(item), false,
                            Ledger.State.SENDING) == Ledger.Claim.CLAIMED;
            if (!claimed) {
                return; // another process took it first
            }
            try {
                pacing.admit(item);
                sends.add(new Send(item.accountId(), now, item.source().toJson().path("file").asText(),
                        item.source().toJson().path("line").asInt()));
                pacing.ended(item); // answered at once (the simulated clock stands still within a round)
                ledger.finish(item.key(), Ledger.State.SENT, 1, null, false, "chat", "msg", null);
            } catch (SendingPacedException paced) {
                ledger.finish(item.key(), Ledger.State.SCHEDULED, 0, paced.nextSlot().toEpochMilli(), false, null, null,
                        new Ledger.Waiting(document, item.accountId(), item.order()), null, null);
            }
        }

        /** A parallel split over the items, like file-intake and dispatch-waiting: two at a time, in order. */
        void sendAll(List<OutreachItem> items, boolean waiting, Instant now, List<Send> sends) throws Exception {
            List<Future<?>> running = new ArrayList<>();
            for (OutreachItem item : items) {
                running.add(senders.submit(() -> send(item, waiting, now, sends)));
            }
            for (Future<?> done : running) {
                done.get();
            }
        }

        /** The simulation's records that are due (the ledger is the test run's: other tests' records wait in it too). */
        List<OutreachItem> due(Instant now, String run) throws Exception {
            List<OutreachItem> items = new ArrayList<>();
            for (Ledger.Due due : ledger.dueRetries(now.toEpochMilli(), 500)) {
                if (due.key().startsWith("sim-" + run + "-")) {
                    items.add(OutcomeDocuments.item(JSON.readTree(due.document()), due.state()));
                }
            }
            return items;
        }
    }

    @Test
    void threeProcessesFiftyAccountsTwoThousandRecords() throws Exception {
        scheduler.pause(LedgerRecovery.TAKEOVER_JOB);
        String run = Long.toString(System.nanoTime(), 36);
        AtomicReference<Instant> clock = new AtomicReference<>(START);
        List<Process> processes = List.of(new Process("sim-a-" + run, clock), new Process("sim-b-" + run, clock),
                new Process("sim-c-" + run, clock));
        List<Send> sends = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            // Three files, one per process, each with records of every account (the accounts' records interleaved).
            List<List<OutreachItem>> files = new ArrayList<>();
            for (int f = 0; f < processes.size(); f++) {
                FileRun fileRun = new FileRun("sim" + f + ".csv", RECORDS / 3, () -> false);
                List<OutreachItem> file = new ArrayList<>();
                for (int n = f; n < RECORDS; n += processes.size()) {
                    OutreachItem item = OutreachItem.of(RecordSource.fileLine("sim" + f + ".csv", n + 2), JSON.readTree(
                            "{\"account_id\":\"sim-" + run + "-" + (n % ACCOUNTS) + "\",\"attendees_ids\":[\"" + n
                                    + "\"],\"text\":\"Hi\"}"), fileRun);
                    item.key("sim-" + run + "-" + n);
                    item.firstSeenAt(START);
                    file.add(item);
                }
                files.add(file);
            }
            int rounds = 0;
            for (boolean first = true; sends.size() < RECORDS; first = false) {
                Instant now = clock.get();
                List<Future<?>> all = new ArrayList<>();
                ExecutorService together = Executors.newFixedThreadPool(processes.size());
                for (int p = 0; p < processes.size(); p++) {
                    Process process = processes.get(p);
                    List<OutreachItem> file = first ? files.get(p) : null;
                    all.add(together.submit(() -> {
                        process.sendAll(file != null ? file : process.due(now, run), file == null, now, sends);
                        return null;
                    }));
                }
                for (Future<?> done : all) {
                    done.get();
                }
                together.shutdown();
                Long next = nextScheduled(run);
                if (next == null) {
                    break;
                }
                // The next due time; one not after now is a record behind its account's first: the next scan then.
                clock.set(next > now.toEpochMilli() ? Instant.ofEpochMilli(next) : now.plus(SCAN));
                assertTrue(++rounds < 50_000, "the simulation should end; sent " + sends.size());
            }
        } finally {
            scheduler.resume(LedgerRecovery.TAKEOVER_JOB);
            for (Process process : processes) {
                process.senders.shutdownNow();
                process.ledger.leave();
            }
        }

        assertEquals(RECORDS, sends.size(), "every record sent once");
        assertEquals(RECORDS, sends.stream().map(s -> s.file() + ":" + s.line()).distinct().count(), "none twice");
        Map<String, List<Send>> byAccount = sends.stream().collect(Collectors.groupingBy(Send::account));
        assertEquals(ACCOUNTS, byAccount.size());
        int maxDay = 0;
        int maxWeek = 0;
        Duration minGap = null;
        for (List<Send> account : byAccount.values()) {
            account.sort(Comparator.comparing(Send::at));
            Map<LocalDate, Long> perDay = account.stream()
                    .collect(Collectors.groupingBy(s -> LocalDate.ofInstant(s.at(), ZoneOffset.UTC), Collectors.counting()));
            Map<Integer, Long> perWeek = account.stream().collect(Collectors.groupingBy(
                    s -> LocalDate.ofInstant(s.at(), ZoneOffset.UTC).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR),
                    Collectors.counting()));
            maxDay = Math.max(maxDay, perDay.values().stream().mapToInt(Long::intValue).max().orElse(0));
            maxWeek = Math.max(maxWeek, perWeek.values().stream().mapToInt(Long::intValue).max().orElse(0));
            for (int i = 1; i < account.size(); i++) {
                Duration gap = Duration.between(account.get(i - 1).at(), account.get(i).at());
                minGap = minGap == null || gap.compareTo(minGap) < 0 ? gap : minGap;
            }
            for (Send send : account) {
                int hourMinute = send.at().atZone(ZoneOffset.UTC).getHour() * 60 + send.at().atZone(ZoneOffset.UTC).getMinute();
                assertTrue(hourMinute >= 8 * 60 + 30 && hourMinute < 18 * 60 + 30
                        && send.at().atZone(ZoneOffset.UTC).getDayOfWeek().getValue() <= 5, "inside the window: " + send);
            }
            // each file's records of the account in file order
            Map<String, List<Integer>> lines = new TreeMap<>();
            account.forEach(s -> lines.computeIfAbsent(s.file(), f -> new ArrayList<>()).add(s.line()));
            lines.forEach((file, order) -> assertEquals(order.stream().sorted().toList(), order,
                    "the order of " + file + " for " + account.get(0).account()));
        }
        Instant last = sends.stream().map(Send::at).max(Comparator.naturalOrder()).orElseThrow();
        System.out.printf("pacing simulation: %d records, %d accounts, 3 processes: max sends of an account in a day %d"
                + " (cap %d), in a week %d (cap %d), least gap between two sends of an account %s (min-interval %s),"
                + " last send %s%n", RECORDS, ACCOUNTS, maxDay, PER_DAY, maxWeek, PER_WEEK, minGap, MIN_INTERVAL, last);
        assertTrue(maxDay <= PER_DAY, "max a day " + maxDay);
        assertTrue(maxWeek <= PER_WEEK, "max a week " + maxWeek);
        assertTrue(minGap.compareTo(MIN_INTERVAL) >= 0, "least gap " + minGap);
        // 40 records an account: 10 on Monday, Tuesday and Wednesday (the week's 30), the last 10 on the next Monday
        assertEquals(LocalDate.parse("2030-03-11"), LocalDate.ofInstant(last, ZoneOffset.UTC), "sent when the caps allow");
        assertEquals(null, nextScheduled(run), "nothing left waiting");
    }

    /** When the simulation's next scheduled record is due (epoch ms), or null when none waits. */
    private Long nextScheduled(String run) throws java.sql.SQLException {
        try (java.sql.Connection db = database.dataSource().getConnection();
                java.sql.PreparedStatement select = db.prepareStatement("SELECT MIN(next_attempt_at) FROM outreach_record"
                        + " WHERE state = 'SCHEDULED' AND record_key LIKE ?")) {
            select.setString(1, "sim-" + run + "-%");
            try (java.sql.ResultSet row = select.executeQuery()) {
                row.next();
                long next = row.getLong(1);
                return row.wasNull() ? null : next;
            }
        }
    }

    @Test
    void recordsOfOneAccountPacedAtTheSameMomentByThreeProcessesTakeOneSlot() throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        AtomicReference<Instant> clock = new AtomicReference<>(Instant.parse("2030-03-05T09:00:00Z"));
        List<Process> processes = List.of(new Process("race-a-" + run, clock), new Process("race-b-" + run, clock),
                new Process("race-c-" + run, clock));
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            for (int account = 0; account < 20; account++) { // each has sent once, an hour before: its row exists
                OutreachItem first = OutreachItem.of(RecordSource.fileLine("race.csv", 1), JSON.readTree(
                        "{\"account_id\":\"race-" + run + "-" + account + "\"}"), null);
                processes.get(0).pacing.admit(first);
                processes.get(0).pacing.ended(first);
            }
            clock.set(Instant.parse("2030-03-05T10:00:00Z"));
            for (int account = 0; account < 20; account++) {
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(6);
                List<Future<Boolean>> went = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    Pacing pacing = processes.get(t % 3).pacing;
                    OutreachItem item = OutreachItem.of(RecordSource.fileLine("race.csv", t), JSON.readTree(
                            "{\"account_id\":\"race-" + run + "-" + account + "\"}"), null);
                    went.add(threads.submit(() -> {
                        together.await();
                        try {
                            pacing.admit(item);
                            return true;
                        } catch (SendingPacedException paced) {
                            return false;
                        }
                    }));
                }
                int sent = 0;
                for (Future<Boolean> one : went) {
                    sent += one.get() ? 1 : 0;
                }
                assertEquals(1, sent, "one slot at a time for account " + account);
            }
        } finally {
            threads.shutdownNow();
            processes.forEach(p -> {
                p.senders.shutdownNow();
                p.ledger.leave();
            });
        }
    }

    /**
     * A file's records of one account are paced one after the other while the ones before them are still on their way
     * to scheduled/ (the file sends several at a time): each says a time at least the least gap after the one before
     * it, and the records past the day's cap say the next day. (Each said the time of the record before it when only
     * the records already in scheduled/ were counted.)
     */
    @Test
    void recordsPacedBeforeTheOnesAheadOfThemAreScheduledSayLaterTimesInOrder() throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        AtomicReference<Instant> clock = new AtomicReference<>(Instant.parse("2030-03-05T09:00:00Z")); // a Tuesday
        Process process = new Process("estimates-" + run, clock);
        try {
            FileRun fileRun = new FileRun("estimates.csv", 13, () -> false);
            List<Instant> estimates = new ArrayList<>();
            for (int n = 0; n < 13; n++) {
                OutreachItem item = OutreachItem.of(RecordSource.fileLine("estimates.csv", n + 2), JSON.readTree(
                        "{\"account_id\":\"est-" + run + "\",\"attendees_ids\":[\"" + n + "\"],\"text\":\"Hi\"}"),
                        fileRun);
                item.key("est-" + run + "-" + n);
                item.firstSeenAt(clock.get());
                assertEquals(Ledger.Claim.CLAIMED, process.ledger.claim(item.key(), item.key(),
                        OutcomeDocuments.item(item).toString(), RecordClaims.place(item), false, Ledger.State.SENDING));
                try {
                    process.pacing.admit(item); // the first goes; its request and the others' outcomes never end here
                } catch (SendingPacedException paced) {
                    estimates.add(paced.nextSlot());
                }
            }
            assertEquals(12, estimates.size(), "the first went, the others wait");
            for (int i = 1; i < estimates.size(); i++) {
                assertTrue(!estimates.get(i).isBefore(estimates.get(i - 1).plus(MIN_INTERVAL)),
                        "record " + (i + 2) + " says " + estimates.get(i) + ", the one before it " + estimates.get(i - 1));
            }
            // 10 a day: the first and the next 9 today, the rest tomorrow
            assertEquals(LocalDate.parse("2030-03-05"), LocalDate.ofInstant(estimates.get(8), ZoneOffset.UTC));
            assertEquals(LocalDate.parse("2030-03-06"), LocalDate.ofInstant(estimates.get(9), ZoneOffset.UTC));
        } finally {
            process.senders.shutdownNow();
            process.ledger.leave();
        }
    }

    /** The settings of the simulation: 10 a day, 30 a week, 20 minutes apart (up to 30), Mon-Fri 08:30-18:30 UTC. */
    static final class Settings implements OutreachConfig.Pacing {
        public Optional<Boolean> enabled() {
            return Optional.of(true);
        }

        public int perDay() {
            return PER_DAY;
        }

        public int perWeek() {
            return PER_WEEK;
        }

        public Duration minInterval() {
            return MIN_INTERVAL;
        }

        public double jitter() {
            return 0.5;
        }

        public String window() {
            return "Mon-Fri 08:30-18:30";
        }

        public String timezone() {
            return "UTC";
        }

        public Map<String, OutreachConfig.AccountPacing> accounts() {
            return Map.of();
        }
    }
}
