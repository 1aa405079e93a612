package com.postpressbridge.ledger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * The embedded ledger's file deleted under a running process goes unnoticed by H2, which keeps writing to the
 * unlinked file until the process ends: at the next start the ledger would be empty. The bridge stops instead (exit
 * code 3) with a message that says so; the next start rebuilds the ledger from the outcome folders
 * ({@link LedgerRebuild}).
 */
@ApplicationScoped
public class LedgerWatch {

    private static final Logger LOG = Logger.getLogger(LedgerWatch.class);
    public static final int LEDGER_LOST = 3;
    private static final String H2_FILE = "jdbc:h2:file:";

    private final Optional<Path> file;
    private volatile boolean lost;
    private volatile boolean seen;

    public LedgerWatch(@ConfigProperty(name = "outreach.ledger.url") String url) {
        this.file = databaseFile(url);
    }

    /** The file of an embedded H2 ledger ({@code <path>.mv.db}); empty for a server database or one in memory. */
    static Optional<Path> databaseFile(String url) {
        if (url == null || !url.startsWith(H2_FILE)) {
            return Optional.empty();
        }
        String path = url.substring(H2_FILE.length());
        int options = path.indexOf(';');
        return Optional.of(Path.of((options < 0 ? path : path.substring(0, options)) + ".mv.db"));
    }

    /**
     * The file is there once the schema is migrated; one never seen where the URL says (a path H2 expands, like ~) is
     * not watched, rather than give a false alarm.
     */
    void started(@Observes StartupEvent start) {
        seen = file.map(Files::exists).orElse(false);
    }

    @Scheduled(every = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void check() {
        if (lost || !seen || Files.exists(file.get())) {
            return;
        }
        lost = true;
        LOG.errorf("the ledger file %s was deleted while the bridge was running: stopping now (exit code %d) rather"
                + " than keep sending with a ledger that would be gone at the next start. Start the bridge again: it"
                + " rebuilds the ledger from the outcome folders.", file.get(), LEDGER_LOST);
        Quarkus.asyncExit(LEDGER_LOST);
    }
}
