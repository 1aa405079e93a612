-- Pauses of sending: one row per paused account, and one with scope '*' while postpress refuses the API key (all
-- sending stopped). Kept in the ledger so that every instance, and the next start, sees the same pause, and so that
-- the record probing a pause that has ended is known to all. Times are epoch milliseconds.
CREATE TABLE sending_hold (
    scope             VARCHAR(255)     NOT NULL PRIMARY KEY,
    until_at          BIGINT           NOT NULL,
    -- the error that caused the pause, as its JSON
    reason            VARCHAR(4000)    NOT NULL,
    -- the key of the record let through once the pause ended: the others wait for its answer
    probe_key         VARCHAR(255),
    updated_at        BIGINT           NOT NULL
);

-- Facts about the ledger itself: 'rebuild' is 'started' while the ledger is being rebuilt from the outcome folders
-- after it was lost, and 'done' once it is (a start that finds 'started' rebuilds again: the rebuild was cut short).
CREATE TABLE ledger_fact (
    name              VARCHAR(100)     NOT NULL PRIMARY KEY,
    fact              VARCHAR(1000)    NOT NULL
);
