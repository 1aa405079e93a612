-- When a record being sent was told by its account's pacing to wait (epoch ms), until its outcome takes it to
-- SCHEDULED: the account's records paced after it in the meantime count it as scheduled then, so that each says a
-- later time than the one before it. NULL once the record's state changes.
ALTER TABLE outreach_record ADD COLUMN paced_until BIGINT;
