package com.postpressbridge.postpress;

import java.time.Instant;

import com.postpressbridge.record.OutreachError;

/**
 * What happens to a record now, as {@link OutcomePolicy} decides it and {@link Outcomes} applies it. Every
 * {@code attempts} is the record's count of requests after this pass (what its outcome file and the ledger keep).
 */
public sealed interface Decision {

    /** postpress started the chat. */
    record Sent(int attempts) implements Decision {
    }

    /** postpress says it was done before: nothing to do again, written to success and flagged. */
    record AlreadyPerformed(int attempts) implements Decision {
    }

    /** The record waits in the retry folder until {@code at}, then goes again. */
    record RetryAt(Instant at, OutreachError error, int attempts) implements Decision {
    }

    /** The record waits in the retry folder without having been tried ({@code held: true}), until {@code until}. */
    record Held(Instant until, OutreachError reason, int attempts) implements Decision {
    }

    /**
     * Its account may not send now (the pacing): the record waits in the scheduled folder until {@code at}, its
     * account's next free slot. Not an error, not an attempt.
     */
    record Scheduled(Instant at, int attempts) implements Decision {
    }

    /** A person must look at it. {@code exhausted}: it was retried (or held) until attempts or age ran out. */
    record Quarantine(OutreachError error, int attempts, boolean exhausted) implements Decision {
    }

    /** The request may have reached postpress: quarantined, and never sent again until a person drops it back. */
    record InDoubt(OutreachError error, int attempts) implements Decision {
    }

    /**
     * The answer says the sending account is unusable (or busy, a 429): the account is paused until
     * {@code accountUntil}, and the record meets its own fate, a {@link RetryAt} or, when it has run out, an exhausted
     * {@link Quarantine}.
     */
    record HoldAccount(Instant accountUntil, Decision record) implements Decision {
    }

    /** postpress refused the API key: all sending stops until {@code until}; the record is held, never quarantined for it. */
    record StopAll(Instant until, Held record) implements Decision {
    }
}
