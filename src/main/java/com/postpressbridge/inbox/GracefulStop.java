package com.postpressbridge.inbox;

import java.time.Duration;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.camel.CamelContext;
import org.jboss.logging.Logger;

import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.config.PostpressConfig;
import com.postpressbridge.ledger.Instance;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.postpress.BlipRedelivery;
import com.postpressbridge.record.Stopping;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.StartupEvent;

import sun.misc.Signal;

/**
 * SIGTERM (Kubernetes stopping a pod, Ctrl-C): before Quarkus closes anything (its pre-shutdown phase, which
 * {@code quarkus.shutdown.delay-enabled=true} opens to the app), no new record is taken
 * ({@link Stopping}) and the stop waits for the records on their way ({@code send-chat} exchanges) to have their
 * outcomes: as long as their tries can take ({@code BlipRedelivery.longestPass}: the connection and the answer of
 * each, with the quick re-sends of a blip) and 5 s more. Meanwhile the HTTP server still answers: webhook
 * deliveries get 503 with a Retry-After rather than a refused connection.
 */
@ApplicationScoped
public class GracefulStop {

    private static final Logger LOG = Logger.getLogger(GracefulStop.class);
    private static final Duration MARGIN = Duration.ofSeconds(5);

    private final Stopping stopping;
    private final CamelContext camel;
    private final Duration timeout;
    private final Ledger ledger;
    private final Instance instance;
    /** A run-once job or a dry run ends by itself: its stop is no news. */
    private final boolean endsByItself;

    public GracefulStop(Stopping stopping, CamelContext camel, PostpressConfig postpress, OutreachConfig outreach,
            Ledger ledger, Instance instance) {
        this.instance = instance;
        this.endsByItself = outreach.runOnce() || outreach.dryRun();
        this.stopping = stopping;
        this.ledger = ledger;
        this.camel = camel;
        this.timeout = longestStop(postpress.timeout(), outreach.retry().blipRedeliveries(),
                outreach.retry().blipDelay());
    }

    /**
     * How long a stop waits at most: a record on its way may still be re-sent quickly after a blip, each try taking the
     * whole timeout to connect and again to answer. Kubernetes' {@code terminationGracePeriodSeconds} must be longer.
     */
    public static Duration longestStop(Duration timeout, int blipRedeliveries, Duration blipDelay) {
        return BlipRedelivery.longestPass(timeout, blipRedeliveries, blipDelay).plus(MARGIN);
    }

    /**
     * SIGTERM is how a stop is asked for (Kubernetes, systemd, docker stop), not a failure: the app stops as it does
     * at the end of a run-once job, with exit code 0 once the stop is done, rather than the JVM's 143.
     */
    void onStart(@Observes StartupEvent start) {
        if (LaunchMode.current() == LaunchMode.NORMAL) {
            Signal.handle(new Signal("TERM"), signal -> Quarkus.asyncExit(0));
        }
    }

    void onShutdown(@Observes @Priority(1) ShutdownDelayInitiatedEvent shutdown) throws InterruptedException {
        stopping.begin(!endsByItself);
        long deadline = System.nanoTime() + timeout.toNanos();
        int onTheirWay = inFlight();
        if (onTheirWay > 0) {
            LOG.infof("waiting for %d records on their way (at most %d s)", onTheirWay, timeout.toSeconds());
        }
        while (inFlight() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        int left = inFlight();
        if (left > 0) {
            LOG.warnf("%d records still had no answer after %d s: they are in doubt at the next start", left,
                    timeout.toSeconds());
        } else if (onTheirWay > 0) {
            LOG.info("every record on its way has its outcome");
        }
        ledger.flush(); // the ledger forgets the outcomes written: the next start has nothing to repair
        if (left == 0) {
            instance.leave();
        }
    }

    private int inFlight() {
        return camel.getInflightRepository().size("send-chat");
    }
}
