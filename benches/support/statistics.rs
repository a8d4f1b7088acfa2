//! The statistics benchmark's data set, inserted by the database itself
//! (`INSERT … SELECT` over a generated series, one statement per table) so
//! that a million needs take seconds, not minutes. Every row is a function
//! of its number `n`, so the set is the same on both backends:
//!
//! - `enterprises` enterprises (region n % 12, industry section n % 20,
//!   size n % 3), each with a bound account registered over two years;
//! - `institutions` institutions (a third rural credit cooperatives), each
//!   with an officer and one published product (one of six programmes);
//! - `needs` needs published evenly over the two years before `END`, one in
//!   a hundred addressed to a product; amounts over the four national bands;
//! - offers: 3 in 4 needs get one, 1 in 2 a second, 1 in 4 a third (1.5 a need);
//! - loans: 3 needs in 20 (15 %) are accepted, approved and signed; one in
//!   twenty of the rest is declined;
//! - drawdowns: one per loan, a second for 3 loans in 10 (1.3 a loan).

use diesel::prelude::*;
use xinyidai::db::DbConn;

/// The day the two years end (Beijing), and the benchmark's clock.
pub const END: &str = "2026-11-30";
/// The first day of the two years.
const START: &str = "2024-12-01";
const TWO_YEARS_SECONDS: i64 = 730 * 86_400;

pub struct StatSizes {
    pub needs: i64,
    pub enterprises: i64,
    pub institutions: i64,
}

/// Rows per table after [`seed`].
pub struct Counts {
    pub needs: i64,
    pub offers: i64,
    pub loans: i64,
    pub drawdowns: i64,
}

fn postgres(conn: &DbConn) -> bool {
    matches!(conn, DbConn::Postgres(_))
}

/// `SELECT n FROM` the numbers 1..=count, as the backend writes it.
fn series(conn: &DbConn, count: i64) -> String {
    if postgres(conn) {
        format!("(SELECT generate_series(1::bigint, {count}::bigint) AS n) AS s")
    } else {
        format!(
            "(WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count}) SELECT n FROM s) AS s"
        )
    }
}

/// The timestamp `seconds` (an SQL expression) after START.
fn at(conn: &DbConn, seconds: &str) -> String {
    if postgres(conn) {
        format!("(TIMESTAMP '{START} 00:00:00' + ({seconds}) * INTERVAL '1 second')")
    } else {
        format!("datetime('{START} 00:00:00', '+' || ({seconds}) || ' seconds')")
    }
}

/// The date of a timestamp expression, plus `days` days.
fn date_after(conn: &DbConn, timestamp: &str, days: &str) -> String {
    if postgres(conn) {
        format!("(CAST({timestamp} AS DATE) + CAST({days} AS INTEGER))")
    } else {
        format!("date({timestamp}, '+' || ({days}) || ' days')")
    }
}

fn run(conn: &mut DbConn, sql: &str) -> QueryResult<usize> {
    diesel::sql_query(sql).execute(conn)
}

/// Inserts the data set; the regions first.
pub fn seed(conn: &mut DbConn, sizes: &StatSizes) -> anyhow::Result<Counts> {
    let (enterprises, institutions) = (sizes.enterprises, sizes.institutions);
    let regions: Vec<String> = (0..12).map(|r| format!("('{}', '区{r}')", 990100 + r)).collect();
    run(conn, &format!("INSERT INTO regions (code, name) VALUES {}", regions.join(", ")))?;
    let registered = at(conn, &format!("n * {TWO_YEARS_SECONDS} / {enterprises}"));
    let established = if postgres(conn) { "DATE '2015-01-01'" } else { "'2015-01-01'" };
    run(
        conn,
        &format!(
            "INSERT INTO enterprises (id, uscc, name, legal_representative, registered_capital_fen, established_on,
                region, industry, size_class, address, created_at, updated_at)
             SELECT n, 'E' || n, '企业' || n, '张三', 100000000, {established},
                CAST(990100 + n % 12 AS TEXT), substr('ABCDEFGHIJKLMNOPQRST', CAST(n % 20 + 1 AS INTEGER), 1),
                CASE n % 3 WHEN 0 THEN 'micro' WHEN 1 THEN 'small' ELSE 'medium' END, '测试路', {registered}, {registered}
             FROM {}",
            series(conn, enterprises)
        ),
    )?;
    let joined = at(conn, &format!("n * {TWO_YEARS_SECONDS} / {institutions}"));
    run(
        conn,
        &format!(
            "INSERT INTO institutions (id, name, kind, uscc, created_at)
             SELECT n, '银行' || n, CASE n % 3 WHEN 0 THEN 'rural_credit' ELSE 'bank' END, 'I' || n, {joined} FROM {}",
            series(conn, institutions)
        ),
    )?;
    run(
        conn,
        &format!(
            "INSERT INTO users (id, username, email, display_name, password_hash, role, institution_id, created_at)
             SELECT n, 'officer' || n, 'officer' || n || '@bench.test', '信贷员', 'x', 'officer', n, {joined} FROM {}",
            series(conn, institutions)
        ),
    )?;
    run(
        conn,
        &format!(
            "INSERT INTO users (id, username, email, display_name, password_hash, role, enterprise_id, created_at)
             SELECT {institutions} + n, 'e' || n, 'e' || n || '@bench.test', '企业', 'x', 'enterprise', n, {registered}
             FROM {}",
            series(conn, enterprises)
        ),
    )?;
    run(
        conn,
        &format!(
            "INSERT INTO products (id, institution_id, name, description, amount_min_fen, amount_max_fen,
                term_min_months, term_max_months, rate_min, rate_max, guarantees, regions, industries, programmes,
                status, created_at, updated_at, published_at)
             SELECT n, n, '产品' || n, '', 100000, 1000000000, 1, 36, 30000, 80000, ',credit,', '', '',
                ',' || CASE n % 6 WHEN 0 THEN '税易贷' WHEN 1 THEN '科技贷' WHEN 2 THEN '首贷' WHEN 3 THEN '绿色贷'
                    WHEN 4 THEN '创业贷' ELSE '供应链贷' END || ',',
                'published', {joined}, {joined}, {joined}
             FROM {}",
            series(conn, institutions)
        ),
    )?;
    insert_needs(conn, sizes)?;
    insert_offers(conn, institutions)?;
    insert_loans(conn)?;
    insert_drawdowns(conn)?;
    let count = |conn: &mut DbConn, table: &str| -> QueryResult<i64> {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let row: N = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}")).get_result(conn)?;
        Ok(row.n)
    };
    if postgres(conn) {
        run(conn, "ANALYZE")?;
    }
    Ok(Counts {
        needs: count(conn, "needs")?,
        offers: count(conn, "offers")?,
        loans: count(conn, "loans")?,
        drawdowns: count(conn, "drawdowns")?,
    })
}

/// A credit office account, for the signed-in pages; its id.
pub fn credit_office(conn: &mut DbConn, sizes: &StatSizes) -> QueryResult<i64> {
    let id = sizes.institutions + sizes.enterprises + 1;
    run(
        conn,
        &format!(
            "INSERT INTO users (id, username, email, display_name, password_hash, role, created_at)
             SELECT {id}, 'office', 'office@bench.test', '信用办', 'x', 'credit_office', created_at
             FROM institutions WHERE id = 1"
        ),
    )?;
    Ok(id)
}

/// A need's loan: 3 needs in 20.
const LOANED: &str = "n % 20 IN (1, 5, 9)";

fn insert_needs(conn: &mut DbConn, sizes: &StatSizes) -> QueryResult<usize> {
    let (needs, enterprises, institutions) = (sizes.needs, sizes.enterprises, sizes.institutions);
    let published = at(conn, &format!("n * {TWO_YEARS_SECONDS} / {needs}"));
    let sql = format!(
        "INSERT INTO needs (id, enterprise_id, amount_fen, term_months, purpose, guarantee, max_rate, window_hours,
            slots, slots_taken, product_id, institution_id, status, published_at, deadline, created_at, updated_at)
         SELECT n, n % {enterprises} + 1,
            CASE n % 7 WHEN 0 THEN 100000000 WHEN 1 THEN 50000000 WHEN 2 THEN 200000000 WHEN 3 THEN 300000000
                WHEN 4 THEN 450000000 WHEN 5 THEN 800000000 ELSE 30000000 END,
            12, '补充流动资金', 'credit', 60000, 72, 3, 0,
            CASE WHEN n % 100 = 0 THEN n / 100 % {institutions} + 1 END,
            CASE WHEN n % 100 = 0 THEN n / 100 % {institutions} + 1 END,
            CASE WHEN {LOANED} THEN 'granted' WHEN n > {needs} - {needs} / 100 THEN 'open' ELSE 'expired' END,
            {published}, {published}, {published}, {published}
         FROM {}",
        series(conn, needs)
    );
    run(conn, &sql)
}

/// Offer k (0, 1, 2) of need n has id 3n + k and comes from institution (7n + k) % I + 1.
fn insert_offers(conn: &mut DbConn, institutions: i64) -> QueryResult<usize> {
    let mut inserted = 0;
    for (k, which) in [(0, "n % 4 <> 0"), (1, "n % 4 IN (1, 2)"), (2, "n % 4 = 1")] {
        let hours = |h: &str| format!("(n % 48 + {h}) * 3600");
        let created = published_plus(conn, &hours("1"));
        let contact_due = published_plus(conn, &hours("25"));
        let contacted = published_plus(conn, &hours("3"));
        let accepted = published_plus(conn, &hours("30"));
        let decided = published_plus(conn, &hours("100"));
        let approved_on = date_after(conn, &decided, "0");
        let first = k == 0;
        let sql = format!(
            "INSERT INTO offers (id, need_id, institution_id, officer_id, amount_fen, rate, term_months, guarantee,
                conditions, valid_until, status, contact_due, contacted_at, decision, decision_due, decided_at,
                approved_amount_fen, approved_rate, approved_term_months, decline_reason, created_at, approved_on,
                accepted_at)
             SELECT 3 * n + {k}, n, (7 * n + {k}) % {institutions} + 1, (7 * n + {k}) % {institutions} + 1,
                amount_fen, 40000 + n % 5 * 2500, 12, 'credit', '', {contact_due},
                CASE WHEN {first} AND ({LOANED} OR n % 20 = 13) THEN 'accepted' ELSE 'not_selected' END,
                {contact_due}, CASE WHEN n % 5 <> 0 THEN {contacted} END,
                CASE WHEN {first} AND {LOANED} THEN 'approved' WHEN {first} AND n % 20 = 13 THEN 'declined' END,
                CASE WHEN {first} AND ({LOANED} OR n % 20 = 13) THEN {decided} END,
                CASE WHEN {first} AND ({LOANED} OR n % 20 = 13) THEN {decided} END,
                CASE WHEN {first} AND {LOANED} THEN amount_fen END,
                CASE WHEN {first} AND {LOANED} THEN 40000 END,
                CASE WHEN {first} AND {LOANED} THEN 12 END,
                CASE WHEN {first} AND n % 20 = 13 THEN 'collateral' END,
                {created},
                CASE WHEN {first} AND {LOANED} THEN {approved_on} END,
                CASE WHEN {first} AND ({LOANED} OR n % 20 = 13) THEN {accepted} END
             FROM (SELECT id AS n, amount_fen, published_at FROM needs) AS s WHERE {which}"
        );
        inserted += run(conn, &sql)?;
    }
    Ok(inserted)
}

/// The need's publication plus `seconds`.
fn published_plus(conn: &DbConn, seconds: &str) -> String {
    if postgres(conn) {
        format!("(published_at + ({seconds}) * INTERVAL '1 second')")
    } else {
        format!("datetime(published_at, '+' || ({seconds}) || ' seconds')")
    }
}

/// Loan n is signed on offer 3n's approval date; a half of them credit only.
fn insert_loans(conn: &mut DbConn) -> QueryResult<usize> {
    let maturity = date_after(conn, "o.approved_on", "365");
    let sql = format!(
        "INSERT INTO loans (id, offer_id, institution_id, enterprise_id, officer_id, contract_no, line_fen, rate,
            term_months, signed_on, maturity, repayment_method, guarantees, credit_only, first_loan, renewal,
            status, status_on, classification, drawn_fen, outstanding_fen, created_by, created_at, updated_at)
         SELECT x.id, o.id, o.institution_id, x.enterprise_id, o.officer_id, 'C' || x.id, x.amount_fen, o.rate, 12,
            o.approved_on, {maturity}, 'annuity',
            CASE x.id % 4 WHEN 1 THEN ',credit,' WHEN 2 THEN ',mortgage,' WHEN 3 THEN ',pledge,' ELSE ',guarantee,' END,
            x.id % 4 = 1, x.id % 3 = 0, x.id % 7 = 0,
            CASE WHEN x.id % 50 = 1 THEN 'overdue' WHEN x.id % 9 = 0 THEN 'settled' ELSE 'normal' END, o.approved_on,
            CASE WHEN x.id % 40 = 1 THEN 'substandard' ELSE 'normal' END,
            x.amount_fen, CASE WHEN x.id % 9 = 0 THEN 0 ELSE x.amount_fen / 2 END,
            o.officer_id, o.decided_at, o.decided_at
         FROM needs AS x JOIN offers AS o ON o.id = 3 * x.id
         WHERE x.id % 20 IN (1, 5, 9)"
    );
    run(conn, &sql)
}

/// Drawdown 2n + k of loan n: the first a half of the line on the signing
/// day + 3, the second (3 loans in 10) the other half 40 days later.
fn insert_drawdowns(conn: &mut DbConn) -> QueryResult<usize> {
    let mut inserted = 0;
    for (k, days, which) in [(0, "3", "1 = 1"), (1, "43", "l.id / 20 % 10 < 3")] {
        let value = date_after(conn, "l.signed_on", days);
        let maturity = date_after(conn, "l.signed_on", "365");
        let sql = format!(
            "INSERT INTO drawdowns (id, loan_id, iou_no, amount_fen, value_date, term_months, maturity,
                outstanding_fen, created_by, created_at)
             SELECT 2 * l.id + {k}, l.id, 'J{k}-' || l.id, l.line_fen / 2, {value}, 12, {maturity}, 0,
                l.officer_id, l.created_at
             FROM loans AS l WHERE {which}"
        );
        inserted += run(conn, &sql)?;
    }
    Ok(inserted)
}
