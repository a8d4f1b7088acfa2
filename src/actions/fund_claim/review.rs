//! The credit office's review of a claim: return it for materials, approve
//! (the payout the rules give), partly approve or reject it (with a reason),
//! and pay it. A claim is decided once: each step is one guarded update on
//! its status and version; an approval takes its amount from the budget of
//! the decision's year in the same transaction.

use chrono::NaiveDate;

use super::{missing, stop_line, stop_line_refusal, today};
use crate::actions::emails::{self, AccountEmail};
use crate::actions::{Ctx, FieldRefusal, Outcome, Refusal, Stop, guarded, refuse};
use crate::db::DbConn;
use crate::domain::Money;
use crate::domain::fund::ClaimStatus;
use crate::models::fund::claim::{self as claims, Claim, Event, Item};
use crate::models::fund::{Fund, budget};

/// What the office decides on a submitted claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Back to the bank for materials, with what is missing.
    Return(String),
    /// The payout the rules give.
    Approve,
    /// An amount below the payout, with the reason.
    Partly(i64, String),
    /// Nothing, with the reason; the drawdowns may be claimed again.
    Reject(String),
}

fn reason_field(message: &str) -> Refusal {
    Refusal::Fields(vec![FieldRefusal { field: "reason", code: "reason_required", message: message.into() }])
}

fn claim_at(c: &mut DbConn, (id, version): (i64, i32)) -> Result<Claim, Stop> {
    let Some(claim) = Claim::find(c, id)? else {
        return refuse(Refusal::NotFound("补偿申请"));
    };
    if claim.version != version {
        return refuse(Refusal::Changed("补偿申请"));
    }
    Ok(claim)
}

fn wan(fen: i64) -> String {
    Money::from_fen(fen).wan_text()
}

/// Decides a submitted claim read at `version`; the status it moved to.
pub fn decide(conn: &mut DbConn, ctx: &Ctx, at: (i64, i32), decision: &Decision) -> Outcome<ClaimStatus> {
    let by = ctx.actor.user_id.unwrap_or_default();
    guarded(conn, |c| {
        let claim = claim_at(c, at)?;
        if !claim.status.awaits_decision() {
            return refuse(Refusal::Changed("补偿申请"));
        }
        let (to, reason, amount) = match decision {
            Decision::Return(r) | Decision::Reject(r) | Decision::Partly(_, r) if r.trim().is_empty() => {
                return refuse(reason_field("请填写原因（将告知申请银行）"));
            }
            Decision::Return(r) => (ClaimStatus::Returned, Some(r.trim()), None),
            Decision::Reject(r) => (ClaimStatus::Rejected, Some(r.trim()), None),
            Decision::Approve => (ClaimStatus::Approved, None, Some(claim.payout_fen)),
            Decision::Partly(amount, r) => {
                if *amount <= 0 || *amount >= claim.payout_fen {
                    let most = wan(claim.payout_fen);
                    return refuse(Refusal::Fields(vec![FieldRefusal {
                        field: "amount",
                        code: "invalid_amount",
                        message: format!("部分批准的金额应大于 0 且低于按规则测算的补偿额 {most}"),
                    }]));
                }
                (ClaimStatus::PartlyApproved, Some(r.trim()), Some(*amount))
            }
        };
        let fund = Fund::find(c, claim.fund_id)?.ok_or(diesel::result::Error::NotFound)?;
        let year = claims::year_of(today(ctx));
        let moved = if to == ClaimStatus::Returned {
            Claim::step(c, at, ClaimStatus::Submitted, to, ctx.now)? && {
                Claim::set_reason(c, claim.id, reason)?;
                true
            }
        } else {
            Claim::decide_at(c, at, to, (amount, amount.map(|_| year), reason), (by, ctx.now))?
        };
        if !moved {
            return refuse(Refusal::Changed("补偿申请"));
        }
        if let Some(amount) = amount {
            if let Some(words) = missing(c, claim.id)? {
                return refuse(Refusal::rule("files_missing", words));
            }
            let day = crate::clock::beijing(claim.submitted_at).date_naive();
            stop_line_refusal(stop_line(c, &fund, claim.institution_id, day)?)?;
            if !budget::take(c, fund.id, year, fund.annual_budget_fen, amount)? {
                let left = budget::of_year(c, fund.id, year, fund.annual_budget_fen)?.left_fen();
                return refuse(Refusal::rule(
                    "budget_exhausted",
                    format!("本年度预算余额不足：剩余 {}，本次需 {}", wan(left), wan(amount)),
                ));
            }
        }
        if to == ClaimStatus::Rejected {
            Item::release(c, claim.id)?;
        }
        Event::insert(c, claim.id, to, (reason, amount), by, ctx.now)?;
        ctx.audit(c, &format!("fund_claim_{}", to.as_str()), &format!("claim:{}", claim.id))?;
        let words = match (reason, amount) {
            (Some(r), Some(a)) => format!("补偿申请 #{}：{}，金额 {}。原因：{r}", claim.id, to.label(), wan(a)),
            (Some(r), None) => format!("补偿申请 #{}：{}。原因：{r}", claim.id, to.label()),
            (None, Some(a)) => format!("补偿申请 #{}：{}，金额 {}。", claim.id, to.label(), wan(a)),
            (None, None) => format!("补偿申请 #{}：{}。", claim.id, to.label()),
        };
        tell_bank(c, ctx, &claim, &format!("风险补偿申请{}", to.label()), &words)?;
        Ok(to)
    })
}

/// Pays an approved claim on `on`; the bank sees the amount paid.
pub fn pay(conn: &mut DbConn, ctx: &Ctx, at: (i64, i32), on: NaiveDate) -> Outcome<()> {
    let by = ctx.actor.user_id.unwrap_or_default();
    guarded(conn, |c| {
        let claim = claim_at(c, at)?;
        if !claim.status.awaits_payment() {
            return refuse(Refusal::rule("not_approved", "只有已批准或部分批准的申请才能拨付"));
        }
        if on > today(ctx) {
            return refuse(Refusal::Fields(vec![FieldRefusal {
                field: "on",
                code: "in_future",
                message: "拨付日期不能晚于今天".into(),
            }]));
        }
        if !Claim::step(c, at, claim.status, ClaimStatus::Paid, ctx.now)? {
            return refuse(Refusal::Changed("补偿申请"));
        }
        Claim::set_paid(c, claim.id, on.and_hms_opt(12, 0, 0).expect("noon"))?;
        let amount = claim.approved_fen.unwrap_or_default();
        Event::insert(c, claim.id, ClaimStatus::Paid, (None, Some(amount)), by, ctx.now)?;
        ctx.audit(c, "fund_claim_paid", &format!("claim:{}", claim.id))?;
        let words = format!("补偿申请 #{} 已于 {on} 拨付补偿资金 {}。", claim.id, wan(amount));
        tell_bank(c, ctx, &claim, "风险补偿资金已拨付", &words)?;
        Ok(())
    })
}

fn tell_bank(c: &mut DbConn, ctx: &Ctx, claim: &Claim, subject: &str, words: &str) -> diesel::QueryResult<()> {
    let link = format!("{}/bank/claims/{}", ctx.base_url, claim.id);
    for to in claim.bank_admin_emails(c)? {
        emails::send(c, &to, &AccountEmail::new(subject, words).link("查看申请", link.clone()), ctx.now)?;
    }
    Ok(())
}
