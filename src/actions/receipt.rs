//! The enterprise's answer on a drawdown (借据) its bank recorded: 确认到账,
//! or 金额或日期不对, which opens a dispute the credit office answers (a
//! dispute whose subject is the drawdown, `domain::dispute::Subject`). Each
//! is one guarded transaction with the loan's history entry, the audit row
//! and the notices; each checks that the loan is the enterprise's own and
//! the drawdown the loan's, whatever ids came in. A drawdown is answered
//! once: a second confirm or report changes nothing.

use chrono::NaiveDate;
use diesel::QueryResult;

use super::loan::{bank_link, enterprise_link};
use super::{Ctx, Outcome, Refusal, Stop, guarded, refuse};
use crate::clock::beijing;
use crate::db::DbConn;
use crate::domain::Role;
use crate::domain::dispute::{DisputeOutcome, Subject};
use crate::domain::loan::{LoanEventKind, Receipt};
use crate::models::dispute::{Dispute, NewDispute};
use crate::models::loan::standing::describe_drawdown;
use crate::models::loan::{Drawdown, Loan, LoanEventRow, NewLoanEvent};
use crate::models::user::User;
use crate::notify::{self, Notice, To};

/// The enterprise's drawdown an answer is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnDrawdown {
    pub enterprise_id: i64,
    pub loan_id: i64,
    pub drawdown_id: i64,
}

fn own_drawdown(c: &mut DbConn, own: OwnDrawdown) -> Result<(Loan, Drawdown), Stop> {
    let loan = Loan::of_enterprise(c, own.loan_id, own.enterprise_id)?;
    let drawdown = Drawdown::find(c, own.drawdown_id)?.filter(|d| Some(d.loan_id) == loan.as_ref().map(|l| l.id));
    match (loan, drawdown) {
        (Some(loan), Some(drawdown)) => Ok((loan, drawdown)),
        _ => refuse(Refusal::NotFound("放款")),
    }
}

fn today(ctx: &Ctx) -> NaiveDate {
    beijing(ctx.now).date_naive()
}

fn answered_already(receipt: Receipt) -> Refusal {
    let message = match receipt {
        Receipt::Disputed => "您已对该笔放款提出异议，信用办将在答复期限内答复",
        _ => "您已确认该笔放款到账，无需重复确认",
    };
    Refusal::rule("receipt_answered", message)
}

fn history(c: &mut DbConn, ctx: &Ctx, drawdown: &Drawdown, entry: NewLoanEvent) -> QueryResult<()> {
    let entry = NewLoanEvent { drawdown_id: Some(drawdown.id), ..entry };
    LoanEventRow::insert(
        c,
        (drawdown.loan_id, LoanEventKind::Receipt),
        (today(ctx), ctx.now),
        ctx.actor.user_id,
        &entry,
    )
}

/// 确认到账: the enterprise confirms the drawdown reached it as recorded.
pub fn confirm_receipt(conn: &mut DbConn, ctx: &Ctx, own: OwnDrawdown) -> Outcome<()> {
    guarded(conn, |c| {
        let (_, drawdown) = own_drawdown(c, own)?;
        if !Drawdown::set_receipt(c, drawdown.id, Receipt::Confirmed, ctx.now)? {
            return refuse(answered_already(drawdown.receipt));
        }
        let entry = NewLoanEvent::change("receipt", Receipt::Pending.as_str(), Receipt::Confirmed.as_str());
        history(c, ctx, &drawdown, entry)?;
        ctx.audit(c, "receipt_confirmed", &format!("drawdown:{}", drawdown.id))?;
        Ok(())
    })
}

/// 金额或日期不对: the enterprise reports the drawdown wrong, saying what is
/// wrong. The receipt reads 企业提出异议, a dispute of the drawdown opens for
/// the credit office (answered within 20 days), and the loan's officer hears.
pub fn report_drawdown(conn: &mut DbConn, ctx: &Ctx, own: OwnDrawdown, what: &str) -> Outcome<i64> {
    guarded(conn, |c| {
        let (loan, drawdown) = own_drawdown(c, own)?;
        if !Drawdown::set_receipt(c, drawdown.id, Receipt::Disputed, ctx.now)? {
            return refuse(answered_already(drawdown.receipt));
        }
        let (summary, _) = describe_drawdown(c, drawdown.id)?.ok_or(diesel::result::Error::NotFound)?;
        let new = NewDispute {
            enterprise_id: own.enterprise_id,
            kind: Subject::Drawdown,
            record_id: drawdown.id,
            summary: &summary,
            reason: what,
            user_id: ctx.actor.user_id.unwrap_or_default(),
        };
        // The receipt moved from 待企业确认 just now, so no dispute of it is open.
        let Ok(id) = Dispute::open(c, &new, ctx.now)? else { return refuse(answered_already(Receipt::Disputed)) };
        let entry =
            NewLoanEvent::change("receipt", Receipt::Pending.as_str(), Receipt::Disputed.as_str()).because(what);
        history(c, ctx, &drawdown, entry)?;
        let enterprise = crate::models::enterprise::Enterprise::find(c, own.enterprise_id)?;
        let due = crate::clock::date_text(&Dispute::find(c, id)?.due_at);
        let text = format!("{}认为以下放款的金额或日期不对：{summary}。\n异议内容：{what}", enterprise.name);
        let office = Notice::new(
            format!("放款异议：{}", enterprise.name),
            text.clone(),
            format!("{}/credit-office/disputes/{id}", ctx.base_url),
        );
        let office = Notice { message: format!("{}\n请在 {due} 前答复。", office.message), ..office };
        for staff in User::of_role(c, Role::CreditOffice)? {
            notify::send(c, To::User(staff.id), &office, ctx.now)?;
        }
        let text = format!("{text}\n信用办将核实并答复，请核对该笔放款，如有误请及时更正并与企业沟通。");
        let bank = Notice::new(format!("企业对放款提出异议：借据 {}", drawdown.iou_no), text, bank_link(ctx, loan.id));
        notify::send(c, To::User(loan.officer_id), &bank, ctx.now)?;
        ctx.audit(c, "receipt_disputed", &format!("drawdown:{}", drawdown.id))?;
        ctx.audit(c, "dispute_opened", &format!("dispute:{id}"))?;
        Ok(id)
    })
}

/// The credit office's answer on a dispute of a drawdown, inside the answer's
/// transaction (`actions::dispute::answer`, once the dispute was still open):
/// the loan's history keeps it; 已更正 (the bank corrected the drawdown) puts
/// the receipt back to 待企业确认 so the enterprise checks it again; 维持原记录
/// leaves it 企业提出异议. The enterprise and the loan's officer hear.
pub fn answered(
    c: &mut DbConn,
    ctx: &Ctx,
    dispute: &Dispute,
    outcome: DisputeOutcome,
    answer: &str,
) -> QueryResult<()> {
    let Some(drawdown) = Drawdown::find(c, dispute.record_id)? else { return Ok(()) };
    let Some(loan) = Loan::find(c, drawdown.loan_id)? else { return Ok(()) };
    if outcome == DisputeOutcome::Corrected {
        Drawdown::reopen_receipt(c, drawdown.id)?;
    }
    let entry = NewLoanEvent::change("dispute", "open", outcome.as_str()).because(answer);
    history(c, ctx, &drawdown, entry)?;
    let text = format!(
        "信用办已答复对放款（{}）提出的异议。\n处理结果：{}（{}）\n答复意见：{answer}",
        dispute.record_summary,
        outcome.label(),
        outcome.effect(Subject::Drawdown)
    );
    let subject = format!("放款异议已答复：{}", outcome.label());
    let notice = Notice::new(subject.clone(), text.clone(), enterprise_link(ctx, loan.id));
    notify::send(c, To::Enterprise(loan.enterprise_id), &notice, ctx.now)?;
    notify::send(c, To::User(loan.officer_id), &Notice::new(subject, text, bank_link(ctx, loan.id)), ctx.now)
}
