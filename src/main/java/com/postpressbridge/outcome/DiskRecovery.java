package com.postpressbridge.outcome;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.camel.CamelContext;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Ledger;

/**
 * Raises a {@link DiskFault} when an outcome folder is not writable or the disk is short of room, before any write
 * fails there (and before any claim meets it: readiness says so while the bridge is idle); and ends a fault
 * by itself once the disk takes writes again: room on the disk, the folders writable, the ledger opened again if H2
 * closed it, the held outcomes written, and, after a reopen (H2 loses the writes it had not made yet), the same repair
 * as at start-up once no record is being sent: claims of records that were never sent released, keys the ledger lost
 * entered again from the outcome folders, claims left without an outcome repaired. Then sending resumes: files left
 * in the inbox are read again, and their records already sent are duplicates.
 */
@ApplicationScoped
public class DiskRecovery {

    private static final Logger LOG = Logger.getLogger(DiskRecovery.class);

    private final DiskFault disk;
    private final Ledger ledger;
    private final HeldOutcomes held;
    private final LedgerRebuild rebuild;
    private final LedgerRecovery repair;
    private final WaitingRecords waiting;
    private final CamelContext camel;
    private final OutcomeFolders folders;
    /** A dry run repairs nothing: it only reads the ledger. */
    private final boolean dryRun;
    /** The ledger was opened again: what was in flight then is repaired once no record is being sent. */
    private boolean repairDue;

    public DiskRecovery(DiskFault disk, Ledger ledger, HeldOutcomes held, LedgerRebuild rebuild, LedgerRecovery repair,
            WaitingRecords waiting, CamelContext camel, OutcomeFolders folders, OutreachConfig config) {
        this.folders = folders;
        this.dryRun = config.dryRun();
        this.disk = disk;
        this.ledger = ledger;
        this.held = held;
        this.rebuild = rebuild;
        this.repair = repair;
        this.waiting = waiting;
        this.camel = camel;
    }

    /** The identity of {@link #check}'s job in Quarkus' scheduler. */
    public static final String JOB = "disk-recovery";

    /** At the start, before the scheduled checks begin: readiness says a disk short of room from its first answers. */
    void onStart(@Observes StartupEvent start) {
        check();
    }

    @Scheduled(identity = JOB, every = "1s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    synchronized void check() {
        if (dryRun) {
            return;
        }
        DiskFault.Fault fault = disk.fault().orElse(null);
        if (fault == null) {
            // Found before a write fails, and before a claim finds it: readiness says so at once, also while nothing
            // comes in, and nothing is taken that could not be kept.
            disk.shortage().or(folders::unwritable).ifPresent(disk::raise);
            return;
        }
        String problem = disk.shortage().or(folders::unwritable).orElse(null);
        if (problem != null) {
            disk.raise(problem);
            return;
        }
        try {
            if (ledger.reopen()) {
                repairDue = true;
            }
            ledger.check(); // and the claim journal applied, after a reopen
            int written = held.writeAll();
            if (written > 0) {
                LOG.infof("%d held outcomes written", written);
            }
            if (repairDue || ledger.hasUnsentClaims()) {
                if (camel.getInflightRepository().size("send-chat") > 0) {
                    return; // requests still on their way: their outcomes come first
                }
                int released = ledger.releaseUnsent();
                if (released > 0) {
                    LOG.infof("%d claims whose records were not sent were released: they are claimed again when read",
                            released);
                }
                if (repairDue) {
                    rebuild.enterMissing();
                    repair.run();
                    waiting.reconcile();
                }
                repairDue = false;
            }
        } catch (Exception e) {
            LOG.debugf("the disk does not take writes yet: %s", HeldOutcomes.rootMessage(e));
            return;
        }
        disk.clear(fault);
    }
}
