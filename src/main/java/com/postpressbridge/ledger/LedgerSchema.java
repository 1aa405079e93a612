package com.postpressbridge.ledger;

import java.nio.file.AccessDeniedException;
import java.sql.SQLException;
import java.util.Locale;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Default;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;

import com.postpressbridge.config.BadSetting;
import com.postpressbridge.config.LedgerUrl;

import io.quarkus.arc.InjectableInstance;
import io.quarkus.flyway.FlywayDataSource;
import io.quarkus.runtime.StartupEvent;

/**
 * Brings the ledger's tables up to this build's schema (Flyway, {@code db/migration}) first thing at the start, before
 * any bean or scheduled job reads the ledger. Quarkus' own migration at start is off: it ran before the app's beans,
 * so that a ledger it could not reach (a wrong password, a database not created, a folder the bridge may not write, a
 * second process on the same embedded ledger, a {@code jdbc:mysql:} URL) stopped the start with 40 to 60 lines of
 * stack trace around the reason. Now the start stops with one message that says what to fix ({@link #problem}).
 */
@ApplicationScoped
public class LedgerSchema {

    /**
     * Before the scheduler starts its jobs (its observer has priority 0): a start stopped here ends before any job
     * runs. Stopped later (at 1500 first), the jobs that fired while the app shut down logged stack traces under the
     * message (a CI run).
     */
    static final int BEFORE_THE_SCHEDULER = -1;

    void migrate(@Observes @Priority(BEFORE_THE_SCHEDULER) StartupEvent start,
            @ConfigProperty(name = "outreach.ledger.url") String url, @Default InjectableInstance<Flyway> embedded,
            @FlywayDataSource(LedgerUrl.POSTGRESQL) InjectableInstance<Flyway> server) {
        refuseUnusable(url);
        try {
            (LedgerUrl.isPostgresql(url) ? server : embedded).get().migrate();
        } catch (RuntimeException e) {
            throw new BadSetting(problem(e, url));
        }
    }

    /**
     * A URL no driver takes as written is refused before the pool opens it: the pool's refusal repeats the whole URL,
     * options (and a password among them) included. Only its beginning is quoted here.
     */
    static void refuseUnusable(String url) {
        String setting = "outreach.ledger.url (OUTREACH_LEDGER_URL) ";
        if (!url.equals(url.strip())) {
            throw new BadSetting(setting + "has spaces before or after it: remove them");
        }
        if (url.startsWith("jdbc:h2:") || url.startsWith("jdbc:postgresql:")) {
            if (LedgerUrl.hasUserInfo(url)) {
                throw new BadSetting(setting + "has a user name or password before its host, which the drivers do not"
                        + " take: set outreach.ledger.username and outreach.ledger.password (OUTREACH_LEDGER_USERNAME,"
                        + " OUTREACH_LEDGER_PASSWORD) instead");
            }
            return;
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:h2:") || lower.startsWith("jdbc:postgresql:")) {
            throw new BadSetting(setting + "must begin with jdbc:postgresql: or jdbc:h2: in lower case, as the drivers"
                    + " take it");
        }
        String scheme = lower.matches("^jdbc:[a-z0-9]+:.*") ? lower.substring(0, lower.indexOf(':', 5) + 1) : "it";
        throw new BadSetting(setting + "must be jdbc:postgresql://host:port/database for a PostgreSQL ledger, or"
                + " jdbc:h2:file:<path> for the embedded one: " + scheme + " is not a database the bridge can keep its"
                + " ledger in");
    }

    /** What a failure to open or migrate the ledger means, and what to do about it: one message, no secret. */
    static String problem(Throwable failure, String url) {
        String where = LedgerUrl.describe(url);
        SQLException sql = null;
        for (Throwable t = failure; t != null && sql == null; t = t.getCause()) {
            if (t instanceof SQLException found && found.getSQLState() != null) {
                sql = found;
            }
            if (t instanceof AccessDeniedException denied) {
                return cannotWrite(where, "permission denied: " + denied.getFile());
            }
        }
        if (sql == null) {
            return "cannot open the ledger (" + where + "): " + LedgerUrl.redact(firstLine(failure), url);
        }
        String state = sql.getSQLState();
        String said = LedgerUrl.redact(firstLine(sql), url);
        boolean server = LedgerUrl.isPostgresql(url);
        if (server && state.startsWith("28")) {
            return "the ledger (" + where + ") refused the user name or password (" + said + "): check"
                    + " outreach.ledger.username and outreach.ledger.password (OUTREACH_LEDGER_USERNAME,"
                    + " OUTREACH_LEDGER_PASSWORD), and that the server lets this user in from this host (pg_hba.conf)";
        }
        if (server && state.equals("3D000")) {
            return "the database named in outreach.ledger.url (OUTREACH_LEDGER_URL) does not exist (" + said
                    + "): create it (createdb -O <user> <name>), or name one that exists in " + where;
        }
        if (server && state.startsWith("08")) {
            return "the ledger's database does not answer at " + where + " (" + said + "): start it, or fix the host"
                    + " and port in outreach.ledger.url (OUTREACH_LEDGER_URL)";
        }
        if (server && state.equals("42501")) {
            return "the ledger's user may not create its tables in " + where + " (" + said + "): grant it CREATE on"
                    + " the database's schema, or make it the database's owner";
        }
        if (state.equals("90020")) {
            return "another process has the embedded ledger open (" + where + "): another bridge on the same"
                    + " outreach.dir (OUTREACH_DIR)? Stop it, give each process its own outreach.dir, or let several"
                    + " processes share a PostgreSQL ledger (outreach.ledger.url)";
        }
        if (!server && (state.equals("90062") || state.equals("90028") || state.equals("90031")
                || state.equals("90097"))) { // creating a file, input/output, read only
            return cannotWrite(where, said);
        }
        return "cannot open the ledger (" + where + "): " + said;
    }

    private static String cannotWrite(String where, String said) {
        return "the embedded ledger cannot be created or written (" + where + ": " + said + "): give the user that"
                + " runs the bridge write access to outreach.dir (OUTREACH_DIR) and make room on its disk, or set it to"
                + " a folder it may write";
    }

    /** A failure's message without what H2 and Flyway add under it (the statement, a line of dashes, codes). */
    private static String firstLine(Throwable failure) {
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return message.lines().findFirst().orElse("").replaceFirst(" \\[[0-9]+-[0-9]+]$", "").trim();
    }
}
