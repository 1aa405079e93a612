package com.postpressbridge.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The callback events waiting for the CRM (table {@code callback_event}): stored with the state change that caused
 * them ({@link Ledger#finish}), taken by one process at a time for a lease, deleted once delivered, kept when refused.
 * A record's events are handed out one at a time, oldest first, so they arrive in order.
 */
@ApplicationScoped
public class CallbackOutbox {

    /** An event to store: its {@code id}, the record it is about, the mapped source it came from (or null), its JSON. */
    public record Event(String id, String key, String source, String body) {
    }

    /** A stored event, as handed out for a delivery attempt. */
    public record Pending(long seq, String id, String key, String source, int attempts, String body) {
    }

    /** Events not yet delivered (and not refused), when the oldest of them was stored, and events refused for good. */
    public record Backlog(long undelivered, Long oldestCreatedAt, long refused) {
    }

    private final Ledger ledger;

    public CallbackOutbox(Ledger ledger) {
        this.ledger = ledger;
    }

    /**
     * Inside the transaction of a state change: the event is stored with it, or not at all. An event stored already
     * (made again from the same outcome) is not stored twice.
     */
    static void store(Connection db, Event event) throws SQLException {
        if (event == null || !Ledger.rows(db, "SELECT 1 FROM callback_event WHERE event_id = ?", 1, row -> true,
                event.id()).isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        Ledger.update(db, "INSERT INTO callback_event (event_id, record_key, source, created_at, next_attempt_at,"
                + " attempts, refused, body) VALUES (?, ?, ?, ?, ?, 0, FALSE, ?)", event.id(), event.key(),
                event.source(), now, now, event.body());
    }

    /** An event with no state change of the ledger's (a record refused before the ledger saw it). */
    public void store(Event event) {
        ledger.transaction("store callback event " + event.id(), db -> {
            store(db, event);
            return null;
        });
    }

    /**
     * Takes the due events, at most one per record (its oldest undelivered one), for {@code lease} milliseconds: no
     * other process hands them out meanwhile. An attempt that ends before the lease ({@link #delivered}, {@link #again},
     * {@link #refused}) says what comes next; one that never ends (the process died) is taken again after it.
     */
    public List<Pending> take(long now, long lease, int limit) {
        return ledger.transaction("take callback events", db -> {
            List<long[]> due = Ledger.rows(db, "SELECT e.seq, e.next_attempt_at FROM callback_event e WHERE e.refused ="
                    + " FALSE AND e.next_attempt_at <= ? AND NOT EXISTS (SELECT 1 FROM callback_event p WHERE"
                    + " p.record_key = e.record_key AND p.refused = FALSE AND p.seq < e.seq) ORDER BY e.seq", limit,
                    row -> new long[] { row.getLong(1), row.getLong(2) }, now);
            List<Pending> taken = new ArrayList<>();
            for (long[] event : due) {
                if (Ledger.update(db, "UPDATE callback_event SET next_attempt_at = ? WHERE seq = ? AND next_attempt_at"
                        + " = ?", now + lease, event[0], event[1]) == 1) {
                    taken.add(pending(db, event[0]));
                }
            }
            return taken;
        });
    }

    private static Pending pending(Connection db, long seq) throws SQLException {
        try (PreparedStatement select = db.prepareStatement("SELECT event_id, record_key, source, attempts, body FROM"
                + " callback_event WHERE seq = ?")) {
            select.setLong(1, seq);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return new Pending(seq, row.getString(1), row.getString(2), row.getString(3), row.getInt(4),
                        row.getString(5));
            }
        }
    }

    /** The receiver took the event: it is done. */
    public void delivered(long seq) {
        ledger.transaction("mark callback event delivered", db -> Ledger.update(db,
                "DELETE FROM callback_event WHERE seq = ?", seq));
    }

    /** The attempt failed for now: the event is due again at {@code at}. */
    public void again(long seq, int attempts, long at, String error) {
        ledger.transaction("reschedule callback event", db -> Ledger.update(db, "UPDATE callback_event SET attempts = ?,"
                + " next_attempt_at = ?, last_error = ? WHERE seq = ?", attempts, at, shortened(error), seq));
    }

    /** The receiver refused the event for good: it is kept (and counted), never sent again. */
    public void refused(long seq, int attempts, String error) {
        ledger.transaction("mark callback event refused", db -> Ledger.update(db, "UPDATE callback_event SET refused ="
                + " TRUE, attempts = ?, last_error = ? WHERE seq = ?", attempts, shortened(error), seq));
    }

    /** Events stored and not yet tried once (taken ones included): what run-once waits for. */
    public long untried() {
        return ledger.transaction("count untried callback events", db -> {
            try (PreparedStatement select = db.prepareStatement("SELECT COUNT(*) FROM callback_event WHERE attempts = 0"
                    + " AND refused = FALSE"); ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        });
    }

    public Backlog backlog() {
        return ledger.transaction("count callback events", db -> {
            try (PreparedStatement select = db.prepareStatement("SELECT COUNT(*), MIN(created_at) FROM callback_event"
                    + " WHERE refused = FALSE"); ResultSet row = select.executeQuery()) {
                row.next();
                long undelivered = row.getLong(1);
                long oldest = row.getLong(2);
                Long oldestAt = row.wasNull() ? null : oldest;
                try (PreparedStatement refused = db.prepareStatement("SELECT COUNT(*) FROM callback_event WHERE"
                        + " refused = TRUE"); ResultSet count = refused.executeQuery()) {
                    count.next();
                    return new Backlog(undelivered, oldestAt, count.getLong(1));
                }
            }
        });
    }

    private static String shortened(String error) {
        return error == null || error.length() <= 2000 ? error : error.substring(0, 2000);
    }
}
