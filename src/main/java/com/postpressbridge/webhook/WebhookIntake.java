package com.postpressbridge.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.jboss.logging.Logger;

import com.postpressbridge.chat.ChatRequestMapper;
import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.inbox.ReadProblems;
import com.postpressbridge.ledger.Ledger;
import com.postpressbridge.outcome.OutcomeDocuments;
import com.postpressbridge.outcome.OutcomeFolders;
import com.postpressbridge.outcome.Outcomes;
import com.postpressbridge.outcome.RecordClaims;
import com.postpressbridge.outcome.OutreachMetrics;
import com.postpressbridge.record.InvalidRecordException;
import com.postpressbridge.record.OutreachError;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordKeys;
import com.postpressbridge.record.RecordSource;
import com.postpressbridge.record.Stopping;

/**
 * The steps of {@code webhook-intake}: who sent it, was it answered before, what records it holds, and storing them
 * durably in the ledger before the 202. Records are sent afterwards, from the ledger, by {@code dispatch-waiting}.
 */
@ApplicationScoped
@Named("webhookIntake")
public class WebhookIntake {

    private static final Logger LOG = Logger.getLogger(WebhookIntake.class);
    private static final long UNAVAILABLE_LOG_EVERY = 10_000;
    /** Exchange property: the keys of the delivery's records that would be stored. */
    private static final String KEYS = "webhookKeys";
    static final String SOURCE = "webhookSource";
    static final String BODY = "webhookBody";
    static final String RECEIVED_AT = "webhookReceivedAt";
    static final String ITEMS = "webhookItems";
    static final String DELIVERY_ID = "webhookDeliveryId";
    /** The wait suggested to a delivery refused while the bridge stops. */
    static final int STOPPING_RETRY_AFTER_SECONDS = 5;

    /** A record of the delivery, or why it is refused. */
    record Delivered(OutreachItem item, OutreachError refused) {
    }

    private final WebhookSources sources;
    private final OutreachConfig.Webhook config;
    private final ChatRequestMapper mapper;
    private final Ledger ledger;
    private final Outcomes outcomes;
    private final OutcomeFolders folders;
    private final ObjectMapper json;
    private final Stopping stopping;
    private final boolean dryRun;
    /** When a delivery refused for the ledger was last logged with its cause (epoch ms), and how many since. */
    private final AtomicLong unavailableLogged = new AtomicLong();
    private final AtomicInteger unavailableSince = new AtomicInteger();

    public WebhookIntake(WebhookSources sources, OutreachConfig config, ChatRequestMapper mapper, Ledger ledger,
            Outcomes outcomes, OutcomeFolders folders, ObjectMapper json, Stopping stopping) {
        this.folders = folders;
        this.stopping = stopping;
        this.dryRun = config.dryRun();
        this.sources = sources;
        this.config = config.webhook();
        this.mapper = mapper;
        this.ledger = ledger;
        this.outcomes = outcomes;
        this.json = json;
    }

    /** 404 unknown source, 503 nothing to check a signature with, 415 not JSON, 401 not signed by a known secret. */
    public void authenticate(Exchange exchange) throws IOException {
        String name = exchange.getMessage().getHeader("source", String.class);
        WebhookSources.Source source = sources.find(name);
        if (source == null) {
            throw new WebhookRefusedException(404, "unknown_source", "no webhook source is named \"" + name + "\"");
        }
        if (!source.configured()) {
            throw new WebhookRefusedException(503, "not_configured",
                    "this endpoint has no secret or token configured: it accepts nothing", 300);
        }
        // Before the signature: a form body (curl's default type) is taken apart by the HTTP layer, and its signature
        // then never holds; a 401 for it sent a probe looking for a wrong secret.
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        String mediaType = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
            throw new WebhookRefusedException(415, "unsupported_media_type", "send Content-Type: application/json"
                    + (mediaType.isEmpty() ? "" : " (it was " + mediaType + ")"));
        }
        byte[] body = bytes(exchange.getMessage());
        if (!source.authenticates(exchange, body, config.tolerance())) {
            throw new WebhookRefusedException(401, "unauthorized", null);
        }
        exchange.setProperty(SOURCE, source);
        exchange.setProperty(BODY, body);
        exchange.setProperty(RECEIVED_AT, Instant.now());
        exchange.setProperty(DELIVERY_ID, deliveryId(exchange, source));
    }

    /**
     * The request's body, read once: a stream is read whole at its size (Camel's converter would copy it through two
     * buffers of its own, garbage at thousands of deliveries a second) and stays the message's body as bytes.
     */
    private static byte[] bytes(Message message) throws IOException {
        if (message.getBody() instanceof InputStream stream) {
            byte[] body = stream.readAllBytes();
            message.setBody(body);
            return body;
        }
        byte[] body = message.getBody(byte[].class);
        return body == null ? new byte[0] : body;
    }

    /** The records of the body: one record, an array, or {"records": [...]}; a mapped source's items. */
    public void read(Exchange exchange, @ExchangeProperty(SOURCE) WebhookSources.Source source,
            @ExchangeProperty(BODY) byte[] body, @ExchangeProperty(RECEIVED_AT) Instant receivedAt,
            @ExchangeProperty(DELIVERY_ID) String deliveryId) {
        JsonNode document;
        try {
            document = json.readTree(body);
        } catch (StreamConstraintsException e) {
            // a body nested thousands of levels deep (a probe): no location to give, and it was a 500 with a stack
            throw new WebhookRefusedException(400, "malformed_json", "the body cannot be read: "
                    + ReadProblems.plain(e));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new WebhookRefusedException(400, "malformed_json", "the body is not valid JSON: "
                    + ReadProblems.jackson(e.getOriginalMessage()) + (at == null ? ""
                            : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new WebhookRefusedException(400, "malformed_json", "the body cannot be read");
        }
        if (document == null || document.isMissingNode()) {
            throw new WebhookRefusedException(400, "malformed_json", "the body is empty");
        }
        if (source.mapping() != null && !document.isContainerNode()) {
            // a CRM's payload is an object or a list of items; a bare value was answered 202 with nothing in it
            throw new WebhookRefusedException(400, "invalid_shape", "the body must be the CRM's JSON object or an array"
                    + " of its items");
        }
        List<JsonNode> elements = source.mapping() == null ? records(document) : source.mapping().items(document);
        if (elements.size() > config.maxRecords()) {
            throw new WebhookRefusedException(413, "too_many_records", elements.size() + " records; at most "
                    + config.maxRecords() + " in one delivery");
        }
        RecordSource from = RecordSource.webhook(source.name(), deliveryId, receivedAt);
        List<Delivered> delivered = new ArrayList<>();
        for (JsonNode element : elements) {
            if (source.mapping() == null) {
                delivered.add(new Delivered(OutreachItem.webhook(from, element, null), null));
                continue;
            }
            try {
                if (!element.isObject()) {
                    // a single event sent where a batch was expected: its values are no items (a probe)
                    throw new InvalidRecordException("invalid_record", "Item is not an object", "the item is "
                            + element.getNodeType().name().toLowerCase(Locale.ROOT) + ", not a JSON object: check the"
                            + " source's records path against what the CRM sends (a batch, or a single event)");
                }
                delivered.add(new Delivered(OutreachItem.webhook(from, source.mapping().record(element), element), null));
            } catch (InvalidRecordException e) {
                // No record came out of it: the CRM item itself names the quarantine file.
                OutreachItem unmapped = OutreachItem.webhook(from, json.createObjectNode(), element);
                unmapped.key(RecordKeys.ofRecord(element, null));
                delivered.add(new Delivered(unmapped, e.error()));
            }
        }
        exchange.setProperty(ITEMS, delivered);
    }

    private static List<JsonNode> records(JsonNode document) {
        List<JsonNode> records = new ArrayList<>();
        JsonNode list = document.isObject() && document.has("records") ? document.get("records") : document;
        if (list.isArray()) {
            list.forEach(records::add);
        } else if (list.isObject() && list == document) {
            records.add(document);
        } else {
            throw new WebhookRefusedException(400, "invalid_shape",
                    "the body must be a record, an array of records, or {\"records\": [...]}");
        }
        return records;
    }

    /**
     * Validates every record and stores the good ones in the ledger, with the answer, in one durable transaction:
     * the 202 means all of them are stored, a 503 that none is. Bad ones are quarantined and listed. The answer is 202
     * even when some are refused: redelivering them would not make them good. A delivery answered before (its delivery
     * id) gets the same answer again, found in that same transaction, and nothing of it is stored again.
     */
    public void accept(Exchange exchange, @ExchangeProperty(SOURCE) WebhookSources.Source source,
            @ExchangeProperty(ITEMS) List<Delivered> delivered, @ExchangeProperty(DELIVERY_ID) String deliveryId) {
        if (stopping.stopping()) {
            throw new WebhookRefusedException(503, "stopping", "the bridge is stopping: nothing of this delivery was"
                    + " stored; deliver it again in a few seconds (another replica, or this one once restarted)",
                    STOPPING_RETRY_AFTER_SECONDS);
        }
        if (dryRun) {
            throw new WebhookRefusedException(503, "dry_run", "this bridge process only previews files"
                    + " (outreach.dry-run): nothing of this delivery was stored; deliver it to the running bridge",
                    STOPPING_RETRY_AFTER_SECONDS);
        }
        List<Ledger.Queued> queued = new ArrayList<>();
        List<OutreachItem> good = new ArrayList<>();
        Map<Integer, OutreachError> refused = new LinkedHashMap<>();
        for (int index = 0; index < delivered.size(); index++) {
            OutreachItem item = delivered.get(index).item();
            OutreachError refusal = delivered.get(index).refused();
            if (refusal == null) {
                try {
                    mapper.prepare(item);
                } catch (InvalidRecordException e) {
                    refusal = e.error();
                }
            }
            if (refusal != null) {
                refused.put(index, refusal);
                continue;
            }
            item.firstSeenAt(item.source().receivedAt());
            good.add(item);
            queued.add(new Ledger.Queued(item.key(), item.contentHash(), OutcomeDocuments.item(item).toString(),
                    RecordClaims.place(item)));
        }
        List<String> keys = good.stream().map(OutreachItem::key).toList();
        exchange.setProperty(KEYS, keys); // an error storing them compares them with an answer given before
        int[] counts = new int[2];
        List<String> claimedAgain = new ArrayList<>();
        Ledger.DeliveryAnswer answer = ledger.acceptDelivery(source.name(), deliveryId, queued, claims -> {
            claimedAgain.clear();
            for (int i = 0; i < claims.size(); i++) {
                if (claims.get(i) == Ledger.Claim.CLAIMED_AGAIN) {
                    claimedAgain.add(keys.get(i));
                }
            }
            ObjectNode body = json.createObjectNode();
            counts[0] = (int) claims.stream().filter(claim -> !claim.isDuplicate()).count();
            counts[1] = claims.size() - counts[0];
            body.put("accepted", counts[0]).put("duplicates", counts[1]);
            ArrayNode rejected = body.putArray("rejected");
            refused.forEach((index, error) -> rejected.addObject().put("index", index).putObject("error")
                    .put("type", error.type()).put("detail", error.detail()));
            keys.forEach(body.putArray("keys")::add);
            return body.toString();
        });
        if (answer.replayed() && !sameRecords(answer.body(), keys)) {
            // Not a copy: another delivery under an id stored before. Taking the first one's answer for it would lose
            // its records without a word.
            LOG.warnf("webhook %s delivery %s: this id was stored before for other records; nothing of this one is"
                    + " stored (409)", source.name(), deliveryId);
            respond(exchange, 409, json.createObjectNode().put("error", "delivery_id_reused").put("detail", "delivery"
                    + " id " + deliveryId + " was stored before for other records; nothing of this delivery was stored."
                    + " Give each delivery an id of its own (a copy delivered again must carry the same records)")
                    .toString(), null);
            return;
        }
        if (answer.replayed()) {
            LOG.debugf("webhook %s delivery %s: answered before, the same answer given again", source.name(), deliveryId);
        } else {
            // Refused records are quarantined once their delivery is stored: a 503 leaves nothing behind.
            refused.forEach((index, error) -> outcomes.refused(delivered.get(index).item(), error));
            // Records the ledger had quarantined are queued again: the quarantine files of then are stale.
            claimedAgain.forEach(folders::removeQuarantineFiles);
            // A CRM's burst is thousands of deliveries a minute: a line each only when it rejected records (the
            // metrics count them all; DEBUG shows every delivery).
            LOG.logf(refused.isEmpty() ? Logger.Level.DEBUG : Logger.Level.INFO, "webhook %s%s: %d accepted,"
                    + " %d duplicates, %d rejected", source.name(), deliveryId == null ? "" : " delivery " + deliveryId,
                    counts[0], counts[1], refused.size());
        }
        respond(exchange, 202, answer.body(), null);
    }

    /**
     * Whether a stored answer was given for these records: a copy of that delivery carries no record it did not (in
     * any order; one refused now, a limit lowered since, is missing from the keys of a copy).
     */
    private boolean sameRecords(String storedAnswer, List<String> keys) {
        try {
            Set<String> stored = new HashSet<>();
            json.readTree(storedAnswer).path("keys").forEach(key -> stored.add(key.asText()));
            return stored.containsAll(keys);
        } catch (JsonProcessingException unreadable) {
            return true; // an answer of an older version: given again, as before
        }
    }

    /**
     * Error step: the delivery is refused as a whole — unless its delivery id was answered before (a copy delivered
     * again while the bridge stops, or after a limit was lowered): then it gets that answer, as its records are stored.
     */
    public void refuse(Exchange exchange) {
        if (answeredAgain(exchange)) {
            return;
        }
        WebhookRefusedException refused = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, WebhookRefusedException.class);
        ObjectNode body = json.createObjectNode().put("error", refused.error());
        if (refused.detail() != null) {
            body.put("detail", refused.detail());
        }
        respond(exchange, refused.status(), body.toString(), refused.retryAfterSeconds());
    }

    /**
     * Error step: the records cannot be stored; the sender should try again later — unless its delivery id was answered
     * before (a copy delivered again while the disk is full: the ledger still reads), as {@link #refuse}.
     */
    public void unavailable(Exchange exchange) {
        if (answeredAgain(exchange)) {
            return;
        }
        // A full disk or a database away refuses every delivery of a burst: the cause once every 10 s, not each time.
        long now = System.currentTimeMillis();
        long logged = unavailableLogged.get();
        if (now - logged >= UNAVAILABLE_LOG_EVERY && unavailableLogged.compareAndSet(logged, now)) {
            int more = unavailableSince.getAndSet(0);
            Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            LOG.errorf("webhook delivery not stored, answered 503 (the sender delivers it again later)%s: %s", more == 0
                    ? "" : ", as were " + more + " deliveries since the last such line", cause == null
                            ? "the ledger failed" : cause.getMessage());
            LOG.debug("the ledger's failure", cause);
        } else {
            unavailableSince.incrementAndGet();
        }
        respond(exchange, 503, json.createObjectNode().put("error", "unavailable")
                .put("detail", "the records cannot be stored right now; deliver again later").toString(), 30);
    }

    /** Error step: a bug of ours. Records stored before it stay stored; the sender will deliver again. */
    public void failed(Exchange exchange) {
        LOG.errorf(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class), "webhook delivery failed");
        respond(exchange, 500, json.createObjectNode().put("error", "internal_error").toString(), null);
    }

    /**
     * Gives a delivery answered before that answer again; false when it was not (or the ledger cannot say), or when
     * its records, if they were read, are not that delivery's (another delivery under its id: refused as it is).
     */
    @SuppressWarnings("unchecked")
    private boolean answeredAgain(Exchange exchange) {
        String before = answeredBefore(exchange);
        List<String> keys = exchange.getProperty(KEYS, List.class);
        if (before != null && keys != null && !sameRecords(before, keys)) {
            return false;
        }
        if (before != null) {
            respond(exchange, 202, before, null);
        }
        return before != null;
    }

    /** The answer given before to this delivery's id, or null (no id, not authenticated, or the ledger cannot say). */
    private String answeredBefore(Exchange exchange) {
        WebhookSources.Source source = exchange.getProperty(SOURCE, WebhookSources.Source.class);
        String deliveryId = exchange.getProperty(DELIVERY_ID, String.class);
        if (source == null || deliveryId == null) {
            return null;
        }
        try {
            return ledger.deliveryAnswer(source.name(), deliveryId);
        } catch (Ledger.LedgerException e) {
            return null;
        }
    }

    private String deliveryId(Exchange exchange, WebhookSources.Source source) {
        String where = source.deliveryId();
        if (where.startsWith("$")) {
            try {
                return kept(CrmMapping.read(where, json.readTree(exchange.getProperty(BODY, byte[].class))));
            } catch (IOException e) {
                return null;
            }
        }
        return kept(exchange.getMessage().getHeader(where, String.class));
    }

    /**
     * A delivery id as the ledger keeps it: one longer than its 255 characters by the SHA-256 of it, so that a copy of
     * the delivery still gets the same answer (such an id was ignored, and a copy counted its records as duplicates).
     */
    static String kept(String id) {
        if (id == null || id.isBlank()) {
            return null;
        }
        String trimmed = id.trim();
        return trimmed.length() <= 255 ? trimmed
                : "sha256:" + java.util.HexFormat.of().formatHex(WebhookSignatures.sha256(trimmed));
    }

    /** The answer, and nothing of the request: its headers (the signature, a token) are never echoed back. */
    private static void respond(Exchange exchange, int status, String body, Integer retryAfterSeconds) {
        OutreachMetrics.webhookAnswered(status);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (retryAfterSeconds != null) {
            exchange.getMessage().setHeader("Retry-After", String.valueOf(retryAfterSeconds));
        }
        exchange.getMessage().setBody(body);
    }
}
