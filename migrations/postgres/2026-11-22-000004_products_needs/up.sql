-- Loan products (金融超市) with their change history, officers' saved
-- subscriptions, and financing needs (融资需求), which applying to a product publishes.
CREATE TABLE products (
    id BIGSERIAL PRIMARY KEY,
    institution_id BIGINT NOT NULL REFERENCES institutions (id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    amount_min_fen BIGINT NOT NULL,
    amount_max_fen BIGINT NOT NULL,
    term_min_months INTEGER NOT NULL,
    term_max_months INTEGER NOT NULL,
    rate_min BIGINT NOT NULL,
    rate_max BIGINT NOT NULL,
    -- Comma-wrapped lists (",credit,mortgage,") so that one LIKE finds a member.
    guarantees TEXT NOT NULL,
    regions TEXT NOT NULL,
    industries TEXT NOT NULL,
    programmes TEXT NOT NULL,
    min_grade TEXT,
    min_tax_grade TEXT,
    min_years INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'withdrawn')),
    applications INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    CHECK (amount_min_fen > 0 AND amount_min_fen <= amount_max_fen),
    CHECK (term_min_months >= 1 AND term_min_months <= term_max_months),
    CHECK (rate_min > 0 AND rate_min <= rate_max)
);
CREATE INDEX products_catalogue ON products (status, rate_min);
CREATE INDEX products_institution ON products (institution_id);

CREATE TABLE product_history (
    id BIGSERIAL PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products (id),
    action TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    changed_by BIGINT REFERENCES users (id),
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX product_history_product ON product_history (product_id, id);

CREATE TABLE subscriptions (
    id BIGSERIAL PRIMARY KEY,
    officer_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    amount_min_fen BIGINT,
    amount_max_fen BIGINT,
    region TEXT,
    industry TEXT,
    min_grade TEXT,
    created_at TIMESTAMP NOT NULL,
    last_digest_at TIMESTAMP
);
CREATE INDEX subscriptions_officer ON subscriptions (officer_id);

CREATE TABLE needs (
    id BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    term_months INTEGER NOT NULL CHECK (term_months BETWEEN 1 AND 360),
    purpose TEXT NOT NULL,
    guarantee TEXT NOT NULL,
    max_rate BIGINT NOT NULL,
    window_hours INTEGER NOT NULL CHECK (window_hours IN (24, 72, 168)),
    slots INTEGER NOT NULL CHECK (slots BETWEEN 1 AND 5),
    slots_taken INTEGER NOT NULL DEFAULT 0,
    product_id BIGINT REFERENCES products (id),
    institution_id BIGINT REFERENCES institutions (id),
    status TEXT NOT NULL,
    published_at TIMESTAMP,
    deadline TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (slots_taken >= 0 AND slots_taken <= slots)
);
CREATE INDEX needs_enterprise ON needs (enterprise_id, status);
CREATE INDEX needs_open ON needs (status, deadline);
