-- Foundation: regions, enterprises on record, institutions, accounts, sessions,
-- invitations, the durable job queue, the audit log and shared rate limits.
CREATE TABLE regions (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL
);

CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY NOT NULL,
    uscc TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    legal_representative TEXT NOT NULL,
    registered_capital_fen BIGINT NOT NULL CHECK (registered_capital_fen >= 0),
    established_on DATE NOT NULL,
    region TEXT NOT NULL REFERENCES regions (code),
    industry TEXT NOT NULL,
    size_class TEXT NOT NULL CHECK (size_class IN ('micro', 'small', 'medium')),
    address TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX enterprises_region ON enterprises (region);

CREATE TABLE institutions (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('bank', 'rural_credit', 'microlender', 'guarantor')),
    uscc TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE branches (
    id INTEGER PRIMARY KEY NOT NULL,
    institution_id BIGINT NOT NULL REFERENCES institutions (id),
    name TEXT NOT NULL,
    region TEXT NOT NULL REFERENCES regions (code),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (institution_id, name)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('enterprise', 'officer', 'bank_admin', 'credit_office')),
    enterprise_id BIGINT REFERENCES enterprises (id),
    institution_id BIGINT REFERENCES institutions (id),
    branch_id BIGINT REFERENCES branches (id),
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP,
    CHECK ((role = 'enterprise') = (enterprise_id IS NOT NULL)),
    CHECK ((role IN ('officer', 'bank_admin')) = (institution_id IS NOT NULL))
);
CREATE UNIQUE INDEX users_one_account_per_enterprise ON users (enterprise_id);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ip TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('officer', 'bank_admin')),
    institution_id BIGINT NOT NULL REFERENCES institutions (id),
    branch_id BIGINT REFERENCES branches (id),
    invited_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP
);
CREATE INDEX invitations_institution ON invitations (institution_id);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    run_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    locked_until TIMESTAMP,
    locked_by TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    failed BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX jobs_due ON jobs (finished_at, run_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    user_id BIGINT,
    role TEXT,
    institution_id BIGINT,
    ip TEXT,
    event TEXT NOT NULL,
    object TEXT,
    outcome TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_event ON audit_log (event, at);

CREATE TABLE rate_limits (
    key TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
