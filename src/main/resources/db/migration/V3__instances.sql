-- The bridge processes sharing this ledger (several replicas on one PostgreSQL; one process on embedded H2). Each
-- keeps its row fresh (seen_at, epoch milliseconds); one not seen for outreach.instance.lease is dead: another takes
-- over what it held (its records in flight are in doubt, its outcomes not yet written are written) and then its row
-- is deleted, which frees its inbox files.
CREATE TABLE bridge_instance (
    instance_id       VARCHAR(255)     NOT NULL PRIMARY KEY,
    started_at        BIGINT           NOT NULL,
    seen_at           BIGINT           NOT NULL
);

-- Which process reads an inbox file: one at a time. Deleted when the file is archived, quarantined or left for later.
CREATE TABLE inbox_file (
    name              VARCHAR(1000)    NOT NULL PRIMARY KEY,
    held_by           VARCHAR(255)     NOT NULL,
    taken_at          BIGINT           NOT NULL
);

-- The process that claimed a record (and projects its outcome): only its own, or a dead one's, are recovered.
ALTER TABLE outreach_record ADD COLUMN held_by VARCHAR(255);
