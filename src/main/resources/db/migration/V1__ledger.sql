-- One row per record key (external_id, or a hash of what would be sent): the ledger that makes sure no record is
-- ever sent twice. Times are epoch milliseconds. SQL kept to what H2 and PostgreSQL both take.
CREATE TABLE outreach_record (
    record_key        VARCHAR(255)     NOT NULL PRIMARY KEY,
    -- QUEUED: accepted from a webhook, waiting to be sent; SENDING: claimed, a request may be on its way; SENT;
    -- RETRY: waiting in retry/; QUARANTINED
    state             VARCHAR(16)      NOT NULL,
    attempts          INTEGER          NOT NULL,
    first_seen_at     BIGINT           NOT NULL,
    updated_at        BIGINT           NOT NULL,
    next_attempt_at   BIGINT,
    -- quarantined because no answer came: only a person (dropping the quarantine file back) may release it
    in_doubt          BOOLEAN          NOT NULL,
    -- what the record would send; a quarantined record comes back only changed (or by its quarantine file)
    content_hash      VARCHAR(80)      NOT NULL,
    chat_id           VARCHAR(255),
    message_id        VARCHAR(255),
    CONSTRAINT outreach_record_state CHECK (state IN ('QUEUED', 'SENDING', 'SENT', 'RETRY', 'QUARANTINED'))
);

CREATE INDEX outreach_record_due ON outreach_record (state, next_attempt_at);

-- The documents of records in progress, kept apart so that the ledger rows stay small: a row lives from the claim
-- (or the webhook delivery) until the outcome is in its folder, and is what start-up repairs after a crash.
CREATE TABLE outreach_work (
    record_key        VARCHAR(255)     NOT NULL PRIMARY KEY,
    -- which outcome of the key the row holds: a written outcome is cleared only if no newer one replaced it
    version           BIGINT           NOT NULL,
    -- the item while it is queued or being sent: what a queued webhook record is sent from, and what is quarantined
    -- as in doubt when the process died during its request
    item              VARCHAR(1000000),
    -- the outcome decided but not yet in its folder, written again after a crash
    unwritten_outcome VARCHAR(1000000)
);

-- Answers given to webhook deliveries that carried a delivery id: the same delivery gets the same answer again.
CREATE TABLE webhook_delivery (
    source            VARCHAR(100)     NOT NULL,
    delivery_id       VARCHAR(255)     NOT NULL,
    received_at       BIGINT           NOT NULL,
    answer            VARCHAR(1000000) NOT NULL,
    PRIMARY KEY (source, delivery_id)
);
