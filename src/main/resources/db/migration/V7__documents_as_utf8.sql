-- The documents of outreach_work (the item a record is sent from, the outcome not yet in its folder) are kept as
-- their UTF-8 bytes: H2 writes a string column character by character every time it writes the row's page, and
-- with a document per record in flight that was about a quarter of the bridge's CPU (README, Benchmarks). The
-- conversion of the rows already there differs between the two databases (placeholders in application.properties):
-- CAST(x AS BYTEA) on H2, convert_to(x, 'UTF8') on PostgreSQL.
ALTER TABLE outreach_work ALTER COLUMN item TYPE BYTEA USING ${utf8_open}item ${utf8_close};
ALTER TABLE outreach_work ALTER COLUMN unwritten_outcome TYPE BYTEA USING ${utf8_open}unwritten_outcome ${utf8_close};
