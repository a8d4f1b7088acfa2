-- Mail retries until a time instead of a number of attempts (NULL: no time limit).
ALTER TABLE jobs ADD COLUMN retry_until TIMESTAMP;
CREATE INDEX jobs_kind_due ON jobs (kind, finished_at, run_at);

-- A running import (or upload) holds a lease it renews while it makes progress;
-- a batch whose lease lapsed was abandoned by a killed process.
ALTER TABLE import_batches ADD COLUMN lease_until TIMESTAMP;
-- When the evaluations of the enterprises the batch touched were recomputed.
ALTER TABLE import_batches ADD COLUMN recomputed_at TIMESTAMP;
UPDATE import_batches SET recomputed_at = finished_at WHERE status = 'done';
