package com.postpressbridge;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.h2.api.Trigger;

/**
 * A real fault in the ledger, at one chosen record: a trigger that fails the insert of the key {@value #KEY}, as a
 * full disk or a lost connection would fail it in the middle of a transaction. An H2 trigger (this class), or on
 * PostgreSQL one in PL/pgSQL.
 */
public class PoisonedKey implements Trigger {

    static final String KEY = "poisoned-key";
    /** A key whose insert fails as a lost connection does (SQL state 08006): a storage failure for the ledger. */
    static final String LOST_CONNECTION_KEY = "lost-connection-key";

    static void create(Connection db) throws SQLException {
        try (Statement statement = db.createStatement()) {
            if (TestLedger.postgresql()) {
                statement.execute("CREATE FUNCTION poisoned_key() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.record_key = '" + KEY + "' THEN RAISE EXCEPTION 'the ledger failed at " + KEY
                        + "' USING ERRCODE = '58030'; END IF; IF NEW.record_key = '" + LOST_CONNECTION_KEY + "' THEN"
                        + " RAISE EXCEPTION 'connection lost at " + LOST_CONNECTION_KEY + "' USING ERRCODE = '08006';"
                        + " END IF; RETURN NEW; END $$");
                statement.execute("CREATE TRIGGER poisoned_key BEFORE INSERT ON outreach_record FOR EACH ROW"
                        + " EXECUTE FUNCTION poisoned_key()");
            } else {
                statement.execute("CREATE TRIGGER poisoned_key BEFORE INSERT ON outreach_record FOR EACH ROW CALL \""
                        + PoisonedKey.class.getName() + "\"");
            }
        }
    }

    /** The same fault at a pause: an update of the pause of the account {@value #KEY} fails. */
    static void createOnHolds(Connection db) throws SQLException {
        try (Statement statement = db.createStatement()) {
            if (TestLedger.postgresql()) {
                statement.execute("CREATE FUNCTION poisoned_hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF NEW.scope = '" + KEY + "' THEN RAISE EXCEPTION 'the ledger failed at " + KEY
                        + "' USING ERRCODE = '58030'; END IF; RETURN NEW; END $$");
                statement.execute("CREATE TRIGGER poisoned_hold BEFORE UPDATE ON sending_hold FOR EACH ROW"
                        + " EXECUTE FUNCTION poisoned_hold()");
            } else {
                statement.execute("CREATE TRIGGER poisoned_hold BEFORE UPDATE ON sending_hold FOR EACH ROW CALL \""
                        + PoisonedKey.class.getName() + "\"");
            }
        }
    }

    static void dropOnHolds(Connection db) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute("DROP TRIGGER poisoned_hold" + (TestLedger.postgresql() ? " ON sending_hold" : ""));
            if (TestLedger.postgresql()) {
                statement.execute("DROP FUNCTION poisoned_hold()");
            }
        }
    }

    static void drop(Connection db) throws SQLException {
        try (Statement statement = db.createStatement()) {
            if (TestLedger.postgresql()) {
                statement.execute("DROP TRIGGER poisoned_key ON outreach_record");
                statement.execute("DROP FUNCTION poisoned_key()");
            } else {
                statement.execute("DROP TRIGGER poisoned_key");
            }
        }
    }

    @Override
    public void fire(Connection db, Object[] oldRow, Object[] newRow) throws SQLException {
        if (KEY.equals(newRow[0])) {
            throw new SQLException("the ledger failed at " + KEY, "58030");
        }
        if (LOST_CONNECTION_KEY.equals(newRow[0])) {
            throw new SQLException("connection lost at " + LOST_CONNECTION_KEY, "08006");
        }
    }
}
