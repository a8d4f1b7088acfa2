-- Keys the server makes for itself (the key that signs the CSRF token of
-- forms shown to anonymous visitors), shared by every app instance.
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
