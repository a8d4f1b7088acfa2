-- The bank API's credentials: a bank admin's clients for the institution (the
-- secret stored only as its Argon2id hash), and the bearer tokens they are
-- given (only the SHA-256 of each token is kept).
CREATE TABLE api_clients (
    id BIGSERIAL PRIMARY KEY,
    institution_id BIGINT NOT NULL REFERENCES institutions (id),
    client_id TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    allowed_ips TEXT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_clients_institution ON api_clients (institution_id, id);

CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    api_client_id BIGINT NOT NULL REFERENCES api_clients (id),
    token_sha256 TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX api_tokens_client ON api_tokens (api_client_id);
