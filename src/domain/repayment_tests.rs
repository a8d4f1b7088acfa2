//! Known schedules, checked against a 50-digit reference, and the invariants
//! every schedule keeps.
//!
//! The reference figures come from Python's decimal module, following the
//! rounding rules of the module doc:
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
//! | principal (fen) | rate | months | exact monthly (fen)      | monthly   | interest  | total      | last      |
//! |-----------------|------|--------|--------------------------|-----------|-----------|------------|-----------|
//! | 100,000,000     | 3.85 | 12     | 8,508,138.58606439388114 | 8,508,139 | 2,097,663 | 102,097,663| 8,508,134 |
//! | 100,000,000     | 3.85 | 36     | 2,945,730.47867390617078 | 2,945,730 | 6,046,298 | 106,046,298| 2,945,748 |
//! | 100,000,000     | 3.85 | 1      | 100,320,833.333333333333 | 100,320,833 | 320,833 | 100,320,833| 100,320,833 |
//! | 100,000,000     | 0    | 12     | 8,333,333.33333333333333 | 8,333,333 | 0         | 100,000,000| 8,333,337 |
//! | 500,000,000     | 4.35 | 360    | 2,489,058.96358132286143 | 2,489,059 | 396,061,220 | 896,061,220 | 2,489,039 |
//! | 123,456,789     | 24   | 60     | 3,551,600.68691578307130 | 3,551,601 | 89,639,234 | 213,096,023 | 3,551,564 |

use rust_decimal::Decimal;

use super::*;

fn repayment(principal_fen: i64, rate: &str, months: u32) -> Repayment {
    equal_instalments(Money::from_fen(principal_fen), Rate::parse(rate).unwrap(), months)
}

fn expect(monthly: i64, last: i64, total_interest: i64, total: i64) -> Repayment {
    Repayment {
        monthly: Money::from_fen(monthly),
        last: Money::from_fen(last),
        total_interest: Money::from_fen(total_interest),
        total: Money::from_fen(total),
    }
}

#[test]
fn a_million_yuan_at_3_85_percent_matches_the_reference() {
    let year = repayment(100_000_000, "3.85", 12);
    assert_eq!(year, expect(8_508_139, 8_508_134, 2_097_663, 102_097_663));
    assert_eq!(year.monthly.yuan_text(), "85,081.39 元");
    assert_eq!(repayment(100_000_000, "3.85", 36), expect(2_945_730, 2_945_748, 6_046_298, 106_046_298));
}

#[test]
fn one_month_repays_principal_and_one_month_of_interest() {
    assert_eq!(repayment(100_000_000, "3.85", 1), expect(100_320_833, 100_320_833, 320_833, 100_320_833));
}

#[test]
fn long_terms_and_high_rates_match_the_reference() {
    assert_eq!(repayment(500_000_000, "4.35", 360), expect(2_489_059, 2_489_039, 396_061_220, 896_061_220));
    assert_eq!(repayment(123_456_789, "24", 60), expect(3_551_601, 3_551_564, 89_639_234, 213_096_023));
}

#[test]
fn a_zero_rate_splits_the_principal_and_the_last_month_takes_the_remainder() {
    assert_eq!(repayment(100_000_000, "0", 12), expect(8_333_333, 8_333_337, 0, 100_000_000));
    assert_eq!(repayment(1_200, "0", 12), expect(100, 100, 0, 1_200));
}

#[test]
fn a_zero_month_term_is_one_month() {
    assert_eq!(repayment(100_000_000, "3.85", 0), repayment(100_000_000, "3.85", 1));
}

#[test]
fn a_few_fen_over_many_months_are_repaid_early_and_never_overpaid() {
    // 5 fen over 7 months rounds to 1 fen a month: repaid by the fifth.
    let months = schedule(Money::from_fen(5), Rate::from_units(0), 7);
    let payments: Vec<i64> = months.iter().map(|m| m.payment.fen()).collect();
    assert_eq!(payments, [1, 1, 1, 1, 1, 0, 0]);
    // 1 fen at 24% rounds to nothing a month: all of it in the last.
    let months = schedule(Money::from_fen(1), Rate::parse("24").unwrap(), 12);
    assert_eq!(months.iter().map(|m| m.payment.fen()).sum::<i64>(), 1);
    assert_eq!(months.last().unwrap().payment, Money::from_fen(1));
}

#[test]
fn every_schedule_repays_the_principal_exactly() {
    let principals = [1, 99, 100_000, 1_234_567, 100_000_000, 987_654_321, 50_000_000_000];
    let rates = ["0", "0.0001", "2.5", "3.45", "3.85", "4.35", "7.3", "12", "24"];
    let terms = [1, 2, 3, 6, 11, 12, 13, 24, 36, 60, 120, 240, 360];
    for principal in principals {
        for rate in rates {
            for months in terms {
                let p = Money::from_fen(principal);
                let plan = schedule(p, Rate::parse(rate).unwrap(), months);
                let summary = equal_instalments(p, Rate::parse(rate).unwrap(), months);
                let case = format!("{principal} fen at {rate}% over {months}");
                assert_eq!(plan.len(), months as usize, "{case}");
                assert_eq!(plan.iter().map(|m| m.principal.fen()).sum::<i64>(), principal, "{case}");
                assert_eq!(plan.last().unwrap().balance, Money::from_fen(0), "{case}");
                assert!(plan.iter().all(|m| m.principal.fen() >= 0 && m.interest.fen() >= 0), "{case}");
                assert!(plan.iter().all(|m| m.payment.fen() == m.principal.fen() + m.interest.fen()), "{case}");
                let total: i64 = plan.iter().map(|m| m.payment.fen()).sum();
                assert_eq!(summary.total.fen(), total, "{case}");
                assert_eq!(summary.total_interest.fen(), total - principal, "{case}");
                // Every payment but the last is the monthly one, unless rounding up
                // repaid the loan early (tiny amounts, or 30 years at 12%).
                let (last, rest) = plan.split_last().unwrap();
                assert!(rest.iter().all(|m| m.payment == summary.monthly || m.balance.fen() == 0), "{case}");
                if rest.iter().all(|m| m.balance.fen() > 0) {
                    let drift = Decimal::from((last.payment.fen() - summary.monthly.fen()).abs());
                    assert!(drift <= rounding_drift_bound(rate, months), "{case}: last {last:?}");
                }
            }
        }
    }
}

/// Each month's rounding (at most a fen, payment and interest together) stays
/// in the balance and earns interest until the end: at most
/// `((1 + r)^n − 1) / r` fen, `n` at a zero rate.
fn rounding_drift_bound(rate: &str, months: u32) -> Decimal {
    let units = Rate::parse(rate).unwrap().units();
    if units == 0 {
        return Decimal::from(months);
    }
    let r = Decimal::from(units) / Decimal::from(MONTHLY_RATE_DENOMINATOR);
    (power(Decimal::ONE + r, months) - Decimal::ONE) / r
}

#[test]
fn long_dear_loans_leave_a_visible_difference_in_the_last_instalment() {
    // 1,000,000 yuan at 24% over 30 years: the exact payment 20,016.044138…
    // yuan is rounded down by 0.41 fen, and those fractions, left owing and
    // compounded for 360 months, come back as 282.06 yuan more in the last
    // instalment (the 50-digit reference agrees).
    assert_eq!(repayment(100_000_000, "24", 360), expect(2_001_604, 2_029_810, 620_605_646, 720_605_646));
}

#[test]
fn interest_falls_as_the_balance_falls() {
    let plan = schedule(Money::from_yuan(1_000_000), Rate::parse("3.85").unwrap(), 36);
    assert!(plan.windows(2).all(|pair| pair[1].interest <= pair[0].interest));
    assert_eq!(plan[0].interest, Money::from_fen(320_833), "first month: 1,000,000 × 3.85% / 12");
}
