//! A quarter, a year and custom ranges: the windows' edges on Beijing dates.

use xinyidai::domain::stats::{Filter, Period};

use super::{assert_figures, assert_period, assert_table, figures, value};
use crate::helpers::TestApp;
use crate::statistics_setup::constructed;

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
