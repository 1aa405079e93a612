package com.postpressbridge.chat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.camel.ExchangeProperty;

import com.postpressbridge.postpress.SendChat;
import com.postpressbridge.inbox.ReadProblems;
import com.postpressbridge.record.ChatField;
import com.postpressbridge.record.ChatField.Api;
import com.postpressbridge.record.ChatRequest;
import com.postpressbridge.record.FormPart;
import com.postpressbridge.record.InvalidRecordException;
import com.postpressbridge.record.OutreachItem;
import com.postpressbridge.record.RecordKeys;
import com.postpressbridge.record.RecordLimits;

/**
 * Turns a record (the JSON shape of the API; CSV rows are converted to it) into the exact parts of the request,
 * or refuses it with a {@code local/} error that names the field. Nothing leaves before this passed.
 */
@ApplicationScoped
@Named("chatRequests")
public class ChatRequestMapper {

    // Every list of names below is read from the one definition of the record's fields, ChatField.
    static final Set<String> RECORD_FIELDS = names(ChatField.namesUnder(""), ChatField.VARIABLES);
    static final List<String> APIS = ChatField.LINKEDIN_API.allowed();
    static final List<String> CLASSIC_OPTIONS = ChatField.optionsOf(Api.CLASSIC);
    static final List<String> RECRUITER_OPTIONS = ChatField.optionsOf(Api.RECRUITER);
    static final Set<String> FOLLOW_UP_FIELDS = names(ChatField.namesUnder("linkedin.follow_up"));
    static final Set<String> SCHEDULED_TIME_FIELDS = names(ChatField.namesUnder("linkedin.follow_up.scheduled_time"));

    private static Set<String> names(List<String> names, String... more) {
        Set<String> all = new java.util.LinkedHashSet<>(names);
        all.addAll(List.of(more));
        return Set.copyOf(all);
    }

    private final AttachmentFolder attachments;

    public ChatRequestMapper(AttachmentFolder attachments) {
        this.attachments = attachments;
    }

    /** Step of {@code send-chat}: validates the item's record and gives it its request and key. */
    public void prepare(@ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        if (item.readError() != null) {
            throw new InvalidRecordException(item.readError());
        }
        ChatRequest request = map(item.record());
        item.request(request);
        try {
            item.contentHash(RecordKeys.contentHash(request));
        } catch (java.io.UncheckedIOException unreadable) {
            // An attachment the bridge may not read: a bad record, found before any request (never "maybe sent").
            throw new InvalidRecordException("attachment_not_readable", "Attachment not readable",
                    ReadProblems.plain(unreadable) + " (" + unreadable.getMessage() + ")");
        }
        if (item.key() == null) {
            String externalId = RecordKeys.externalId(item.record());
            item.key(externalId != null ? externalId : item.contentHash());
        }
    }

    public ChatRequest map(JsonNode record) {
        if (record == null || !record.isObject()) {
            throw new InvalidRecordException("invalid_record", "Record is not an object",
                    "a record must be a JSON object with account_id and attendees_ids");
        }
        rejectUnknown(record, RECORD_FIELDS, "");
        RecordLimits.check(record);
        String externalId = text(record, ChatField.EXTERNAL_ID);
        if (externalId != null && externalId.trim().length() > RecordKeys.MAX_EXTERNAL_ID) {
            throw invalidValue("external_id is longer than " + RecordKeys.MAX_EXTERNAL_ID + " characters");
        }
        Map<String, String> variables = variables(record.get("variables"));
        List<FormPart> parts = new ArrayList<>();

        String accountId = text(record, ChatField.ACCOUNT_ID);
        if (accountId == null) {
            throw new InvalidRecordException("missing_field", "Missing required field",
                    "account_id is required: the id of the connected account that sends the message");
        }
        parts.add(FormPart.text(ChatField.ACCOUNT_ID.formName(), accountId));

        List<String> attendees = texts(record, ChatField.ATTENDEES_IDS);
        if (attendees.isEmpty()) {
            throw new InvalidRecordException("missing_field", "Missing required field",
                    "attendees_ids is required: at least one provider id of the person to write to");
        }
        attendees.forEach(id -> parts.add(FormPart.text(ChatField.ATTENDEES_IDS.formName(), id)));

        String text = TemplateRenderer.render("text", text(record, ChatField.TEXT), variables);
        RecordLimits.checkSent(ChatField.TEXT, text);
        addText(parts, ChatField.TEXT.formName(), text);
        String subject = TemplateRenderer.render("subject", text(record, ChatField.SUBJECT), variables);
        RecordLimits.checkSent(ChatField.SUBJECT, subject);
        addText(parts, ChatField.SUBJECT.formName(), subject);
        List<String> files = texts(record, ChatField.ATTACHMENTS);
        files.forEach(name -> parts.add(FormPart.file(ChatField.ATTACHMENTS.formName(), attachments.resolve("attachments", name))));
        String voice = text(record, ChatField.VOICE_MESSAGE);
        if (voice != null) {
            parts.add(FormPart.file(ChatField.VOICE_MESSAGE.formName(), attachments.resolve("voice_message", voice)));
        }
        String video = text(record, ChatField.VIDEO_MESSAGE);
        if (video != null) {
            parts.add(FormPart.file(ChatField.VIDEO_MESSAGE.formName(), attachments.resolve("video_message", video)));
        }
        if (isBlank(text) && files.isEmpty() && voice == null && video == null) {
            throw new InvalidRecordException("nothing_to_send", "Nothing to send",
                    "the record has no text, attachments, voice_message or video_message");
        }

        JsonNode linkedin = record.get("linkedin");
        if (linkedin != null && !linkedin.isNull()) {
            linkedin(linkedin, variables, parts);
        }
        return new ChatRequest(accountId, List.copyOf(parts));
    }

    private void linkedin(JsonNode linkedin, Map<String, String> variables, List<FormPart> parts) {
        if (!linkedin.isObject()) {
            throw invalidValue("linkedin must be an object, like {\"api\": \"classic\", \"inmail\": true}");
        }
        String api = oneOf(linkedin, "api", ChatField.LINKEDIN_API.column(), APIS);
        String chosen = api == null ? "classic" : api;
        Set<String> allowed = new java.util.HashSet<>(Set.of("api"));
        allowed.addAll(CLASSIC_OPTIONS);
        allowed.addAll(RECRUITER_OPTIONS);
        rejectUnknown(linkedin, allowed, "linkedin");
        List<String> belonging = switch (chosen) {
            case "classic" -> CLASSIC_OPTIONS;
            case "recruiter" -> RECRUITER_OPTIONS;
            default -> List.of();
        };
        for (Iterator<String> names = linkedin.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!name.equals("api") && !linkedin.get(name).isNull() && !belonging.contains(name)) {
                throw new InvalidRecordException("option_not_allowed", "Option of another LinkedIn API",
                        "linkedin[" + name + "] is a " + (CLASSIC_OPTIONS.contains(name) ? "classic" : "recruiter")
                                + " option and cannot be sent with linkedin[api]=" + chosen);
            }
        }
        if (api != null) {
            parts.add(FormPart.text(ChatField.LINKEDIN_API.formName(), api));
        }
        // The options, in the order of the form (ChatField's order); which API they belong to was checked above.
        for (ChatField option : ChatField.values()) {
            if (option.api() != Api.ANY && option.path().size() == 2) {
                String name = option.fieldName();
                String at = option.column();
                addText(parts, option.formName(), switch (option.kind()) {
                    case ONE_OF -> oneOf(linkedin, name, at, option.allowed());
                    case BOOLEAN -> bool(linkedin, name, at);
                    default -> text(linkedin, name, at);
                });
            }
        }
        JsonNode followUp = linkedin.get("follow_up");
        if (followUp != null && !followUp.isNull()) {
            followUp(followUp, variables, parts);
        }
    }

    private void followUp(JsonNode followUp, Map<String, String> variables, List<FormPart> parts) {
        String at = "linkedin[follow_up]";
        if (!followUp.isObject()) {
            throw invalidValue(at + " must be an object with subject, text and scheduled_time");
        }
        rejectUnknown(followUp, FOLLOW_UP_FIELDS, at);
        String subject = TemplateRenderer.render(at + "[subject]", text(followUp, "subject", at + "[subject]"), variables);
        String text = TemplateRenderer.render(at + "[text]", text(followUp, "text", at + "[text]"), variables);
        RecordLimits.checkSent(ChatField.FOLLOW_UP_SUBJECT, subject);
        RecordLimits.checkSent(ChatField.FOLLOW_UP_TEXT, text);
        if (isBlank(subject) || isBlank(text)) {
            throw invalidFollowUp(at + " needs both " + at + "[subject] and " + at + "[text]");
        }
        parts.add(FormPart.text(ChatField.FOLLOW_UP_SUBJECT.formName(), subject));
        parts.add(FormPart.text(ChatField.FOLLOW_UP_TEXT.formName(), text));
        for (String name : texts(followUp, "attachments", at + "[attachments]")) {
            parts.add(FormPart.file(ChatField.FOLLOW_UP_ATTACHMENTS.formName(), attachments.resolve(at + "[attachments]", name)));
        }
        JsonNode scheduled = followUp.get("scheduled_time");
        String when = at + "[scheduled_time]";
        if (scheduled == null || scheduled.isNull()) {
            throw invalidFollowUp(at + " needs " + when + " with days or weeks, and a timezone");
        }
        if (!scheduled.isObject()) {
            throw invalidValue(when + " must be an object like {\"days\": 3, \"timezone\": \"Europe/Paris\"}");
        }
        rejectUnknown(scheduled, SCHEDULED_TIME_FIELDS, when);
        String days = positiveInteger(scheduled, "days", when + "[days]");
        String weeks = positiveInteger(scheduled, "weeks", when + "[weeks]");
        if ((days == null) == (weeks == null)) {
            throw invalidFollowUp(when + " needs exactly one of " + when + "[days] or " + when + "[weeks]"
                    + (days == null ? ", none is given" : ", not both"));
        }
        String zone = text(scheduled, "timezone", when + "[timezone]");
        if (zone == null) {
            throw invalidFollowUp(when + "[timezone] is required, an IANA time zone like Europe/Paris");
        }
        if (!ZoneId.getAvailableZoneIds().contains(zone)) {
            throw new InvalidRecordException("unknown_time_zone", "Unknown time zone",
                    when + "[timezone] \"" + zone + "\" is not an IANA time zone (like Europe/Paris or America/New_York)");
        }
        if (days != null) {
            parts.add(FormPart.text(ChatField.FOLLOW_UP_DAYS.formName(), days));
        } else {
            parts.add(FormPart.text(ChatField.FOLLOW_UP_WEEKS.formName(), weeks));
        }
        parts.add(FormPart.text(ChatField.FOLLOW_UP_TIMEZONE.formName(), zone));
    }

    private static Map<String, String> variables(JsonNode variables) {
        Map<String, String> values = new HashMap<>();
        if (variables == null || variables.isNull()) {
            return values;
        }
        if (!variables.isObject()) {
            throw invalidValue("variables must be an object of names to values, like {\"first_name\": \"Ada\"}");
        }
        variables.fields().forEachRemaining(entry -> {
            JsonNode value = entry.getValue();
            if (value.isContainerNode()) {
                throw invalidValue("variables." + entry.getKey() + " must be a text or a number");
            }
            if (!value.isNull() && !value.asText().isEmpty()) {
                values.put(entry.getKey(), value.asText());
            }
        });
        return values;
    }

    private static void rejectUnknown(JsonNode object, Set<String> known, String at) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!known.contains(name)) {
                String where = at.isEmpty() ? name : at + "[" + name + "]";
                throw new InvalidRecordException("unknown_field", "Unknown field",
                        where + " is not a field of a chat; known here: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    /** A field of the record itself (not under {@code linkedin}), named in errors by its column. */
    private static String text(JsonNode record, ChatField field) {
        return text(record, field.fieldName(), field.column());
    }

    private static List<String> texts(JsonNode record, ChatField field) {
        return texts(record, field.fieldName(), field.column());
    }

    /** A text value; blank counts as absent. Numbers are taken as their text (ids often come as numbers). */
    private static String text(JsonNode object, String field, String path) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isContainerNode() || value.isBoolean()) {
            throw invalidValue(path + " must be a text");
        }
        String text = value.asText();
        return isBlank(text) ? null : text;
    }

    /** An array of texts, or a single text taken as a list of one. */
    private static List<String> texts(JsonNode object, String field, String path) {
        JsonNode value = object.get(field);
        List<String> values = new ArrayList<>();
        if (value == null || value.isNull()) {
            return values;
        }
        if (!value.isArray()) {
            String one = text(object, field, path);
            if (one != null) {
                values.add(one.trim());
            }
            return values;
        }
        for (JsonNode element : value) {
            if (element.isContainerNode() || element.isBoolean() || element.isNull()) {
                throw invalidValue(path + " must be a list of texts");
            }
            if (!isBlank(element.asText())) {
                values.add(element.asText().trim());
            }
        }
        return values;
    }

    private static String oneOf(JsonNode object, String field, String path, List<String> allowed) {
        String value = text(object, field, path);
        if (value != null && !allowed.contains(value)) {
            throw invalidValue(path + " is \"" + value + "\"; allowed: " + String.join(", ", allowed));
        }
        return value;
    }

    private static String bool(JsonNode object, String field, String path) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isBoolean()) {
            return String.valueOf(value.booleanValue());
        }
        String text = value.asText().trim().toLowerCase(java.util.Locale.ROOT);
        if (text.isEmpty()) {
            return null;
        }
        if (!text.equals("true") && !text.equals("false")) {
            throw invalidValue(path + " is \"" + value.asText() + "\"; allowed: true, false");
        }
        return text;
    }

    private static String positiveInteger(JsonNode object, String field, String path) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull() || (value.isTextual() && value.asText().isBlank())) {
            return null;
        }
        String text = value.asText().trim();
        if (!text.matches("[0-9]{1,6}") || Integer.parseInt(text) < 1) {
            throw invalidValue(path + " is \"" + text + "\"; it must be a whole number of at least 1");
        }
        return String.valueOf(Integer.parseInt(text));
    }

    private static void addText(List<FormPart> parts, String name, String value) {
        if (!isBlank(value)) {
            parts.add(FormPart.text(name, value));
        }
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }

    private static InvalidRecordException invalidValue(String detail) {
        return new InvalidRecordException("invalid_value", "Invalid value", detail);
    }

    private static InvalidRecordException invalidFollowUp(String detail) {
        return new InvalidRecordException("invalid_follow_up", "Incomplete follow-up", detail);
    }
}
