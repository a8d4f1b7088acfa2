//! The enterprise's side of a need after banks have grabbed it: accept one
//! offer, cancel the need, or republish it after a decline. Each change is a
//! guarded update inside one transaction with its audit row and its emails,
//! so two accepts racing on several instances leave exactly one accepted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::actions::{Ctx as Change, Outcome, Refusal, Stop, guarded, refuse};
use crate::db::DbConn;
use crate::domain::need::{NeedEvent, NeedStatus, transition};
use crate::models::authorization::Authorization;
use crate::models::holiday;
use crate::models::need::{Need, NewNeed};
use crate::models::offer::Offer;
use crate::notify::{self, Notice, To};
use crate::schema::{institutions, needs, offers};

/// The enterprise's need, or a refusal that does not tell whether someone else's exists.
fn own_need(conn: &mut DbConn, enterprise_id: i64, need_id: i64) -> Result<Need, Stop> {
    lock_need(conn, need_id)?;
    let need = Need::find(conn, need_id)?.filter(|n| n.enterprise_id == enterprise_id);
    need.map_or_else(|| refuse(Refusal::NotFound("融资需求")), Ok)
}

/// Moves the need by `event` if nobody moved it since it was read; returns the new status.
pub fn step_need(conn: &mut DbConn, need: &Need, event: NeedEvent, now: NaiveDateTime) -> Result<NeedStatus, Stop> {
    let from = NeedStatus::parse(&need.status).unwrap_or(NeedStatus::Cancelled);
    let to = transition(from, event)?;
    let moved = diesel::update(needs::table.find(need.id).filter(needs::status.eq(&need.status)))
        .set((needs::status.eq(to.as_str()), needs::version.eq(needs::version + 1), needs::updated_at.eq(now)))
        .execute(conn)?;
    if moved == 0 {
        return refuse(Refusal::Changed("需求"));
    }
    Ok(to)
}

/// Takes the need's row lock before anything else of the need is read or
/// changed, so that every change of a need and its offers queues in one
/// order: a grab, an acceptance and a sweep never interleave or deadlock
/// (SQLite's BEGIN IMMEDIATE serialises them anyway). Returns false if the
/// need does not exist.
pub fn lock_need(conn: &mut DbConn, need_id: i64) -> QueryResult<bool> {
    Ok(diesel::update(needs::table.find(need_id)).set(needs::version.eq(needs::version)).execute(conn)? == 1)
}

/// The institution name of an offer, for the emails.
fn institution_name(conn: &mut DbConn, id: i64) -> QueryResult<String> {
    institutions::table.find(id).select(institutions::name).first(conn)
}

/// Closes the need's other open offers as not selected and tells their banks.
fn close_others(
    conn: &mut DbConn,
    change: &Change,
    need_id: i64,
    keep: Option<i64>,
    (subject, why): (&str, &str),
) -> QueryResult<()> {
    let others: Vec<(i64, i64)> = offers::table
        .filter(offers::need_id.eq(need_id))
        .filter(offers::status.eq("active"))
        .filter(offers::id.ne(keep.unwrap_or(0)))
        .select((offers::id, offers::officer_id))
        .load(conn)?;
    for (offer, officer) in others {
        let closed = diesel::update(offers::table.find(offer).filter(offers::status.eq("active")))
            .set(offers::status.eq("not_selected"))
            .execute(conn)?;
        if closed == 0 {
            continue;
        }
        let notice = Notice::new(subject, why.to_string(), change.offer_link(offer));
        notify::send(conn, To::User(officer), &notice, change.now)?;
    }
    Ok(())
}

/// Accepts `offer_id` of the enterprise's need: during the window, after it,
/// or another still-valid offer after the winning bank declined.
pub fn accept(conn: &mut DbConn, change: &Change, enterprise_id: i64, need_id: i64, offer_id: i64) -> Outcome<()> {
    let now = change.now;
    guarded(conn, |c| {
        let need = own_need(c, enterprise_id, need_id)?;
        let offer = Offer::find(c, offer_id)?.filter(|o| o.need_id == need_id);
        let Some(offer) = offer else { return refuse(Refusal::NotFound("报价")) };
        if !matches!(offer.status.as_str(), "active" | "not_selected") || offer.valid_until <= now {
            return refuse(Refusal::rule("offer_closed", "该报价已失效或已关闭，不能接受"));
        }
        step_need(c, &need, NeedEvent::Accept, now)?;
        let due = holiday::decision_due(c, now)?;
        let taken = diesel::update(
            offers::table
                .find(offer_id)
                .filter(offers::status.eq_any(["active", "not_selected"]))
                .filter(offers::valid_until.gt(now)),
        )
        .set((offers::status.eq("accepted"), offers::decision_due.eq(due), offers::accepted_at.eq(now)))
        .execute(c)?;
        if taken == 0 {
            return refuse(Refusal::rule("offer_closed", "该报价已失效或已关闭，不能接受"));
        }
        // A new acceptance starts a new decision time; an earlier bank's
        // lateness stays in the audit log and in that bank's response record.
        diesel::update(needs::table.find(need_id))
            .set((needs::accepted_offer_id.eq(offer_id), needs::overdue.eq(false)))
            .execute(c)?;
        // The winning bank reviews the portrait until its decision is due, and a month after.
        let until = due + chrono::Duration::days(30);
        Authorization::grant(c, enterprise_id, offer.institution_id, "授信审查", until - now, now)?;
        let bank = institution_name(c, offer.institution_id)?;
        close_others(
            c,
            change,
            need_id,
            Some(offer_id),
            ("报价未被选中", "企业已选择了其他银行的报价，感谢贵行参与。"),
        )?;
        change.audit(c, "offer_accepted", &format!("offer:{offer_id}"))?;
        let mine = Notice::new(
            format!("您已接受{bank}的报价"),
            format!(
                "您已接受{bank}的报价（{}，年化 {}）。银行将审查并作出授信决定。",
                offer.amount().wan_text(),
                offer.rate().percent_text()
            ),
            change.need_link(need_id),
        )
        .next("银行作出授信决定", due);
        notify::send(c, To::Enterprise(enterprise_id), &mine, now)?;
        let winner = Notice::new(
            "企业接受了贵行的报价",
            format!(
                "企业接受了贵行对融资需求 #{need_id} 的报价（{}）。请审查并录入授信决定。",
                offer.amount().wan_text()
            ),
            change.offer_link(offer_id),
        )
        .next("录入授信决定", due);
        notify::send(c, To::User(offer.officer_id), &winner, now)?;
        Ok(())
    })
}

/// Cancels the enterprise's need; its open offers close and their banks are told.
pub fn cancel(conn: &mut DbConn, change: &Change, enterprise_id: i64, need_id: i64) -> Outcome<()> {
    guarded(conn, |c| {
        let need = own_need(c, enterprise_id, need_id)?;
        step_need(c, &need, NeedEvent::Cancel, change.now)?;
        let why = format!("企业已撤销融资需求 #{need_id}，贵行的报价随之关闭。");
        close_others(c, change, need_id, None, ("融资需求已撤销", &why))?;
        change.audit(c, "need_cancelled", &format!("need:{need_id}"))?;
        let notice = Notice::new(
            "融资需求已撤销",
            format!("您已撤销融资需求 #{need_id}（{}），银行的报价已关闭。", need.amount().wan_text()),
            change.need_link(need_id),
        );
        notify::send(c, To::Enterprise(enterprise_id), &notice, change.now)?;
        Ok(())
    })
}

/// Publishes a declined need again, for every bank: a new need with the same
/// terms and a fresh window; the old one is closed. Returns the new need.
pub fn republish(conn: &mut DbConn, change: &Change, enterprise_id: i64, need_id: i64) -> Outcome<i64> {
    guarded(conn, |c| {
        let old = own_need(c, enterprise_id, need_id)?;
        step_need(c, &old, NeedEvent::Republish, change.now)?;
        let why = format!("企业已重新发布融资需求 #{need_id}，贵行的报价随之关闭。");
        close_others(c, change, need_id, None, ("融资需求已重新发布", &why))?;
        let new = NewNeed {
            amount: old.amount(),
            term_months: old.term_months,
            purpose: old.purpose.clone(),
            guarantee: old.guarantee.clone(),
            max_rate: crate::domain::Rate::from_units(old.max_rate),
            window_hours: old.window_hours,
            // A need aimed at one product goes to every bank this time.
            slots: if old.institution_id.is_some() { 3 } else { old.slots },
            product_id: None,
            institution_id: None,
        };
        let id = Need::publish(c, enterprise_id, &new, change.now)?;
        diesel::update(needs::table.find(id)).set(needs::republished_from.eq(need_id)).execute(c)?;
        change.audit(c, "need_republished", &format!("need:{need_id}->need:{id}"))?;
        let deadline = change.now + chrono::Duration::hours(i64::from(new.window_hours));
        let notice = Notice::new(
            "融资需求已重新发布",
            format!("融资需求 #{need_id} 已作为新需求 #{id} 重新发布，所有银行均可抢单。"),
            change.need_link(id),
        )
        .next("银行抢单截止", deadline);
        notify::send(c, To::Enterprise(enterprise_id), &notice, change.now)?;
        Ok(id)
    })
}
