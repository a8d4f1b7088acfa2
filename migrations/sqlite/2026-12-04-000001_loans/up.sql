-- Loans (贷款): the contract an approved offer becomes. Drawn and outstanding
-- principal are kept on the row, so that one guarded update keeps the sum of
-- the drawdowns within the line under any number of concurrent drawdowns.
CREATE TABLE loans (
    id INTEGER PRIMARY KEY NOT NULL,
    offer_id BIGINT NOT NULL UNIQUE REFERENCES offers (id),
    institution_id BIGINT NOT NULL REFERENCES institutions (id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id),
    officer_id BIGINT NOT NULL REFERENCES users (id),
    branch_id BIGINT REFERENCES branches (id),
    contract_no TEXT NOT NULL,
    line_fen BIGINT NOT NULL CHECK (line_fen > 0),
    rate BIGINT NOT NULL,
    term_months INTEGER NOT NULL,
    signed_on DATE NOT NULL,
    maturity DATE NOT NULL,
    repayment_method TEXT NOT NULL,
    guarantees TEXT NOT NULL,
    credit_only BOOLEAN NOT NULL,
    first_loan BOOLEAN NOT NULL,
    renewal BOOLEAN NOT NULL,
    renews_loan_id BIGINT REFERENCES loans (id),
    status TEXT NOT NULL CHECK (status IN ('normal', 'overdue', 'settled', 'written_off')),
    status_on DATE NOT NULL,
    classification TEXT NOT NULL
        CHECK (classification IN ('normal', 'special_mention', 'substandard', 'doubtful', 'loss')),
    drawn_fen BIGINT NOT NULL DEFAULT 0,
    outstanding_fen BIGINT NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (drawn_fen >= 0 AND drawn_fen <= line_fen),
    CHECK (outstanding_fen >= 0 AND outstanding_fen <= drawn_fen),
    UNIQUE (institution_id, contract_no)
);
CREATE INDEX loans_institution ON loans (institution_id, status, signed_on);
CREATE INDEX loans_enterprise ON loans (enterprise_id);
CREATE INDEX loans_signed ON loans (signed_on);

-- Drawdowns (放款 / 借据): one disbursement under a loan, with its own term.
CREATE TABLE drawdowns (
    id INTEGER PRIMARY KEY NOT NULL,
    loan_id BIGINT NOT NULL REFERENCES loans (id),
    iou_no TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    value_date DATE NOT NULL,
    term_months INTEGER NOT NULL,
    maturity DATE NOT NULL,
    outstanding_fen BIGINT NOT NULL,
    receipt TEXT NOT NULL DEFAULT 'pending' CHECK (receipt IN ('pending', 'confirmed', 'disputed')),
    receipt_at TIMESTAMP,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK (outstanding_fen >= 0 AND outstanding_fen <= amount_fen),
    UNIQUE (loan_id, iou_no)
);
CREATE INDEX drawdowns_loan ON drawdowns (loan_id);
CREATE INDEX drawdowns_value_date ON drawdowns (value_date);

-- A drawdown's schedule (还款计划), one row per instalment, written with the
-- drawdown; repayments cover instalments in due order.
CREATE TABLE instalments (
    drawdown_id BIGINT NOT NULL REFERENCES drawdowns (id),
    number INTEGER NOT NULL,
    loan_id BIGINT NOT NULL REFERENCES loans (id),
    due_on DATE NOT NULL,
    principal_fen BIGINT NOT NULL,
    interest_fen BIGINT NOT NULL,
    paid_principal_fen BIGINT NOT NULL DEFAULT 0,
    paid_interest_fen BIGINT NOT NULL DEFAULT 0,
    paid_on DATE,
    overdue_on DATE,
    PRIMARY KEY (drawdown_id, number)
);
CREATE INDEX instalments_loan ON instalments (loan_id, due_on);
CREATE INDEX instalments_unpaid ON instalments (due_on) WHERE paid_on IS NULL;

-- Repayments (还款) the bank records against a drawdown.
CREATE TABLE repayments (
    id INTEGER PRIMARY KEY NOT NULL,
    loan_id BIGINT NOT NULL REFERENCES loans (id),
    drawdown_id BIGINT NOT NULL REFERENCES drawdowns (id),
    paid_on DATE NOT NULL,
    principal_fen BIGINT NOT NULL CHECK (principal_fen >= 0),
    interest_fen BIGINT NOT NULL CHECK (interest_fen >= 0),
    penalty_fen BIGINT NOT NULL CHECK (penalty_fen >= 0),
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX repayments_loan ON repayments (loan_id, paid_on);
CREATE INDEX repayments_drawdown ON repayments (drawdown_id);

-- A loan's history: every change with the date it happened (as the bank
-- states it) apart from when it was entered; a correction keeps the old value
-- and its reason. Statistics count `happened_on`.
CREATE TABLE loan_events (
    id INTEGER PRIMARY KEY NOT NULL,
    loan_id BIGINT NOT NULL REFERENCES loans (id),
    kind TEXT NOT NULL,
    happened_on DATE NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    field TEXT,
    old_value TEXT,
    new_value TEXT,
    reason TEXT,
    drawdown_id BIGINT REFERENCES drawdowns (id),
    repayment_id BIGINT REFERENCES repayments (id)
);
CREATE INDEX loan_events_loan ON loan_events (loan_id, id);
CREATE INDEX loan_events_kind ON loan_events (kind, happened_on);
