package com.postpressbridge.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * How much each sender account has sent, and when it may send next (table {@code account_pace}): the counters of
 * the pacing, shared by every process on the ledger. A rule reads an account's row and says what it becomes, in one
 * transaction that holds the row: two processes never take the same slot, nor one over a cap.
 */
@ApplicationScoped
public class AccountPaces {

    /**
     * An account's pace. {@code day} and {@code week} name the day and the week (its Monday) the counts are of, in the
     * account's time zone; times are epoch milliseconds; {@code sendingUntil} holds the next slot while a request of
     * the account may still be on its way (0: none is); {@code allowance} is the share of its caps it may use now
     * (below 1 after postpress said it sent too much).
     */
    public record Pace(String day, int sentToday, String week, int sentThisWeek, long nextSlotAt, long blockedUntil,
            long sendingUntil, double allowance) {

        /** An account that has sent nothing yet. */
        public static final Pace FRESH = new Pace("", 0, "", 0, 0, 0, 0, 1.0);

        /** The next slot at another time. */
        public Pace withNextSlotAt(long at) {
            return new Pace(day, sentToday, week, sentThisWeek, at, blockedUntil, sendingUntil, allowance);
        }

        /** The next slot held until then by a request on its way (0: by none). */
        public Pace withSendingUntil(long until) {
            return new Pace(day, sentToday, week, sentThisWeek, nextSlotAt, blockedUntil, until, allowance);
        }

        /** Nothing sent until then, with this share of the caps. */
        public Pace blocked(long until, double share) {
            return new Pace(day, sentToday, week, sentThisWeek, nextSlotAt, until, sendingUntil, share);
        }

        /** One more send counted today and this week, the next slot at {@code next}. */
        public Pace counted(long next) {
            return new Pace(day, sentToday + 1, week, sentThisWeek + 1, next, blockedUntil, sendingUntil, allowance);
        }
    }

    /**
     * What a rule makes of an account's pace: the pace to keep, the answer for the caller, and when the caller's record
     * is told to wait for a later slot, until when (epoch ms; null: it is not).
     */
    public record Paced<R>(Pace pace, R answer, Long waitsUntil) {

        public Paced(Pace pace, R answer) {
            this(pace, answer, null);
        }
    }

    /**
     * A decision on an account's pace, given its pace and the account's records read before the caller's that have not
     * gone yet (they go first): how many wait (scheduled or queued, counted up to {@link #AHEAD_COUNTED}), and whether
     * one is being sent (it may not have taken its slot yet).
     */
    public interface Rule<R> {
        Paced<R> apply(Pace pace, Ahead ahead);
    }

    /**
     * The account's records read before the caller's that have not gone yet: how many wait (scheduled or queued,
     * counted up to {@link #AHEAD_COUNTED}), whether one is being sent, and when the last scheduled of them is due
     * (epoch ms, 0: none is).
     */
    public record Ahead(int waiting, boolean sending, long lastDueAt) {

        public static final Ahead NONE = new Ahead(0, false, 0);
    }

    /** Records ahead are counted up to this many: beyond, the estimate of when a record goes is a lower bound. */
    public static final int AHEAD_COUNTED = 1000;

    /** The order of a caller whose place in the account's order does not matter: nothing is counted ahead of it. */
    public static final long ANY_ORDER = Long.MAX_VALUE;

    private final Ledger ledger;

    public AccountPaces(Ledger ledger) {
        this.ledger = ledger;
    }

    /**
     * Applies a rule to an account's pace, the row held until the change is committed.
     *
     * @param order the caller's place in the account's order (its read order), or {@link #ANY_ORDER}
     */
    public <R> R pace(String account, long order, Rule<R> rule) {
        return pace(account, order, null, rule);
    }

    /**
     * As {@link #pace(String, long, Rule)}, for the record of {@code key}, being sent: told to wait, it counts from
     * this commit as scheduled for the account's records paced after it, though its outcome is not written yet.
     */
    public <R> R pace(String account, long order, String key, Rule<R> rule) {
        return ledger.transaction("pace account " + account, true, db -> {
            Pace pace = lock(db, account);
            if (pace == null) {
                Savepoint before = db.setSavepoint();
                try {
                    Ledger.update(db, "INSERT INTO account_pace (account_id, day_key, sent_today, week_key, sent_week,"
                            + " next_slot_at, blocked_until, sending_until, allowance) VALUES (?, '', 0, '', 0, 0, 0, 0,"
                            + " 1.0)", account);
                } catch (SQLException e) {
                    if (!Ledger.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw e;
                    }
                    db.rollback(before); // another process made it meanwhile
                }
                pace = lock(db, account);
            }
            // Read before it and not yet sent: waiting for a slot, queued, or on its way to this step.
            Paced<R> paced = rule.apply(pace, order == ANY_ORDER ? Ahead.NONE : ahead(db, account, order));
            if (!paced.pace().equals(pace)) {
                Pace next = paced.pace();
                Ledger.update(db, "UPDATE account_pace SET day_key = ?, sent_today = ?, week_key = ?, sent_week = ?,"
                        + " next_slot_at = ?, blocked_until = ?, sending_until = ?, allowance = ? WHERE account_id = ?",
                        next.day(), next.sentToday(), next.week(), next.sentThisWeek(), next.nextSlotAt(),
                        next.blockedUntil(), next.sendingUntil(), next.allowance(), account);
            }
            if (key != null && paced.waitsUntil() != null) {
                Ledger.update(db, "UPDATE outreach_record SET paced_until = ? WHERE record_key = ? AND state = 'SENDING'",
                        paced.waitsUntil(), key);
            }
            return paced.answer();
        });
    }

    /**
     * A record of the account read before the caller's, not gone yet: its state, when it is due (0: not known), and
     * when it was told to wait while being sent (0: it was not).
     */
    private record Before(String state, long dueAt, long pacedUntil) {
    }

    private static Ahead ahead(Connection db, String account, long order) throws SQLException {
        List<Before> rows = Ledger.rows(db, "SELECT state, next_attempt_at, paced_until FROM outreach_record WHERE state"
                + " IN ('SCHEDULED', 'QUEUED', 'SENDING') AND account_id = ? AND pace_order < ?", AHEAD_COUNTED,
                row -> new Before(row.getString(1), row.getLong(2), row.getLong(3)), account, order);
        int sending = 0;
        long lastDueAt = 0;
        for (Before row : rows) {
            if ("SENDING".equals(row.state()) && row.pacedUntil() == 0) {
                sending++;
            } else if ("SCHEDULED".equals(row.state()) || "SENDING".equals(row.state())) {
                // a record told to wait, on its way to scheduled/, is scheduled already
                lastDueAt = Math.max(lastDueAt, "SENDING".equals(row.state()) ? row.pacedUntil() : row.dueAt());
            }
        }
        return new Ahead(rows.size() - sending, sending > 0, lastDueAt);
    }

    /** How many records of each account wait to be sent (scheduled or queued), by account id. */
    public Map<String, Integer> waitingByAccount() {
        Map<String, Integer> waiting = new HashMap<>();
        ledger.rows("count waiting records by account", "SELECT account_id, COUNT(*) FROM outreach_record WHERE state IN"
                + " ('SCHEDULED', 'QUEUED') AND account_id IS NOT NULL GROUP BY account_id", Integer.MAX_VALUE,
                row -> waiting.put(row.getString(1), row.getInt(2)));
        return waiting;
    }

    /** Every account's pace, by account id. */
    public List<Account> all() {
        return ledger.rows("read the pacing", "SELECT account_id, day_key, sent_today, week_key, sent_week,"
                + " next_slot_at, blocked_until, sending_until, allowance FROM account_pace ORDER BY account_id",
                Integer.MAX_VALUE,
                row -> new Account(row.getString(1), pace(row, 2)));
    }

    /** An account and its pace. */
    public record Account(String id, Pace pace) {
    }

    private static Pace lock(Connection db, String account) throws SQLException {
        try (PreparedStatement select = db.prepareStatement("SELECT day_key, sent_today, week_key, sent_week,"
                + " next_slot_at, blocked_until, sending_until, allowance FROM account_pace WHERE account_id = ? FOR"
                + " UPDATE")) {
            select.setString(1, account);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? pace(row, 1) : null;
            }
        }
    }

    private static Pace pace(ResultSet row, int from) throws SQLException {
        return new Pace(row.getString(from), row.getInt(from + 1), row.getString(from + 2), row.getInt(from + 3),
                row.getLong(from + 4), row.getLong(from + 5), row.getLong(from + 6), row.getDouble(from + 7));
    }
}
