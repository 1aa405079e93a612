package com.postpressbridge.record;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

import com.postpressbridge.ledger.Ledger;

/**
 * One record on its way through {@code send-chat}: what was read, where from, and what happened to it so far.
 */
public final class OutreachItem {

    private final RecordSource source;
    private final JsonNode record;
    private final String raw;
    private final OutreachError readError;
    private final boolean redropped;
    private final FileRun fileRun;
    private JsonNode payload;

    private String key;
    private int attempts;
    private Instant firstSeenAt;
    /** When it left scheduled/, if it waited there: its age (outreach.retry.max-age) counts from then. */
    private Instant ageFrom;
    private Ledger.State waitingIn;
    private ChatRequest request;
    private String contentHash;
    /** Its place in the order records were read in ({@link ReadOrder}). */
    private long order = ReadOrder.next();
    /** The account it waits under in its file run until it is past its pacing; null once it is (or for none). */
    private String unpacedAccount;
    /** The pauses (their scopes) this record was let through as the probe of. */
    private final java.util.Set<String> probing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private OutreachItem(RecordSource source, JsonNode record, String raw, OutreachError readError, boolean redropped,
            FileRun fileRun) {
        this.source = source;
        this.record = record;
        this.raw = raw;
        this.readError = readError;
        this.redropped = redropped;
        this.fileRun = fileRun;
        if (fileRun != null) {
            unpacedAccount = accountId();
            if (unpacedAccount != null) {
                fileRun.unpaced(unpacedAccount, order);
            }
        }
    }

    /** Past its account's pacing (or gone before it): its file's later records of the account no longer wait for it. */
    public void paced() {
        if (unpacedAccount != null) {
            fileRun.paced(unpacedAccount, order);
            unpacedAccount = null;
        }
    }

    /** How many records of its file and account read before it are not past their pacing yet (it goes after them). */
    public int unpacedAhead() {
        return unpacedAccount == null ? 0 : fileRun.unpacedBefore(unpacedAccount, order);
    }

    public static OutreachItem of(RecordSource source, JsonNode record, FileRun fileRun) {
        return new OutreachItem(source, record, null, null, false, fileRun);
    }

    /** A quarantine file dropped back in the inbox: a person looked at it, so an in-doubt key may go again. */
    public static OutreachItem redropped(RecordSource source, JsonNode record, FileRun fileRun) {
        return new OutreachItem(source, record, null, null, true, fileRun);
    }

    /** A row that could not be read; kept as text so a person can fix it. */
    public static OutreachItem unreadable(RecordSource source, JsonNode partialRecord, String raw, OutreachError error,
            FileRun fileRun) {
        return new OutreachItem(source, partialRecord, raw, error, false, fileRun);
    }

    /** A record of a webhook delivery; a mapped CRM source keeps its original payload for the quarantine file. */
    public static OutreachItem webhook(RecordSource source, JsonNode record, JsonNode payload) {
        OutreachItem item = new OutreachItem(source, record, null, null, false, null);
        item.payload = payload;
        return item;
    }

    /** A record that waits to be sent: read back from the retry folder, or a webhook record queued in the ledger. */
    public static OutreachItem waiting(Ledger.State in, String key, RecordSource source, JsonNode record, int attempts,
            Instant firstSeenAt, Long order) {
        OutreachItem item = new OutreachItem(source, record, null, null, false, null);
        if (order != null) {
            item.order = order;
        }
        item.key = key;
        item.attempts = attempts;
        item.firstSeenAt = firstSeenAt;
        item.waitingIn = in;
        return item;
    }

    public RecordSource source() {
        return source;
    }

    public JsonNode record() {
        return record;
    }

    public String raw() {
        return raw;
    }

    public OutreachError readError() {
        return readError;
    }

    public boolean redropped() {
        return redropped;
    }

    public FileRun fileRun() {
        return fileRun;
    }

    public String key() {
        return key;
    }

    public void key(String key) {
        this.key = key;
    }

    public int attempts() {
        return attempts;
    }

    public void attempts(int attempts) {
        this.attempts = attempts;
    }

    public Instant firstSeenAt() {
        return firstSeenAt;
    }

    public void firstSeenAt(Instant firstSeenAt) {
        this.firstSeenAt = firstSeenAt;
    }

    /**
     * When its age starts (what {@code outreach.retry.max-age} limits): when it was first seen, or when it left
     * scheduled/ — waiting for its account's turn does not age a record.
     */
    public Instant ageFrom() {
        return ageFrom != null ? ageFrom : firstSeenAt;
    }

    /** It left scheduled/ (or its documents say when it did): its age counts from then. */
    public void ageFrom(Instant at) {
        this.ageFrom = at;
    }

    /** When it left scheduled/, or null when it never waited there. */
    public Instant leftScheduleAt() {
        return ageFrom;
    }

    /** The order it was read in, among all records: an account's records go out in this order when paced. */
    public long order() {
        return order;
    }

    /** {@code RETRY}, {@code SCHEDULED} or {@code QUEUED} for a record that waited to be sent; null for one read now. */
    public Ledger.State waitingIn() {
        return waitingIn;
    }

    /** The CRM's own payload the record was mapped from, or null. */
    public JsonNode payload() {
        return payload;
    }

    public ChatRequest request() {
        return request;
    }

    public void request(ChatRequest request) {
        this.request = request;
    }

    /** What the request would send, hashed: tells a fixed record from the same one read again. */
    public String contentHash() {
        return contentHash;
    }

    public void contentHash(String contentHash) {
        this.contentHash = contentHash;
    }

    /** The scopes of the pauses this record probes: its answer ends them or hands them on. */
    public java.util.Set<String> probing() {
        return probing;
    }

    /** The sending account, even for a record that failed validation, when it names one. */
    public String accountId() {
        if (request != null) {
            return request.accountId();
        }
        JsonNode account = record == null ? null : record.get(ChatField.ACCOUNT_ID.fieldName());
        return account != null && account.isTextual() ? account.asText() : null;
    }

    @Override
    public String toString() {
        return source.toJson() + (key == null ? "" : " key " + key);
    }
}
