-- The risk compensation fund (风险补偿资金池): the credit office's funds, each
-- with versioned rules; drawdowns registered (入库) under the version in force;
-- banks' claims (补偿申请) with their loans, dossier files and history; the
-- budget used per year, kept by one guarded update; recoveries after payout.
CREATE TABLE funds (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    mode TEXT NOT NULL CHECK (mode IN ('bank', 'guarantor')),
    annual_budget_fen BIGINT NOT NULL CHECK (annual_budget_fen > 0),
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    rule_version INTEGER NOT NULL DEFAULT 1,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (valid_from <= valid_to)
);

-- Each rule set of a fund (JSON of domain::fund::Rules); a change is a new
-- version, never an edit, and a registration keeps the version it came under.
CREATE TABLE fund_rules (
    id BIGSERIAL PRIMARY KEY,
    fund_id BIGINT NOT NULL REFERENCES funds (id),
    version INTEGER NOT NULL CHECK (version > 0),
    rules TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (fund_id, version)
);

-- 入库: a drawdown covered by a fund, with the ratio its rule version gives.
CREATE TABLE fund_registrations (
    id BIGSERIAL PRIMARY KEY,
    fund_id BIGINT NOT NULL REFERENCES funds (id),
    rule_id BIGINT NOT NULL REFERENCES fund_rules (id),
    drawdown_id BIGINT NOT NULL REFERENCES drawdowns (id),
    loan_id BIGINT NOT NULL REFERENCES loans (id),
    institution_id BIGINT NOT NULL REFERENCES institutions (id),
    principal_fen BIGINT NOT NULL CHECK (principal_fen > 0),
    ratio_bp INTEGER NOT NULL CHECK (ratio_bp > 0 AND ratio_bp <= 10000),
    tags TEXT NOT NULL,
    registered_on DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (fund_id, drawdown_id)
);
CREATE INDEX fund_registrations_institution ON fund_registrations (institution_id, fund_id, registered_on);
CREATE INDEX fund_registrations_loan ON fund_registrations (loan_id);

-- 补偿申请: a bank's claim on one fund for some of its registered drawdowns.
CREATE TABLE fund_claims (
    id BIGSERIAL PRIMARY KEY,
    fund_id BIGINT NOT NULL REFERENCES funds (id),
    institution_id BIGINT NOT NULL REFERENCES institutions (id),
    status TEXT NOT NULL
        CHECK (status IN ('submitted', 'returned', 'approved', 'partly_approved', 'rejected', 'paid')),
    loss_fen BIGINT NOT NULL CHECK (loss_fen > 0),
    payout_fen BIGINT NOT NULL CHECK (payout_fen >= 0),
    approved_fen BIGINT CHECK (approved_fen >= 0),
    budget_year INTEGER,
    reason TEXT,
    recovered_fen BIGINT NOT NULL DEFAULT 0 CHECK (recovered_fen >= 0),
    refunded_fen BIGINT NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0),
    version INTEGER NOT NULL DEFAULT 0,
    submitted_by BIGINT NOT NULL REFERENCES users (id),
    submitted_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    paid_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (approved_fen IS NULL OR approved_fen <= payout_fen),
    CHECK (status NOT IN ('approved', 'partly_approved', 'paid') OR (approved_fen IS NOT NULL AND budget_year IS NOT NULL))
);
CREATE INDEX fund_claims_fund ON fund_claims (fund_id, status, submitted_at);
CREATE INDEX fund_claims_institution ON fund_claims (institution_id, status, submitted_at);

-- A claim's drawdowns with the loss the bank entered and the payout the rules
-- give. A drawdown is in one live claim at a time, whichever fund or mode:
-- an item stops being live when its claim is rejected.
CREATE TABLE fund_claim_items (
    id BIGSERIAL PRIMARY KEY,
    claim_id BIGINT NOT NULL REFERENCES fund_claims (id),
    registration_id BIGINT NOT NULL REFERENCES fund_registrations (id),
    drawdown_id BIGINT NOT NULL REFERENCES drawdowns (id),
    loss_fen BIGINT NOT NULL CHECK (loss_fen > 0),
    ratio_bp INTEGER NOT NULL,
    payout_fen BIGINT NOT NULL CHECK (payout_fen >= 0),
    live BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX fund_claim_items_claim ON fund_claim_items (claim_id);
CREATE UNIQUE INDEX fund_claim_items_live ON fund_claim_items (drawdown_id) WHERE live;

-- The dossier: files stored under their SHA-256, never under the uploaded name.
CREATE TABLE fund_claim_files (
    id BIGSERIAL PRIMARY KEY,
    claim_id BIGINT NOT NULL REFERENCES fund_claims (id),
    kind TEXT NOT NULL CHECK (kind IN
        ('application', 'approval', 'contract', 'loss_statement', 'repayment_history', 'commitment')),
    content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    sha256 TEXT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL
);
CREATE INDEX fund_claim_files_claim ON fund_claim_files (claim_id, kind);

-- A claim's history: each state it entered, by whom, with the reason given.
CREATE TABLE fund_claim_events (
    id BIGSERIAL PRIMARY KEY,
    claim_id BIGINT NOT NULL REFERENCES fund_claims (id),
    status TEXT NOT NULL,
    reason TEXT,
    amount_fen BIGINT,
    actor_id BIGINT NOT NULL REFERENCES users (id),
    at TIMESTAMP NOT NULL
);
CREATE INDEX fund_claim_events_claim ON fund_claim_events (claim_id, id);

-- The budget of a fund's year and what approvals used of it. An approval adds
-- to used_fen by one guarded update, so two approvals at one instant cannot
-- together pass the budget; a recovery's refund gives back.
CREATE TABLE fund_budgets (
    fund_id BIGINT NOT NULL REFERENCES funds (id),
    year INTEGER NOT NULL,
    budget_fen BIGINT NOT NULL CHECK (budget_fen > 0),
    used_fen BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (fund_id, year),
    CHECK (used_fen >= 0 AND used_fen <= budget_fen)
);

-- A recovery after payout; the fund's share of it (refund_fen) returns to the budget.
CREATE TABLE fund_recoveries (
    id BIGSERIAL PRIMARY KEY,
    claim_id BIGINT NOT NULL REFERENCES fund_claims (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    refund_fen BIGINT NOT NULL CHECK (refund_fen >= 0),
    recovered_on DATE NOT NULL,
    recorded_by BIGINT NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX fund_recoveries_claim ON fund_recoveries (claim_id);

-- 贴息: interest subsidy programmes (rules as JSON of domain::subsidy::Rules),
-- each quarter's batch computed from the interest banks recorded as paid,
-- reviewed and approved by the credit office, one line per loan.
CREATE TABLE subsidy_programmes (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    rules TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (valid_from <= valid_to)
);

CREATE TABLE subsidy_batches (
    id BIGSERIAL PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES subsidy_programmes (id),
    quarter TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('computed', 'approved')),
    total_fen BIGINT NOT NULL CHECK (total_fen >= 0),
    computed_by BIGINT NOT NULL REFERENCES users (id),
    computed_at TIMESTAMP NOT NULL,
    approved_by BIGINT REFERENCES users (id),
    approved_at TIMESTAMP,
    UNIQUE (programme_id, quarter)
);

CREATE TABLE subsidy_lines (
    id BIGSERIAL PRIMARY KEY,
    batch_id BIGINT NOT NULL REFERENCES subsidy_batches (id),
    loan_id BIGINT NOT NULL REFERENCES loans (id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    institution_id BIGINT NOT NULL REFERENCES institutions (id),
    interest_fen BIGINT NOT NULL CHECK (interest_fen >= 0),
    rate BIGINT NOT NULL,
    subsidy_fen BIGINT NOT NULL CHECK (subsidy_fen >= 0),
    capped BOOLEAN NOT NULL,
    UNIQUE (batch_id, loan_id)
);
CREATE INDEX subsidy_lines_loan ON subsidy_lines (loan_id);
CREATE INDEX subsidy_lines_enterprise ON subsidy_lines (enterprise_id);
