//! The demo loans the demo claims (`fund_claims`) need: bad loans written
//! off as 损失 at dates in the past, and for each claiming bank a sound loan
//! drawn on each day it submits a claim.
//!
//! Why the sound loans: the stop line suspends a bank whose losses claimed in
//! a year pass 3 % of the principal it registered in the fund that year. A
//! drawdown registered on the very day of each submission keeps every year
//! under the line whatever today's date (a claim of 60 days ago may fall in
//! last year): each such drawdown is at least 34 times the loss claimed that
//! day (600万 for losses up to 18万, 320万 for losses up to 9.6万).
//!
//! Every line here is within the demo fund's tiers (at most 3,000万), so each
//! drawdown is registered (入库) when it is recorded.

use super::loan_life::Step;
use super::loans::Plan;
use crate::domain::Guarantee::{Credit, Guarantee as Guarantor, Mortgage, Pledge};
use crate::domain::loan::Classification::{Doubtful, Loss, Substandard};
use crate::domain::repayment::RepaymentMethod::{Annuity, InterestOnly};

/// The days (before today) 云海银行 submits its claims: paid, returned, under review.
pub(super) const YHBANK_SUBMITS: [i64; 3] = [75, 20, 4];
/// The days 云海农村商业银行 submits its claims: partly approved, approved.
pub(super) const YHRCB_SUBMITS: [i64; 2] = [45, 30];
/// The days 东岳银行云海分行 submits its claims: paid and recovered, rejected.
pub(super) const DYBANK_SUBMITS: [i64; 2] = [35, 15];

/// The plans' places in `PLANS` (after `loans::PLANS`).
pub(super) const YHBANK_FIRST_LOAN: usize = 0;
pub(super) const YHBANK_CREDIT: usize = 1;
pub(super) const YHRCB_GUARANTEED: usize = 2;
pub(super) const DYBANK_PLEDGED: usize = 3;

/// Unpaid for a year after three instalments, classified down to 损失 and
/// written off `written_off` days ago.
const fn gone_bad(drawn: i64, written_off: i64) -> [(i64, Step); 4] {
    [
        (drawn - 200, Step::Classify(Substandard)),
        (drawn - 300, Step::Classify(Doubtful)),
        (written_off + 30, Step::Classify(Loss)),
        (written_off, Step::WriteOff),
    ]
}

const B1: [(i64, Step); 4] = gone_bad(560, 90);
const B2: [(i64, Step); 4] = gone_bad(400, 12);
const B3: [(i64, Step); 4] = gone_bad(500, 60);
const B4: [(i64, Step); 4] = gone_bad(450, 25);

pub(super) const PLANS: [Plan; 7] = [
    // 云海银行's 首贷, credit only, in two drawdowns: one claimed and paid,
    // the other returned for its loss statement.
    Plan {
        officers: &["demo-officer", "yhbank-officer2"],
        wan: 120,
        approved: 562,
        months: 12,
        method: Annuity,
        guarantees: &[Credit],
        first_loan: true,
        renews: None,
        steps: &[(560, Step::Draw(50, 12)), (540, Step::Draw(50, 11)), B1[0], B1[1], B1[2], B1[3]],
        unpaid_from: Some(450),
    },
    // 云海银行's credit loan written off 12 days ago, its claim under review.
    Plan {
        officers: &["yhbank-officer2", "demo-officer"],
        wan: 250,
        approved: 402,
        months: 12,
        method: Annuity,
        guarantees: &[Credit],
        first_loan: false,
        renews: None,
        steps: &[(400, Step::Draw(100, 12)), B2[0], B2[1], B2[2], B2[3]],
        unpaid_from: Some(300),
    },
    // 云海农村商业银行's guaranteed loan in two drawdowns: one approved, one partly.
    Plan {
        officers: &["yhrcb-officer2", "yhrcb-officer1"],
        wan: 90,
        approved: 502,
        months: 12,
        method: Annuity,
        guarantees: &[Guarantor],
        first_loan: false,
        renews: None,
        steps: &[(500, Step::Draw(50, 12)), (480, Step::Draw(50, 11)), B3[0], B3[1], B3[2], B3[3]],
        unpaid_from: Some(400),
    },
    // 东岳银行's pledged loan, its claim rejected.
    Plan {
        officers: &["dybank-officer1", "dybank-officer2"],
        wan: 180,
        approved: 452,
        months: 12,
        method: Annuity,
        guarantees: &[Pledge],
        first_loan: false,
        renews: None,
        steps: &[(450, Step::Draw(100, 12)), B4[0], B4[1], B4[2], B4[3]],
        unpaid_from: Some(360),
    },
    // The sound loans drawn on the submission days: 30 % of 2,000万 each.
    Plan {
        officers: &["yhbank-officer3", "demo-officer"],
        wan: 2_000,
        approved: 80,
        months: 36,
        method: InterestOnly,
        guarantees: &[Mortgage],
        first_loan: false,
        renews: None,
        steps: &[
            (YHBANK_SUBMITS[0], Step::Draw(30, 24)),
            (YHBANK_SUBMITS[1], Step::Draw(30, 24)),
            (YHBANK_SUBMITS[2], Step::Draw(30, 24)),
        ],
        unpaid_from: None,
    },
    // 40 % of 800万 each.
    Plan {
        officers: &["yhrcb-officer1", "yhrcb-officer2"],
        wan: 800,
        approved: 50,
        months: 36,
        method: InterestOnly,
        guarantees: &[Mortgage],
        first_loan: false,
        renews: None,
        steps: &[(YHRCB_SUBMITS[0], Step::Draw(40, 24)), (YHRCB_SUBMITS[1], Step::Draw(40, 24))],
        unpaid_from: None,
    },
    // 40 % of 1,500万 each.
    Plan {
        officers: &["dybank-officer2", "dybank-officer1"],
        wan: 1_500,
        approved: 40,
        months: 12,
        method: InterestOnly,
        guarantees: &[Guarantor],
        first_loan: false,
        renews: None,
        steps: &[(DYBANK_SUBMITS[0], Step::Draw(40, 11)), (DYBANK_SUBMITS[1], Step::Draw(40, 11))],
        unpaid_from: None,
    },
];
