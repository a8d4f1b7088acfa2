//! Disputes (异议): the enterprise contests one of its records; the credit
//! office answers, applying the correction or the repair, and the evaluation
//! is recomputed in the same transaction. Both sides hear by email. A
//! dispute of a drawdown (opened by `actions::receipt`) is answered here too:
//! `receipt::answered` applies it to the drawdown instead.

use super::emails::{self, DisputeAnsweredEmail, DisputeOpenedEmail};
use super::{Ctx, Outcome, Refusal, guarded, refuse};
use crate::db::DbConn;
use crate::domain::Role;
use crate::domain::dispute::{DisputeOutcome, Subject};
use crate::models::audit;
use crate::models::dispute::{self, Dispute, NewDispute};
use crate::models::enterprise::Enterprise;
use crate::models::user::User;

/// What opening a dispute did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opened {
    /// The new dispute's id.
    New(i64),
    /// The record already had an open dispute (a submit that raced the first): its id.
    AlreadyOpen(i64),
}

/// Opens a dispute of one of the enterprise's records (already found to be
/// its own, with the one-line summary the dispute keeps) and tells the credit office.
pub fn open(conn: &mut DbConn, ctx: &Ctx, new: &NewDispute) -> Outcome<Opened> {
    guarded(conn, |c| {
        let id = match Dispute::open(c, new, ctx.now)? {
            Ok(id) => id,
            Err(first) => return Ok(Opened::AlreadyOpen(first)),
        };
        let dispute = Dispute::find(c, id)?;
        let enterprise = Enterprise::find(c, new.enterprise_id)?;
        let link = format!("{}/credit-office/disputes/{id}", ctx.base_url);
        let message = DisputeOpenedEmail::new(&enterprise.name, new.summary, new.reason, dispute.due_at, link);
        for staff in User::of_role(c, Role::CreditOffice)? {
            emails::send(c, &staff.email, &message, ctx.now)?;
        }
        ctx.audit(c, "dispute_opened", &format!("dispute:{id}"))?;
        Ok(Opened::New(id))
    })
}

/// The credit office's answer to a dispute.
pub struct Answer {
    pub dispute_id: i64,
    pub outcome: DisputeOutcome,
    pub answer: String,
}

/// Closes an open dispute: applies the outcome to the record, recomputes the
/// evaluation and tells the enterprise. A dispute answered meanwhile is left
/// as it is.
pub fn answer(conn: &mut DbConn, ctx: &Ctx, input: Answer) -> Outcome<()> {
    let Answer { dispute_id: id, outcome, answer } = input;
    let user_id = ctx.actor.user_id.unwrap_or_default();
    let today = crate::clock::beijing(ctx.now).date_naive();
    guarded(conn, |c| {
        let found = Dispute::find(c, id)?;
        if !outcome.fits(found.record_kind) {
            return refuse(Refusal::rule("outcome_unfit", "只有行政处罚和司法记录可以标记为信用修复"));
        }
        if !Dispute::answer(c, id, outcome, &answer, user_id, ctx.now)? {
            return Ok(());
        }
        let Subject::Record(kind) = found.record_kind else {
            super::receipt::answered(c, ctx, &found, outcome, &answer)?;
            let object = format!("dispute:{id}");
            audit::record(c, &ctx.actor, "dispute_answered", Some(&object), outcome.as_str(), ctx.now)?;
            return Ok(());
        };
        let enterprise = Enterprise::find(c, found.enterprise_id)?;
        dispute::apply_outcome(c, kind, found.record_id, outcome, today)?;
        crate::credit::recompute_one(c, &enterprise.uscc, today, ctx.now)?;
        let message = DisputeAnsweredEmail {
            summary: found.record_summary.clone(),
            outcome: outcome.label(),
            answer: answer.clone(),
            link: format!("{}/enterprise/portrait#disputes", ctx.base_url),
        };
        for user in User::of_enterprise(c, enterprise.id)? {
            emails::send(c, &user.email, &message, ctx.now)?;
        }
        audit::record(c, &ctx.actor, "dispute_answered", Some(&format!("dispute:{id}")), outcome.as_str(), ctx.now)?;
        Ok(())
    })
}
