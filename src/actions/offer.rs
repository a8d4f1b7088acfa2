//! The bank's changes: grab a need with an offer, record contact with the
//! enterprise within the contact time, and for the offer the enterprise
//! accepted the credit decision (授信): approval with its line, rate, term
//! and date, or a decline with a coded reason. Every action checks that the
//! offer is the institution's own, whatever id came in the URL.
//!
//! The grab takes the need's row lock first, then asks the fit (one of the
//! bank's published products fits the need) and takes a slot by a guarded
//! update (open, a free slot, the window open, meant for this bank); the
//! offer row's UNIQUE(need_id, institution_id) stops a second offer. All in
//! one transaction, so a refused grab leaves nothing behind.

use chrono::NaiveDateTime;
use diesel::QueryResult;
use diesel::result::{DatabaseErrorKind, Error};

use crate::actions::need::{locked_need, step_need};
use crate::actions::{Ctx, Outcome, Refusal, Stop, guarded, refuse};
use crate::clock::Clock;
use crate::db::DbConn;
use crate::domain::contact::{ContactMethod, check_contact_time};
use crate::domain::need::{GrabRefusal, GrabState, NeedEvent, OfferStatus, decline_reason};
use crate::models::authorization::Authorization;
use crate::models::hall::FitRules;
use crate::models::institution::Institution;
use crate::models::need::Need;
pub use crate::models::offer::Approval;
use crate::models::offer::{AUTHORIZATION_AFTER_DEADLINE, Offer, OfferTerms};
use crate::notify::{self, Notice, To};

impl From<GrabRefusal> for Refusal {
    fn from(refusal: GrabRefusal) -> Refusal {
        Refusal::rule(refusal.code(), refusal.to_string())
    }
}

/// An officer's grab of a need with an offer.
#[derive(Clone, Debug, PartialEq)]
pub struct Grab {
    pub need_id: i64,
    pub institution_id: i64,
    pub officer_id: i64,
    pub terms: OfferTerms,
}

/// The institution's offer an action is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnOffer {
    pub institution_id: i64,
    pub offer_id: i64,
}

/// What the bank decided.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    Approve(Approval),
    Decline { reason: String, note: String },
}

/// The credit decision on the institution's accepted offer.
#[derive(Clone, Debug, PartialEq)]
pub struct Decide {
    pub offer: OwnOffer,
    pub decision: Decision,
}

/// Why the institution cannot grab the need now, by the lifecycle's own rule
/// (`domain::need::can_grab`) over `rules`, its published products; None if
/// it can.
fn refusal_with(
    conn: &mut DbConn,
    rules: &FitRules,
    need_id: i64,
    institution_id: i64,
    now: NaiveDateTime,
) -> QueryResult<Option<GrabRefusal>> {
    let Some(need) = Need::find(conn, need_id)? else { return Ok(Some(GrabRefusal::NotOpen)) };
    let state = GrabState {
        status: need.status,
        slots: need.slots,
        slots_taken: need.slots_taken,
        deadline: need.deadline.unwrap_or(now),
        institution_already_offered: Offer::exists(conn, need_id, institution_id)?,
        targeted_institution: need.institution_id,
        fits_a_product: rules.fit_need(conn, need_id)?,
    };
    Ok(crate::domain::need::can_grab(&state, institution_id, now).err())
}

/// Why `institution_id` cannot grab the need now; None if it can. The grab
/// page asks it before it offers the button.
pub fn grab_refusal(
    conn: &mut DbConn,
    need_id: i64,
    institution_id: i64,
    now: NaiveDateTime,
) -> QueryResult<Option<GrabRefusal>> {
    let rules = FitRules::published(conn, institution_id)?;
    refusal_with(conn, &rules, need_id, institution_id, now)
}

/// Takes a slot and records the offer, or says why not. Safe under any
/// number of concurrent grabs on one or several app instances. The time is
/// read from `clock` once the write lock is held, so no wait for the lock can
/// carry a grab past the deadline (`ctx.now` is not used for it). The bank's
/// product rules are loaded once, at the start of the grab.
pub fn grab_need(conn: &mut DbConn, ctx: &Ctx, input: &Grab, clock: &dyn Clock) -> Outcome<i64> {
    let Grab { need_id, institution_id, officer_id, ref terms } = *input;
    let rules = FitRules::published(conn, institution_id)?;
    // A plain read first: a grab that is full, closed or already made gives up
    // here, without queueing for the write lock the winners need. The guarded
    // update below still decides every grab that gets past it.
    if let Some(refusal) = refusal_with(conn, &rules, need_id, institution_id, clock.now())? {
        return Ok(Err(refusal.into()));
    }
    let outcome = guarded(conn, |c| {
        let now = clock.now();
        let ctx = &Ctx { now, ..ctx.clone() };
        Need::lock(c, need_id)?;
        let Some(need) = Need::find(c, need_id)? else { return refuse(GrabRefusal::NotOpen.into()) };
        let contact_due = crate::models::holiday::contact_due(c, now)?;
        if !rules.fit_need(c, need_id)? || !Need::take_slot(c, need_id, institution_id, now)? {
            // The lock is held, so the rule agrees with what the guard saw; a
            // need that looks grabbable here was full at the instant of the update.
            let refusal = refusal_with(c, &rules, need_id, institution_id, now)?.unwrap_or(GrabRefusal::Full);
            return refuse(refusal.into());
        }
        let offer_id = Offer::insert(c, (need_id, institution_id, officer_id), terms, contact_due, now)?;
        let until = need.deadline.unwrap_or(now) + AUTHORIZATION_AFTER_DEADLINE;
        Authorization::grant(c, need.enterprise_id, institution_id, "融资需求审查", until - now, now)?;
        ctx.audit(c, "offer_made", &format!("offer:{offer_id}"))?;
        let bank = Institution::find(c, institution_id)?.name;
        let mut notice = Notice::new(
            format!("{bank}对您的融资需求报价"),
            format!(
                "{bank}抢到了您的融资需求 #{need_id}，报价：{}，年化 {}，期限 {} 个月，{}。客户经理将在 2 个工作日内联系您。",
                terms.amount.wan_text(),
                terms.rate.percent_text(),
                terms.term_months,
                terms.repayment_method.label()
            ),
            ctx.need_link(need_id),
        );
        if let Some(deadline) = need.deadline {
            notice = notice.next("抢单截止后比较并选择报价", deadline);
        }
        notify::send(c, To::Enterprise(need.enterprise_id), &notice, now)?;
        Ok(offer_id)
    });
    match outcome {
        // A second offer from the same institution, from a concurrent request: the
        // whole transaction, slot included, was rolled back.
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(Err(GrabRefusal::AlreadyOffered.into())),
        other => other,
    }
}

fn own_offer(conn: &mut DbConn, own: OwnOffer) -> Result<Offer, Stop> {
    let offer = Offer::find(conn, own.offer_id)?.filter(|o| o.institution_id == own.institution_id);
    offer.map_or_else(|| refuse(Refusal::NotFound("报价")), Ok)
}

/// The bank's contact with the enterprise on its offer: how, and when it
/// happened (the stated time, which the contact time is judged by).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Contact {
    pub offer: OwnOffer,
    pub method: ContactMethod,
    pub at: NaiveDateTime,
}

/// Records that the bank contacted the enterprise, how and when; on an offer
/// still in the hall this keeps the slot. A time in the future, before the
/// grab or (in the hall) after the contact time is refused with a
/// `ContactTimeError` code; a second record changes nothing.
pub fn record_contact(conn: &mut DbConn, ctx: &Ctx, input: Contact) -> Outcome<()> {
    guarded(conn, |c| {
        let offer = own_offer(c, input.offer)?;
        if offer.contacted_at.is_some() {
            return Ok(());
        }
        let in_hall = offer.status == OfferStatus::Active;
        if let Err(e) = check_contact_time(input.at, offer.created_at, offer.contact_due, in_hall, ctx.now) {
            return refuse(Refusal::rule(e.code(), e.to_string()));
        }
        if !Offer::mark_contacted(c, offer.id, (input.method, input.at), ctx.now)? {
            return refuse(Refusal::rule("offer_closed", "该报价已关闭，无需再记录联系"));
        }
        ctx.audit(c, "contact_recorded", &format!("offer:{}", offer.id))?;
        Ok(())
    })
}

/// Records the credit decision on the accepted offer and moves the need.
pub fn record_decision(conn: &mut DbConn, ctx: &Ctx, input: Decide) -> Outcome<()> {
    let now = ctx.now;
    guarded(conn, |c| {
        let offer = own_offer(c, input.offer)?;
        let need = locked_need(c, offer.need_id)?;
        let offer_id = offer.id;
        if offer.status != OfferStatus::Accepted || offer.decision.is_some() || need.accepted_offer_id != Some(offer_id)
        {
            return refuse(Refusal::rule("not_awaiting_decision", "该报价不在待决定状态，可能已录入决定"));
        }
        let event = match input.decision {
            Decision::Approve(_) => NeedEvent::Approve,
            Decision::Decline { .. } => NeedEvent::Decline,
        };
        let to = step_need(c, &need, event, now)?;
        let (message, subject) = match &input.decision {
            Decision::Approve(a) => {
                Offer::record_approval(c, offer_id, a, now)?;
                let text = format!(
                    "银行已批准您的融资需求 #{}：授信额度 {}，年化 {}，期限 {} 个月，授信日期 {}。",
                    need.id,
                    a.amount.wan_text(),
                    a.rate.percent_text(),
                    a.term_months,
                    a.date.format("%Y-%m-%d")
                );
                (text, "银行已批准授信")
            }
            Decision::Decline { reason, note } => {
                Offer::record_decline(c, offer_id, reason, note, now)?;
                let label = decline_reason(reason).map_or("其他原因", |(l, _)| l);
                let text = format!(
                    "银行未批准您的融资需求 #{}，原因：{label}。{note}\n\n您可以接受其他仍有效的报价，或一键重新发布需求。",
                    need.id
                );
                (text, "银行未批准授信")
            }
        };
        ctx.audit(c, &format!("credit_{}", to.as_str()), &format!("offer:{offer_id}"))?;
        let mut notice = Notice::new(subject, message, ctx.need_link(need.id));
        if let Some(until) = Offer::next_valid_until(c, need.id, now)? {
            notice = notice.next("接受其他有效报价或重新发布", until);
        }
        notify::send(c, To::Enterprise(need.enterprise_id), &notice, now)?;
        Ok(())
    })
}
