//! The bank's edits of a loan it reads on a page: the classification, a
//! write-off and a correction of the terms. Each states the version it was
//! read at (`lock_at`), so a loan changed meanwhile is refused as `Changed`.

use chrono::NaiveDate;
use diesel::result::{DatabaseErrorKind, Error};

use super::{OwnLoan, field, history, lock_at, today};
use crate::actions::{Ctx, Outcome, Refusal, Stop, guarded, refuse};
use crate::db::DbConn;
use crate::domain::loan::{Classification, LoanEvent, LoanEventKind, correction_refused, transition};
use crate::models::loan::{Loan, LoanTerms, NewLoanEvent};

/// A change of the classification (五级分类), as of the date the bank states, with its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classify {
    pub version: i32,
    pub to: Classification,
    pub on: NaiveDate,
    pub reason: String,
}

/// Moves the loan's classification; the history keeps the old one, the date and the reason.
pub fn classify(conn: &mut DbConn, ctx: &Ctx, own: OwnLoan, input: Classify) -> Outcome<()> {
    guarded(conn, |c| {
        let loan = lock_at(c, ctx, own, input.version)?;
        transition(loan.status, LoanEvent::Classify)?;
        check_event_date(&loan, input.on, today(ctx))?;
        if loan.classification == input.to {
            return refuse(field("to", "same_classification", format!("该贷款已是{}类", input.to.label())));
        }
        Loan::set_classification(c, loan.id, input.to)?;
        let entry = NewLoanEvent::change("classification", loan.classification.as_str(), input.to.as_str())
            .because(&input.reason);
        history(c, ctx, (loan.id, LoanEventKind::Classification), input.on, &entry)?;
        ctx.audit(c, "loan_classified", &format!("loan:{}", loan.id))?;
        Ok(())
    })
}

/// A date a bank states for a change: not before the contract, not in the future.
fn check_event_date(loan: &Loan, on: NaiveDate, today: NaiveDate) -> Result<(), Stop> {
    if on < loan.signed_on {
        return refuse(field("on", "before_contract", format!("日期不能早于签约日期 {}", loan.signed_on)));
    }
    if on > today {
        return refuse(field("on", "in_future", "日期不能晚于今天"));
    }
    Ok(())
}

/// A write-off (核销) as of the date the bank states, with its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteOff {
    pub version: i32,
    pub on: NaiveDate,
    pub reason: String,
}

/// Writes the loan off: terminal; nothing is drawn, repaid or classified after.
pub fn write_off(conn: &mut DbConn, ctx: &Ctx, own: OwnLoan, input: WriteOff) -> Outcome<()> {
    guarded(conn, |c| {
        let loan = lock_at(c, ctx, own, input.version)?;
        let to = transition(loan.status, LoanEvent::WriteOff)?;
        check_event_date(&loan, input.on, today(ctx))?;
        if input.on < loan.status_on {
            let message = format!("核销日期不能早于当前状态的起始日期 {}", loan.status_on);
            return refuse(field("on", "before_status", message));
        }
        if !Loan::move_status(c, loan.id, (loan.status, to), input.on)? {
            return refuse(Refusal::Changed("贷款"));
        }
        let entry = NewLoanEvent::change("status", loan.status.as_str(), to.as_str()).because(&input.reason);
        history(c, ctx, (loan.id, LoanEventKind::Status), input.on, &entry)?;
        ctx.audit(c, "loan_written_off", &format!("loan:{}", loan.id))?;
        Ok(())
    })
}

/// A correction of the contract's terms, with its reason.
#[derive(Clone, Debug, PartialEq)]
pub struct Correct {
    pub version: i32,
    pub terms: LoanTerms,
    pub reason: String,
}

/// Corrects the terms as recorded; each changed value enters the history with
/// the old value and the reason. The line cannot fall below what is drawn.
pub fn correct_terms(conn: &mut DbConn, ctx: &Ctx, own: OwnLoan, input: Correct) -> Outcome<()> {
    let outcome = guarded(conn, |c| {
        let loan = lock_at(c, ctx, own, input.version)?;
        if let Some(reason) = correction_refused(loan.status) {
            return refuse(Refusal::rule("loan_status", reason));
        }
        let new = &input.terms;
        if new.line < loan.drawn {
            return refuse(field(
                "line",
                "below_drawn",
                format!("合同额度不能低于已放款金额 {}", loan.drawn.wan_text()),
            ));
        }
        if let Some(earlier) = new.renews
            && (earlier == loan.id || Loan::of_enterprise(c, earlier, loan.enterprise_id)?.is_none())
        {
            let message = "续贷所接续的贷款须是该企业在平台上的另一笔贷款";
            return refuse(field("renews", "renews_unknown", message));
        }
        let old = loan.terms();
        let reschedules = (old.rate, old.term_months, old.signed_on, old.repayment_method)
            != (new.rate, new.term_months, new.signed_on, new.repayment_method);
        if loan.drawn.fen() > 0 && reschedules {
            let message = "已放款的贷款不能更正利率、期限、签约日期或还款方式：各笔借据的还款计划已按原条件生成";
            return refuse(Refusal::rule("drawn_terms", message));
        }
        let changes = changed_terms(&old, new);
        if changes.is_empty() {
            return refuse(Refusal::rule("nothing_changed", "没有修改任何内容"));
        }
        Loan::set_terms(c, loan.id, new)?;
        for (name, before, after) in changes {
            let entry = NewLoanEvent::change(name, before, after).because(&input.reason);
            history(c, ctx, (loan.id, LoanEventKind::Correction), today(ctx), &entry)?;
        }
        ctx.audit(c, "loan_corrected", &format!("loan:{}", loan.id))?;
        Ok(())
    });
    match outcome {
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            Ok(Err(field("contract_no", "contract_taken", "本机构已有该合同编号的贷款，请核对合同编号")))
        }
        other => other,
    }
}

/// The fields that differ, as (field, old, new) in the history's words.
fn changed_terms(old: &LoanTerms, new: &LoanTerms) -> Vec<(&'static str, String, String)> {
    let yes_no = |b: bool| if b { "是" } else { "否" }.to_string();
    let fields = [
        ("contract_no", old.contract_no.clone(), new.contract_no.clone()),
        ("line", old.line.wan_text(), new.line.wan_text()),
        ("rate", old.rate.percent_text(), new.rate.percent_text()),
        ("term_months", old.term_months.to_string(), new.term_months.to_string()),
        ("signed_on", old.signed_on.to_string(), new.signed_on.to_string()),
        ("repayment_method", old.repayment_method.label().to_string(), new.repayment_method.label().to_string()),
        ("guarantees", old.guarantees.labels(), new.guarantees.labels()),
        ("first_loan", yes_no(old.first_loan), yes_no(new.first_loan)),
        ("renewal", yes_no(old.renewal), yes_no(new.renewal)),
        (
            "renews",
            old.renews.map(|r| r.to_string()).unwrap_or_default(),
            new.renews.map(|r| r.to_string()).unwrap_or_default(),
        ),
    ];
    fields.into_iter().filter(|(_, a, b)| a != b).collect()
}
