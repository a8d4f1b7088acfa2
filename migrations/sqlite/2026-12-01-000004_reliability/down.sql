ALTER TABLE import_batches DROP COLUMN recomputed_at;
ALTER TABLE import_batches DROP COLUMN lease_until;
DROP INDEX jobs_kind_due;
ALTER TABLE jobs DROP COLUMN retry_until;
