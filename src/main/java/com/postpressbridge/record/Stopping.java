package com.postpressbridge.record;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

/**
 * The bridge is stopping (SIGTERM, Ctrl-C): from now on no new record is taken. Files stop handing out records and
 * stay in the inbox, due retries and queued webhook records stay in the ledger, webhooks are answered 503 with a
 * Retry-After; requests already on their way finish and their outcomes are kept, so that nothing is in doubt after a
 * stop. Set by {@code inbox.GracefulStop} when the process is told to stop.
 */
@ApplicationScoped
public class Stopping {

    private static final Logger LOG = Logger.getLogger(Stopping.class);

    private volatile boolean stopping;

    public boolean stopping() {
        return stopping;
    }

    /** @param announce whether the log says so: not at the planned end of a run-once job or a dry run */
    public synchronized void begin(boolean announce) {
        if (!stopping) {
            stopping = true;
            if (!announce) {
                return;
            }
            LOG.info("stopping: no new record is taken; requests on their way finish and their outcomes are kept."
                    + " Files not finished stay in the inbox, retries and queued webhook records in the ledger.");
        }
    }

    /** Thrown when a record would be taken (claimed) while the bridge stops: it is left for the next start. */
    public static class StoppingException extends RuntimeException {
        public StoppingException() {
            super("the bridge is stopping: the record is left for the next start", null, false, false);
        }
    }
}
