//! The orderings of the scoreboard (`?sort=`): best first, a figure with
//! too few cases after every measured one, then by name.

use rust_decimal::Decimal;

use super::{BankRow, Sample};

/// What the scoreboard can be ordered by (`?sort=`), each with its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    Grabbed,
    Contact,
    Decision,
    Approval,
    Amount,
    FirstLoans,
}

impl Sort {
    pub const ALL: [Sort; 6] =
        [Sort::Grabbed, Sort::Contact, Sort::Decision, Sort::Approval, Sort::Amount, Sort::FirstLoans];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Grabbed => "grabbed",
            Sort::Contact => "contact",
            Sort::Decision => "decision",
            Sort::Approval => "approval",
            Sort::Amount => "amount",
            Sort::FirstLoans => "first_loans",
        }
    }

    /// Unknown or absent: by needs grabbed.
    pub fn parse(text: &str) -> Sort {
        Sort::ALL.into_iter().find(|s| s.as_str() == text).unwrap_or(Sort::Grabbed)
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Grabbed => "抢单数",
            Sort::Contact => "按时联系占比",
            Sort::Decision => "授信决定中位时长",
            Sort::Approval => "授信批准率",
            Sort::Amount => "放款金额",
            Sort::FirstLoans => "首贷笔数",
        }
    }

    /// Best first: the most, or for the decision time the shortest; a
    /// figure with too few cases after every measured one; then by name.
    pub fn apply(self, rows: &mut [BankRow]) {
        let key = |r: &BankRow| -> (bool, Decimal) {
            let measured = |s: &Sample| (s.value().is_none(), s.value().unwrap_or_default());
            match self {
                Sort::Grabbed => (false, -Decimal::from(r.grabbed as i64)),
                Sort::Contact => negate(measured(&r.contact_on_time)),
                Sort::Decision => measured(&r.decision_median_days),
                Sort::Approval => negate(measured(&r.approval_share)),
                Sort::Amount => (false, -r.loan_amount.unwrap_or_default()),
                Sort::FirstLoans => (false, -Decimal::from(r.first_loans as i64)),
            }
        };
        rows.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.name.cmp(&b.name)));
    }
}

fn negate((missing, value): (bool, Decimal)) -> (bool, Decimal) {
    (missing, -value)
}

#[cfg(test)]
mod tests {
    use super::super::RulesBroken;
    use super::*;

    #[test]
    fn sorting_puts_too_few_last() {
        let row = |name: &str, share: Sample| BankRow {
            institution_id: 0,
            name: name.into(),
            kind: String::new(),
            grabbed: 0,
            grab_median_hours: None,
            contacts_judged: 0,
            contact_on_time: share,
            decided: 0,
            decision_median_days: Sample::TooFew(0),
            approval_share: Sample::TooFew(0),
            decline_reasons: Vec::new(),
            approved_rate_mean: Sample::TooFew(0),
            loan_amount: None,
            first_loans: 0,
            rules: RulesBroken::default(),
        };
        let mut rows = vec![
            row("甲", Sample::TooFew(2)),
            row("乙", Sample::Measured(Some(Decimal::from(80)))),
            row("丙", Sample::Measured(Some(Decimal::from(90)))),
        ];
        Sort::Contact.apply(&mut rows);
        let names: Vec<_> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["丙", "乙", "甲"]);
    }
}
