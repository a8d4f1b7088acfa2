//! Every figure and breakdown of `domain::stats`, counted over the market of
//! `statistics_setup` read from a real database, against values worked out
//! by hand (the arithmetic beside each). Amounts in 万元, rates in %. Here
//! the national set, ours and the funnel of November; the breakdowns in
//! `breakdowns`, other periods in `periods`, each filter in `filters`.

mod breakdowns;
mod filters;
mod periods;

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
