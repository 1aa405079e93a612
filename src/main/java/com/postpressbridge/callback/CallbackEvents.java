package com.postpressbridge.callback;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;

import com.postpressbridge.config.BadSetting;
import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.config.SettingValues;
import com.postpressbridge.ledger.CallbackOutbox;
import com.postpressbridge.record.ChatField;
import com.postpressbridge.record.OutreachError;
import com.postpressbridge.record.OutreachItem;

/**
 * The outcome events the CRM is told of ({@code outreach.callback.*}): which ones, where they go, and what each
 * says. An event is made when a record reaches its outcome and is stored with it in the ledger; see
 * {@link CallbackDelivery} for how it travels.
 */
@Startup // a callback URL without a secret, or an unknown event name, stops the start with what to set
@ApplicationScoped
public class CallbackEvents {

    private static final Logger LOG = Logger.getLogger(CallbackEvents.class);

    /** What happened to a record; {@code record.<type>} in the event. */
    public enum Type {
        sent,
        already_performed,
        quarantined,
        in_doubt,
        retry_exhausted,
        held
    }

    private final String url;
    private final Map<String, String> sourceUrls;
    private final Set<Type> events;
    private final boolean includeText;
    private final String secret;

    @Inject
    public CallbackEvents(OutreachConfig config) {
        this(config.callback().url().orElse(null), sourceUrls(config), config.callback().events(),
                config.callback().includeText(), config.callback().secret().orElse(null));
        if (enabled()) {
            LOG.infof("callbacks: %s to %s", events.stream().map(Type::name).collect(Collectors.joining(", ")),
                    url == null ? "the callback-url of sources " + sourceUrls.keySet() : where(url)
                            + (sourceUrls.isEmpty() ? "" : " (sources " + sourceUrls.keySet() + " to their own)"));
        }
    }

    /**
     * @param url {@code outreach.callback.url}, or null
     * @param sourceUrls the {@code callback-url} of mapped webhook sources, by source name
     * @param events the names of the events to send
     */
    public CallbackEvents(String url, Map<String, String> sourceUrls, List<String> events, boolean includeText,
            String secret) {
        this.url = url == null || url.isBlank() ? null : checked("outreach.callback.url", url);
        this.sourceUrls = new HashMap<>();
        sourceUrls.forEach((name, sourceUrl) -> this.sourceUrls.put(name, checked("outreach.webhook.sources." + name
                + ".callback-url", sourceUrl)));
        this.events = types(events);
        this.includeText = includeText;
        this.secret = secret == null || secret.isBlank() ? null : secret;
        if (enabled() && this.secret == null) {
            throw new BadSetting("a callback URL is set but OUTREACH_CALLBACK_SECRET (outreach.callback."
                    + "secret) is not: every callback is signed, so that the receiver can tell it from a forgery. Set a"
                    + " secret of 32 random characters or more, and give the receiver the same one");
        }
    }

    /** No callbacks. */
    public static CallbackEvents off() {
        return new CallbackEvents(null, Map.of(), List.of(), false, null);
    }

    private static Map<String, String> sourceUrls(OutreachConfig config) {
        Map<String, String> urls = new HashMap<>();
        config.webhook().sources().forEach((name, source) -> source.callbackUrl().filter(u -> !u.isBlank())
                .ifPresent(u -> urls.put(name, u)));
        return urls;
    }

    /** Whether any event goes anywhere. */
    public boolean enabled() {
        return url != null || !sourceUrls.isEmpty();
    }

    /** Where the events of records from {@code source} (a mapped webhook source, or null) go; null: nowhere. */
    public String url(String source) {
        return source != null && sourceUrls.containsKey(source) ? sourceUrls.get(source) : url;
    }

    String secret() {
        return secret;
    }

    /**
     * The event a record's new state causes, or null when that event is not sent (or not anywhere). Its id follows from
     * the record, the type and {@code occurredAt} (the time in the outcome's document): an event stored again from
     * that document after a crash (its commit lost) has the id it had, so a receiver that had it dedupes it.
     */
    public CallbackOutbox.Event event(Type type, OutreachItem item, int attempt, String chatId, String messageId,
            OutreachError error, Instant occurredAt) {
        if (!events.contains(type)) {
            return null;
        }
        String source = item.source().isWebhook() ? item.source().name() : null;
        if (url(source) == null) {
            return null;
        }
        String id = "evt_" + UUID.nameUUIDFromBytes((item.key() + "|" + type + "|" + occurredAt)
                .getBytes(StandardCharsets.UTF_8));
        String body = body(id, type, occurredAt, item, attempt, chatId, messageId, error, includeText).toString();
        if (body.length() > MAX_BODY) {
            body = shortBody(id, type, occurredAt, item, attempt, chatId, messageId, error).toString();
        }
        return new CallbackOutbox.Event(id, item.key(), source, body);
    }

    /** Larger events (a huge record, refused as too large) go out as {@link #shortBody}. */
    static final int MAX_BODY = 64 * 1024;

    /**
     * An event without the record's fields and with the error's type and status only, each value cut to 255
     * characters, and {@code "truncated": true}: what is sent when the whole event would be over {@link #MAX_BODY}.
     */
    static ObjectNode shortBody(String id, Type type, Instant occurredAt, OutreachItem item, int attempt,
            String chatId, String messageId, OutreachError error) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("id", id);
        json.put("type", "record." + type.name());
        json.put("occurred_at", occurredAt.toString());
        json.putObject("record").put("key", cut(item.key()));
        json.put("chat_id", cut(chatId));
        json.put("message_id", cut(messageId));
        json.set("error", error == null ? JsonNodeFactory.instance.nullNode() : JsonNodeFactory.instance.objectNode()
                .put("status", error.status()).put("type", cut(error.type())));
        json.put("attempt", attempt);
        json.put("truncated", true);
        return json;
    }

    private static String cut(String value) {
        return value == null || value.length() <= 255 ? value : value.substring(0, 255);
    }

    /** The JSON of an event, as the README documents it. No API key, no message text unless asked for. */
    public static ObjectNode body(String id, Type type, Instant occurredAt, OutreachItem item, int attempt,
            String chatId, String messageId, OutreachError error, boolean includeText) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("id", id);
        json.put("type", "record." + type.name());
        json.put("occurred_at", occurredAt.toString());
        ObjectNode record = json.putObject("record");
        record.put("key", item.key());
        JsonNode fields = item.record();
        for (ChatField field : List.of(ChatField.EXTERNAL_ID, ChatField.ACCOUNT_ID, ChatField.ATTENDEES_IDS)) {
            JsonNode value = fields == null ? null : fields.get(field.fieldName());
            record.set(field.fieldName(), value == null ? JsonNodeFactory.instance.nullNode() : value.deepCopy());
        }
        String text = ChatField.TEXT.fieldName();
        if (includeText && fields != null && fields.hasNonNull(text)) {
            record.set(text, fields.get(text).deepCopy());
        }
        json.set("source", item.source().toJson());
        json.put("chat_id", chatId);
        json.put("message_id", messageId);
        json.set("error", error == null ? JsonNodeFactory.instance.nullNode() : error.toJson());
        json.put("attempt", attempt);
        return json;
    }

    /** The event names of {@code outreach.callback.events}, or a start-up error naming the wrong one. */
    static Set<Type> types(List<String> names) {
        Set<Type> types = EnumSet.noneOf(Type.class);
        for (String name : names) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            try {
                types.add(Type.valueOf(trimmed));
            } catch (IllegalArgumentException unknown) {
                throw new BadSetting("outreach.callback.events: \"" + trimmed + "\" is not an event; the"
                        + " events are " + Arrays.stream(Type.values()).map(Type::name).collect(Collectors.joining(", ")));
            }
        }
        return types;
    }

    private static String checked(String setting, String value) {
        try {
            return SettingValues.httpUrl(value, "https://crm.example.com/hooks/outreach");
        } catch (IllegalArgumentException e) {
            throw new BadSetting(setting + " " + e.getMessage());
        }
    }

    /** Scheme, host and port only: a URL may carry a token in its path or query, which the log must not show. */
    static String where(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }
}
