-- Reminders already sent (24 h before a deadline), so that several worker
-- instances send each one once: the primary key decides who sends.
CREATE TABLE reminders (
    object TEXT NOT NULL,
    kind TEXT NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (object, kind)
);
-- The clock's sweeps: offers by status and each due time.
CREATE INDEX offers_valid_until ON offers (status, valid_until);
CREATE INDEX offers_contact_due ON offers (status, contact_due);
CREATE INDEX needs_republished_from ON needs (republished_from);
-- The hall's sorts other than by deadline (needs_open serves that one).
CREATE INDEX needs_by_amount ON needs (status, amount_fen DESC, id);
CREATE INDEX needs_by_newest ON needs (status, published_at DESC, id DESC);
-- The date an approved line was granted.
ALTER TABLE offers ADD COLUMN approved_on DATE;
