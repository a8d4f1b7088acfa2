//! Every method against the independent reference of
//! `tests/common/repayment_reference.rs` (decimal yuan, written from the
//! rule's words), known equal-instalment figures from a 50-digit reference,
//! and the invariants every schedule keeps.
//!
//! The 50-digit figures come from Python's decimal module:
//!
//! ```python
//! from decimal import Decimal as D, getcontext, ROUND_HALF_UP
//! getcontext().prec = 50
//! def sched(p_fen, rate_units, n):
//!     r = D(rate_units) / D(12_000_000)
//!     exact = p_fen * r / (1 - (1 + r) ** -n) if r else D(p_fen) / n
//!     m = exact.quantize(D(1), ROUND_HALF_UP)
//!     bal = D(p_fen); total = D(0)
//!     for k in range(1, n + 1):
//!         i = (bal * r).quantize(D(1), ROUND_HALF_UP)
//!         pr = bal if k == n else min(m - i, bal)
//!         total += pr + i; bal -= pr
//!     return exact, m, total - p_fen, total, pr + i
//! ```
//!
//! | principal (fen) | rate | months | monthly   | interest    | total       | last      |
//! |-----------------|------|--------|-----------|-------------|-------------|-----------|
//! | 100,000,000     | 3.85 | 12     | 8,508,139 | 2,097,663   | 102,097,663 | 8,508,134 |
//! | 100,000,000     | 3.85 | 36     | 2,945,730 | 6,046,298   | 106,046,298 | 2,945,748 |
//! | 500,000,000     | 4.35 | 360    | 2,489,059 | 396,061,220 | 896,061,220 | 2,489,039 |
//! | 123,456,789     | 24   | 60     | 3,551,601 | 89,639,234  | 213,096,023 | 3,551,564 |
//! | 100,000,000     | 24   | 360    | 2,001,604 | 620,605,646 | 720,605,646 | 2,029,810 |

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;

#[path = "../../tests/common/repayment_reference.rs"]
mod reference;

fn loan(method: RepaymentMethod, principal_fen: i64, rate: &str, months: u32) -> Loan {
    Loan { method, principal: Money::from_fen(principal_fen), annual_rate: Rate::parse(rate).unwrap(), months }
}

fn annuity(principal_fen: i64, rate: &str, months: u32) -> Loan {
    loan(RepaymentMethod::Annuity, principal_fen, rate, months)
}

fn yuan(money: Money) -> Decimal {
    money.to_decimal()
}

/// The app's schedule equals the reference's, row by row, dates included.
fn assert_matches_reference(method: RepaymentMethod, principal_fen: i64, rate: &str, months: u32) {
    let start = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
    let case = format!("{} {principal_fen} fen at {rate}% over {months}", method.code());
    let yuan_text = Decimal::new(principal_fen, 2).to_string();
    let expected = reference::schedule(method.code(), &yuan_text, rate, months, start);
    let plan = loan(method, principal_fen, rate, months).schedule();
    assert_eq!(plan.len(), expected.len(), "{case}");
    for (got, want) in plan.iter().zip(&expected) {
        let row = (got.number, due_date(start, got.month), yuan(got.principal), yuan(got.interest));
        assert_eq!(row, (want.number, want.due, want.principal, want.interest), "{case}");
        assert_eq!((yuan(got.payment), yuan(got.balance)), (want.payment, want.balance), "{case}");
    }
    let cost = cost(&plan);
    let got = (yuan(cost.first_payment), yuan(cost.largest_payment), yuan(cost.total_interest), yuan(cost.total));
    assert_eq!(got, reference::cost(&expected), "{case}");
}

#[test]
fn every_method_matches_the_independent_reference_at_the_edges() {
    let ten_million_yuan = 1_000_000_000; // 1,000 万元
    let cases: [(i64, &str, u32); 9] = [
        (100_000_000, "24", 360),
        (ten_million_yuan, "24", 360),
        (ten_million_yuan, "0.01", 360),
        (ten_million_yuan, "0.01", 1),
        (ten_million_yuan, "3.85", 1),
        (ten_million_yuan, "3.85", 12),
        (123_456_789, "4.35", 36),
        (5_000_000, "7.3", 7),
        (12_345, "12", 24),
    ];
    for method in RepaymentMethod::ALL {
        for (principal, rate, months) in cases {
            assert_matches_reference(method, principal, rate, months);
        }
    }
}

#[test]
fn a_million_yuan_over_a_year_costs_what_each_method_says() {
    // 1,000,000 yuan at 3.85% over 12 months; figures worked by hand from the rule.
    let costs: Vec<(i64, i64, i64)> = RepaymentMethod::ALL
        .into_iter()
        .map(|m| {
            let c = loan(m, 100_000_000, "3.85", 12).cost();
            (c.first_payment.fen(), c.largest_payment.fen(), c.total_interest.fen())
        })
        .collect();
    assert_eq!(
        costs,
        [
            (8_508_139, 8_508_139, 2_097_663),
            // 83,333.33 principal + 3,208.33 interest first; interest Σ 3,208.33·(12..1)/12 → 20,854.16.
            (8_654_166, 8_654_166, 2_085_416),
            // 3,208.33 a month, 1,000,000 + 3,208.33 at the end: 38,499.96.
            (320_833, 100_320_833, 3_849_996),
            // One year's interest at once: 38,500.00.
            (103_850_000, 103_850_000, 3_850_000),
        ]
    );
}

#[test]
fn equal_instalments_match_the_50_digit_reference() {
    let table: [(i64, &str, u32, i64, i64, i64, i64); 5] = [
        (100_000_000, "3.85", 12, 8_508_139, 2_097_663, 102_097_663, 8_508_134),
        (100_000_000, "3.85", 36, 2_945_730, 6_046_298, 106_046_298, 2_945_748),
        (500_000_000, "4.35", 360, 2_489_059, 396_061_220, 896_061_220, 2_489_039),
        (123_456_789, "24", 60, 3_551_601, 89_639_234, 213_096_023, 3_551_564),
        // Long and dear: fractions of a fen left owing each month, compounded
        // for 30 years, come back as 282.06 yuan more in the last instalment.
        (100_000_000, "24", 360, 2_001_604, 620_605_646, 720_605_646, 2_029_810),
    ];
    for (principal, rate, months, monthly, interest, total, last) in table {
        let plan = annuity(principal, rate, months).schedule();
        let cost = super::cost(&plan);
        assert_eq!(cost.first_payment.fen(), monthly, "{principal} {rate} {months}");
        assert_eq!((cost.total_interest.fen(), cost.total.fen()), (interest, total));
        assert_eq!(plan.last().unwrap().payment.fen(), last);
        assert_eq!(cost.largest_payment.fen(), monthly.max(last));
    }
    assert_eq!(annuity(100_000_000, "3.85", 12).cost().first_payment.yuan_text(), "85,081.39 元");
}

#[test]
fn a_zero_month_term_is_one_month_and_tiny_loans_are_never_overpaid() {
    for method in RepaymentMethod::ALL {
        assert_eq!(loan(method, 100_000_000, "3.85", 0).schedule(), loan(method, 100_000_000, "3.85", 1).schedule());
    }
    // 5 fen over 7 months rounds to 1 fen a month: repaid by the fifth.
    for method in [RepaymentMethod::Annuity, RepaymentMethod::EqualPrincipal] {
        let payments: Vec<i64> = loan(method, 5, "0", 7).schedule().iter().map(|m| m.payment.fen()).collect();
        assert_eq!(payments, [1, 1, 1, 1, 1, 0, 0], "{method:?}");
    }
    // 1 fen at 24% rounds to no interest a month: all of it in the last.
    let months = annuity(1, "24", 12).schedule();
    assert_eq!(months.iter().map(|m| m.payment.fen()).sum::<i64>(), 1);
}

#[test]
fn every_schedule_repays_the_principal_exactly_and_interest_is_its_sum() {
    let principals = [1, 99, 100_000, 1_234_567, 100_000_000, 987_654_321, 50_000_000_000];
    let rates = ["0", "0.0001", "2.5", "3.85", "7.3", "24"];
    let terms = [1, 2, 11, 12, 13, 60, 360];
    for method in RepaymentMethod::ALL {
        for principal in principals {
            for rate in rates {
                for months in terms {
                    let plan = loan(method, principal, rate, months).schedule();
                    let case = format!("{method:?} {principal} fen at {rate}% over {months}");
                    let periods = if method == RepaymentMethod::Bullet { 1 } else { months as usize };
                    assert_eq!(plan.len(), periods, "{case}");
                    assert_eq!(plan.last().unwrap().month, months, "{case}: the last falls due at maturity");
                    assert_eq!(plan.iter().map(|m| m.principal.fen()).sum::<i64>(), principal, "{case}");
                    assert_eq!(plan.last().unwrap().balance.fen(), 0, "{case}");
                    assert!(plan.iter().all(|m| m.principal.fen() >= 0 && m.interest.fen() >= 0), "{case}");
                    assert!(plan.iter().all(|m| m.payment.fen() == m.principal.fen() + m.interest.fen()), "{case}");
                    let cost = cost(&plan);
                    assert_eq!(cost.total.fen(), principal + cost.total_interest.fen(), "{case}");
                }
            }
        }
    }
}

#[test]
fn due_dates_keep_the_day_or_take_the_last_day_of_a_shorter_month() {
    let start = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
    let days: Vec<String> = (1..=3).map(|m| due_date(start, m).to_string()).collect();
    assert_eq!(days, ["2026-02-28", "2026-03-31", "2026-04-30"]);
}

#[test]
fn methods_round_trip_through_their_codes() {
    for method in RepaymentMethod::ALL {
        assert_eq!(RepaymentMethod::parse(method.code()), Some(method));
    }
    assert_eq!(RepaymentMethod::parse("等额本息"), None);
}

#[test]
fn only_the_lowest_total_interest_is_marked_and_a_tie_says_so() {
    let yuan = |y: &[i64]| y.iter().map(|v| Money::from_yuan(*v)).collect::<Vec<_>>();
    assert_eq!(lowest_interest_badges(&yuan(&[120, 100, 181])), [None, Some("利息最低"), None]);
    assert_eq!(lowest_interest_badges(&yuan(&[100, 181, 100])), [Some("利息并列最低"), None, Some("利息并列最低")]);
    assert_eq!(lowest_interest_badges(&yuan(&[100])), [None], "a lone offer is compared with nothing");
}
