package com.postpressbridge;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The state of every record key, in the database (plain JDBC). A key is claimed atomically before any request:
 * whoever claims it sends it, everybody else sees a duplicate. Outcomes are stored here before they are written to
 * their folder, so that a crash between the two is repaired at start-up.
 */
@ApplicationScoped
public class Ledger {

    public enum State {
        SENDING,
        SENT,
        RETRY,
        QUARANTINED
    }

    /** The answer to a claim. */
    public enum Claim {
        /** This caller sends the record. */
        CLAIMED,
        ALREADY_SENT,
        /** Another thread, file or delivery is sending it right now. */
        IN_FLIGHT,
        /** It waits in the retry folder and will be sent from there. */
        WAITING_IN_RETRY,
        /** Quarantined, and read again unchanged: it comes back fixed, or by its quarantine file. */
        ALREADY_QUARANTINED,
        /** It may have been sent; only its quarantine file dropped back in the inbox releases it. */
        IN_DOUBT;

        public boolean isDuplicate() {
            return this != CLAIMED;
        }
    }

    /** A row to repair after a crash. */
    public record Unfinished(String key, int attempts, long firstSeenAt, String json) {
    }

    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;

    public Ledger(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Claims a record for sending: a new key, or a quarantined one that comes back changed (fixed, same
     * external_id) or as its quarantine file dropped back in the inbox ({@code redropped}: a person decided, which
     * also releases a record in doubt).
     */
    public Claim claim(String key, String contentHash, String inFlight, boolean redropped) {
        long now = System.currentTimeMillis();
        try (Connection db = dataSource.getConnection()) {
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO outreach_record (record_key, state,"
                    + " attempts, first_seen_at, updated_at, in_doubt, content_hash, in_flight)"
                    + " VALUES (?, 'SENDING', 0, ?, ?, FALSE, ?, ?)")) {
                insert.setString(1, key);
                insert.setLong(2, now);
                insert.setLong(3, now);
                insert.setString(4, contentHash);
                insert.setString(5, inFlight);
                insert.executeUpdate();
                return Claim.CLAIMED;
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
            }
            try (PreparedStatement again = db.prepareStatement("UPDATE outreach_record SET state = 'SENDING', attempts = 0,"
                    + " first_seen_at = ?, updated_at = ?, next_attempt_at = NULL, in_doubt = FALSE, content_hash = ?,"
                    + " in_flight = ? WHERE record_key = ? AND state = 'QUARANTINED'"
                    + " AND (? OR (in_doubt = FALSE AND content_hash <> ?))")) {
                again.setLong(1, now);
                again.setLong(2, now);
                again.setString(3, contentHash);
                again.setString(4, inFlight);
                again.setString(5, key);
                again.setBoolean(6, redropped);
                again.setString(7, contentHash);
                if (again.executeUpdate() == 1) {
                    return Claim.CLAIMED;
                }
            }
            return duplicate(db, key);
        } catch (SQLException e) {
            throw new LedgerException("cannot claim record " + key, e);
        }
    }

    /** Claims a record waiting in the retry folder; false when someone else took it or it is no longer waiting. */
    public boolean claimRetry(String key, String inFlight) {
        return update("claim retry of " + key, "UPDATE outreach_record SET state = 'SENDING', updated_at = ?,"
                + " in_flight = ? WHERE record_key = ? AND state = 'RETRY'", System.currentTimeMillis(), inFlight, key) == 1;
    }

    private static Claim duplicate(Connection db, String key) throws SQLException {
        try (PreparedStatement select = db.prepareStatement(
                "SELECT state, in_doubt FROM outreach_record WHERE record_key = ?")) {
            select.setString(1, key);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Claim.IN_FLIGHT; // deleted under us: treat as taken, never send blindly
                }
                return switch (State.valueOf(row.getString(1))) {
                    case SENT -> Claim.ALREADY_SENT;
                    case SENDING -> Claim.IN_FLIGHT;
                    case RETRY -> Claim.WAITING_IN_RETRY;
                    case QUARANTINED -> row.getBoolean(2) ? Claim.IN_DOUBT : Claim.ALREADY_QUARANTINED;
                };
            }
        }
    }

    /** Records the outcome of a claimed key, with the outcome document still to be written to its folder. */
    public void finish(String key, State state, int attempts, Long nextAttemptAt, boolean inDoubt, String chatId,
            String messageId, String unwrittenOutcome) {
        int rows = update("finish " + key, "UPDATE outreach_record SET state = ?, attempts = ?, next_attempt_at = ?,"
                + " in_doubt = ?, chat_id = ?, message_id = ?, updated_at = ?, in_flight = NULL, unwritten_outcome = ?"
                + " WHERE record_key = ?", state.name(), attempts, nextAttemptAt, inDoubt, chatId, messageId,
                System.currentTimeMillis(), unwrittenOutcome, key);
        if (rows != 1) {
            throw new LedgerException("record " + key + " is not in the ledger", null);
        }
    }

    /** The outcome document of a key is in its folder. */
    public void written(String key) {
        update("mark outcome written for " + key,
                "UPDATE outreach_record SET unwritten_outcome = NULL WHERE record_key = ?", key);
    }

    /** Keys waiting in the retry folder whose time has come, oldest first. */
    public List<String> dueRetries(long now, int limit) {
        List<String> keys = new ArrayList<>();
        try (Connection db = dataSource.getConnection();
                PreparedStatement select = db.prepareStatement("SELECT record_key FROM outreach_record"
                        + " WHERE state = 'RETRY' AND next_attempt_at <= ? ORDER BY next_attempt_at, record_key")) {
            select.setLong(1, now);
            select.setMaxRows(limit);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot list due retries", e);
        }
        return keys;
    }

    /** The state of a key, or null when the ledger has never seen it. */
    public State state(String key) {
        try (Connection db = dataSource.getConnection();
                PreparedStatement select = db.prepareStatement("SELECT state FROM outreach_record WHERE record_key = ?")) {
            select.setString(1, key);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? State.valueOf(row.getString(1)) : null;
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read record " + key, e);
        }
    }

    /**
     * Puts a file found in the retry folder back on the schedule, for a ledger that lost track of it (a new
     * database, a file moved by hand). A key already sent or quarantined is left as it is.
     */
    public boolean adoptRetry(String key, int attempts, long firstSeenAt, long nextAttemptAt) {
        long now = System.currentTimeMillis();
        try (Connection db = dataSource.getConnection()) {
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO outreach_record (record_key, state,"
                    + " attempts, first_seen_at, updated_at, next_attempt_at, in_doubt, content_hash)"
                    + " VALUES (?, 'RETRY', ?, ?, ?, ?, FALSE, '')")) {
                insert.setString(1, key);
                insert.setInt(2, attempts);
                insert.setLong(3, firstSeenAt);
                insert.setLong(4, now);
                insert.setLong(5, nextAttemptAt);
                insert.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                return false;
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot adopt retry " + key, e);
        }
    }

    /** Outcomes decided but maybe not written to their folder (a crash came in between). */
    public List<Unfinished> unwrittenOutcomes() {
        return unfinished("SELECT record_key, attempts, first_seen_at, unwritten_outcome FROM outreach_record"
                + " WHERE unwritten_outcome IS NOT NULL");
    }

    /** Keys claimed by a process that is gone: a request may have left for each. */
    public List<Unfinished> inFlight() {
        return unfinished("SELECT record_key, attempts, first_seen_at, in_flight FROM outreach_record"
                + " WHERE state = 'SENDING'");
    }

    private List<Unfinished> unfinished(String sql) {
        List<Unfinished> rows = new ArrayList<>();
        try (Connection db = dataSource.getConnection();
                PreparedStatement select = db.prepareStatement(sql);
                ResultSet row = select.executeQuery()) {
            while (row.next()) {
                rows.add(new Unfinished(row.getString(1), row.getInt(2), row.getLong(3), row.getString(4)));
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot read unfinished records", e);
        }
        return rows;
    }

    private int update(String what, String sql, Object... values) {
        try (Connection db = dataSource.getConnection(); PreparedStatement update = db.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                update.setObject(i + 1, values[i]);
            }
            return update.executeUpdate();
        } catch (SQLException e) {
            throw new LedgerException("cannot " + what, e);
        }
    }

    /** The ledger cannot be read or written: nothing is sent until it can. */
    public static class LedgerException extends RuntimeException {
        public LedgerException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
