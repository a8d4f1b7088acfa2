//! What a bank records on a loan, checked against the loan's facts: a
//! drawdown (within the line, dated between the approval and today, maturing
//! within the loan) and a repayment (within what is owed, dated between the
//! drawdown and today). Each error names the form field it belongs beside.

use chrono::NaiveDate;

use crate::domain::Money;

/// Why a drawdown cannot be recorded, each beside its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrawdownError {
    /// `amount`: more than the line left undrawn.
    OverLine { left: Money },
    /// `value_date`: before the credit decision's date.
    BeforeApproval { approved_on: NaiveDate },
    /// `value_date`: a day that has not come.
    InFuture,
    /// `term`: the drawdown would fall due after the loan's maturity.
    PastMaturity { maturity: NaiveDate },
}

impl DrawdownError {
    pub fn field(self) -> &'static str {
        match self {
            DrawdownError::OverLine { .. } => "amount",
            DrawdownError::BeforeApproval { .. } | DrawdownError::InFuture => "value_date",
            DrawdownError::PastMaturity { .. } => "term",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            DrawdownError::OverLine { .. } => "over_line",
            DrawdownError::BeforeApproval { .. } => "before_approval",
            DrawdownError::InFuture => "in_future",
            DrawdownError::PastMaturity { .. } => "past_maturity",
        }
    }
}

impl std::fmt::Display for DrawdownError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DrawdownError::OverLine { left } => write!(f, "放款金额超过剩余可用额度（{}）", left.yuan_text()),
            DrawdownError::BeforeApproval { approved_on } => write!(f, "放款日期不能早于授信和签约日期 {approved_on}"),
            DrawdownError::InFuture => f.write_str("放款日期不能晚于今天"),
            DrawdownError::PastMaturity { maturity } => write!(f, "借据到期日不能晚于贷款到期日 {maturity}"),
        }
    }
}

/// A drawdown as the bank states it, with the loan's facts it is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrawdownCheck {
    pub amount: Money,
    pub value_date: NaiveDate,
    /// The drawdown's maturity: its value date plus its term.
    pub maturity: NaiveDate,
    pub line: Money,
    pub drawn: Money,
    pub approved_on: NaiveDate,
    pub loan_maturity: NaiveDate,
    /// Beijing's date now.
    pub today: NaiveDate,
}

/// Every reason the drawdown is wrong (empty: it may be recorded).
pub fn check_drawdown(d: &DrawdownCheck) -> Vec<DrawdownError> {
    let mut errors = Vec::new();
    let left = Money::from_fen(d.line.fen() - d.drawn.fen());
    if d.amount > left {
        errors.push(DrawdownError::OverLine { left });
    }
    if d.value_date < d.approved_on {
        errors.push(DrawdownError::BeforeApproval { approved_on: d.approved_on });
    } else if d.value_date > d.today {
        errors.push(DrawdownError::InFuture);
    }
    if d.maturity > d.loan_maturity {
        errors.push(DrawdownError::PastMaturity { maturity: d.loan_maturity });
    }
    errors
}

/// Why a repayment cannot be recorded, each beside its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RepaymentError {
    /// `principal`: more than the drawdown's outstanding principal.
    OverOutstanding { outstanding: Money },
    /// `paid_on`: before the drawdown's value date.
    BeforeDrawdown { value_date: NaiveDate },
    /// `paid_on`: a day that has not come.
    InFuture,
    /// `principal`: nothing repaid at all.
    Nothing,
}

impl RepaymentError {
    pub fn field(self) -> &'static str {
        match self {
            RepaymentError::OverOutstanding { .. } | RepaymentError::Nothing => "principal",
            RepaymentError::BeforeDrawdown { .. } | RepaymentError::InFuture => "paid_on",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            RepaymentError::OverOutstanding { .. } => "over_outstanding",
            RepaymentError::BeforeDrawdown { .. } => "before_drawdown",
            RepaymentError::InFuture => "in_future",
            RepaymentError::Nothing => "nothing_repaid",
        }
    }
}

impl std::fmt::Display for RepaymentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RepaymentError::OverOutstanding { outstanding } => {
                write!(f, "还款本金超过该借据的剩余本金（{}）", outstanding.yuan_text())
            }
            RepaymentError::BeforeDrawdown { value_date } => write!(f, "还款日期不能早于放款日期 {value_date}"),
            RepaymentError::InFuture => f.write_str("还款日期不能晚于今天"),
            RepaymentError::Nothing => f.write_str("本金、利息和罚息不能都为 0"),
        }
    }
}

/// A repayment as the bank states it, with the drawdown's facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RepaymentCheck {
    pub paid_on: NaiveDate,
    pub principal: Money,
    pub interest: Money,
    pub penalty: Money,
    pub outstanding: Money,
    pub value_date: NaiveDate,
    pub today: NaiveDate,
}

/// Every reason the repayment is wrong (empty: it may be recorded).
pub fn check_repayment(r: &RepaymentCheck) -> Vec<RepaymentError> {
    let mut errors = Vec::new();
    if r.principal > r.outstanding {
        errors.push(RepaymentError::OverOutstanding { outstanding: r.outstanding });
    } else if r.principal.fen() + r.interest.fen() + r.penalty.fen() == 0 {
        errors.push(RepaymentError::Nothing);
    }
    if r.paid_on < r.value_date {
        errors.push(RepaymentError::BeforeDrawdown { value_date: r.value_date });
    } else if r.paid_on > r.today {
        errors.push(RepaymentError::InFuture);
    }
    errors
}

/// The whole months from `from` that still fall due on or before `until`
/// (a drawdown's longest term within the loan's maturity), at least one.
pub fn months_within(from: NaiveDate, until: NaiveDate) -> u32 {
    (1..=480).take_while(|m| crate::domain::repayment::due_date(from, *m) <= until).last().unwrap_or(1)
}
