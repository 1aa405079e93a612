package com.postpressbridge.outcome;

import com.postpressbridge.ledger.CallbackOutbox;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.ledger.Ledger.State;

/**
 * A record's outcome on its way to the ledger and to its folder: the state of its key, and the file a person reads.
 * It remembers how far it got, so that writing it again (once the disk takes writes again) does the rest only.
 */
final class DecidedOutcome {

    private final boolean claimed;
    private final State state;
    private final int attempts;
    private final Long nextAttemptAt;
    private final boolean inDoubt;
    private final String chatId;
    private final String messageId;
    /** What a record that waits to go again ({@code RETRY}, {@code SCHEDULED}) is sent from when its time comes. */
    private final Ledger.Waiting waiting;
    private final OutcomeFile file;
    /** The callback event the outcome causes (null: none), stored with it. */
    private final CallbackOutbox.Event event;
    /** The ledger's version of the outcome, once the ledger has it. */
    private Long version;
    private boolean tried;
    private boolean eventStored;

    DecidedOutcome(boolean claimed, State state, int attempts, Long nextAttemptAt, boolean inDoubt, String chatId,
            String messageId, Ledger.Waiting waiting, OutcomeFile file, CallbackOutbox.Event event) {
        this.event = event;
        this.claimed = claimed;
        this.state = state;
        this.attempts = attempts;
        this.nextAttemptAt = nextAttemptAt;
        this.inDoubt = inDoubt;
        this.chatId = chatId;
        this.messageId = messageId;
        this.waiting = waiting;
        this.file = file;
    }

    String key() {
        return file.key();
    }

    OutcomeFile file() {
        return file;
    }

    /** Where the last write stopped: the ledger, or the outcome's file. */
    String pendingAt() {
        return claimed && version == null ? "the ledger" : file.folder() + "/" + file.fileName();
    }

    boolean sent() {
        return state == State.SENT;
    }

    String chatId() {
        return chatId;
    }

    String messageId() {
        return messageId;
    }

    /**
     * The ledger first (with the document), then the folder, then the ledger forgets the document. A record the ledger
     * never claimed only gets its file (and its callback event). When the ledger fails, the file is written all the
     * same: it is what start-up takes as the record's outcome if the process ends before the ledger has it.
     */
    void write(Ledger ledger, CallbackOutbox outbox, OutcomeFolders folders) {
        if (!claimed) {
            if (event != null && !eventStored) {
                outbox.store(event);
                eventStored = true;
            }
            folders.writeUnclaimed(file);
            return;
        }
        // Written before (the first try failed): a success line already in its file is not appended again.
        boolean again = tried;
        tried = true;
        if (version == null) {
            try {
                version = ledger.finish(file.key(), state, attempts, nextAttemptAt, inDoubt, chatId, messageId,
                        waiting, file.toJson().toString(), event);
            } catch (RuntimeException e) {
                try {
                    folders.write(file, again);
                } catch (RuntimeException alsoFailed) {
                    e.addSuppressed(alsoFailed);
                }
                throw e;
            }
        }
        if (version == Ledger.TAKEN_OVER) {
            return; // another process took the record over and gave it its outcome: a second one is never written
        }
        folders.write(file, again);
        ledger.written(file.key(), version);
    }
}
