package com.postpressbridge.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.postpressbridge.config.BadSetting;
import com.postpressbridge.config.OutreachConfig;

import io.quarkus.scheduler.Scheduled;

/**
 * This process among the bridge processes sharing the ledger. It has a row there ({@code bridge_instance}) that it
 * keeps fresh every {@code outreach.instance.heartbeat}; a process whose row is older than {@code
 * outreach.instance.lease} is dead, and a live one takes over what it held ({@code outcome.LedgerRecovery}). The id is
 * the same after a restart (the host name, a pod's name), so that a restarted process takes back its own records at
 * once; two live processes must never share it, which start-up checks on PostgreSQL.
 */
@ApplicationScoped
public class Instance {

    private static final Logger LOG = Logger.getLogger(Instance.class);
    /** Exit code of a process that was taken for dead while it still ran. */
    public static final int TAKEN_FOR_DEAD = 5;

    private final Ledger ledger;
    private final LedgerDatabase database;
    private final Duration lease;
    private final Duration heartbeat;
    private volatile boolean present;
    /** When the heartbeats began to fail, while they do. */
    private volatile Instant heartbeatMissedSince;
    /** This start's token in its row: a later start under the same id replaces it, and this one then stops. */
    private volatile long startedAt;

    public Instance(Ledger ledger, LedgerDatabase database, OutreachConfig config) {
        this.ledger = ledger;
        this.database = database;
        this.lease = config.instance().lease();
        this.heartbeat = config.instance().heartbeat();
    }

    public String id() {
        return ledger.instance();
    }

    public Duration lease() {
        return lease;
    }

    /**
     * Start-up, before the recovery. On PostgreSQL, a row of this id seen within the lease is this id's previous
     * process (killed a moment ago) or another process alive under the same id: it is watched for a little more than
     * two heartbeats, and if it moves the start fails with what to change.
     */
    public void arrive() throws InterruptedException {
        if (id().isBlank() || id().length() > 255) {
            // the ledger's column: a longer one failed the start with a stack trace (a fault probe)
            throw new BadSetting("outreach.instance.id (OUTREACH_INSTANCE_ID) must be 1 to 255 characters; it is "
                    + id().length());
        }
        if (lease.compareTo(heartbeat.multipliedBy(3)) < 0) {
            throw new BadSetting("outreach.instance.lease (" + lease + ") must be at least three times"
                    + " outreach.instance.heartbeat (" + heartbeat + ")");
        }
        if (database.postgresql()) {
            Ledger.Process earlier = ledger.process(id());
            long now = ledger.now();
            if (earlier != null && earlier.seenAt() > now - lease.toMillis()) {
                LOG.infof("instance id %s was seen %d ms ago: checking that no other process runs under it",
                        id(), now - earlier.seenAt());
                Thread.sleep(heartbeat.toMillis() * 5 / 2);
                Ledger.Process later = ledger.process(id());
                if (later != null && later.seenAt() != earlier.seenAt()) {
                    throw new BadSetting("another bridge process runs with instance id " + id() + " on"
                            + " this ledger: give each replica its own OUTREACH_INSTANCE_ID (by default the host name,"
                            + " which is the pod's name on Kubernetes)");
                }
            }
        }
        startedAt = ledger.now();
        ledger.arrive(startedAt);
        present = true;
    }

    /**
     * Whose records a start-up recovery takes over: this id's previous process, and on PostgreSQL nobody else's (a
     * dead process is found by its lease); on embedded H2 every record, since only one process can open the file.
     */
    public Ledger.Holders ownRecords() {
        if (!database.postgresql()) {
            return Ledger.Holders.ALL;
        }
        return new Ledger.Holders(List.of(id()), true);
    }

    /**
     * Forgets the processes not seen for the lease (by the database's clock): dead. From then on what they held is
     * taken over ({@link Ledger#goneHolders}), and one that still runs stops at its next heartbeat.
     *
     * @return the processes this one forgot
     */
    public List<String> forgetDead() {
        long cutoff = ledger.now() - lease.toMillis();
        List<String> forgotten = new ArrayList<>();
        for (String dead : ledger.unseenSince(cutoff)) {
            if (ledger.forget(dead, cutoff)) {
                forgotten.add(dead);
            }
        }
        return forgotten;
    }

    /**
     * Not skipped while the application stops (every other job is): the requests a graceful stop could not wait for are
     * still on their way while Camel stops, and without heartbeats another replica would take them over as in doubt.
     */
    @Scheduled(every = "${outreach.instance.heartbeat}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeat() {
        if (!present) {
            return;
        }
        boolean alive;
        try {
            alive = ledger.seen(ledger.now(), startedAt);
        } catch (Ledger.LedgerException e) {
            // Once per outage: the next heartbeats fail the same way until the ledger is back.
            if (heartbeatMissedSince == null) {
                heartbeatMissedSince = Instant.now();
                LOG.warnf("heartbeat not written (%s): after outreach.instance.lease (%s) without one, another bridge"
                        + " process takes this one for dead", e.getMessage(), lease);
            } else {
                LOG.debugf("heartbeat not written again: %s", e.getMessage());
            }
            return;
        }
        if (heartbeatMissedSince != null) {
            LOG.infof("heartbeat written again (none since %s)", heartbeatMissedSince);
            heartbeatMissedSince = null;
        }
        if (!alive && present) {
            // Another process has made this one's records in flight in doubt: writing their outcomes now would give
            // them a second one. Stopping at once is the only safe thing.
            LOG.errorf("this process (instance id %s) was not seen for outreach.instance.lease (%s), or another one"
                    + " started under its id, and its records are taken over: it stops at once (exit code %d)", id(),
                    lease, TAKEN_FOR_DEAD);
            Runtime.getRuntime().halt(TAKEN_FOR_DEAD);
        }
    }

    /** A graceful stop, once every record on its way has its outcome: the row goes, and nothing is left to take over. */
    public void leave() {
        if (!present) {
            return; // never arrived (a dry run): its id's row, if any, is another process's
        }
        present = false;
        boolean left;
        try {
            left = ledger.leave();
        } catch (Ledger.LedgerException e) {
            LOG.infof("could not say goodbye in the ledger (%s): another process will find this one gone after the"
                    + " lease, with nothing to take over", e.getMessage());
            return;
        }
        if (!left) {
            // Its row is another start's (left as it is), or gone: what it held was taken over meanwhile.
            LOG.errorf("this process (instance id %s) was taken for dead, or another one started under its id, while it"
                    + " stopped: its records were taken over; exiting with %d", id(), TAKEN_FOR_DEAD);
            Runtime.getRuntime().halt(TAKEN_FOR_DEAD);
        }
    }
}
