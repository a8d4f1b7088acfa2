//! The statistics tests' constructed market, inserted row by row with plain
//! SQL into the real tables (explicit ids, the same on both backends). All
//! times are UTC as stored; the Beijing date (UTC+8) is what counts.
//!
//! Regions 990102 东湖区 and 990103 西湖区. Institutions: 1 甲银行 (bank,
//! joined 2025-06-10), 2 乙银行 (bank, 2026-11-05), 3 丙农信社 (rural credit,
//! 2026-10-31T17:00Z = 11-01 in Beijing), each with an officer (users 1–3).
//! Products: P1 of 1 (科技贷, published 2026-11-10), P2 of 2 (首贷, 税易贷;
//! 2026-08-01), P3 of 3 (科技贷; 2025-03-01).
//!
//! | enterprise | region | industry | size | first account (Beijing date) |
//! |---|---|---|---|---|
//! | E1 | 990102 | C | small | 11-02 |
//! | E2 | 990102 | C | micro | 10-10 |
//! | E3 | 990103 | F | medium | 2025-09-01 |
//! | E4 | 990103 | F | small | 12-01 (2026-12-01T00:00Z) |
//! | E5 | 990102 | I | micro | 11-01 (2026-10-31T17:00Z) |
//! | E6 | 990103 | I | medium | 09-15 (a second account 11-20) |
//!
//! | need | enterprise | 万元 | published (Beijing date) | status | product |
//! |---|---|---|---|---|---|
//! | N1 | E1 | 100 | 11-03 | granted | |
//! | N2 | E2 | 250 | 11-01 (2026-10-31T17:00Z) | granted | P1 |
//! | N3 | E3 | 500 | 10-05 | granted | |
//! | N4 | E4 | 80 | 12-02 | open | |
//! | N5 | E5 | 300 | 11-15 | declined | |
//! | N6 | E6 | 600 | 09-20 | granted | P2 |
//! | N7 | E1 | 50 | 2025-11-10 | granted | |
//! | N8 | E2 | 120 | 11-20 | expired | |
//! | N9 | E2 | 120 | 11-25, N8 republished | awaiting_choice | |
//! | N10 | E3 | 40 | 11-28 | matched | |
//! | N12 | E6 | 70 | never (a draft) | draft | |
//! | N13 | E6 | 150 | 01-15 | granted | P3 |
//!
//! The offers are in `offers`, the loans and their drawdowns in `loans`.
//!
//! Dates without a year are 2026.

mod loans;
mod offers;

use diesel::RunQueryDsl;

use crate::helpers::TestApp;

/// The facts are read at this time (every contact due has passed).
pub fn as_of() -> chrono::NaiveDateTime {
    "2026-12-15T04:00:00".parse().unwrap()
}

fn q(text: Option<&str>) -> String {
    text.map_or("NULL".to_string(), |t| format!("'{t}'"))
}

const WAN: i64 = 1_000_000;

/// Inserts the market above into `app`'s database.
pub fn constructed(app: &TestApp) {
    let mut sql: Vec<String> = vec!["INSERT INTO regions (code, name) VALUES ('990103', '西湖区')".into()];
    for (id, name, kind, joined) in [
        (1, "甲银行", "bank", "2025-06-10 01:00:00"),
        (2, "乙银行", "bank", "2026-11-05 02:00:00"),
        (3, "丙农信社", "rural_credit", "2026-10-31 17:00:00"),
    ] {
        sql.push(format!(
            "INSERT INTO institutions (id, name, kind, uscc, created_at) VALUES ({id}, '{name}', '{kind}', 'I{id}', '{joined}')"
        ));
        sql.push(format!(
            "INSERT INTO users (id, username, email, display_name, password_hash, role, institution_id, created_at)
             VALUES ({id}, 'officer{id}', 'officer{id}@example.com', '信贷员', 'x', 'officer', {id}, '{joined}')"
        ));
    }
    for (id, institution, programmes, published) in [
        (1, 1, ",科技贷,", "2026-11-10 02:00:00"),
        (2, 2, ",首贷,税易贷,", "2026-08-01 02:00:00"),
        (3, 3, ",科技贷,", "2025-03-01 02:00:00"),
    ] {
        sql.push(format!(
            "INSERT INTO products (id, institution_id, name, description, amount_min_fen, amount_max_fen,
                term_min_months, term_max_months, rate_min, rate_max, guarantees, regions, industries, programmes,
                status, created_at, updated_at, published_at)
             VALUES ({id}, {institution}, '产品{id}', '', 100000, 10000000000, 1, 36, 30000, 80000, ',credit,', '', '',
                '{programmes}', 'published', '{published}', '{published}', '{published}')"
        ));
    }
    let enterprises = [
        (1, "990102", "C", "small", "2026-11-02 02:00:00"),
        (2, "990102", "C", "micro", "2026-10-10 02:00:00"),
        (3, "990103", "F", "medium", "2025-09-01 02:00:00"),
        (4, "990103", "F", "small", "2026-12-01 00:00:00"),
        (5, "990102", "I", "micro", "2026-10-31 17:00:00"),
        (6, "990103", "I", "medium", "2026-09-15 02:00:00"),
    ];
    for (id, region, industry, size, registered) in enterprises {
        sql.push(format!(
            "INSERT INTO enterprises (id, uscc, name, legal_representative, registered_capital_fen, established_on,
                region, industry, size_class, address, created_at, updated_at)
             VALUES ({id}, 'E{id}', '企业{id}', '张三', 100000000, '2015-01-01', '{region}', '{industry}', '{size}',
                '测试路', '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
        ));
        sql.push(user(10 + id, id, registered));
    }
    sql.push(user(20, 6, "2026-11-20 02:00:00"));
    let needs = [
        (1, 1, 100, Some("2026-11-03 01:00:00"), "granted", None, None),
        (2, 2, 250, Some("2026-10-31 17:00:00"), "granted", Some(1), None),
        (3, 3, 500, Some("2026-10-05 02:00:00"), "granted", None, None),
        (4, 4, 80, Some("2026-12-02 02:00:00"), "open", None, None),
        (5, 5, 300, Some("2026-11-15 02:00:00"), "declined", None, None),
        (6, 6, 600, Some("2026-09-20 02:00:00"), "granted", Some(2), None),
        (7, 1, 50, Some("2025-11-10 02:00:00"), "granted", None, None),
        (8, 2, 120, Some("2026-11-20 02:00:00"), "expired", None, None),
        (9, 2, 120, Some("2026-11-25 02:00:00"), "awaiting_choice", None, Some(8)),
        (10, 3, 40, Some("2026-11-28 02:00:00"), "matched", None, None),
        (12, 6, 70, None, "draft", None, None),
        (13, 6, 150, Some("2026-01-15 02:00:00"), "granted", Some(3), None),
    ];
    for (id, enterprise, wan, published, status, product, from) in needs {
        let product = product.map_or("NULL".to_string(), |p: i64| p.to_string());
        let from = from.map_or("NULL".to_string(), |f: i64| f.to_string());
        let published = q(published);
        sql.push(format!(
            "INSERT INTO needs (id, enterprise_id, amount_fen, term_months, purpose, guarantee, max_rate, window_hours,
                slots, slots_taken, product_id, institution_id, status, published_at, deadline, created_at,
                updated_at, republished_from)
             VALUES ({id}, {enterprise}, {}, 12, '补充流动资金', 'credit', 60000, 72, 3, 0, {product}, {product},
                '{status}', {published}, {published}, '2025-01-01 00:00:00', '2025-01-01 00:00:00', {from})",
            wan * WAN
        ));
    }
    sql.extend(offers::offers());
    sql.extend(loans::loans());
    let conn = &mut *app.conn();
    for statement in sql {
        diesel::sql_query(&statement).execute(conn).unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
}

fn user(id: i64, enterprise: i64, registered: &str) -> String {
    format!(
        "INSERT INTO users (id, username, email, display_name, password_hash, role, enterprise_id, created_at)
         VALUES ({id}, 'e{id}', 'e{id}@example.com', '企业用户', 'x', 'enterprise', {enterprise}, '{registered}')"
    )
}
