package com.postpressbridge.webhook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;

import com.postpressbridge.chat.TemplateRenderer;
import com.postpressbridge.config.BadSetting;
import com.postpressbridge.config.OutreachConfig;
import com.postpressbridge.record.ChatField;
import com.postpressbridge.record.RecordFields;

/**
 * A CRM's own payload turned into records, by configuration only:
 * <pre>
 * outreach.webhook.sources.hubspot.records=$[*]
 * outreach.webhook.sources.hubspot.map.account_id='acc_sales_1'
 * outreach.webhook.sources.hubspot.map.attendees_ids=$.properties.linkedin_id
 * outreach.webhook.sources.hubspot.vars.first_name=$.properties.firstname
 * </pre>
 * A value starting with {@code $} is a JSONPath on the item; anything else is a text ({@code 'quoted'} or not), in
 * which {@code {{name}}} is filled from the variables, like the texts of a record
 * ({@code map.external_id=pipedrive-person-{{person_id}}}).
 */
public final class CrmMapping {

    private static final Configuration JSON_PATH = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider())
            .mappingProvider(new JacksonMappingProvider())
            .options(Option.SUPPRESS_EXCEPTIONS)
            .build();

    /** A JSONPath to read, or a text to put as it is. */
    record Value(JsonPath path, String text) {

        static Value of(String source, String key, String expression) {
            String trimmed = expression.trim();
            if (trimmed.startsWith("$")) {
                try {
                    return new Value(JsonPath.compile(trimmed), null);
                } catch (InvalidPathException e) {
                    throw new BadSetting("outreach.webhook.sources." + source + "." + key + ": \"" + trimmed
                            + "\" is not a JSONPath: " + e.getMessage());
                }
            }
            boolean quoted = trimmed.length() >= 2 && trimmed.startsWith("'") && trimmed.endsWith("'");
            return new Value(null, quoted ? trimmed.substring(1, trimmed.length() - 1) : expression);
        }

        JsonNode read(JsonNode item) {
            if (path == null) {
                return TextNode.valueOf(text);
            }
            Object found = JsonPath.using(JSON_PATH).parse(item).read(path);
            return found instanceof JsonNode node ? node : null;
        }
    }

    private final Value records;
    private final Map<String, Value> fields = new LinkedHashMap<>();
    private final Map<String, Value> variables = new LinkedHashMap<>();

    /** Checks the configuration at start-up: a field that is not a record field, or a bad JSONPath, stops the app. */
    public CrmMapping(String source, OutreachConfig.Source config) {
        this.records = config.records().map(path -> Value.of(source, "records", path)).orElse(null);
        config.map().forEach((field, expression) -> {
            String column = RecordFields.column(field);
            if (!RecordFields.COLUMNS.contains(column)) {
                throw new BadSetting("outreach.webhook.sources." + source + ".map." + field
                        + ": not a record field (account_id, attendees_ids, text, linkedin[api], ...)");
            }
            fields.put(column, Value.of(source, "map." + field, expression));
        });
        config.vars().forEach((name, expression) -> variables.put(name, Value.of(source, "vars." + name, expression)));
        if (!ChatField.REQUIRED.stream().allMatch(field -> fields.containsKey(field.column()))) {
            throw new BadSetting("outreach.webhook.sources." + source
                    + " maps no account_id or no attendees_ids: set .map.account_id and .map.attendees_ids");
        }
    }

    /** The CRM's items in a body: at the records path, else the elements of an array, else the body itself. */
    public List<JsonNode> items(JsonNode body) {
        JsonNode found = records == null ? body : records.read(body);
        List<JsonNode> items = new ArrayList<>();
        if (found == null) {
            return items;
        }
        if (found.isArray()) {
            found.forEach(items::add);
        } else {
            items.add(found);
        }
        return items;
    }

    /** The record of one item; a field the item has no value for is left out (validation names it if required). */
    public ObjectNode record(JsonNode item) {
        Map<String, String> values = new LinkedHashMap<>();
        variables.forEach((name, value) -> {
            JsonNode found = value.read(item);
            if (found != null && found.isValueNode() && !found.isNull() && !found.asText().isEmpty()) {
                values.put(name, found.asText());
            }
        });
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        fields.forEach((column, value) -> RecordFields.put(record, column, value.path() == null
                ? TextNode.valueOf(isTemplate(column) ? value.text()
                        : TemplateRenderer.render("map." + column, value.text(), values))
                : value.read(item)));
        if (!values.isEmpty()) {
            ObjectNode vars = record.putObject("variables");
            values.forEach(vars::put);
        }
        return record;
    }

    /**
     * Whether a field is a template of the record ({@code text}, subjects): it is filled from the record's variables
     * when the record is sent, once, as a file's record is. Filled here too, a CRM value holding {@code {{company}}}
     * was filled a second time (a probe).
     */
    private static boolean isTemplate(String column) {
        return ChatField.ofColumn(column).filter(field -> field.kind() == ChatField.Kind.TEMPLATE).isPresent();
    }

    /** The delivery id of a body, for a source that names it by JSONPath. */
    static String read(String expression, JsonNode body) {
        JsonNode found = Value.of("", "delivery-id", expression).read(body);
        return found == null || found.isNull() || found.isContainerNode() ? null : found.asText();
    }
}
