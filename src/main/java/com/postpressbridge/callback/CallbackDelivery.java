package com.postpressbridge.callback;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.jboss.logging.Logger;

import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.ledger.CallbackOutbox;
import com.postpressbridge.ledger.CallbackOutbox.Pending;
import com.postpressbridge.ledger.Ledger;

/**
 * The steps of {@code callback-delivery}: stored events are taken from the ledger, signed and POSTed, and what the
 * receiver answers is applied by {@link CallbackPolicy}. Runs on its own threads: a receiver that is slow or down
 * never holds a record back from being sent.
 */
@ApplicationScoped
@Named("callbacks")
public class CallbackDelivery {

    private static final Logger LOG = Logger.getLogger(CallbackDelivery.class);
    /** Events a batch gives each delivering thread. */
    private static final int EVENTS_A_THREAD = 25;
    /** Exchange property with the {@link Pending} event being delivered. */
    public static final String EVENT = "callbackEvent";

    private final CallbackEvents events;
    private final CallbackOutbox outbox;
    private final CallbackPolicy policy;
    private final int batch;
    private final long lease;
    /** The receivers (scheme, host and port) found not answering, each said once in the log until it answers. */
    private final Set<String> receiversDown = ConcurrentHashMap.newKeySet();

    public CallbackDelivery(CallbackEvents events, CallbackOutbox outbox, OutreachConfig config) {
        this.events = events;
        this.outbox = outbox;
        this.policy = new CallbackPolicy(config.callback().maxDelay());
        int concurrency = config.callback().concurrency();
        this.batch = concurrency * EVENTS_A_THREAD;
        // long enough for the whole batch to be tried, each attempt taking the whole timeout
        this.lease = config.callback().timeout().multipliedBy(EVENTS_A_THREAD + 2).toMillis();
    }

    /** Exchange property: whether the last batch came full (more may be due at once). */
    public static final String MORE = "callbackMore";

    /**
     * First step: the events due now, one per record, taken by this process for the time of the batch. None while the
     * ledger cannot be read: readiness and the heartbeat say so, once; an error a poll here would bury that.
     */
    public List<Pending> due(Exchange exchange) {
        List<Pending> taken;
        try {
            taken = outbox.take(System.currentTimeMillis(), lease, batch);
        } catch (Ledger.LedgerException down) {
            LOG.debugf("callback events not taken now: %s", down.getMessage());
            taken = List.of();
        }
        exchange.setProperty(MORE, taken.size() == batch);
        return taken;
    }

    /** The request: the stored body, signed now; the URL of the record's source. */
    public void prepare(Exchange exchange, @Body Pending event) {
        String url = events.url(event.source());
        if (url == null) {
            throw new IllegalStateException("no callback URL is set for events of source " + event.source());
        }
        byte[] body = event.body().getBytes(StandardCharsets.UTF_8);
        exchange.setProperty(EVENT, event);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_URI, url);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setHeader("X-Outreach-Event-Id", event.id());
        exchange.getMessage().setHeader("X-Outreach-Signature", OutreachSignature.header(events.secret(),
                Instant.now().getEpochSecond(), body));
        exchange.getMessage().setBody(body);
    }

    /** The receiver answered. */
    public void answered(Exchange exchange, @ExchangeProperty(EVENT) Pending event) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String retryAfter = exchange.getMessage().getHeader("Retry-After", String.class);
        receiverUp(event);
        apply(event, status, retryAfter, status + " from the receiver");
    }

    /** No answer (connection refused, timeout), or the request could not be made. */
    public void unanswered(Exchange exchange) {
        Pending event = exchange.getProperty(EVENT, Pending.class);
        if (event == null) {
            event = exchange.getMessage().getBody(Pending.class);
        }
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        // the exception's class only: its message may quote the URL, which may carry a token
        String why = cause == null ? "no answer" : cause.getClass().getSimpleName();
        String receiver = where(event);
        if (receiversDown.add(receiver)) {
            LOG.warnf("callback receiver %s does not answer (%s): events wait in the ledger and are sent again with a"
                    + " back-off; sending chats goes on", receiver, why);
        }
        apply(event, null, null, why);
    }

    private void apply(Pending event, Integer status, String retryAfter, String what) {
        int attempts = event.attempts() + 1;
        CallbackPolicy.Next next = policy.decide(status, retryAfter, attempts, Instant.now(),
                ThreadLocalRandom.current().nextDouble());
        if (next instanceof CallbackPolicy.Delivered) {
            outbox.delivered(event);
        } else if (next instanceof CallbackPolicy.Again again) {
            outbox.again(event, attempts, again.at().toEpochMilli(), what);
            LOG.debugf("callback event %s: %s, again at %s", event.id(), what, again.at());
        } else {
            outbox.refused(event, attempts, what);
            LOG.warnf("callback event %s (record %s) refused for good by %s: %s. It is kept in the ledger (counted on"
                    + " /status); check what the receiver expects", event.id(), event.key(), where(event), what);
        }
    }

    private void receiverUp(Pending event) {
        if (receiversDown.remove(where(event))) {
            LOG.infof("callback receiver %s answers again", where(event));
        }
    }

    private String where(Pending event) {
        String url = events.url(event.source());
        return url == null ? "(none set)" : CallbackEvents.where(url);
    }

    /**
     * Run-once, before the exit: waits until every stored event has had an attempt (a minute at most). Those that
     * failed, or still wait then, stay in the ledger for the next run, as the log says.
     */
    public void awaitFirstAttempts() throws InterruptedException {
        if (!events.enabled()) {
            return;
        }
        long deadline = System.currentTimeMillis() + Duration.ofMinutes(1).toMillis();
        while (outbox.untried() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        long waiting = outbox.backlog().undelivered();
        if (waiting > 0) {
            LOG.infof("%d callback events are not delivered yet: they wait in the ledger for the next run", waiting);
        }
    }
}
