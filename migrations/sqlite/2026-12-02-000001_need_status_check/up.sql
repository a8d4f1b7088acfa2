-- needs.status holds one of the need lifecycle's codes (domain::need::NeedStatus),
-- like every other status column. SQLite cannot add a CHECK to an existing
-- table, and rebuilding `needs` means dropping the table that offers point
-- at inside the migration's transaction (where foreign keys cannot be
-- switched off): too risky. Two triggers refuse an unknown code on insert
-- and on update instead (the PostgreSQL migration adds the CHECK).
CREATE TRIGGER needs_status_check_insert BEFORE INSERT ON needs
WHEN NEW.status NOT IN ('draft', 'open', 'awaiting_choice', 'matched', 'granted', 'declined', 'expired', 'cancelled')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: needs_status_check');
END;

CREATE TRIGGER needs_status_check_update BEFORE UPDATE OF status ON needs
WHEN NEW.status NOT IN ('draft', 'open', 'awaiting_choice', 'matched', 'granted', 'declined', 'expired', 'cancelled')
BEGIN
    SELECT RAISE(ABORT, 'CHECK constraint failed: needs_status_check');
END;
