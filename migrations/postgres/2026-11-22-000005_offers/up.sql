-- Offers (报价): one institution's answer to a need, at most one per
-- institution and never more than the need's slots; the winning bank's
-- credit decision; the holidays working-day deadlines skip.
CREATE TABLE offers (
    id BIGSERIAL PRIMARY KEY,
    need_id BIGINT NOT NULL REFERENCES needs (id),
    institution_id BIGINT NOT NULL REFERENCES institutions (id),
    officer_id BIGINT NOT NULL REFERENCES users (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    rate BIGINT NOT NULL CHECK (rate > 0),
    term_months INTEGER NOT NULL CHECK (term_months BETWEEN 1 AND 360),
    guarantee TEXT NOT NULL,
    conditions TEXT NOT NULL,
    valid_until TIMESTAMP NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'accepted', 'not_selected', 'lapsed', 'released', 'withdrawn')),
    contact_due TIMESTAMP NOT NULL,
    contacted_at TIMESTAMP,
    decision TEXT CHECK (decision IN ('approved', 'declined')),
    decision_due TIMESTAMP,
    decided_at TIMESTAMP,
    approved_amount_fen BIGINT,
    approved_rate BIGINT,
    approved_term_months INTEGER,
    decline_reason TEXT,
    decision_note TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (need_id, institution_id)
);
CREATE INDEX offers_need ON offers (need_id, status);
CREATE INDEX offers_institution ON offers (institution_id, status);

ALTER TABLE needs ADD COLUMN accepted_offer_id BIGINT;
ALTER TABLE needs ADD COLUMN overdue BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE needs ADD COLUMN republished_from BIGINT;

CREATE TABLE holidays (
    day DATE PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    -- TRUE for a weekend day that is worked to make up for a holiday.
    workday BOOLEAN NOT NULL DEFAULT FALSE
);
