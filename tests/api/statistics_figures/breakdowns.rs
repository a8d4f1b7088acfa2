//! Every breakdown of November and the trend, against the hand-counted rows.

use xinyidai::domain::stats::Filter;

use super::{assert_table, figures, november};
use crate::helpers::TestApp;
use crate::statistics_setup::constructed;

#[test]
fn every_breakdown_of_november() {
    let app = TestApp::new();
    constructed(&app);
    let s = figures(&app, &november(), &Filter::default());
    // Columns: needs, 万元, credits, 万元, drawdowns, 万元, enterprises drawn.
    // C: N1 100, N2 250, N8 120, N9 120; O1 100, O3 250; D1 100, D2 150 (E1, E2).
    // F: N10 40; D5 200 (E3). I: N5 300.
    assert_table(
        &s,
        "by_industry",
        &[
            ("C", &["4", "590.00", "2", "350.00", "2", "250.00", "2"]),
            ("F", &["1", "40.00", "0", "0.00", "1", "200.00", "1"]),
            ("I", &["1", "300.00", "0", "0.00", "0", "0.00", "0"]),
        ],
    );
    // small E1: N1, O1, D1; micro E2 and E5: N2 250 + N5 300 + N8 120 + N9 120, O3, D2; medium E3: N10, D5.
    assert_table(
        &s,
        "by_size",
        &[
            ("small", &["1", "100.00", "1", "100.00", "1", "100.00", "1"]),
            ("micro", &["4", "790.00", "1", "250.00", "1", "150.00", "1"]),
            ("medium", &["1", "40.00", "0", "0.00", "1", "200.00", "1"]),
        ],
    );
    assert_table(
        &s,
        "by_region",
        &[
            ("990102", &["5", "890.00", "2", "350.00", "2", "250.00", "2"]),
            ("990103", &["1", "40.00", "0", "0.00", "1", "200.00", "1"]),
        ],
    );
    // Columns: accepted, credits, 万元, drawdowns, 万元, enterprises, credit-only drawdowns, 万元.
    // Accepted in November (Beijing): O1 11-04, O3 11-02 (bank 1), O5 11-16, O11 11-29 (bank 2).
    let bank_one: &[&str] = &["2", "2", "350.00", "2", "250.00", "2", "1", "100.00"];
    let bank_two: &[&str] = &["2", "0", "0.00", "0", "0.00", "0", "0", "0.00"];
    let rural: &[&str] = &["0", "0", "0.00", "1", "200.00", "1", "0", "0.00"];
    assert_table(&s, "by_institution", &[("1", bank_one), ("2", bank_two), ("3", rural)]);
    let banks: &[&str] = &["4", "2", "350.00", "2", "250.00", "2", "1", "100.00"];
    assert_table(&s, "by_institution_kind", &[("bank", banks), ("rural_credit", rural)]);
    // D1 is exactly 100 万: the first band includes its upper bound.
    assert_table(&s, "by_loan_amount", &[("up_to_100", &["1", "100.00"]), ("100_300", &["2", "350.00"])]);
    // N1 100 and N10 40; N2 250, N5 300 (the band's bound), N8 120, N9 120.
    assert_table(&s, "by_need_amount", &[("up_to_100", &["2", "140.00"]), ("100_300", &["4", "790.00"])]);
    // D2: L2 took a mortgage and a pledge: 抵押. D1 credit only, D5 pledge.
    assert_table(
        &s,
        "by_loan_type",
        &[("mortgage", &["1", "150.00"]), ("credit", &["1", "100.00"]), ("pledge", &["1", "200.00"])],
    );
    let reasons = s.breakdown("decline_reasons").unwrap();
    assert_eq!(reasons.rows[0].code, "collateral", "the most frequent reason first");
    assert_table(&s, "decline_reasons", &[("collateral", &["1", "100.00"])]);
    // The trailing year 2025-12..2026-11: needs, drawdowns, 万元.
    assert_table(
        &s,
        "trend",
        &[
            ("2026-01", &["1", "1", "120.00"]),
            ("2026-09", &["1", "1", "600.00"]),
            ("2026-10", &["1", "1", "300.00"]),
            ("2026-11", &["6", "3", "450.00"]),
        ],
    );
    assert_eq!(s.trend.rows.first().map(|r| r.code.as_str()), Some("2025-12"));
    assert_eq!(s.trend.rows.len(), 12);
    app.run_jobs_blocking();
}
