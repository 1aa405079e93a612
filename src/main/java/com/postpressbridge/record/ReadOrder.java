package com.postpressbridge.record;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The order records are read in (file order, then webhook order), as a number that keeps growing across restarts
 * (it starts from the clock): an account's records waiting for its pacing go out in this order.
 */
public final class ReadOrder {

    private static final AtomicLong LAST = new AtomicLong();

    private ReadOrder() {
    }

    public static long next() {
        long now = System.currentTimeMillis() * 1000;
        return LAST.updateAndGet(last -> Math.max(last + 1, now));
    }
}
