-- Pacing of sender accounts (outreach.pacing.*): one row per account that has sent, shared by every process on the
-- ledger and changed only under its row lock, so that no two processes take one slot or go over a cap. day_key and
-- week_key (the week's Monday) name what sent_today and sent_week count, in the account's time zone; times are epoch
-- milliseconds; sending_until holds the next slot while a request of the account may still be on its way (0: none);
-- allowance is the share of the caps the account may use (below 1 after postpress said it sent too much).
CREATE TABLE account_pace (
    account_id        VARCHAR(255)     NOT NULL PRIMARY KEY,
    day_key           VARCHAR(10)      NOT NULL,
    sent_today        INTEGER          NOT NULL,
    week_key          VARCHAR(10)      NOT NULL,
    sent_week         INTEGER          NOT NULL,
    next_slot_at      BIGINT           NOT NULL,
    blocked_until     BIGINT           NOT NULL,
    sending_until     BIGINT           NOT NULL,
    allowance         DOUBLE PRECISION NOT NULL
);

-- SCHEDULED: waiting in scheduled/ for its account's next free slot (not an error, not a retry).
INSERT INTO record_state (state) VALUES ('SCHEDULED');

-- For a scheduled record: its account, and its place in the account's order (the order records were read in), so that
-- an account's records go out in that order.
ALTER TABLE outreach_record ADD COLUMN account_id VARCHAR(255);
ALTER TABLE outreach_record ADD COLUMN pace_order BIGINT;

CREATE INDEX outreach_record_scheduled ON outreach_record (state, account_id, pace_order);
