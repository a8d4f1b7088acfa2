ALTER TABLE needs DROP CONSTRAINT needs_status_check;
