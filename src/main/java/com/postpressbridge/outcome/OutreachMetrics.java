package com.postpressbridge.outcome;

import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import com.postpressbridge.ledger.CallbackOutbox;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.postpress.SendFailure;
import com.postpressbridge.postpress.SendGate;
import com.postpressbridge.record.FileRun;
import com.postpressbridge.record.OutreachItem;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;

/**
 * What {@code /q/metrics} shows of the bridge, in Prometheus format. Counters count as things happen; gauges read the
 * ledger (the single source of truth) and the routes at each scrape. Names follow Micrometer's conventions, which the
 * Prometheus registry turns into {@code _total} and {@code _seconds}:
 * <ul>
 * <li>{@code outreach_records_total{outcome, source}}: records by outcome (sent, already_performed, retry,
 * quarantined, duplicates) and source (file, webhook);</li>
 * <li>{@code outreach_quarantined_total{type}}: quarantined records by error type;</li>
 * <li>{@code postpress_requests_seconds{answer}}: request latency histogram, by answer (2xx, 4xx, 5xx, none);</li>
 * <li>{@code outreach_webhook_deliveries_total{status}}: webhook deliveries by the status they were answered;</li>
 * <li>gauges {@code outreach_retry_backlog}, {@code outreach_retry_next_due_seconds} (seconds until the next retry is
 * due, 0 when one is due, -1 when none waits), {@code outreach_queued}, {@code outreach_in_quarantine},
 * {@code outreach_held_scopes} (paused accounts, and {@code *} while all sending is stopped),
 * {@code outreach_requests_in_flight}, {@code outreach_files_in_progress}, {@code outreach_callbacks_undelivered},
 * {@code outreach_callbacks_oldest_undelivered_seconds} (0 when none waits), {@code outreach_callbacks_refused}.</li>
 * </ul>
 */
@ApplicationScoped
public class OutreachMetrics {

    private static final Logger LOG = Logger.getLogger(OutreachMetrics.class);

    /** Exchange property: when the request to postpress left ({@code send-chat} sets it just before). */
    public static final String REQUEST_STARTED = "postpressRequestStarted";
    private static final String RECORDS = "outreach.records";

    /** How many records this process gave an outcome, from every source: what {@link #recorded} counted. */
    public static long records(FileRun.Outcome outcome) {
        return (long) Metrics.globalRegistry.find(RECORDS).tag("outcome", outcome.name()).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    static void recorded(OutreachItem item, FileRun.Outcome outcome) {
        safely(() -> Metrics.counter(RECORDS, "outcome", outcome.name(), "source",
                item.source() != null && item.source().isWebhook() ? "webhook" : "file").increment());
    }

    static void quarantined(String type) {
        safely(() -> Metrics.counter("outreach.quarantined", "type", type == null ? "unknown" : type).increment());
    }

    /** A request to postpress ended: with an answer (its status class) or without one. */
    static void requestEnded(Exchange exchange, SendFailure failure) {
        safely(() -> timeRequest(exchange, failure));
    }

    /** Counting must never cost a record its outcome: a failure here is logged, never thrown. */
    private static void safely(Runnable count) {
        try {
            count.run();
        } catch (RuntimeException e) {
            LOG.debugf(e, "a metric could not be counted");
        }
    }

    /** The request timers by answer, registered once (a look-up in the registry at every record costs). */
    private static final Map<String, Timer> REQUEST_TIMERS = new ConcurrentHashMap<>();

    private static void timeRequest(Exchange exchange, SendFailure failure) {
        Date started = exchange.getProperty(REQUEST_STARTED, Date.class);
        if (started == null || failure.kind() == SendFailure.Kind.INVALID_RECORD
                || failure.kind() == SendFailure.Kind.HELD_BY_ACCOUNT || failure.kind() == SendFailure.Kind.HELD_BY_API_KEY) {
            return; // no request was made
        }
        String answer = "none";
        if (failure.kind() == SendFailure.Kind.ANSWERED) {
            Integer status = failure.error() == null ? null : failure.error().status();
            answer = status == null ? "2xx" : (status / 100) + "xx";
        }
        REQUEST_TIMERS.computeIfAbsent(answer, tag -> Timer.builder("postpress.requests")
                .description("Start a new chat requests, by answer").tag("answer", tag).publishPercentileHistogram()
                .register(Metrics.globalRegistry))
                .record(java.time.Duration.ofMillis(Math.max(0, System.currentTimeMillis() - started.getTime())));
        exchange.removeProperty(REQUEST_STARTED); // counted once, with its quick re-sends if it had any
    }

    public static void webhookAnswered(int status) {
        safely(() -> Metrics.counter("outreach.webhook.deliveries", "status", String.valueOf(status)).increment());
    }

    void register(@Observes StartupEvent start, MeterRegistry registry, Ledger ledger, SendGate gate,
            CamelContext camel, CallbackOutbox outbox) {
        Gauge.builder("outreach.callbacks.undelivered", outbox, o -> o.backlog().undelivered())
                .description("outcome events not yet taken by the CRM").register(registry);
        Gauge.builder("outreach.callbacks.oldest.undelivered.seconds", outbox,
                o -> o.backlog().oldestAgeMillis(System.currentTimeMillis()) / 1000.0).description("age of the oldest outcome event not yet taken by the CRM").register(registry);
        Gauge.builder("outreach.callbacks.refused", outbox, o -> o.backlog().refused())
                .description("outcome events the CRM refused for good (kept in the ledger)").register(registry);
        Gauge.builder("outreach.retry.backlog", ledger, l -> l.count(Ledger.State.RETRY))
                .description("records waiting in retry").register(registry);
        Gauge.builder("outreach.retry.next.due.seconds", ledger, l -> {
            Long next = l.nextDue(Ledger.State.RETRY);
            return next == null ? -1 : Math.max(0, (next - System.currentTimeMillis()) / 1000.0);
        }).description("seconds until the next retry is due (-1: none waits)").register(registry);
        Gauge.builder("outreach.scheduled", ledger, l -> l.count(Ledger.State.SCHEDULED))
                .description("records waiting in scheduled/ for their account's next free slot").register(registry);
        Gauge.builder("outreach.queued", ledger, l -> l.count(Ledger.State.QUEUED))
                .description("webhook records accepted, waiting to be sent").register(registry);
        Gauge.builder("outreach.in.quarantine", ledger, l -> l.count(Ledger.State.QUARANTINED))
                .description("records in quarantine (in the ledger)").register(registry);
        Gauge.builder("outreach.held.scopes", gate, g -> g.heldScopes())
                .description("paused accounts, and '*' while all sending is stopped").register(registry);
        Gauge.builder("outreach.requests.in.flight", camel, c -> c.getInflightRepository().size("send-chat"))
                .description("records on their way to postpress").register(registry);
        Gauge.builder("outreach.files.in.progress", camel, c -> c.getInflightRepository().size("file-intake"))
                .description("inbox files being sent").register(registry);
    }
}
