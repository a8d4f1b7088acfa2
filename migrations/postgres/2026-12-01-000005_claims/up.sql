-- Claims: an enterprise account proves its email by a link and its control of
-- the enterprise by a code sent to the registry's contact or by an
-- authorization letter the credit office approves; the credit office can
-- unbind a wrong claim. Also the settings row that marks a demo site.
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

ALTER TABLE enterprises ADD COLUMN contact_email TEXT;
ALTER TABLE enterprises ADD COLUMN contact_mobile TEXT;

ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMP;
ALTER TABLE users ADD COLUMN control_proven_at TIMESTAMP;
ALTER TABLE users ADD COLUMN control_proof TEXT CHECK (control_proof IN ('registry_email', 'letter', 'demo'));
ALTER TABLE users ADD COLUMN unbound_at TIMESTAMP;

-- Several accounts may try to claim one enterprise; only one may hold it.
DROP INDEX users_one_account_per_enterprise;
CREATE UNIQUE INDEX users_one_account_per_enterprise ON users (enterprise_id)
    WHERE control_proven_at IS NOT NULL AND unbound_at IS NULL;

-- A database that holds the demo city keeps its demo accounts working and says so.
UPDATE users SET email_verified_at = created_at, control_proven_at = created_at, control_proof = 'demo'
    WHERE role = 'enterprise' AND email LIKE '%@demo.xinyidai.local';
INSERT INTO settings (key, value)
    SELECT 'demo_data', 'loaded' WHERE EXISTS (SELECT 1 FROM users WHERE email LIKE '%@demo.xinyidai.local');

CREATE TABLE email_verifications (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX email_verifications_user ON email_verifications (user_id);

CREATE TABLE claim_codes (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    sent_to TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    used_at TIMESTAMP
);
CREATE INDEX claim_codes_user ON claim_codes (user_id, created_at);

CREATE TABLE claim_letters (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    data BYTEA NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    uploaded_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    reason TEXT
);
CREATE INDEX claim_letters_status ON claim_letters (status, uploaded_at);
CREATE INDEX claim_letters_user ON claim_letters (user_id);
