package com.postpressbridge.record;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every field of a record, written once, in the order of the form fields postpress receives: the CSV column table,
 * the JSON shape, the limits, validation and the multipart mapping are all read from here (postpress-api.md, "Start a
 * new chat"). A field's JSON path is its name with dots ({@code linkedin.follow_up.text}); its CSV column and form
 * field name are the bracket form ({@code linkedin[follow_up][text]}, lists with {@code []} on the form).
 */
public enum ChatField {

    ACCOUNT_ID("account_id", Kind.TEXT, Api.ANY, RecordLimits.MAX_ID),
    ATTENDEES_IDS("attendees_ids", Kind.LIST, Api.ANY),
    TEXT("text", Kind.TEMPLATE, Api.ANY, RecordLimits.MAX_TEXT),
    SUBJECT("subject", Kind.TEMPLATE, Api.ANY, RecordLimits.MAX_SUBJECT),
    ATTACHMENTS("attachments", Kind.FILES, Api.ANY),
    VOICE_MESSAGE("voice_message", Kind.FILE, Api.ANY),
    VIDEO_MESSAGE("video_message", Kind.FILE, Api.ANY),
    LINKEDIN_API("linkedin.api", Kind.ONE_OF, Api.ANY, "classic", "recruiter", "sales_navigator"),
    TOPIC("linkedin.topic", Kind.ONE_OF, Api.CLASSIC, "service_request", "request_demo", "support", "careers", "other"),
    APPLICANT_ID("linkedin.applicant_id", Kind.TEXT, Api.CLASSIC),
    INVITATION_ID("linkedin.invitation_id", Kind.TEXT, Api.CLASSIC),
    INMAIL("linkedin.inmail", Kind.BOOLEAN, Api.CLASSIC),
    SIGNATURE("linkedin.signature", Kind.TEXT, Api.RECRUITER),
    HIRING_PROJECT_ID("linkedin.hiring_project_id", Kind.TEXT, Api.RECRUITER),
    JOB_POSTING_ID("linkedin.job_posting_id", Kind.TEXT, Api.RECRUITER),
    SOURCING_CHANNEL("linkedin.sourcing_channel", Kind.ONE_OF, Api.RECRUITER, "JOB_POSTING_RECOMMENDED_MATCHES",
            "JOB_POSTING", "REFERRAL", "INTERNAL_CANDIDATES", "AUTOMATED_SOURCING", "RECRUITER_SEARCH", "CAREER_SITE"),
    EMAIL_ADDRESS("linkedin.email_address", Kind.TEXT, Api.RECRUITER),
    VISIBILITY("linkedin.visibility", Kind.ONE_OF, Api.RECRUITER, "PUBLIC", "PRIVATE", "PROJECT"),
    FOLLOW_UP_SUBJECT("linkedin.follow_up.subject", Kind.TEMPLATE, Api.RECRUITER, RecordLimits.MAX_SUBJECT),
    FOLLOW_UP_TEXT("linkedin.follow_up.text", Kind.TEMPLATE, Api.RECRUITER, RecordLimits.MAX_TEXT),
    FOLLOW_UP_ATTACHMENTS("linkedin.follow_up.attachments", Kind.FILES, Api.RECRUITER),
    FOLLOW_UP_DAYS("linkedin.follow_up.scheduled_time.days", Kind.NUMBER, Api.RECRUITER),
    FOLLOW_UP_WEEKS("linkedin.follow_up.scheduled_time.weeks", Kind.NUMBER, Api.RECRUITER),
    FOLLOW_UP_TIMEZONE("linkedin.follow_up.scheduled_time.timezone", Kind.TEXT, Api.RECRUITER),
    /** The record's identity in the ledger; not sent. */
    EXTERNAL_ID("external_id", Kind.TEXT, Api.ANY);

    /** What a value of the field is. */
    public enum Kind {
        /** A text sent as it is. */
        TEXT,
        /** A text in which {@code {{variables}}} are filled. */
        TEMPLATE,
        /** One or more texts ({@code ; | ,} or white space between them in a CSV cell). */
        LIST,
        /** A file name in the attachments folder. */
        FILE,
        /** File names in the attachments folder. */
        FILES,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** A whole number of at least 1. */
        NUMBER,
        /** One of a list of values. */
        ONE_OF;

        public boolean isList() {
            return this == LIST || this == FILES;
        }
    }

    /** Which {@code linkedin[api]} an option belongs to. */
    public enum Api {
        ANY,
        CLASSIC,
        RECRUITER
    }

    /** The fields every record must have: who sends, and to whom. */
    public static final List<ChatField> REQUIRED = List.of(ACCOUNT_ID, ATTENDEES_IDS);

    /** The object that holds a record's template variables (not a form field). */
    public static final String VARIABLES = "variables";

    /** The fields by their bracket-form column, for a look-up per value of every record. */
    private static final java.util.Map<String, ChatField> BY_COLUMN = Arrays.stream(values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(ChatField::column, field -> field));

    private final List<String> path;
    private final String column;
    private final Kind kind;
    private final Api api;
    private final int limit;
    private final List<String> values;

    ChatField(String path, Kind kind, Api api, String... values) {
        this(path, kind, api, RecordLimits.MAX_VALUE, values);
    }

    ChatField(String path, Kind kind, Api api, int limit, String... values) {
        this.path = List.of(path.split("\\."));
        StringBuilder brackets = new StringBuilder(this.path.get(0));
        this.path.subList(1, this.path.size()).forEach(name -> brackets.append('[').append(name).append(']'));
        this.column = brackets.toString();
        this.kind = kind;
        this.api = api;
        this.limit = limit;
        this.values = List.of(values);
    }

    /** The names from the record down to the field: {@code [linkedin, follow_up, text]}. */
    public List<String> path() {
        return path;
    }

    /** The last name of the path: the field's name in its JSON object. */
    public String fieldName() {
        return path.get(path.size() - 1);
    }

    /** The CSV column, the bracket form: {@code linkedin[follow_up][text]}. */
    public String column() {
        return column;
    }

    /** The form field postpress receives: the column, with {@code []} for a list. */
    public String formName() {
        return column() + (kind.isList() ? "[]" : "");
    }

    public Kind kind() {
        return kind;
    }

    public Api api() {
        return api;
    }

    /** The most characters a value may hold. */
    public int limit() {
        return limit;
    }

    /** The values allowed, for a {@link Kind#ONE_OF} field. */
    public List<String> allowed() {
        return values;
    }

    /** The field of a bracket-form column, if it is one. */
    public static Optional<ChatField> ofColumn(String column) {
        return Optional.ofNullable(BY_COLUMN.get(column));
    }

    /** The names allowed inside the object at {@code parent} ({@code ""} for the record itself). */
    public static List<String> namesUnder(String parent) {
        List<String> prefix = parent.isEmpty() ? List.of() : List.of(parent.split("\\."));
        return Arrays.stream(values()).map(ChatField::path)
                .filter(path -> path.size() > prefix.size() && path.subList(0, prefix.size()).equals(prefix))
                .map(path -> path.get(prefix.size())).distinct().toList();
    }

    /** The LinkedIn options of an API: the names under {@code linkedin} that belong to it. */
    public static List<String> optionsOf(Api api) {
        return Arrays.stream(values()).filter(field -> field.api == api && field.path().get(0).equals("linkedin"))
                .map(field -> field.path().get(1)).distinct().toList();
    }
}
