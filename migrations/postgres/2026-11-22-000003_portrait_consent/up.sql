-- Consent to see the portrait, the log of who saw it, disputes of records,
-- and the whitelist the credit office keeps.
CREATE TABLE authorizations (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    institution_id BIGINT NOT NULL REFERENCES institutions (id),
    purpose TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    CHECK (expires_at > granted_at)
);
CREATE INDEX authorizations_lookup ON authorizations (enterprise_id, institution_id);

CREATE TABLE portrait_views (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    viewer_id BIGINT NOT NULL REFERENCES users (id),
    viewer_role TEXT NOT NULL,
    institution_id BIGINT REFERENCES institutions (id),
    authorization_id BIGINT REFERENCES authorizations (id),
    purpose TEXT NOT NULL,
    ip TEXT
);
CREATE INDEX portrait_views_enterprise ON portrait_views (enterprise_id, at);

CREATE TABLE disputes (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    record_kind TEXT NOT NULL,
    record_id BIGINT NOT NULL,
    record_summary TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'corrected', 'upheld', 'repaired')),
    answer TEXT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    answered_by BIGINT REFERENCES users (id),
    answered_at TIMESTAMP
);
CREATE INDEX disputes_enterprise ON disputes (enterprise_id, created_at);
CREATE INDEX disputes_open ON disputes (status, due_at);

CREATE TABLE whitelist_rule (
    id BIGSERIAL PRIMARY KEY,
    min_grade TEXT NOT NULL,
    no_active_penalty BOOLEAN NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE whitelist_changes (
    id BIGSERIAL PRIMARY KEY,
    uscc TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('add', 'remove')),
    reason TEXT NOT NULL,
    changed_by BIGINT NOT NULL REFERENCES users (id),
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX whitelist_changes_uscc ON whitelist_changes (uscc, id);

ALTER TABLE credit_evaluations ADD COLUMN whitelisted BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX credit_evaluations_lists ON credit_evaluations (whitelisted, dishonest);
