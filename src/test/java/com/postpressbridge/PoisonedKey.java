package com.postpressbridge;

import java.sql.Connection;
import java.sql.SQLException;

import org.h2.api.Trigger;

/**
 * A real fault in the ledger, at one chosen record: an H2 trigger that fails the insert of the key {@value #KEY},
 * as a full disk or a lost connection would fail it in the middle of a transaction.
 */
public class PoisonedKey implements Trigger {

    static final String KEY = "poisoned-key";

    static String create() {
        return "CREATE TRIGGER poisoned_key BEFORE INSERT ON outreach_record FOR EACH ROW CALL \""
                + PoisonedKey.class.getName() + "\"";
    }

    static String drop() {
        return "DROP TRIGGER poisoned_key";
    }

    @Override
    public void fire(Connection db, Object[] oldRow, Object[] newRow) throws SQLException {
        if (KEY.equals(newRow[0])) {
            throw new SQLException("the ledger failed at " + KEY, "58030");
        }
    }
}
