//! Every figure and breakdown of `domain::stats`, counted over the market of
//! `statistics_setup` read from a real database, against values worked out
//! by hand (the arithmetic beside each). Amounts in 万元, rates in %.

use rust_decimal::Decimal;
use xinyidai::domain::stats::{Filter, Period, Statistics};
use xinyidai::models::stats;

use crate::helpers::TestApp;
use crate::statistics_setup::{as_of, constructed};

/// "—" for a figure of nothing, else the exact decimal.
fn value(text: &str) -> Option<Decimal> {
    (text != "—").then(|| text.parse().unwrap())
}

fn figures(app: &TestApp, period: &Period, filter: &Filter) -> Statistics {
    let facts = stats::load(&mut app.conn(), as_of()).unwrap();
    Statistics::compute(&facts, period, filter)
}

fn november() -> Period {
    Period::month(2026, 11).unwrap()
}

/// Each national indicator as (key, 累计, 本期, 近一年).
fn assert_national(s: &Statistics, expected: &[(&str, &str, &str, &str)]) {
    for (key, cumulative, period, trailing) in expected {
        let i = s.indicator(key).unwrap_or_else(|| panic!("no indicator {key}"));
        let got = (i.cumulative, i.period, i.trailing);
        assert_eq!(got, (value(cumulative), value(period), value(trailing)), "{key} (累计, 本期, 近一年)");
    }
}

/// Only the period's column of some indicators.
fn assert_period(s: &Statistics, expected: &[(&str, &str)]) {
    for (key, period) in expected {
        assert_eq!(s.indicator(key).unwrap().period, value(period), "{key} 本期 of {}", s.period);
    }
}

fn assert_figures(s: &Statistics, expected: &[(&str, &str)]) {
    for (key, v) in expected {
        let f = s.figure(key).unwrap_or_else(|| panic!("no figure {key}"));
        assert_eq!(f.value, value(v), "{key} of {} under {}", s.period, s.filter);
    }
}

/// A breakdown's rows as (code, values in column order); rows not listed must be all zeros.
fn assert_table(s: &Statistics, key: &str, expected: &[(&str, &[&str])]) {
    let table = if key == "trend" { &s.trend } else { s.breakdown(key).unwrap() };
    for row in &table.rows {
        let want: Vec<Option<Decimal>> = match expected.iter().find(|(code, _)| *code == row.code) {
            Some((_, values)) => values.iter().map(|v| value(v)).collect(),
            None => vec![Some(Decimal::ZERO); row.values.len()],
        };
        assert_eq!(row.values, want, "{key} row {} of {} under {}", row.code, s.period, s.filter);
    }
    for (code, _) in expected {
        assert!(table.rows.iter().any(|r| r.code == *code), "{key} has no row {code}");
    }
}

#[test]
fn every_national_figure_of_november_in_all_three_windows() {
    let app = TestApp::new();
    constructed(&app);
    let s = figures(&app, &november(), &Filter::default());
    // 累计 is up to 11-30, 本期 11-01..11-30, 近一年 2025-12-01..2026-11-30 (Beijing dates).
    assert_national(
        &s,
        &[
            // First accounts: E1 11-02, E5 11-01 (10-31T17:00Z), E2 10-10, E6 09-15 (not 11-20), E3 2025-09; E4 is 12-01.
            ("registered_enterprises", "5", "2", "4"),
            // Approvals O1 11-06 100, O3 11-05 250 | + O4 500, O6 600, O12 150 | + O7 2025-11 50.
            ("credit_enterprises", "4", "2", "4"),
            ("credit_amount", "1650.00", "350.00", "1600.00"),
            ("credit_count", "6", "2", "5"),
            // November drawdowns D1 100 (11-30), D2 150, D5 200 = 450; 累计 adds D4 300, D6 600, D7 50, D8 120 = 1520
            // (not D3, 12-05); 近一年 leaves out D7 (2025-11-20): 1470.
            ("loan_enterprises", "4", "3", "4"),
            ("loan_amount", "1520.00", "450.00", "1470.00"),
            ("loan_count", "7", "3", "6"),
            // Credit only: L1 (D1 100) and L5 (D7 50), both E1.
            ("credit_loan_enterprises", "1", "1", "1"),
            ("credit_loan_amount", "150.00", "100.00", "100.00"),
            ("credit_loan_count", "2", "1", "1"),
            // November: N1 100, N2 250 (11-01 in Beijing), N5 300, N8 120, N9 120 (N8 republished counts again),
            // N10 40 = 930 from E1, E2, E5, E3; 累计 adds N3 500, N6 600, N7 50, N13 150 = 2230 (N4 is 12-02,
            // N12 a draft); 近一年 leaves out N7: 2180.
            ("need_enterprises", "5", "4", "5"),
            ("need_amount", "2230.00", "930.00", "2180.00"),
            ("need_count", "10", "6", "9"),
            // E1 small and E2 micro; E3 and E6 are medium.
            ("small_micro_loan_enterprises", "2", "2", "2"),
            // (4.35 + 3.85 + 5.195) / 3 = 4.465, half away from zero 4.47;
            // 累计 (4.35 + 3.85 + 5.195 + 5.195 + 4.10 + 4.50 + 4.00) / 7 = 31.19 / 7 = 4.4557 → 4.46;
            // 近一年 (31.19 − 4.50) / 6 = 4.4483 → 4.45.
            ("loan_rate_mean", "4.46", "4.47", "4.45"),
            // First drawdowns only (D3 and D5 are second ones): publication → first drawdown in days
            // L1 11-03→11-30 27, L2 11-01→11-10 9 (10 if the UTC date were used), L3 10-05→10-25 20,
            // L4 09-20→09-28 8, L5 2025-11-10→11-20 10, L6 01-15→01-25 10.
            // 本期 (27 + 9) / 2 = 18; 累计 84 / 6 = 14; 近一年 74 / 5 = 14.80.
            ("cycle_full", "14.00", "18.00", "14.80"),
            // Publication → approval: O1 3, O3 4, O4 15, O6 5, O7 4, O12 5: 本期 3.5, 累计 36 / 6 = 6, 近一年 32 / 5 = 6.4.
            ("cycle_credit", "6.00", "3.50", "6.40"),
            // Approval → first drawdown: L1 24, L2 5, L3 5, L4 3, L5 6, L6 5: 本期 14.5, 累计 48 / 6 = 8, 近一年 42 / 5 = 8.4.
            ("cycle_loan", "8.00", "14.50", "8.40"),
            // Credit only: L1 27, L5 10: 累计 18.5.
            ("cycle_credit_loan", "18.50", "27.00", "27.00"),
            // Joined 2025-06-10, 11-05, 11-01 (10-31T17:00Z).
            ("institutions", "3", "2", "2"),
            // Products published 11-10, 08-01, 2025-03-01.
            ("products", "3", "1", "2"),
        ],
    );
    assert_eq!(s.indicators.len(), 21, "every indicator is checked above");
    assert_figures(
        &s,
        &[
            ("month_loan_amount", "450.00"),
            ("month_loan_count", "3"),
            ("month_credit_loan_amount", "100.00"),
            ("month_credit_loan_count", "1"),
            ("month_need_count", "6"),
            // N4 open, N9 awaiting choice, N10 matched.
            ("matching_count", "3"),
            ("overdue_count", "1"),
            // Not settled: L1 100 + L2 250 + L3 400 + L6 120 = 870; 不良 L2 (次级) 250 + L6 (损失) 120 = 370,
            // 370 / 870 = 42.5287 % (L3 关注 is not 不良).
            ("outstanding", "870.00"),
            ("npl_ratio", "42.53"),
        ],
    );
    app.run_jobs_blocking();
}

#[test]
fn ours_and_the_funnel_of_november() {
    let app = TestApp::new();
    constructed(&app);
    let s = figures(&app, &november(), &Filter::default());
    assert_figures(
        &s,
        &[
            // 首贷 drawdowns in November: D1 (L1, E1) 100 and D5 (L3, E3) 200.
            ("first_loan_enterprises", "2"),
            ("first_loan_amount", "300.00"),
            // L2 signed 11-05 is a renewal.
            ("renewal_count", "1"),
            // 100 / 450 = 22.222 %.
            ("credit_loan_share", "22.22"),
            // Rates 3.85, 4.35, 5.195: the middle one.
            ("loan_rate_median", "4.35"),
            // First grabs of November's needs: N1 2 h, N2 12 h, N5 8 h, N8 2 h, N9 4 h, N10 1 h;
            // sorted 1, 2, 2, 4, 8, 12: an even count, (2 + 4) / 2 = 3.
            ("grab_median_hours", "3.00"),
            // Grabbed in November: O1, O2, O3, O5, O8, O9, O10, O11; all due by 12-15; on time all but O2 (late),
            // O5 and O10 (never): 5 / 8.
            ("contact_on_time_share", "62.50"),
            // Decided in November: O1 2 d, O3 3.5 d, O5 4 d: the middle one.
            ("decision_median_days", "3.50"),
            // Approved 2 of 3 decided.
            ("approval_share", "66.67"),
            // Published 6; all got an offer; accepted N1, N2, N5, N10; approved N1, N2; drawn N1, N2.
            ("funnel_published", "6"),
            ("funnel_grabbed", "6"),
            ("funnel_accepted", "4"),
            ("funnel_credit", "2"),
            ("funnel_loan", "2"),
        ],
    );
    assert_eq!(s.ours.len() + s.funnel.len() + s.month.len() + s.current.len(), 9 + 5 + 5 + 4);
    app.run_jobs_blocking();
}

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

#[test]
fn a_quarter_a_year_and_a_custom_range() {
    let app = TestApp::new();
    constructed(&app);
    let q4 = figures(&app, &Period::quarter(2026, 4).unwrap(), &Filter::default());
    assert_period(
        &q4,
        &[
            // November's 6 + N3 500 (10-05) + N4 80 (12-02).
            ("need_count", "8"),
            ("need_amount", "1510.00"),
            // O1, O3, O4.
            ("credit_count", "3"),
            ("credit_amount", "850.00"),
            // D1 100, D2 150, D3 100, D4 300, D5 200.
            ("loan_count", "5"),
            ("loan_amount", "850.00"),
            // First drawdowns D1 27, D2 9, D4 20: 56 / 3 = 18.667.
            ("cycle_full", "18.67"),
            // E2 10-10, E5 11-01, E1 11-02, E4 12-01.
            ("registered_enterprises", "4"),
        ],
    );
    // 累计 of the quarter runs to 12-31: D3 is in.
    assert_eq!(q4.indicator("loan_amount").unwrap().cumulative, value("1620.00"));
    // 当月 of a quarter is its last month, December: D3 100 and N4.
    assert_figures(&q4, &[("month_loan_amount", "100.00"), ("month_loan_count", "1"), ("month_need_count", "1")]);

    let year = figures(&app, &Period::year(2026).unwrap(), &Filter::default());
    assert_period(
        &year,
        &[
            ("need_count", "10"),
            ("need_amount", "2260.00"),
            ("credit_count", "5"),
            ("credit_amount", "1600.00"),
            ("loan_count", "7"),
            ("loan_amount", "1570.00"),
        ],
    );
    // N1 100, N4 80, N10 40 | N2 250, N5 300, N8 120, N9 120, N13 150 | N3 exactly 500 | N6 600.
    assert_table(
        &year,
        "by_need_amount",
        &[
            ("up_to_100", &["3", "220.00"]),
            ("100_300", &["5", "940.00"]),
            ("300_500", &["1", "500.00"]),
            ("over_500", &["1", "600.00"]),
        ],
    );
    // D1 100, D3 100 | D2 150, D4 300, D5 200, D8 120 | — | D6 600.
    assert_table(
        &year,
        "by_loan_amount",
        &[("up_to_100", &["2", "200.00"]), ("100_300", &["4", "770.00"]), ("over_500", &["1", "600.00"])],
    );
    // L2's D2, D3 and L6's D8 (credit and mortgage: 抵押) | D1 | L3's D4, D5 | L4's D6 (a guarantee: 其他).
    assert_table(
        &year,
        "by_loan_type",
        &[
            ("mortgage", &["3", "370.00"]),
            ("credit", &["1", "100.00"]),
            ("pledge", &["2", "500.00"]),
            ("other", &["1", "600.00"]),
        ],
    );

    let from = "2026-11-01".parse().unwrap();
    let first_half = figures(&app, &Period::custom(from, "2026-11-15".parse().unwrap()).unwrap(), &Filter::default());
    // N1, N2 (11-01 in Beijing), N5 (11-15, the last day is included); D2, D5 (D1 is 11-30).
    assert_period(&first_half, &[("need_count", "3"), ("need_amount", "650.00"), ("loan_amount", "350.00")]);
    // 近一年 2025-11-16..2026-11-15: D7 50 (2025-11-20), D8 120, D6 600, D4 300, D2 150, D5 200.
    assert_eq!(first_half.indicator("loan_amount").unwrap().trailing, value("1420.00"));
    // 当月 is the whole month of the range's last day.
    assert_figures(&first_half, &[("month_loan_count", "3")]);
    // In UTC N2 and E5 would be on 10-31; in Beijing nothing happened that day.
    let halloween = "2026-10-31".parse().unwrap();
    let day = figures(&app, &Period::custom(halloween, halloween).unwrap(), &Filter::default());
    assert_period(&day, &[("need_count", "0"), ("registered_enterprises", "0"), ("institutions", "0")]);
    app.run_jobs_blocking();
}

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
