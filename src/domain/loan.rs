//! Loans (贷款) after the credit decision: the statuses a loan moves through,
//! the five-level classification beside them, how repayments cover a
//! drawdown's schedule (`loan_cover.rs`), and the checks on what a bank
//! records (`loan_checks.rs`). Pure rules; the rows are in `models::loan`,
//! the changes in `actions::loan`.
//!
//! The life of a loan: it opens 正常 with nothing drawn; drawdowns draw on the
//! line while it is 正常; an instalment unpaid the day after it falls due
//! makes it 逾期, and repayments that cover every instalment due make it 正常
//! again; the repayment that brings the outstanding principal to zero makes
//! it 结清; the bank may write it off (核销) while it is 正常 or 逾期. 结清 and
//! 核销 are terminal.

use super::{Guarantee, Tone};

/// Where a loan is. The strings are stored in `loans.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoanStatus {
    Normal,
    Overdue,
    Settled,
    WrittenOff,
}

crate::stored_as_text!(LoanStatus);

impl LoanStatus {
    pub const ALL: [LoanStatus; 4] =
        [LoanStatus::Normal, LoanStatus::Overdue, LoanStatus::Settled, LoanStatus::WrittenOff];

    pub fn as_str(self) -> &'static str {
        match self {
            LoanStatus::Normal => "normal",
            LoanStatus::Overdue => "overdue",
            LoanStatus::Settled => "settled",
            LoanStatus::WrittenOff => "written_off",
        }
    }

    pub fn parse(text: &str) -> Option<LoanStatus> {
        LoanStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            LoanStatus::Normal => "正常",
            LoanStatus::Overdue => "逾期",
            LoanStatus::Settled => "结清",
            LoanStatus::WrittenOff => "核销",
        }
    }

    /// A running loan is under way, a settled one ended well, an overdue one
    /// is late, a written-off one ended otherwise.
    pub fn tone(self) -> Tone {
        match self {
            LoanStatus::Normal => Tone::Active,
            LoanStatus::Overdue => Tone::Bad,
            LoanStatus::Settled => Tone::Good,
            LoanStatus::WrittenOff => Tone::Neutral,
        }
    }

    /// 结清 and 核销 end the loan: nothing more is drawn, repaid or classified.
    pub fn is_terminal(self) -> bool {
        matches!(self, LoanStatus::Settled | LoanStatus::WrittenOff)
    }
}

/// The five-level classification (五级分类). Stored in `loans.classification`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Classification {
    Normal,
    SpecialMention,
    Substandard,
    Doubtful,
    Loss,
}

crate::stored_as_text!(Classification);

impl Classification {
    pub const ALL: [Classification; 5] = [
        Classification::Normal,
        Classification::SpecialMention,
        Classification::Substandard,
        Classification::Doubtful,
        Classification::Loss,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Normal => "normal",
            Classification::SpecialMention => "special_mention",
            Classification::Substandard => "substandard",
            Classification::Doubtful => "doubtful",
            Classification::Loss => "loss",
        }
    }

    pub fn parse(text: &str) -> Option<Classification> {
        Classification::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Classification::Normal => "正常",
            Classification::SpecialMention => "关注",
            Classification::Substandard => "次级",
            Classification::Doubtful => "可疑",
            Classification::Loss => "损失",
        }
    }

    /// 次级 or worse is 不良 (non-performing).
    pub fn is_non_performing(self) -> bool {
        self >= Classification::Substandard
    }

    pub fn tone(self) -> Tone {
        match self {
            Classification::Normal => Tone::Good,
            Classification::SpecialMention => Tone::Active,
            _ => Tone::Bad,
        }
    }
}

/// Whether the enterprise confirmed a drawdown reached it. Stored in `drawdowns.receipt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Receipt {
    Pending,
    Confirmed,
    Disputed,
}

crate::stored_as_text!(Receipt);

impl Receipt {
    pub const ALL: [Receipt; 3] = [Receipt::Pending, Receipt::Confirmed, Receipt::Disputed];

    pub fn as_str(self) -> &'static str {
        match self {
            Receipt::Pending => "pending",
            Receipt::Confirmed => "confirmed",
            Receipt::Disputed => "disputed",
        }
    }

    pub fn parse(text: &str) -> Option<Receipt> {
        Receipt::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Receipt::Pending => "待企业确认",
            Receipt::Confirmed => "企业已确认到账",
            Receipt::Disputed => "企业提出异议",
        }
    }

    pub fn tone(self) -> Tone {
        match self {
            Receipt::Pending => Tone::Active,
            Receipt::Confirmed => Tone::Good,
            Receipt::Disputed => Tone::Bad,
        }
    }
}

/// What a loan's history records. Stored in `loan_events.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoanEventKind {
    /// The contract recorded on the approval.
    Opened,
    Drawdown,
    Repayment,
    /// The status moved (逾期, back to 正常, 结清, 核销).
    Status,
    Classification,
    /// A recorded value corrected, with the old value and the reason.
    Correction,
    /// The enterprise confirmed a drawdown's receipt, or reported it wrong.
    Receipt,
}

crate::stored_as_text!(LoanEventKind);

impl LoanEventKind {
    pub const ALL: [LoanEventKind; 7] = [
        LoanEventKind::Opened,
        LoanEventKind::Drawdown,
        LoanEventKind::Repayment,
        LoanEventKind::Status,
        LoanEventKind::Classification,
        LoanEventKind::Correction,
        LoanEventKind::Receipt,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LoanEventKind::Opened => "opened",
            LoanEventKind::Drawdown => "drawdown",
            LoanEventKind::Repayment => "repayment",
            LoanEventKind::Status => "status",
            LoanEventKind::Classification => "classification",
            LoanEventKind::Correction => "correction",
            LoanEventKind::Receipt => "receipt",
        }
    }

    pub fn parse(text: &str) -> Option<LoanEventKind> {
        LoanEventKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            LoanEventKind::Opened => "录入贷款",
            LoanEventKind::Drawdown => "放款",
            LoanEventKind::Repayment => "还款",
            LoanEventKind::Status => "状态变更",
            LoanEventKind::Classification => "五级分类调整",
            LoanEventKind::Correction => "更正",
            LoanEventKind::Receipt => "企业到账确认",
        }
    }
}

/// What happens to a loan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoanEvent {
    Draw,
    Repay,
    /// An instalment is unpaid the day after it fell due.
    FallOverdue,
    /// Repayments now cover every instalment that is due.
    CatchUp,
    /// The outstanding principal reached zero.
    Settle,
    WriteOff,
    Classify,
}

/// Why a loan cannot take an event in its status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoanTransitionError {
    pub status: LoanStatus,
    pub event: LoanEvent,
}

impl LoanTransitionError {
    pub fn message(self) -> String {
        let what = match self.event {
            LoanEvent::Draw => "放款",
            LoanEvent::Repay => "录入还款",
            LoanEvent::FallOverdue => "转为逾期",
            LoanEvent::CatchUp => "恢复正常",
            LoanEvent::Settle => "结清",
            LoanEvent::WriteOff => "核销",
            LoanEvent::Classify => "调整五级分类",
        };
        match (self.status, self.event) {
            (LoanStatus::Overdue, LoanEvent::Draw) => "该贷款已逾期，逾期期间不能放款".into(),
            (status, _) => format!("该贷款已{}，不能{what}", status.label()),
        }
    }
}

/// The status a loan in `status` moves to on `event`, or why it cannot.
pub fn transition(status: LoanStatus, event: LoanEvent) -> Result<LoanStatus, LoanTransitionError> {
    use LoanEvent as E;
    use LoanStatus as S;
    let to = match (status, event) {
        (S::Normal, E::Draw | E::Repay | E::Classify) => S::Normal,
        (S::Overdue, E::Repay | E::Classify | E::FallOverdue) => S::Overdue,
        (S::Normal, E::FallOverdue) => S::Overdue,
        (S::Overdue | S::Normal, E::CatchUp) => S::Normal,
        (S::Normal | S::Overdue, E::Settle) => S::Settled,
        (S::Normal | S::Overdue, E::WriteOff) => S::WrittenOff,
        _ => return Err(LoanTransitionError { status, event }),
    };
    Ok(to)
}

/// Why the contract's terms of a loan in `status` cannot be corrected: only a
/// written-off loan's are closed (a settled loan's record may still be wrong).
pub fn correction_refused(status: LoanStatus) -> Option<&'static str> {
    (status == LoanStatus::WrittenOff).then_some("该贷款已核销，不能更正合同信息")
}

/// The guarantees a loan actually took, in the usual order, each once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Guarantees(Vec<Guarantee>);

impl Guarantees {
    pub fn new(mut taken: Vec<Guarantee>) -> Guarantees {
        taken.sort_by_key(|g| Guarantee::ALL.iter().position(|a| a == g));
        taken.dedup();
        Guarantees(taken)
    }

    /// The stored form: codes joined by commas ("credit", "mortgage,guarantee").
    /// An unknown code fails the read.
    pub fn parse(codes: &str) -> Option<Guarantees> {
        let taken: Option<Vec<Guarantee>> = codes.split(',').filter(|c| !c.is_empty()).map(Guarantee::parse).collect();
        taken.filter(|t| !t.is_empty()).map(Guarantees::new)
    }

    pub fn codes(&self) -> String {
        self.0.iter().map(|g| g.as_str()).collect::<Vec<_>>().join(",")
    }

    pub fn labels(&self) -> String {
        self.0.iter().map(|g| g.label()).collect::<Vec<_>>().join("、")
    }

    pub fn taken(&self) -> &[Guarantee] {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A 信用贷款: credit only, no guarantor, mortgage or pledge (the national
    /// statistics' definition).
    pub fn credit_only(&self) -> bool {
        self.0 == [Guarantee::Credit]
    }
}

impl TryFrom<String> for Guarantees {
    type Error = String;
    fn try_from(codes: String) -> Result<Guarantees, String> {
        Guarantees::parse(&codes).ok_or_else(|| format!("unknown guarantees {codes:?}"))
    }
}

#[path = "loan_cover.rs"]
mod cover;
pub use cover::{Covered, Due, cover, next_payment, past_due};

#[path = "loan_checks.rs"]
mod checks;
pub use checks::{
    DrawdownCheck, DrawdownError, RepaymentCheck, RepaymentError, check_drawdown, check_repayment, months_within,
};

#[path = "loan_fields.rs"]
mod fields;
pub use fields::{field_label, value_label};

#[cfg(test)]
#[path = "loan_tests.rs"]
mod tests;
