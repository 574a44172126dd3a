-- Which silo holds a live call's media. When a silo dies, the survivors' lost-call sweep finds its calls
-- here (a live call's row names its silo; a finished call's row names none) and wakes each of them, so
-- the record says "lost with silo" instead of staying "queued" or "talking" forever.
ALTER TABLE call_records ADD COLUMN silo text NULL;

CREATE INDEX call_records_live_silo_idx ON call_records (silo) WHERE silo IS NOT NULL;
