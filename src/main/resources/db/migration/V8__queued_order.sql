-- The dispatch of webhook records reads the oldest queued ones, a batch at a time: in this index's order it reads only
-- the batch, where it read and sorted every queued record before (a burst of deliveries while sending waits, a pause
-- of all sending, makes that backlog large).
CREATE INDEX outreach_record_queued ON outreach_record (state, first_seen_at, record_key);
