package com.postpressbridge.outcome;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.postpressbridge.ledger.CallbackOutbox;
import com.postpressbridge.ledger.DiskFault;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.record.OutreachItem;

/**
 * Outcomes decided while the disk could not take them (full, failing): a record postpress answered stays sent, and
 * no outcome is dropped. They are kept here, in memory, and written (ledger, then folder) as soon as the disk takes
 * writes again; while any is held the {@link DiskFault} stays raised, so nothing more is sent. A process that ends
 * before they are written leaves their claims to start-up, which finds them in doubt: the log names each one.
 */
@ApplicationScoped
public class HeldOutcomes {

    private static final Logger LOG = Logger.getLogger(HeldOutcomes.class);

    private final Ledger ledger;
    private final OutcomeFolders folders;
    private final DiskFault disk;
    private final CallbackOutbox outbox;
    private final Queue<DecidedOutcome> held = new ConcurrentLinkedQueue<>();

    public HeldOutcomes(Ledger ledger, OutcomeFolders folders, DiskFault disk, CallbackOutbox outbox) {
        this.ledger = ledger;
        this.outbox = outbox;
        this.folders = folders;
        this.disk = disk;
    }

    /** Writes an outcome now, or holds it (and stops sending) when the disk refuses it. */
    void keep(OutreachItem item, DecidedOutcome outcome) {
        try {
            outcome.write(ledger, outbox, folders);
        } catch (RuntimeException e) {
            held.add(outcome);
            String why = outcome.pendingAt() + " cannot be written: " + rootMessage(e);
            if (outcome.sent()) {
                LOG.errorf("record %s was sent (chat_id %s, message_id %s) but %s: its outcome is kept and written as"
                        + " soon as the disk takes writes again", item, outcome.chatId(), outcome.messageId(), why);
            } else {
                LOG.errorf("record %s: %s; its outcome (%s) is kept and written as soon as the disk takes writes again",
                        item, why, outcome.file().folder());
            }
            disk.raise(why);
        }
    }

    /**
     * Writes the held outcomes, oldest first; stops at the first that fails again.
     *
     * @return how many were written
     */
    int writeAll() {
        int written = 0;
        for (DecidedOutcome next = held.peek(); next != null; next = held.peek()) {
            next.write(ledger, outbox, folders);
            held.remove(next);
            written++;
        }
        return written;
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    /** How many outcomes wait for the disk. */
    public int size() {
        return held.size();
    }

    /** The process stops: one last try, and what still cannot be written is named in the log. */
    @PreDestroy
    void stop() {
        try {
            writeAll();
        } catch (RuntimeException e) {
            for (DecidedOutcome outcome : held) {
                LOG.errorf("record %s: its outcome (%s%s) could not be written before the stop: %s cannot be written"
                        + " (%s)", outcome.key(), outcome.file().folder(), outcome.sent() ? ", sent with chat_id "
                                + outcome.chatId() + " and message_id " + outcome.messageId() : "",
                        outcome.pendingAt(), rootMessage(e));
            }
        }
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
