//! Each filter (region, industry, size, institution, programme) keeps only
//! its needs, offers and loans.

use xinyidai::domain::stats::{Filter, Period};

use super::{assert_figures, assert_national, assert_period, assert_table, figures, november};
use crate::helpers::TestApp;
use crate::statistics_setup::constructed;

#[test]
fn each_filter_keeps_its_needs_offers_and_loans() {
    let app = TestApp::new();
    constructed(&app);
    let month = november();
    let region = Filter { region: Some("990103".into()), ..Filter::default() };
    let s = figures(&app, &month, &region);
    // E3, E4, E6: N10 40; no approval in November; D5 200 (L3's second drawdown: no cycle).
    assert_period(
        &s,
        &[
            ("need_count", "1"),
            ("need_amount", "40.00"),
            ("credit_count", "0"),
            ("loan_count", "1"),
            ("loan_amount", "200.00"),
            ("small_micro_loan_enterprises", "0"),
            ("registered_enterprises", "0"),
            // 5.195 rounds half away from zero.
            ("loan_rate_mean", "5.20"),
            ("cycle_full", "—"),
            ("cycle_credit", "—"),
        ],
    );
    // N4 open, N10 matched; L3 400 + L6 120 = 520, 不良 L6 120: 23.077 %.
    assert_figures(
        &s,
        &[
            ("matching_count", "2"),
            ("overdue_count", "0"),
            ("outstanding", "520.00"),
            ("npl_ratio", "23.08"),
            ("funnel_published", "1"),
            ("funnel_accepted", "1"),
            ("funnel_credit", "0"),
        ],
    );
    assert_table(&s, "by_region", &[("990103", &["1", "40.00", "0", "0.00", "1", "200.00", "1"])]);

    // E1, E2: N1, N2, N8, N9; O1, O3; D1, D2 (累计 adds D7 50).
    let industry = figures(&app, &month, &Filter { industry: Some("C".into()), ..Filter::default() });
    assert_period(&industry, &[("need_count", "4"), ("need_amount", "590.00"), ("credit_amount", "350.00")]);
    assert_national(&industry, &[("loan_amount", "300.00", "250.00", "250.00"), ("loan_count", "3", "2", "2")]);

    // E2, E5: N2, N5, N8, N9; O3; D2; E5 registered 11-01.
    let micro = figures(&app, &month, &Filter { size: Some("micro".into()), ..Filter::default() });
    assert_period(
        &micro,
        &[("need_count", "4"), ("need_amount", "790.00"), ("credit_count", "1"), ("loan_amount", "150.00")],
    );
    assert_period(&micro, &[("registered_enterprises", "1")]);

    // Bank 3 grabbed N3, N8, N9, N13: in November N8 120 and N9 120; its only drawdown there D5; it joined 11-01.
    let rural = figures(&app, &month, &Filter { institution_id: Some(3), ..Filter::default() });
    assert_period(
        &rural,
        &[
            ("need_count", "2"),
            ("need_amount", "240.00"),
            ("credit_count", "0"),
            ("loan_amount", "200.00"),
            ("institutions", "1"),
            ("products", "0"),
        ],
    );
    // Its own offers only: O8 on time, O10 never contacted; its first grabs N8 2 h, N9 24 h (O10, not bank 1's O9).
    assert_figures(&rural, &[("contact_on_time_share", "50.00"), ("grab_median_hours", "13.00")]);
    assert_table(&rural, "by_institution", &[("3", &["0", "0", "0.00", "1", "200.00", "1", "0", "0.00"])]);
    assert_eq!(rural.breakdown("by_institution").unwrap().rows.len(), 1);

    // 科技贷: P1 (bank 1) and P3 (bank 3): N2 and N13, O3 and O12, D2, D3 and D8.
    let programme = Filter { programme: Some("科技贷".into()), ..Filter::default() };
    let s = figures(&app, &month, &programme);
    assert_period(&s, &[("need_count", "1"), ("need_amount", "250.00"), ("credit_amount", "250.00")]);
    assert_period(&s, &[("loan_amount", "150.00"), ("registered_enterprises", "0"), ("products", "1")]);
    let year = figures(&app, &Period::year(2026).unwrap(), &programme);
    assert_period(
        &year,
        &[("need_count", "2"), ("need_amount", "400.00"), ("loan_count", "3"), ("loan_amount", "370.00")],
    );
    app.run_jobs_blocking();
}
