//! The constructed market's loans and their drawdowns (see
//! `statistics_setup`), dates without a year 2026:
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

use super::WAN;

pub(super) fn loans() -> Vec<String> {
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
