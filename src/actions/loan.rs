//! The bank's changes to a loan after the credit decision: the contract on
//! the approved offer, drawdowns, repayments, the five-level classification,
//! a write-off, a correction of the terms; and the sweep's step that finds an
//! instalment unpaid the day after it fell due. Each is one guarded
//! transaction with its history entry (the date it happened apart from when
//! it was entered) and its audit row. Every action checks that the loan is
//! the institution's own, whatever id came in. A drawdown that a fund in
//! force covers is registered in it (入库, `actions::fund`) in the same
//! transaction.
//!
//! A drawdown is decided by one guarded update on the loan's row (drawn plus
//! the amount within the line, the loan 正常), so concurrent drawdowns on one
//! or several instances never pass the line together. An edit of the terms,
//! the classification or the status states the version it was made on; a
//! loan changed since is refused as `Changed`, and the page keeps what was typed.

use chrono::NaiveDate;
use diesel::QueryResult;
use diesel::result::{DatabaseErrorKind, Error};

use crate::actions::offer::OwnOffer;
use crate::actions::{Ctx, FieldRefusal, Outcome, Refusal, Stop, guarded, refuse};
use crate::clock::beijing;
use crate::db::DbConn;
use crate::domain::Money;
use crate::domain::loan::{
    DrawdownCheck, LoanEvent, LoanEventKind, LoanStatus, LoanTransitionError, RepaymentCheck, check_drawdown,
    check_repayment, cover, transition,
};
use crate::domain::need::OfferStatus;
use crate::domain::repayment::Loan as Schedule;
use crate::models::loan::drawdown::NewDrawdown;
use crate::models::loan::repayment::NewRepayment;
use crate::models::loan::{Drawdown, Instalment, Loan, LoanEventRow, LoanParties, LoanTerms, NewLoanEvent, Repayment};
use crate::models::offer::Offer;
use crate::models::user::User;
use crate::notify::{self, Notice, To};

mod edit;
pub use edit::{Classify, Correct, WriteOff, classify, correct_terms, write_off};

/// The institution's loan an action is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnLoan {
    pub institution_id: i64,
    pub loan_id: i64,
}

impl From<LoanTransitionError> for Refusal {
    fn from(e: LoanTransitionError) -> Refusal {
        Refusal::rule("loan_status", e.message())
    }
}

impl From<LoanTransitionError> for Stop {
    fn from(e: LoanTransitionError) -> Stop {
        Stop::Refused(e.into())
    }
}

fn own_loan(conn: &mut DbConn, own: OwnLoan) -> Result<Loan, Stop> {
    Loan::of_institution(conn, own.loan_id, own.institution_id)?.map_or_else(|| refuse(Refusal::NotFound("贷款")), Ok)
}

/// Takes the loan's row lock if it is still at `version`; a loan changed since is refused.
fn lock_at(conn: &mut DbConn, ctx: &Ctx, own: OwnLoan, version: i32) -> Result<Loan, Stop> {
    let loan = own_loan(conn, own)?;
    if !Loan::lock_at(conn, loan.id, version, ctx.now)? {
        return refuse(Refusal::Changed("贷款"));
    }
    // Read again under the lock: what a concurrent change committed meanwhile counts.
    Ok(Loan::find(conn, loan.id)?.ok_or(Error::NotFound)?)
}

fn today(ctx: &Ctx) -> NaiveDate {
    beijing(ctx.now).date_naive()
}

fn history(
    c: &mut DbConn,
    ctx: &Ctx,
    (loan, kind): (i64, LoanEventKind),
    on: NaiveDate,
    event: &NewLoanEvent,
) -> QueryResult<()> {
    LoanEventRow::insert(c, (loan, kind), (on, ctx.now), ctx.actor.user_id, event)
}

fn field(field: &'static str, code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal::Fields(vec![FieldRefusal { field, code, message: message.into() }])
}

/// The link to the enterprise's page of the loan.
pub fn enterprise_link(ctx: &Ctx, loan: i64) -> String {
    format!("{}/enterprise/loans/{loan}", ctx.base_url)
}

/// The link to the bank's page of the loan.
pub fn bank_link(ctx: &Ctx, loan: i64) -> String {
    format!("{}/officer/loans/{loan}", ctx.base_url)
}

/// Records the contract on the institution's approved offer: the loan opens
/// 正常, classified 正常, nothing drawn. The line is at most the approved
/// amount; the signing date neither before the approval nor in the future; the
/// contract number unique in the institution; a renewal links to an earlier
/// loan of the same enterprise.
pub fn open_loan(conn: &mut DbConn, ctx: &Ctx, offer: OwnOffer, terms: LoanTerms) -> Outcome<i64> {
    let outcome = guarded(conn, |c| {
        let found = Offer::find(c, offer.offer_id)?.filter(|o| o.institution_id == offer.institution_id);
        let Some(approved) = found else { return refuse(Refusal::NotFound("报价")) };
        let (Some(approved_on), Some(approved_fen)) = (approved.approved_on, approved.approved_amount_fen) else {
            return refuse(Refusal::rule("not_approved", "该报价尚未批准授信，不能录入贷款"));
        };
        if approved.status != OfferStatus::Accepted || approved.decision.as_deref() != Some("approved") {
            return refuse(Refusal::rule("not_approved", "该报价尚未批准授信，不能录入贷款"));
        }
        if Loan::of_offer(c, approved.id)?.is_some() {
            return refuse(Refusal::rule("loan_exists", "该授信已录入贷款合同"));
        }
        let need = crate::models::need::Need::find(c, approved.need_id)?.ok_or(Error::NotFound)?;
        let mut wrong = Vec::new();
        if terms.line > Money::from_fen(approved_fen) {
            let message = format!("合同额度不能超过授信额度 {}", Money::from_fen(approved_fen).wan_text());
            wrong.push(FieldRefusal { field: "line", code: "over_approval", message });
        }
        if terms.signed_on < approved_on {
            let message = format!("签约日期不能早于授信日期 {approved_on}");
            wrong.push(FieldRefusal { field: "signed_on", code: "before_approval", message });
        } else if terms.signed_on > today(ctx) {
            wrong.push(FieldRefusal {
                field: "signed_on", code: "in_future", message: "签约日期不能晚于今天".into()
            });
        }
        if let Some(earlier) = terms.renews
            && Loan::of_enterprise(c, earlier, need.enterprise_id)?.is_none()
        {
            let message = "续贷所接续的贷款须是该企业在平台上的贷款";
            wrong.push(FieldRefusal { field: "renews", code: "renews_unknown", message: message.into() });
        }
        if !wrong.is_empty() {
            return refuse(Refusal::Fields(wrong));
        }
        let officer = User::find(c, approved.officer_id)?;
        let parties = LoanParties {
            offer_id: approved.id,
            institution_id: approved.institution_id,
            enterprise_id: need.enterprise_id,
            officer_id: approved.officer_id,
            branch_id: officer.branch_id,
        };
        let by = ctx.actor.user_id.unwrap_or(approved.officer_id);
        let id = Loan::insert(c, parties, &terms, by, ctx.now)?;
        let entry = NewLoanEvent { new_value: Some(terms.contract_no.clone()), ..Default::default() };
        history(c, ctx, (id, LoanEventKind::Opened), terms.signed_on, &entry)?;
        ctx.audit(c, "loan_opened", &format!("loan:{id}"))?;
        Ok(id)
    });
    match outcome {
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info)) if info.message().contains("contract") => {
            Ok(Err(field("contract_no", "contract_taken", "本机构已有该合同编号的贷款，请核对合同编号")))
        }
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            Ok(Err(Refusal::rule("loan_exists", "该授信已录入贷款合同")))
        }
        other => other,
    }
}

/// Records a drawdown and its schedule under the loan's method, rate and
/// the drawdown's term. Refused beside its field: more than the line left, a
/// value date before the approval or in the future, a maturity past the
/// loan's; refused for a loan that is not 正常. Safe under any number of
/// concurrent drawdowns: the guarded update on the loan decides each.
pub fn record_drawdown(conn: &mut DbConn, ctx: &Ctx, own: OwnLoan, new: NewDrawdown) -> Outcome<i64> {
    let outcome = guarded(conn, |c| {
        let loan = own_loan(c, own)?;
        transition(loan.status, LoanEvent::Draw)?;
        // The contract is signed on or after the approval: money is not drawn before it.
        let approved_on = Offer::find(c, loan.offer_id)?
            .and_then(|o| o.approved_on)
            .map_or(loan.signed_on, |a| a.max(loan.signed_on));
        let check = |drawn: Money| DrawdownCheck {
            amount: new.amount,
            value_date: new.value_date,
            maturity: new.maturity(),
            line: loan.line,
            drawn,
            approved_on,
            loan_maturity: loan.maturity,
            today: today(ctx),
        };
        refuse_drawdown(check(loan.drawn))?;
        if !Loan::draw(c, loan.id, new.amount)? {
            // Another drawdown took the line (or moved the status) since the read.
            let now = Loan::find(c, loan.id)?.ok_or(Error::NotFound)?;
            transition(now.status, LoanEvent::Draw)?;
            refuse_drawdown(check(now.drawn))?;
            return refuse(Refusal::Changed("贷款"));
        }
        // The terms as they are under the row lock the draw took (a correction may have committed since the read).
        let loan = Loan::find(c, loan.id)?.ok_or(Error::NotFound)?;
        let schedule = Schedule::new(loan.repayment_method, new.amount, loan.rate, new.term_months).schedule();
        let id = Drawdown::insert(c, loan.id, &new, &schedule, ctx.actor.user_id.unwrap_or(loan.officer_id), ctx.now)?;
        let entry =
            NewLoanEvent { new_value: Some(new.amount.fen().to_string()), drawdown_id: Some(id), ..Default::default() };
        history(c, ctx, (loan.id, LoanEventKind::Drawdown), new.value_date, &entry)?;
        ctx.audit(c, "loan_drawdown", &format!("drawdown:{id}"))?;
        super::fund::register_drawdown(c, ctx, &loan, (id, new.amount.fen(), new.value_date))?;
        let text = format!(
            "银行已按借据 {} 向您放款 {}，起息日 {}。请在平台上核对并确认到账；金额或日期不对，可以提出异议。",
            new.iou_no,
            new.amount.yuan_text(),
            new.value_date
        );
        let notice = Notice::new("银行已放款，请确认到账", text, enterprise_link(ctx, loan.id));
        notify::send(c, To::Enterprise(loan.enterprise_id), &notice, ctx.now)?;
        Ok(id)
    });
    match outcome {
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            Ok(Err(field("iou_no", "iou_taken", "该贷款已有这个借据编号的放款")))
        }
        other => other,
    }
}

fn refuse_drawdown(check: DrawdownCheck) -> Result<(), Stop> {
    let wrong: Vec<FieldRefusal> = check_drawdown(&check)
        .into_iter()
        .map(|e| FieldRefusal { field: e.field(), code: e.code(), message: e.to_string() })
        .collect();
    if wrong.is_empty() { Ok(()) } else { refuse(Refusal::Fields(wrong)) }
}

/// Records a repayment on one of the loan's drawdowns, against the schedule
/// or early: the instalments it covers (in due order) are paid, the
/// outstanding principal falls, and the status follows (正常 again once nothing
/// due is unpaid; 结清 when no principal is left). Refused beside its field:
/// more principal than the drawdown owes, a date before the drawdown or in
/// the future, nothing at all.
pub fn record_repayment(conn: &mut DbConn, ctx: &Ctx, own: OwnLoan, new: NewRepayment) -> Outcome<i64> {
    guarded(conn, |c| {
        let loan = own_loan(c, own)?;
        Loan::lock(c, loan.id, ctx.now)?;
        // The status as it is under the lock: a write-off committed meanwhile refuses the repayment.
        let loan = Loan::find(c, loan.id)?.ok_or(Error::NotFound)?;
        transition(loan.status, LoanEvent::Repay)?;
        let found = Drawdown::find(c, new.drawdown_id)?.filter(|d| d.loan_id == loan.id);
        let Some(drawdown) = found else {
            return refuse(field("drawdown", "no_drawdown", "请选择该贷款的一笔借据"));
        };
        let check = RepaymentCheck {
            paid_on: new.paid_on,
            principal: new.principal,
            interest: new.interest,
            penalty: new.penalty,
            outstanding: drawdown.outstanding,
            value_date: drawdown.value_date,
            today: today(ctx),
        };
        let wrong: Vec<FieldRefusal> = check_repayment(&check)
            .into_iter()
            .map(|e| FieldRefusal { field: e.field(), code: e.code(), message: e.to_string() })
            .collect();
        if !wrong.is_empty() {
            return refuse(Refusal::Fields(wrong));
        }
        if !Drawdown::repay(c, drawdown.id, new.principal)? || !Loan::repay(c, loan.id, new.principal)? {
            return refuse(Refusal::Changed("贷款"));
        }
        let by = ctx.actor.user_id.unwrap_or(loan.officer_id);
        let id = Repayment::insert(c, loan.id, &new, by, ctx.now)?;
        recover(c, drawdown.id, new.paid_on)?;
        let entry = NewLoanEvent {
            new_value: Some(format!("{}/{}/{}", new.principal.fen(), new.interest.fen(), new.penalty.fen())),
            drawdown_id: Some(drawdown.id),
            repayment_id: Some(id),
            ..Default::default()
        };
        history(c, ctx, (loan.id, LoanEventKind::Repayment), new.paid_on, &entry)?;
        restate(c, ctx, loan.id, new.paid_on)?;
        ctx.audit(c, "loan_repayment", &format!("repayment:{id}"))?;
        Ok(id)
    })
}

/// Writes what the drawdown's repayments now cover of its schedule.
fn recover(c: &mut DbConn, drawdown_id: i64, on: NaiveDate) -> QueryResult<()> {
    let schedule = Instalment::of_drawdown(c, drawdown_id)?;
    let (principal, interest) = Repayment::totals(c, drawdown_id)?;
    let dues: Vec<_> = schedule.iter().map(Instalment::due).collect();
    let covered = cover(&dues, principal, interest);
    // A drawdown repaid in full owes no interest on the instalments not yet due.
    let covered = if principal >= Money::from_fen(dues.iter().map(|d| d.principal.fen()).sum()) {
        dues.iter()
            .zip(covered)
            .map(
                |(due, c)| {
                    if due.due_on > on { crate::domain::loan::Covered { interest: due.interest, ..c } } else { c }
                },
            )
            .collect()
    } else {
        covered
    };
    Instalment::set_covered(c, &schedule, &covered, on)
}

/// Brings the loan's status in line with its schedule and repayments: 结清
/// when no principal is left, 逾期 while an instalment due before today is
/// unpaid, 正常 otherwise. A move is entered in the history as of `on`; the
/// bank hears when the loan turns 逾期. Returns the status.
pub fn restate(c: &mut DbConn, ctx: &Ctx, loan_id: i64, on: NaiveDate) -> QueryResult<LoanStatus> {
    let loan = Loan::find(c, loan_id)?.ok_or(Error::NotFound)?;
    if loan.status.is_terminal() {
        return Ok(loan.status);
    }
    let schedule = Instalment::of_loan(c, loan_id)?;
    let unpaid_due = schedule.iter().filter(|i| i.paid_on.is_none() && i.due_on < today(ctx)).map(|i| i.due_on).min();
    let on = on.max(loan.status_on);
    let all_paid = schedule.iter().all(|i| i.paid_on.is_some());
    let (event, on) = if loan.drawn.fen() > 0 && loan.outstanding.fen() == 0 && all_paid {
        (LoanEvent::Settle, on)
    } else if let Some(due) = unpaid_due {
        // Overdue since the day after the oldest unpaid due date, whatever
        // date the change that found it states (a repayment entered late).
        (LoanEvent::FallOverdue, due.succ_opt().unwrap_or(on))
    } else {
        (LoanEvent::CatchUp, on)
    };
    let Ok(to) = transition(loan.status, event) else { return Ok(loan.status) };
    if to == loan.status || !Loan::move_status(c, loan_id, (loan.status, to), on)? {
        return Ok(loan.status);
    }
    let entry = NewLoanEvent::change("status", loan.status.as_str(), to.as_str());
    history(c, ctx, (loan_id, LoanEventKind::Status), on, &entry)?;
    if to == LoanStatus::Overdue {
        let text = format!("贷款合同 {} 有到期未还的还款计划，已转为逾期。请尽快联系企业并跟进。", loan.contract_no);
        let notice = Notice::new(format!("贷款逾期：合同 {}", loan.contract_no), text, bank_link(ctx, loan_id));
        notify::send(c, To::User(loan.officer_id), &notice, ctx.now)?;
    }
    Ok(to)
}

/// The sweep's step for one instalment found unpaid the day after it fell
/// due: marks it overdue and moves its loan to 逾期 (once, however many
/// sweeps find it; the bank is emailed when the loan turns). False when
/// another sweep or a repayment got there first.
pub fn mark_overdue(conn: &mut DbConn, ctx: &Ctx, instalment: (i64, i32)) -> Outcome<bool> {
    guarded(conn, |c| {
        let today = today(ctx);
        let Some(drawdown) = Drawdown::find(c, instalment.0)? else { return Ok(false) };
        let schedule = Instalment::of_drawdown(c, drawdown.id)?;
        let Some(row) = schedule.iter().find(|i| i.number == instalment.1) else { return Ok(false) };
        if row.due_on >= today || row.paid_on.is_some() {
            return Ok(false);
        }
        if !Instalment::mark_overdue(c, instalment, today)? {
            return Ok(false);
        }
        let on = row.due_on.succ_opt().unwrap_or(today);
        restate(c, ctx, drawdown.loan_id, on)?;
        Ok(true)
    })
}
