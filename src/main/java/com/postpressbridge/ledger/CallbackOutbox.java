package com.postpressbridge.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
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

    /**
     * A stored event, as handed out for a delivery attempt; {@code leaseUntil} is this attempt's token: what it
     * decides is kept only while no other process took the event since.
     */
    public record Pending(long seq, String id, String key, String source, int attempts, String body, long leaseUntil) {
    }

    /** Events not yet delivered (and not refused), when the oldest of them was stored, and events refused for good. */
    public record Backlog(long undelivered, Long oldestCreatedAt, long refused) {

        /** How long the oldest undelivered event has waited at {@code now} (epoch ms), in ms; 0 when none waits. */
        public long oldestAgeMillis(long now) {
            return oldestCreatedAt == null ? 0 : Math.max(0, now - oldestCreatedAt);
        }
    }

    /** A due event as read, and the due time the read found (what its taking is conditional on). */
    private record Due(Pending pending, long at) {
    }

    /** The longest key the table keeps as it is; a longer one is kept as its hash (it only orders a record's events). */
    static final int KEY_LENGTH = 255;

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
                + " attempts, refused, body) VALUES (?, ?, ?, ?, ?, 0, FALSE, ?)", event.id(), orderKey(event.key()),
                event.source(), now, now, event.body());
    }

    /**
     * An event with no state change of the ledger's (a record refused before the ledger saw it): stored durably, as
     * nothing else would bring it back after a crash.
     */
    public void store(Event event) {
        ledger.transaction("store callback event " + event.id(), true, db -> {
            store(db, event);
            return null;
        });
    }

    /**
     * Takes the due events, at most one per record (its oldest undelivered one), for {@code lease} milliseconds: no
     * other process hands them out meanwhile. An attempt that ends within the lease ({@link #delivered},
     * {@link #again}, {@link #refused}) says what comes next; one that never ends (the process died) is taken again
     * after it, by any process.
     */
    public List<Pending> take(long now, long lease, int limit) {
        long until = now + lease;
        return ledger.transaction("take callback events", db -> {
            List<Due> due = Ledger.rows(db, "SELECT e.seq, e.event_id, e.record_key, e.source, e.attempts, e.body,"
                    + " e.next_attempt_at FROM callback_event e WHERE e.refused = FALSE AND e.next_attempt_at <= ? AND"
                    + " NOT EXISTS (SELECT 1 FROM callback_event p WHERE p.record_key = e.record_key AND p.refused ="
                    + " FALSE AND p.seq < e.seq) ORDER BY e.seq", limit, row -> new Due(new Pending(row.getLong(1),
                            row.getString(2), row.getString(3), row.getString(4), row.getInt(5), row.getString(6),
                            until), row.getLong(7)), now);
            List<Pending> taken = new ArrayList<>();
            for (Due event : due) {
                // taken only if no other process took it since it was read
                if (Ledger.update(db, "UPDATE callback_event SET next_attempt_at = ?, leased_by = ? WHERE seq = ? AND"
                        + " next_attempt_at = ?", until, ledger.instance(), event.pending().seq(), event.at()) == 1) {
                    taken.add(event.pending());
                }
            }
            return taken;
        });
    }

    /** The receiver took the event: it is done (whoever holds it now). */
    public void delivered(Pending event) {
        ledger.transaction("mark callback event delivered", db -> Ledger.update(db,
                "DELETE FROM callback_event WHERE seq = ?", event.seq()));
    }

    /**
     * The attempt failed for now: the event is due again at {@code at}. Not if another process took it meanwhile
     * (this attempt outlived its lease): that one's attempt decides.
     */
    public void again(Pending event, int attempts, long at, String error) {
        ledger.transaction("reschedule callback event", db -> Ledger.update(db, "UPDATE callback_event SET attempts = ?,"
                + " next_attempt_at = ?, leased_by = NULL, last_error = ? WHERE seq = ? AND next_attempt_at = ?",
                attempts, at, shortened(error), event.seq(), event.leaseUntil()));
    }

    /** The receiver refused the event for good: it is kept (and counted), never sent again. As {@link #again}. */
    public void refused(Pending event, int attempts, String error) {
        ledger.transaction("mark callback event refused", db -> Ledger.update(db, "UPDATE callback_event SET refused ="
                + " TRUE, attempts = ?, leased_by = NULL, last_error = ? WHERE seq = ? AND next_attempt_at = ?",
                attempts, shortened(error), event.seq(), event.leaseUntil()));
    }

    /** Start-up: the events this process (under its id) had taken before it stopped are due at once. */
    public int releaseOwn(long now) {
        return ledger.transaction("release callback events", db -> Ledger.update(db, "UPDATE callback_event SET"
                + " next_attempt_at = ?, leased_by = NULL WHERE leased_by = ?", now, ledger.instance()));
    }

    /** Events stored and not yet tried once (taken ones included): what run-once waits for. */
    public long untried() {
        return ledger.transaction("count untried callback events", db -> Ledger.rows(db, "SELECT COUNT(*) FROM"
                + " callback_event WHERE attempts = 0 AND refused = FALSE", 1, row -> row.getLong(1)).get(0));
    }

    public Backlog backlog() {
        return ledger.transaction("count callback events", db -> Ledger.rows(db, "SELECT SUM(CASE WHEN refused THEN 0"
                + " ELSE 1 END), MIN(CASE WHEN refused THEN NULL ELSE created_at END), SUM(CASE WHEN refused THEN 1"
                + " ELSE 0 END) FROM callback_event", 1, row -> {
                    long oldest = row.getLong(2);
                    Long oldestAt = row.wasNull() ? null : oldest;
                    return new Backlog(row.getLong(1), oldestAt, row.getLong(3));
                }).get(0));
    }

    /** The key as the table orders a record's events by: itself, or its hash when it is longer than the column. */
    static String orderKey(String key) {
        if (key.length() <= KEY_LENGTH) {
            return key;
        }
        try {
            return "sha256-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String shortened(String error) {
        return error == null || error.length() <= 2000 ? error : error.substring(0, 2000);
    }
}
