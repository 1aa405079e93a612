-- The states a record may be in, as a table the state column refers to, instead of the CHECK (state IN (...)) of V1.
-- H2 binds such a check to the session that parsed it: once that connection was closed (a pool retiring it, or a
-- second app boot on the same in-memory database), every insert of a record failed as "database has been closed".
CREATE TABLE record_state (
    state             VARCHAR(16)      NOT NULL PRIMARY KEY
);

INSERT INTO record_state (state) VALUES ('QUEUED'), ('SENDING'), ('SENT'), ('RETRY'), ('QUARANTINED');

ALTER TABLE outreach_record DROP CONSTRAINT outreach_record_state;

ALTER TABLE outreach_record ADD CONSTRAINT outreach_record_state FOREIGN KEY (state) REFERENCES record_state (state);
