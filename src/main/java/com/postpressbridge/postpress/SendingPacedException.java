package com.postpressbridge.postpress;

import java.time.Instant;

/** The record's account may not send now: the record waits in the scheduled folder for its next free slot. */
public class SendingPacedException extends RuntimeException {

    private final Instant nextSlot;

    public SendingPacedException(String account, Instant nextSlot) {
        super("account " + account + " paced: its next free slot is at " + nextSlot, null, false, false);
        this.nextSlot = nextSlot;
    }

    public Instant nextSlot() {
        return nextSlot;
    }
}
