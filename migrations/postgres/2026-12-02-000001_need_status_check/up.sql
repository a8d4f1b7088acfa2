-- needs.status holds one of the need lifecycle's codes (domain::need::NeedStatus),
-- like every other status column. (SQLite cannot add a CHECK to an existing
-- table: its migration refuses an unknown code with two triggers.)
ALTER TABLE needs ADD CONSTRAINT needs_status_check
    CHECK (status IN ('draft', 'open', 'awaiting_choice', 'matched', 'granted', 'declined', 'expired', 'cancelled'));
