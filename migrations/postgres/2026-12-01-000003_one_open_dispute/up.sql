-- At most one open dispute per record: a second quick submit cannot open a
-- second one. Open duplicates can only come from such double submits (the
-- form refused a second dispute otherwise), so the later copies are removed,
-- keeping the first, before the index is built.
DELETE FROM disputes
WHERE status = 'open'
  AND EXISTS (
    SELECT 1 FROM disputes AS first
    WHERE first.status = 'open'
      AND first.record_kind = disputes.record_kind
      AND first.record_id = disputes.record_id
      AND first.id < disputes.id
  );
CREATE UNIQUE INDEX disputes_one_open ON disputes (record_kind, record_id) WHERE status = 'open';
