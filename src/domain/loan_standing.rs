//! What the two sides read of a loan: each instalment's state (已还清, 逾期,
//! 部分已还, 待还), the principal left after it, and the loan's next payment across
//! its drawdowns. Pure rules over the schedule rows `models::loan` keeps.

use chrono::NaiveDate;

use super::{Money, Tone};

/// Where one instalment of a schedule is, as its row's badge says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstalmentState {
    Paid,
    Overdue,
    /// Not yet due, some of it repaid already.
    Partly,
    Due,
}

impl InstalmentState {
    /// Paid once repayments covered it in full; overdue when unpaid after its
    /// due date (the day after it falls due, as the sweep and the loan's
    /// status count); partly paid when something of it is repaid before then.
    pub fn of(due_on: NaiveDate, (paid, partly): (bool, bool), today: NaiveDate) -> InstalmentState {
        if paid {
            InstalmentState::Paid
        } else if due_on < today {
            InstalmentState::Overdue
        } else if partly {
            InstalmentState::Partly
        } else {
            InstalmentState::Due
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InstalmentState::Paid => "已还清",
            InstalmentState::Overdue => "逾期",
            InstalmentState::Partly => "部分已还",
            InstalmentState::Due => "待还",
        }
    }

    pub fn tone(self) -> Tone {
        match self {
            InstalmentState::Paid => Tone::Good,
            InstalmentState::Overdue => Tone::Bad,
            InstalmentState::Partly | InstalmentState::Due => Tone::Active,
        }
    }
}

/// The principal still owed under the schedule after each instalment of a
/// drawdown of `amount` (剩余本金): the amount less the principal of every
/// instalment up to it.
pub fn balances(amount: Money, principals: impl IntoIterator<Item = Money>) -> Vec<Money> {
    let mut left = amount.fen();
    principals
        .into_iter()
        .map(|p| {
            left -= p.fen();
            Money::from_fen(left)
        })
        .collect()
}

/// A loan's next payment from each drawdown's (`domain::loan::next_payment`):
/// the earliest date, and everything that falls due that day.
pub fn next_of_loan(each: impl IntoIterator<Item = (NaiveDate, Money)>) -> Option<(NaiveDate, Money)> {
    each.into_iter().fold(None, |next, (on, amount)| match next {
        Some((first, sum)) if first < on => Some((first, sum)),
        Some((first, sum)) if first == on => Some((first, Money::from_fen(sum.fen() + amount.fen()))),
        _ => Some((on, amount)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn an_instalment_is_overdue_only_the_day_after_it_falls_due_unpaid() {
        let due = day("2026-12-23");
        assert_eq!(InstalmentState::of(due, (false, false), due), InstalmentState::Due);
        assert_eq!(InstalmentState::of(due, (false, true), due), InstalmentState::Partly);
        assert_eq!(InstalmentState::of(due, (false, true), day("2026-12-24")), InstalmentState::Overdue);
        assert_eq!(InstalmentState::of(due, (true, true), day("2027-01-24")), InstalmentState::Paid);
    }

    #[test]
    fn the_balance_after_each_instalment_ends_at_zero() {
        let principals = [3_333_333, 3_333_333, 3_333_334].map(Money::from_fen);
        let left = balances(Money::from_fen(10_000_000), principals);
        assert_eq!(left, [6_666_667, 3_333_334, 0].map(Money::from_fen));
    }

    #[test]
    fn the_next_payment_of_a_loan_sums_what_falls_due_on_its_earliest_date() {
        let each = [
            (day("2027-01-05"), Money::from_fen(500)),
            (day("2026-12-23"), Money::from_fen(100)),
            (day("2026-12-23"), Money::from_fen(20)),
        ];
        assert_eq!(next_of_loan(each), Some((day("2026-12-23"), Money::from_fen(120))));
        assert_eq!(next_of_loan([]), None);
    }
}
