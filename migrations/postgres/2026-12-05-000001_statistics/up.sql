-- The statistics' exact cache: figures computed for one key (a page, its
-- period and filters), kept with the audit log's last id when they were
-- computed. Every state change writes an audit row, so an unchanged
-- watermark means unchanged figures.
CREATE TABLE stat_snapshots (
    key TEXT PRIMARY KEY NOT NULL,
    watermark BIGINT NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    body TEXT NOT NULL
);

-- 统计公报: composed for a period, its figures frozen as JSON when published.
CREATE TABLE bulletins (
    id BIGSERIAL PRIMARY KEY,
    period TEXT NOT NULL,
    title TEXT NOT NULL,
    commentary TEXT NOT NULL,
    status TEXT NOT NULL,
    figures TEXT,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    published_by BIGINT REFERENCES users (id),
    CHECK (status IN ('draft', 'published')),
    CHECK (status = 'draft' OR (figures IS NOT NULL AND published_at IS NOT NULL))
);
CREATE UNIQUE INDEX bulletins_published_period ON bulletins (period) WHERE status = 'published';
CREATE INDEX bulletins_published_at ON bulletins (published_at);

-- Visitors who asked for each new bulletin by email: confirmed by a link,
-- unsubscribed by the link in every mail.
CREATE TABLE bulletin_subscribers (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    confirm_token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    unsubscribed_at TIMESTAMP
);
