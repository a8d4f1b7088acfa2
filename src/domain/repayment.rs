//! Repayment methods (还款方式) and the schedule (还款计划) each one makes,
//! exact to the fen. Integers and decimals only: a float would make the
//! schedule disagree with the bank's by a fen here and there.
//!
//! The rounding rule, the same for every method, is written down in
//! `docs/repayment.md`: each period's interest is the outstanding balance
//! times the period's rate, rounded half-up to the fen; the last instalment
//! repays whatever principal is left, so it absorbs the rounding; total
//! interest is the sum of the schedule's interest. Periods are months at
//! one twelfth of the annual rate; a bullet loan has one period, the term.

use chrono::{Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Money, Rate};

/// How a loan is repaid. The codes are what the database stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RepaymentMethod {
    /// 等额本息: the same payment every month.
    Annuity,
    /// 等额本金: the same principal every month, interest on what is left.
    EqualPrincipal,
    /// 按月付息到期还本: interest monthly, all the principal in the last month.
    InterestOnly,
    /// 到期一次还本付息: principal and interest in one payment at maturity.
    Bullet,
}

impl RepaymentMethod {
    pub const ALL: [RepaymentMethod; 4] = [
        RepaymentMethod::Annuity,
        RepaymentMethod::EqualPrincipal,
        RepaymentMethod::InterestOnly,
        RepaymentMethod::Bullet,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RepaymentMethod::Annuity => "annuity",
            RepaymentMethod::EqualPrincipal => "equal_principal",
            RepaymentMethod::InterestOnly => "interest_only",
            RepaymentMethod::Bullet => "bullet",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RepaymentMethod::Annuity => "等额本息",
            RepaymentMethod::EqualPrincipal => "等额本金",
            RepaymentMethod::InterestOnly => "按月付息到期还本",
            RepaymentMethod::Bullet => "到期一次还本付息",
        }
    }

    pub fn parse(code: &str) -> Option<RepaymentMethod> {
        RepaymentMethod::ALL.into_iter().find(|m| m.code() == code)
    }

    /// The methods among `codes`, each once, in the usual order; unknown codes dropped.
    pub fn from_codes<S: AsRef<str>>(codes: &[S]) -> Vec<RepaymentMethod> {
        RepaymentMethod::ALL.into_iter().filter(|m| codes.iter().any(|c| c.as_ref() == m.code())).collect()
    }
}

impl TryFrom<String> for RepaymentMethod {
    type Error = String;
    fn try_from(code: String) -> Result<RepaymentMethod, String> {
        RepaymentMethod::parse(&code).ok_or_else(|| format!("unknown repayment method {code:?}"))
    }
}

/// A loan as an offer names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loan {
    pub method: RepaymentMethod,
    pub principal: Money,
    pub annual_rate: Rate,
    pub months: u32,
}

/// One period of the schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instalment {
    /// From 1.
    pub number: u32,
    /// Months after the drawdown at which it falls due (see [`due_date`]).
    pub month: u32,
    pub payment: Money,
    pub principal: Money,
    pub interest: Money,
    /// Principal still owed after this payment.
    pub balance: Money,
}

/// What a loan costs, as offers are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cost {
    pub first_payment: Money,
    pub largest_payment: Money,
    pub total_interest: Money,
    pub total: Money,
}

/// `Rate` units are 0.0001 percentage point, so a monthly rate is `units / 12_000_000`.
const MONTHLY_RATE_DENOMINATOR: i64 = 10_000 * 100 * 12;

impl Loan {
    /// A loan over a term in months as stored (a negative term counts as one month).
    pub fn new(method: RepaymentMethod, principal: Money, annual_rate: Rate, term_months: i32) -> Loan {
        Loan { method, principal, annual_rate, months: u32::try_from(term_months).unwrap_or(1) }
    }

    /// Period by period. A term of zero months is treated as one, so that the
    /// function is total; terms are validated where they are entered (1–360),
    /// and the work is linear in the term. A negative principal or rate is
    /// treated as zero. No payment is ever below zero: when rounding has
    /// repaid the principal before the term ends (a few fen over many
    /// months), the remaining periods owe nothing.
    pub fn schedule(&self) -> Vec<Instalment> {
        let months = self.months.max(1);
        let principal = self.principal.fen().max(0);
        let rate = self.annual_rate.units().max(0);
        if self.method == RepaymentMethod::Bullet {
            let interest = interest(principal, rate, months);
            return vec![instalment(1, months, principal, interest, 0)];
        }
        // The principal each month repays, but the last, which repays the rest.
        let share = |balance: i64, interest: i64| match self.method {
            RepaymentMethod::Annuity => (annuity(principal, rate, months) - interest).clamp(0, balance),
            RepaymentMethod::EqualPrincipal => divide_half_up(i128::from(principal), i128::from(months)).min(balance),
            RepaymentMethod::InterestOnly | RepaymentMethod::Bullet => 0,
        };
        let mut balance = principal;
        (1..=months)
            .map(|number| {
                let interest = interest(balance, rate, 1);
                let repaid = if number == months { balance } else { share(balance, interest) };
                balance -= repaid;
                instalment(number, number, repaid, interest, balance)
            })
            .collect()
    }

    pub fn cost(&self) -> Cost {
        cost(&self.schedule())
    }
}

/// First and largest payment, total interest and total repayable of a schedule.
pub fn cost(schedule: &[Instalment]) -> Cost {
    let sum = |f: fn(&Instalment) -> Money| Money::from_fen(schedule.iter().map(|i| f(i).fen()).sum());
    Cost {
        first_payment: schedule.first().map_or_else(Money::default, |i| i.payment),
        largest_payment: schedule.iter().map(|i| i.payment).max().unwrap_or_default(),
        total_interest: sum(|i| i.interest),
        total: sum(|i| i.payment),
    }
}

/// The badge each offer of a comparison carries, given their total
/// interest: "利息最低" on the one offer with the lowest, "利息并列最低" on each
/// of several that share it, none on the others or on a lone offer.
pub fn lowest_interest_badges(interests: &[Money]) -> Vec<Option<&'static str>> {
    let lowest = interests.iter().min().copied();
    let tied = interests.iter().filter(|i| Some(**i) == lowest).count();
    let badge = match tied {
        1 => "利息最低",
        _ => "利息并列最低",
    };
    let badge = |i: &Money| (interests.len() > 1 && Some(*i) == lowest).then_some(badge);
    interests.iter().map(badge).collect()
}

/// The day a period falls due: `month` months after the drawdown, on the same
/// day of the month, or the month's last day when it is shorter.
pub fn due_date(drawdown: NaiveDate, month: u32) -> NaiveDate {
    drawdown.checked_add_months(Months::new(month)).unwrap_or(NaiveDate::MAX)
}

fn instalment(number: u32, month: u32, principal: i64, interest: i64, balance: i64) -> Instalment {
    Instalment {
        number,
        month,
        payment: Money::from_fen(principal + interest),
        principal: Money::from_fen(principal),
        interest: Money::from_fen(interest),
        balance: Money::from_fen(balance),
    }
}

/// The interest of `months` months on `balance` fen, rounded half-up, in exact integers.
fn interest(balance: i64, rate_units: i64, months: u32) -> i64 {
    let numerator = i128::from(balance) * i128::from(rate_units) * i128::from(months);
    divide_half_up(numerator, i128::from(MONTHLY_RATE_DENOMINATOR))
}

fn divide_half_up(numerator: i128, denominator: i128) -> i64 {
    let rounded = (2 * numerator + denominator) / (2 * denominator);
    i64::try_from(rounded).expect("at most the principal times the term's interest")
}

/// The equal monthly payment `P·r / (1 − (1 + r)^−n)`, `r` = annual rate / 12,
/// rounded half-up to the fen. The discount form `1 − v^n`, with
/// `v = 1 / (1 + r)`, stays below 1 for any term, where `(1 + r)^n` would
/// overflow a `Decimal` for very long ones. `Decimal` carries 28 significant
/// digits, far more than the fen needs.
fn annuity(principal: i64, rate_units: i64, months: u32) -> i64 {
    let principal = Decimal::from(principal);
    let exact = if rate_units == 0 {
        principal / Decimal::from(months)
    } else {
        let rate = Decimal::from(rate_units) / Decimal::from(MONTHLY_RATE_DENOMINATOR);
        let discount = Decimal::ONE / (Decimal::ONE + rate);
        principal * rate / (Decimal::ONE - power(discount, months))
    };
    let fen = exact.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    i64::try_from(fen).expect("a payment is at most the principal plus one month's interest")
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

#[cfg(test)]
#[path = "repayment_tests.rs"]
mod tests;
