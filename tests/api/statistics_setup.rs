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
//! | offer | need | bank | grabbed (after publication) | contact due / done | accepted | decision |
//! |---|---|---|---|---|---|---|
//! | O1 | N1 | 1 | +2 h | on time | 11-04 01:00Z | approved 11-06 01:00Z (+2 d), 100 万, 4.35 % |
//! | O2 | N1 | 2 | +6 h | late | | |
//! | O3 | N2 | 1 | +12 h | on time | 11-02 00:00Z | approved 11-05 12:00Z (+3.5 d), 250 万, 3.85 % |
//! | O4 | N3 | 3 | +4 h | on time | 10-06 | approved 10-20, 500 万 |
//! | O5 | N5 | 2 | +8 h | never (due 11-16) | 11-16 02:00Z | declined 11-20 02:00Z (+4 d), collateral |
//! | O6 | N6 | 2 | +1 h | on time | 09-21 | approved 09-25, 600 万 |
//! | O7 | N7 | 1 | +2 h | on time | 2025-11-11 | approved 2025-11-14, 50 万 |
//! | O8 | N8 | 3 | +2 h | on time | | |
//! | O9 | N9 | 1 | +4 h | on time | | |
//! | O10 | N9 | 3 | +24 h | never (due 11-27) | | |
//! | O11 | N10 | 2 | +1 h | on time | 11-29 | none yet |
//! | O12 | N13 | 3 | +2 h | on time | 01-16 | approved 01-20, 150 万 |
//!
//! | loan | offer | bank | signed | rate | guarantees | 首贷 | 续贷 | status, class | outstanding 万元 |
//! |---|---|---|---|---|---|---|---|---|---|
//! | L1 | O1 | 1 | 11-06 | 4.35 | credit | yes | | normal | 100 |
//! | L2 | O3 | 1 | 11-05 | 3.85 | mortgage, pledge | | yes | overdue, substandard | 250 |
//! | L3 | O4 | 3 | 10-20 | 5.195 | pledge | yes | | normal, special mention | 400 |
//! | L4 | O6 | 2 | 09-25 | 4.10 | guarantee | | | settled | 0 |
//! | L5 | O7 | 1 | 2025-11-14 | 4.50 | credit | yes | | settled | 0 |
//! | L6 | O12 | 3 | 01-20 | 4.00 | credit, mortgage | | | normal, loss | 120 |
//!
//! Drawdowns (value date, 万元): D1 L1 11-30 100 (the month's last day, a
//! band's upper bound); D2 L2 11-10 150; D3 L2 12-05 100 (L2's second); D4
//! L3 10-25 300; D5 L3 11-12 200 (L3's second, in November: no cycle); D6
//! L4 09-28 600; D7 L5 2025-11-20 50; D8 L6 01-25 120.
//!
//! Dates without a year are 2026.

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
    sql.extend(offers());
    sql.extend(loans());
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

/// (id, need, bank, grabbed, contact due, contacted, accepted, decision, decided, approved on, 万元, rate, reason)
type Offer<'a> = (
    i64,
    i64,
    i64,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<i64>,
    Option<i64>,
    Option<&'a str>,
);

fn offers() -> Vec<String> {
    let rows: [Offer; 12] = [
        (
            1,
            1,
            1,
            "2026-11-03 03:00:00",
            "2026-11-04 03:00:00",
            Some("2026-11-03 05:00:00"),
            Some("2026-11-04 01:00:00"),
            Some("approved"),
            Some("2026-11-06 01:00:00"),
            Some("2026-11-06"),
            Some(100),
            Some(43_500),
            None,
        ),
        (
            2,
            1,
            2,
            "2026-11-03 07:00:00",
            "2026-11-04 07:00:00",
            Some("2026-11-05 07:00:00"),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            3,
            2,
            1,
            "2026-11-01 05:00:00",
            "2026-11-02 05:00:00",
            Some("2026-11-01 06:00:00"),
            Some("2026-11-02 00:00:00"),
            Some("approved"),
            Some("2026-11-05 12:00:00"),
            Some("2026-11-05"),
            Some(250),
            Some(38_500),
            None,
        ),
        (
            4,
            3,
            3,
            "2026-10-05 06:00:00",
            "2026-10-06 06:00:00",
            Some("2026-10-05 08:00:00"),
            Some("2026-10-06 02:00:00"),
            Some("approved"),
            Some("2026-10-20 02:00:00"),
            Some("2026-10-20"),
            Some(500),
            Some(51_950),
            None,
        ),
        (
            5,
            5,
            2,
            "2026-11-15 10:00:00",
            "2026-11-16 10:00:00",
            None,
            Some("2026-11-16 02:00:00"),
            Some("declined"),
            Some("2026-11-20 02:00:00"),
            None,
            None,
            None,
            Some("collateral"),
        ),
        (
            6,
            6,
            2,
            "2026-09-20 03:00:00",
            "2026-09-21 03:00:00",
            Some("2026-09-20 04:00:00"),
            Some("2026-09-21 02:00:00"),
            Some("approved"),
            Some("2026-09-25 02:00:00"),
            Some("2026-09-25"),
            Some(600),
            Some(41_000),
            None,
        ),
        (
            7,
            7,
            1,
            "2025-11-10 04:00:00",
            "2025-11-11 04:00:00",
            Some("2025-11-10 05:00:00"),
            Some("2025-11-11 02:00:00"),
            Some("approved"),
            Some("2025-11-14 02:00:00"),
            Some("2025-11-14"),
            Some(50),
            Some(45_000),
            None,
        ),
        (
            8,
            8,
            3,
            "2026-11-20 04:00:00",
            "2026-11-21 04:00:00",
            Some("2026-11-20 05:00:00"),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            9,
            9,
            1,
            "2026-11-25 06:00:00",
            "2026-11-26 06:00:00",
            Some("2026-11-25 07:00:00"),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (10, 9, 3, "2026-11-26 02:00:00", "2026-11-27 02:00:00", None, None, None, None, None, None, None, None),
        (
            11,
            10,
            2,
            "2026-11-28 03:00:00",
            "2026-11-29 03:00:00",
            Some("2026-11-28 04:00:00"),
            Some("2026-11-29 02:00:00"),
            None,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            12,
            13,
            3,
            "2026-01-15 04:00:00",
            "2026-01-16 04:00:00",
            Some("2026-01-15 05:00:00"),
            Some("2026-01-16 02:00:00"),
            Some("approved"),
            Some("2026-01-20 02:00:00"),
            Some("2026-01-20"),
            Some(150),
            Some(40_000),
            None,
        ),
    ];
    rows.into_iter()
        .map(
            |(id, need, bank, grabbed, due, contacted, accepted, decision, decided, approved_on, wan, rate, reason)| {
                let status = if accepted.is_some() { "accepted" } else { "not_selected" };
                let number = |n: Option<i64>| n.map_or("NULL".to_string(), |n| n.to_string());
                format!(
                "INSERT INTO offers (id, need_id, institution_id, officer_id, amount_fen, rate, term_months, guarantee,
                    conditions, valid_until, status, contact_due, contacted_at, decision, decision_due, decided_at,
                    approved_amount_fen, approved_rate, approved_term_months, decline_reason, created_at,
                    approved_on, accepted_at)
                 VALUES ({id}, {need}, {bank}, {bank}, 100000000, 40000, 12, 'credit', '', '{due}', '{status}',
                    '{due}', {}, {}, {}, {}, {}, {}, 12, {}, '{grabbed}', {}, {})",
                q(contacted),
                q(decision),
                q(decided),
                q(decided),
                number(wan.map(|w| w * WAN)),
                number(rate),
                q(reason),
                q(approved_on),
                q(accepted),
            )
            },
        )
        .collect()
}

fn loans() -> Vec<String> {
    // (id, offer, bank, enterprise, signed, rate, guarantees, credit only, 首贷, 续贷, status, class, line, outstanding)
    let loans = [
        (1, 1, 1, 1, "2026-11-06", 43_500, ",credit,", true, true, false, "normal", "normal", 100, 100),
        (2, 3, 1, 2, "2026-11-05", 38_500, ",mortgage,pledge,", false, false, true, "overdue", "substandard", 250, 250),
        (3, 4, 3, 3, "2026-10-20", 51_950, ",pledge,", false, true, false, "normal", "special_mention", 500, 400),
        (4, 6, 2, 6, "2026-09-25", 41_000, ",guarantee,", false, false, false, "settled", "normal", 600, 0),
        (5, 7, 1, 1, "2025-11-14", 45_000, ",credit,", true, true, false, "settled", "normal", 50, 0),
        (6, 12, 3, 6, "2026-01-20", 40_000, ",credit,mortgage,", false, false, false, "normal", "loss", 150, 120),
    ];
    let drawdowns = [
        (1, 1, "2026-11-30", 100),
        (2, 2, "2026-11-10", 150),
        (3, 2, "2026-12-05", 100),
        (4, 3, "2026-10-25", 300),
        (5, 3, "2026-11-12", 200),
        (6, 4, "2026-09-28", 600),
        (7, 5, "2025-11-20", 50),
        (8, 6, "2026-01-25", 120),
    ];
    let mut sql = Vec::new();
    for (id, offer, bank, enterprise, signed, rate, guarantees, credit, first, renewal, status, class, line, left) in
        loans
    {
        let drawn: i64 = drawdowns.iter().filter(|d| d.1 == id).map(|d| d.3).sum();
        sql.push(format!(
            "INSERT INTO loans (id, offer_id, institution_id, enterprise_id, officer_id, contract_no, line_fen, rate,
                term_months, signed_on, maturity, repayment_method, guarantees, credit_only, first_loan, renewal,
                status, status_on, classification, drawn_fen, outstanding_fen, created_by, created_at, updated_at)
             VALUES ({id}, {offer}, {bank}, {enterprise}, {bank}, 'C{id}', {}, {rate}, 12, '{signed}', '2027-12-31',
                'annuity', '{guarantees}', {credit}, {first}, {renewal}, '{status}', '{signed}', '{class}', {}, {},
                {bank}, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            line * WAN,
            drawn * WAN,
            left * WAN
        ));
    }
    for (id, loan, value_date, wan) in drawdowns {
        sql.push(format!(
            "INSERT INTO drawdowns (id, loan_id, iou_no, amount_fen, value_date, term_months, maturity,
                outstanding_fen, created_by, created_at)
             VALUES ({id}, {loan}, 'J{id}', {}, '{value_date}', 12, '2027-12-31', 0, 1, '2026-01-01 00:00:00')",
            wan * WAN
        ));
    }
    sql
}
