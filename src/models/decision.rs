//! The bank's side after a grab: record contact with the enterprise within
//! the contact time, and, for the offer the enterprise accepted, the credit
//! decision (授信): approval with its line, rate, term and date, or a decline
//! with a coded reason. Every function checks that the offer is the
//! institution's own, whatever id came in the URL.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::actions::{Ctx as Change, Outcome, Refusal, Stop, guarded, refuse};
use crate::domain::need::{NeedEvent, decline_reason};
use crate::domain::{Money, Rate};
use crate::models::need::Need;
use crate::models::offer::Offer;
use crate::notify::{self, Notice, To};
use crate::schema::offers;

/// An approval as the bank records it.
#[derive(Clone, Debug, PartialEq)]
pub struct Approval {
    pub amount: Money,
    pub rate: Rate,
    pub term_months: i32,
    /// The date the line was granted (Beijing).
    pub date: NaiveDate,
}

/// What the bank decided.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    Approve(Approval),
    Decline { reason: String, note: String },
}

fn own_offer(conn: &mut crate::db::DbConn, institution_id: i64, offer_id: i64) -> Result<Offer, Stop> {
    let offer = Offer::find(conn, offer_id)?.filter(|o| o.institution_id == institution_id);
    offer.map_or_else(|| refuse(Refusal::NotFound("报价")), Ok)
}

/// Records that the bank contacted the enterprise; this keeps the slot.
pub fn contact(conn: &mut crate::db::DbConn, change: &Change, institution_id: i64, offer_id: i64) -> Outcome<()> {
    guarded(conn, |c| {
        let offer = own_offer(c, institution_id, offer_id)?;
        if offer.contacted_at.is_some() {
            return Ok(());
        }
        let recorded = diesel::update(
            offers::table
                .find(offer_id)
                .filter(offers::status.eq_any(["active", "accepted"]))
                .filter(offers::contacted_at.is_null()),
        )
        .set(offers::contacted_at.eq(change.now))
        .execute(c)?;
        if recorded == 0 {
            return refuse(Refusal::rule("offer_closed", "该报价已关闭，无需再记录联系"));
        }
        change.audit(c, "contact_recorded", &format!("offer:{offer_id}"))?;
        Ok(())
    })
}

/// Records the credit decision on the accepted offer and moves the need.
pub fn decide(
    conn: &mut crate::db::DbConn,
    change: &Change,
    institution_id: i64,
    offer_id: i64,
    decision: &Decision,
) -> Outcome<()> {
    let now = change.now;
    guarded(conn, |c| {
        let offer = own_offer(c, institution_id, offer_id)?;
        let need = Need::find(c, offer.need_id)?.ok_or(diesel::result::Error::NotFound)?;
        if offer.status != "accepted" || offer.decision.is_some() || need.accepted_offer_id != Some(offer_id) {
            return refuse(Refusal::rule("not_awaiting_decision", "该报价不在待决定状态，可能已录入决定"));
        }
        let event = match decision {
            Decision::Approve(_) => NeedEvent::Approve,
            Decision::Decline { .. } => NeedEvent::Decline,
        };
        let to = crate::models::choice::step_need(c, &need, event, now)?;
        let row = offers::table.find(offer_id).filter(offers::decision.is_null());
        let (message, subject) = match decision {
            Decision::Approve(a) => {
                diesel::update(row)
                    .set((
                        offers::decision.eq("approved"),
                        offers::decided_at.eq(now),
                        offers::approved_amount_fen.eq(a.amount.fen()),
                        offers::approved_rate.eq(a.rate.units()),
                        offers::approved_term_months.eq(a.term_months),
                        offers::approved_on.eq(a.date),
                    ))
                    .execute(c)?;
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
                diesel::update(row)
                    .set((
                        offers::decision.eq("declined"),
                        offers::decided_at.eq(now),
                        offers::decline_reason.eq(reason),
                        offers::decision_note.eq(note),
                    ))
                    .execute(c)?;
                let label = decline_reason(reason).map_or("其他原因", |(l, _)| l);
                let text = format!(
                    "银行未批准您的融资需求 #{}，原因：{label}。{note}\n\n您可以接受其他仍有效的报价，或一键重新发布需求。",
                    need.id
                );
                (text, "银行未批准授信")
            }
        };
        change.audit(c, &format!("credit_{}", to.as_str()), &format!("offer:{offer_id}"))?;
        let mut notice = Notice::new(subject, message, change.need_link(need.id));
        if let Some(until) = next_valid_offer(c, need.id, now)? {
            notice = notice.next("接受其他有效报价或重新发布", until);
        }
        notify::send(c, To::Enterprise(need.enterprise_id), &notice, now)?;
        Ok(())
    })
}

/// When the first of the need's other offers that could still be accepted lapses.
pub fn next_valid_offer(
    conn: &mut crate::db::DbConn,
    need_id: i64,
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    offers::table
        .filter(offers::need_id.eq(need_id))
        .filter(offers::status.eq_any(["active", "not_selected"]))
        .filter(offers::valid_until.gt(now))
        .select(diesel::dsl::min(offers::valid_until))
        .first(conn)
}
