//! The risk compensation fund (风险补偿资金池) as rules the credit office
//! configures: who is eligible, the ratio a registration (入库) gets (a tier
//! by loan size, bonus points by tag, a cap), when a loss may be claimed (the
//! trigger), a claim's payout, and the stop line that suspends a bank's
//! compensation. Ratios are basis points of the loss (1 bp = 0.01 %), money
//! is fen, and every division rounds once, half away from zero.
//! Definitions in docs/fund.md.

pub mod claim;
pub mod rules;

use serde::{Deserialize, Serialize};

pub use claim::{ClaimStatus, FileKind};
pub use rules::{Bonus, Candidate, Rules, Tier};

use crate::domain::code::Tone;
use crate::domain::loan::{Classification, LoanStatus};

/// 10,000 basis points: the whole loss.
pub const WHOLE: i64 = 10_000;

/// `amount × numerator / denominator` in fen, rounded half away from zero.
pub fn share(amount_fen: i64, numerator: i64, denominator: i64) -> i64 {
    assert!(denominator > 0, "a share of nothing");
    let product = i128::from(amount_fen) * i128::from(numerator);
    let d = i128::from(denominator);
    let rounded = (product.abs() * 2 + d) / (2 * d);
    (if product < 0 { -rounded } else { rounded }) as i64
}

/// What the rules give for `loss_fen` at `ratio_bp`.
pub fn payout(loss_fen: i64, ratio_bp: i32) -> i64 {
    share(loss_fen, i64::from(ratio_bp), WHOLE)
}

/// "40.00%" for 4,000 bp.
pub fn ratio_text(ratio_bp: i32) -> String {
    format!("{}.{:02}%", ratio_bp / 100, ratio_bp % 100)
}

/// Whose loss a fund shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundMode {
    /// 政银: a bank's principal loss.
    Bank,
    /// 政担: a guarantor's 代偿.
    Guarantor,
}

crate::stored_as_text!(FundMode);

impl FundMode {
    pub const ALL: [FundMode; 2] = [FundMode::Bank, FundMode::Guarantor];

    pub fn as_str(self) -> &'static str {
        match self {
            FundMode::Bank => "bank",
            FundMode::Guarantor => "guarantor",
        }
    }

    pub fn parse(text: &str) -> Option<FundMode> {
        FundMode::ALL.into_iter().find(|m| m.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            FundMode::Bank => "政银模式（补偿银行本金损失）",
            FundMode::Guarantor => "政担模式（补偿担保机构代偿）",
        }
    }
}

/// When a registered loan's loss may be claimed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// Once the loan is classified 次级 or worse (Shenzhen).
    Substandard,
    /// Only after the loan is written off (Guangzhou).
    WrittenOff,
}

impl Trigger {
    pub const ALL: [Trigger; 2] = [Trigger::Substandard, Trigger::WrittenOff];

    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Substandard => "substandard",
            Trigger::WrittenOff => "written_off",
        }
    }

    pub fn parse(text: &str) -> Option<Trigger> {
        Trigger::ALL.into_iter().find(|t| t.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Trigger::Substandard => "贷款分类为次级及以下",
            Trigger::WrittenOff => "贷款核销后",
        }
    }

    /// Whether a loan in this status and class may be claimed.
    pub fn met(self, status: LoanStatus, classification: Classification) -> bool {
        match self {
            Trigger::Substandard => classification.is_non_performing() || status == LoanStatus::WrittenOff,
            Trigger::WrittenOff => status == LoanStatus::WrittenOff,
        }
    }
}

/// What a loan carries that may earn bonus points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tag {
    /// 首贷: the enterprise's first bank loan.
    FirstLoan,
    /// 信用贷款: no collateral, pledge or guarantee.
    Credit,
    /// 质押 (intellectual-property pledges among them).
    Pledge,
    /// 续贷.
    Renewal,
}

impl Tag {
    pub const ALL: [Tag; 4] = [Tag::FirstLoan, Tag::Credit, Tag::Pledge, Tag::Renewal];

    pub fn as_str(self) -> &'static str {
        match self {
            Tag::FirstLoan => "first_loan",
            Tag::Credit => "credit",
            Tag::Pledge => "pledge",
            Tag::Renewal => "renewal",
        }
    }

    pub fn parse(text: &str) -> Option<Tag> {
        Tag::ALL.into_iter().find(|t| t.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Tag::FirstLoan => "首贷",
            Tag::Credit => "信用贷款",
            Tag::Pledge => "质押（含知识产权质押）",
            Tag::Renewal => "续贷",
        }
    }

    /// Tags as stored on a registration: "first_loan,credit".
    pub fn join(tags: &[Tag]) -> String {
        tags.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(",")
    }

    pub fn split(text: &str) -> Vec<Tag> {
        text.split(',').filter_map(Tag::parse).collect()
    }
}

/// Whether the bank's compensation is suspended: its losses claimed in the
/// year exceed `stop_line_bp` of the principal it registered that year.
/// With nothing registered, any loss is past the line.
pub fn past_stop_line(loss_fen: i64, registered_fen: i64, stop_line_bp: i32) -> bool {
    i128::from(loss_fen) * i128::from(WHOLE) > i128::from(registered_fen) * i128::from(stop_line_bp)
}

/// The bank's loss ratio for the year in basis points (None with nothing registered).
pub fn loss_ratio_bp(loss_fen: i64, registered_fen: i64) -> Option<i64> {
    (registered_fen > 0).then(|| share(loss_fen, WHOLE, registered_fen))
}

/// The fund's share of a recovery after payout: the recovery in proportion of
/// what the fund paid to the loss, never more than it has left to get back.
pub fn refund(recovery_fen: i64, paid_fen: i64, loss_fen: i64, refunded_fen: i64) -> i64 {
    share(recovery_fen, paid_fen, loss_fen).min(paid_fen - refunded_fen).max(0)
}

/// A budget's state for the pages: green while under 80 %, red past 95 %.
pub fn budget_tone(used_fen: i64, budget_fen: i64) -> Tone {
    let used = i128::from(used_fen) * 100;
    let budget = i128::from(budget_fen);
    if used >= budget * 95 {
        Tone::Bad
    } else if used >= budget * 80 {
        Tone::Active
    } else {
        Tone::Good
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_rounds_once_half_away_from_zero() {
        assert_eq!(payout(1_000_001, 4_000), 400_000); // 400,000.4
        assert_eq!(payout(1_000_005, 3_000), 300_002); // 300,001.5
        assert_eq!(payout(3, 5_000), 2); // 1.5
        assert_eq!(share(-3, 1, 2), -2);
        assert_eq!(ratio_text(4_000), "40.00%");
        assert_eq!(ratio_text(1_525), "15.25%");
    }

    #[test]
    fn the_stop_line_is_passed_only_above_it() {
        // 3 % of 1,000,000.00 元 is 30,000.00 元.
        assert!(!past_stop_line(3_000_000, 100_000_000, 300));
        assert!(past_stop_line(3_000_001, 100_000_000, 300));
        assert!(past_stop_line(1, 0, 300));
        assert_eq!(loss_ratio_bp(3_000_000, 100_000_000), Some(300));
    }

    #[test]
    fn a_refund_is_the_funds_share_and_never_more_than_it_paid() {
        // Paid 40 of a loss of 100: a recovery of 50 gives 20 back.
        assert_eq!(refund(5_000, 4_000, 10_000, 0), 2_000);
        // The rest of the loss recovered twice over: at most what is left.
        assert_eq!(refund(20_000, 4_000, 10_000, 2_000), 2_000);
    }

    #[test]
    fn triggers() {
        use Classification::*;
        assert!(Trigger::Substandard.met(LoanStatus::Overdue, Substandard));
        assert!(!Trigger::Substandard.met(LoanStatus::Overdue, SpecialMention));
        assert!(!Trigger::WrittenOff.met(LoanStatus::Overdue, Loss));
        assert!(Trigger::WrittenOff.met(LoanStatus::WrittenOff, Loss));
    }
}
