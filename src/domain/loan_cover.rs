//! How repayments cover a drawdown's schedule: each instalment as it stands,
//! what the repayments so far cover of it, the first instalment past due and
//! the next payment.

use chrono::NaiveDate;

use crate::domain::Money;

/// One instalment of a drawdown's schedule as it stands: due, and what
/// repayments have covered of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Due {
    pub due_on: NaiveDate,
    pub principal: Money,
    pub interest: Money,
}

/// How much of one instalment the repayments cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Covered {
    pub principal: Money,
    pub interest: Money,
}

impl Covered {
    pub fn is_full(&self, due: &Due) -> bool {
        self.principal >= due.principal && self.interest >= due.interest
    }
}

/// Repayments cover a drawdown's instalments in due order: the principal
/// repaid so far fills the instalments' principal from the first, the
/// interest repaid so far their interest. A principal repaid early thus
/// covers the next instalments' principal (the term shortens, the payments
/// stay). Once every instalment's principal is covered the drawdown is
/// repaid and the interest of the instalments not yet due is not owed.
pub fn cover(schedule: &[Due], principal_repaid: Money, interest_repaid: Money) -> Vec<Covered> {
    let (mut principal, mut interest) = (principal_repaid.fen(), interest_repaid.fen());
    schedule
        .iter()
        .map(|due| {
            let p = principal.clamp(0, due.principal.fen());
            let i = interest.clamp(0, due.interest.fen());
            principal -= p;
            interest -= i;
            Covered { principal: Money::from_fen(p), interest: Money::from_fen(i) }
        })
        .collect()
}

/// The first instalment not fully covered that fell due before `today`
/// (unpaid the day after its due date): its due date and the days past it.
pub fn past_due(schedule: &[Due], covered: &[Covered], today: NaiveDate) -> Option<(NaiveDate, i64)> {
    schedule
        .iter()
        .zip(covered)
        .find(|(due, covered)| due.due_on < today && !covered.is_full(due))
        .map(|(due, _)| (due.due_on, (today - due.due_on).num_days()))
}

/// The next payment: the first instalment not fully covered, its due date
/// and what is left of it.
pub fn next_payment(schedule: &[Due], covered: &[Covered]) -> Option<(NaiveDate, Money)> {
    schedule.iter().zip(covered).find(|(due, covered)| !covered.is_full(due)).map(|(due, covered)| {
        let left = due.principal.fen() - covered.principal.fen() + due.interest.fen() - covered.interest.fen();
        (due.due_on, Money::from_fen(left))
    })
}
