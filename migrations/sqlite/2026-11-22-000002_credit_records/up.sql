-- Department imports and the credit records they carry. Every record keeps its
-- provenance: the delivering department, the as-of date and the import batch.
CREATE TABLE import_batches (
    id INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('registry', 'tax', 'utilities', 'property', 'social_security', 'penalties', 'honours')),
    department TEXT NOT NULL,
    as_of DATE NOT NULL,
    file_name TEXT NOT NULL,
    file_bytes BIGINT NOT NULL,
    uploaded_by BIGINT REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('uploading', 'queued', 'running', 'done', 'failed')),
    bytes_done BIGINT NOT NULL DEFAULT 0,
    rows_total BIGINT NOT NULL DEFAULT 0,
    rows_changed BIGINT NOT NULL DEFAULT 0,
    rows_unchanged BIGINT NOT NULL DEFAULT 0,
    rows_rejected BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX import_batches_created ON import_batches (created_at);

-- The uploaded file, in chunks, so that any instance's worker can read it.
CREATE TABLE import_chunks (
    batch_id BIGINT NOT NULL REFERENCES import_batches (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (batch_id, seq)
);

CREATE TABLE import_errors (
    id INTEGER PRIMARY KEY NOT NULL,
    batch_id BIGINT NOT NULL REFERENCES import_batches (id) ON DELETE CASCADE,
    row_no BIGINT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX import_errors_batch ON import_errors (batch_id, row_no);

ALTER TABLE enterprises ADD COLUMN department TEXT;
ALTER TABLE enterprises ADD COLUMN as_of DATE;
ALTER TABLE enterprises ADD COLUMN batch_id BIGINT;

CREATE TABLE tax_records (
    id INTEGER PRIMARY KEY NOT NULL,
    uscc TEXT NOT NULL,
    year INTEGER NOT NULL,
    tax_grade TEXT NOT NULL CHECK (tax_grade IN ('A', 'B', 'M', 'C', 'D')),
    tax_paid_fen BIGINT NOT NULL,
    revenue_fen BIGINT NOT NULL,
    department TEXT NOT NULL,
    as_of DATE NOT NULL,
    batch_id BIGINT,
    UNIQUE (uscc, year)
);

CREATE TABLE utility_records (
    id INTEGER PRIMARY KEY NOT NULL,
    uscc TEXT NOT NULL,
    month DATE NOT NULL,
    utility TEXT NOT NULL CHECK (utility IN ('water', 'electricity', 'gas')),
    usage_centi BIGINT NOT NULL,
    billed_fen BIGINT NOT NULL,
    arrears_fen BIGINT NOT NULL,
    department TEXT NOT NULL,
    as_of DATE NOT NULL,
    batch_id BIGINT,
    UNIQUE (uscc, month, utility)
);

CREATE TABLE property_records (
    id INTEGER PRIMARY KEY NOT NULL,
    certificate_no TEXT NOT NULL UNIQUE,
    uscc TEXT NOT NULL,
    kind TEXT NOT NULL,
    area_centi BIGINT NOT NULL,
    assessed_value_fen BIGINT NOT NULL,
    mortgaged BOOLEAN NOT NULL,
    department TEXT NOT NULL,
    as_of DATE NOT NULL,
    batch_id BIGINT
);
CREATE INDEX property_records_uscc ON property_records (uscc);

CREATE TABLE social_security_records (
    id INTEGER PRIMARY KEY NOT NULL,
    uscc TEXT NOT NULL,
    month DATE NOT NULL,
    insured INTEGER NOT NULL,
    arrears_fen BIGINT NOT NULL,
    department TEXT NOT NULL,
    as_of DATE NOT NULL,
    batch_id BIGINT,
    UNIQUE (uscc, month)
);

CREATE TABLE penalty_records (
    id INTEGER PRIMARY KEY NOT NULL,
    authority TEXT NOT NULL,
    case_no TEXT NOT NULL,
    uscc TEXT NOT NULL,
    decided_on DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('administrative_penalty', 'dishonest_debtor', 'court_enforcement')),
    amount_fen BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'repaired')),
    ended_on DATE,
    department TEXT NOT NULL,
    as_of DATE NOT NULL,
    batch_id BIGINT,
    UNIQUE (authority, case_no)
);
CREATE INDEX penalty_records_uscc ON penalty_records (uscc);

CREATE TABLE honour_records (
    id INTEGER PRIMARY KEY NOT NULL,
    uscc TEXT NOT NULL,
    honour TEXT NOT NULL,
    awarded_on DATE NOT NULL,
    issuer TEXT NOT NULL,
    expires_on DATE,
    department TEXT NOT NULL,
    as_of DATE NOT NULL,
    batch_id BIGINT,
    UNIQUE (uscc, honour, awarded_on)
);

-- The latest evaluation of each enterprise, with every factor's contribution.
CREATE TABLE credit_evaluations (
    uscc TEXT PRIMARY KEY NOT NULL,
    model_version TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 1000),
    grade TEXT NOT NULL,
    risk_level TEXT NOT NULL,
    dishonest BOOLEAN NOT NULL,
    factors TEXT NOT NULL,
    computed_at TIMESTAMP NOT NULL
);
CREATE INDEX credit_evaluations_grade ON credit_evaluations (grade);
