//! Equal instalments (等额本息): what a loan costs each month, exact to the
//! fen. Decimals and integers only: a float would make the schedule disagree
//! with the bank's by a fen here and there.
//!
//! Rounding (the usual convention of bank schedules):
//! - the monthly payment is the annuity `P·r / (1 − (1 + r)^−n)` with
//!   `r` = annual rate / 12, rounded half-up to the fen;
//! - each month's interest is the outstanding balance times `r`, rounded
//!   half-up to the fen; the rest of the payment repays principal;
//! - the last instalment repays whatever principal is left plus its interest,
//!   so it absorbs the rounding and the principal is repaid exactly. The
//!   rounding left in the balance earns interest until then, so on long, dear
//!   loans the last instalment is visibly off: 282.06 yuan on 1,000,000 yuan
//!   at 24% over 360 months, at most a few yuan at usual rates;
//! - total interest is the sum of the payments minus the principal.

use rust_decimal::{Decimal, RoundingStrategy};

use super::{Money, Rate};

/// A loan's cost under equal instalments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repayment {
    /// Every instalment but the last.
    pub monthly: Money,
    /// The last instalment, which absorbs the rounding (see the module doc).
    pub last: Money,
    pub total_interest: Money,
    pub total: Money,
}

/// One month of the schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instalment {
    /// From 1.
    pub number: u32,
    pub payment: Money,
    pub principal: Money,
    pub interest: Money,
    /// Principal still owed after this payment.
    pub balance: Money,
}

/// `Rate` units are 0.0001 percentage point, so a monthly rate is `units / 12_000_000`.
const MONTHLY_RATE_DENOMINATOR: i64 = 10_000 * 100 * 12;

/// The cost of borrowing `principal` over `months` at `annual_rate`.
/// See [`schedule`] for the edge cases.
pub fn equal_instalments(principal: Money, annual_rate: Rate, months: u32) -> Repayment {
    let schedule = schedule(principal, annual_rate, months);
    let total: i64 = schedule.iter().map(|i| i.payment.fen()).sum();
    let last = schedule.last().expect("a schedule has at least one month").payment;
    Repayment {
        monthly: monthly_payment(principal, annual_rate, months.max(1)),
        last,
        total_interest: Money::from_fen(total - principal.fen().max(0)),
        total: Money::from_fen(total),
    }
}

/// Month by month. A term of zero months is treated as one, so that the
/// function is total; terms are validated where they are entered (1–360), and
/// the work is linear in the term. A negative principal or rate is treated as zero.
/// When the rounded-up payment repays the loan before the term ends (a few
/// fen over many months, 1,000 yuan over 30 years at 12%), the remaining
/// payments shrink to what is owed, never below zero.
pub fn schedule(principal: Money, annual_rate: Rate, months: u32) -> Vec<Instalment> {
    let months = months.max(1);
    let monthly = monthly_payment(principal, annual_rate, months).fen();
    let mut balance = principal.fen().max(0);
    (1..=months)
        .map(|number| {
            let interest = monthly_interest(balance, annual_rate);
            let repaid = if number == months { balance } else { (monthly - interest).clamp(0, balance) };
            balance -= repaid;
            Instalment {
                number,
                payment: Money::from_fen(repaid + interest),
                principal: Money::from_fen(repaid),
                interest: Money::from_fen(interest),
                balance: Money::from_fen(balance),
            }
        })
        .collect()
}

/// The annuity rounded half-up to the fen. The discount form `1 − v^n`, with
/// `v = 1 / (1 + r)`, stays below 1 for any term, where `(1 + r)^n` would
/// overflow a `Decimal` for very long ones. `Decimal` carries 28 significant
/// digits, far more than the fen needs.
fn monthly_payment(principal: Money, annual_rate: Rate, months: u32) -> Money {
    let principal = Decimal::from(principal.fen().max(0));
    let exact = if annual_rate.units() <= 0 {
        principal / Decimal::from(months)
    } else {
        let rate = Decimal::from(annual_rate.units()) / Decimal::from(MONTHLY_RATE_DENOMINATOR);
        let discount = Decimal::ONE / (Decimal::ONE + rate);
        principal * rate / (Decimal::ONE - power(discount, months))
    };
    let fen = exact.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    Money::from_fen(i64::try_from(fen).expect("a payment is at most the principal plus one month's interest"))
}

/// `base^exponent` by squaring: a handful of roundings rather than one per month.
fn power(base: Decimal, mut exponent: u32) -> Decimal {
    let (mut result, mut square) = (Decimal::ONE, base);
    while exponent > 0 {
        if exponent & 1 == 1 {
            result *= square;
        }
        square *= square;
        exponent >>= 1;
    }
    result
}

/// A month's interest on `balance` fen, rounded half-up, in exact integers.
fn monthly_interest(balance: i64, annual_rate: Rate) -> i64 {
    let numerator = i128::from(balance) * i128::from(annual_rate.units().max(0));
    let denominator = i128::from(MONTHLY_RATE_DENOMINATOR);
    let rounded = (2 * numerator + denominator) / (2 * denominator);
    i64::try_from(rounded).expect("interest is below the balance")
}

#[cfg(test)]
#[path = "repayment_tests.rs"]
mod tests;
