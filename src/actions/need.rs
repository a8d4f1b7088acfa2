//! The enterprise's changes of its needs: publish one, accept an offer,
//! cancel, and republish after a decline. Each is one guarded transaction
//! that takes the need's row lock first, moves the need by the lifecycle's
//! `transition` as a guarded update, writes its offers, audits and sends its
//! notices, so two accepts racing on several instances leave exactly one.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::actions::{Ctx, Outcome, Refusal, Stop, guarded, refuse};
use crate::db::DbConn;
use crate::domain::need::{DISHONEST, NeedEvent, NeedStatus, OfferStatus, transition};
use crate::models::authorization::Authorization;
use crate::models::holiday;
use crate::models::institution::Institution;
use crate::models::need::{MAX_OPEN, Need, NewNeed};
use crate::models::offer::Offer;
use crate::models::product::applicant;
use crate::notify::{self, Notice, To};

/// A need to publish for an enterprise.
#[derive(Clone, Debug, PartialEq)]
pub struct Publish {
    pub enterprise_id: i64,
    pub need: NewNeed,
}

/// The enterprise's need an action is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnNeed {
    pub enterprise_id: i64,
    pub need_id: i64,
}

/// An offer of the enterprise's need to accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accept {
    pub enterprise_id: i64,
    pub need_id: i64,
    pub offer_id: i64,
}

/// Moves the need by `event` if nobody moved it since it was read; returns the new status.
pub fn step_need(conn: &mut DbConn, need: &Need, event: NeedEvent, now: NaiveDateTime) -> Result<NeedStatus, Stop> {
    let to = transition(need.status, event)?;
    if !Need::move_status(conn, need.id, need.status, to, now)? {
        return refuse(Refusal::Changed("需求"));
    }
    Ok(to)
}

/// The need, locked, or a refusal if it no longer exists.
pub fn locked_need(conn: &mut DbConn, need_id: i64) -> Result<Need, Stop> {
    Need::lock(conn, need_id)?;
    Need::find(conn, need_id)?.map_or_else(|| refuse(Refusal::NotFound("融资需求")), Ok)
}

/// The enterprise's need, locked, or a refusal that does not tell whether someone else's exists.
fn own_need(conn: &mut DbConn, own: OwnNeed) -> Result<Need, Stop> {
    let need = locked_need(conn, own.need_id)?;
    if need.enterprise_id != own.enterprise_id {
        return refuse(Refusal::NotFound("融资需求"));
    }
    Ok(need)
}

/// Why an enterprise may not publish now, if it may not.
fn publish_refusal(conn: &mut DbConn, enterprise_id: i64) -> QueryResult<Option<Refusal>> {
    if applicant(conn, enterprise_id)?.dishonest {
        return Ok(Some(Refusal::rule("dishonest", DISHONEST)));
    }
    let open = Need::active_count(conn, enterprise_id)?;
    Ok((open >= MAX_OPEN).then(|| {
        Refusal::rule(
            "too_many_open",
            format!(
                "您已有 {open} 个进行中的融资需求，最多同时发布 {MAX_OPEN} 个。请等待银行报价或撤销其中一个后再发布。"
            ),
        )
    }))
}

/// Publishes the need now. The limit of open needs is checked inside the
/// transaction, so two tabs cannot both pass it.
pub fn publish_need(conn: &mut DbConn, ctx: &Ctx, input: Publish) -> Outcome<i64> {
    let Publish { enterprise_id, need } = input;
    guarded(conn, |c| {
        if let Some(refusal) = publish_refusal(c, enterprise_id)? {
            return refuse(refusal);
        }
        let id = Need::publish(c, enterprise_id, &need, ctx.now)?;
        ctx.audit(c, "need_published", &format!("need:{id}"))?;
        let notice = Notice::new(
            "融资需求已发布",
            format!(
                "您的融资需求 #{id}（{}，{} 个月）已发布，银行可在抢单时限内报价。抢到需求的银行可查看您的信用画像，查询记录可在“授权与查询”中查看。",
                need.amount.wan_text(),
                need.term_months
            ),
            ctx.need_link(id),
        )
        .next("银行抢单截止", need.deadline(ctx.now));
        notify::send(c, To::Enterprise(enterprise_id), &notice, ctx.now)?;
        Ok(id)
    })
}

/// Closes the need's other open offers as not selected and tells their banks.
fn close_others(
    conn: &mut DbConn,
    ctx: &Ctx,
    need_id: i64,
    keep: Option<i64>,
    (subject, why): (&str, &str),
) -> QueryResult<()> {
    for (offer, officer) in Offer::active_of_need(conn, need_id, keep)? {
        if Offer::close_active(conn, offer, OfferStatus::NotSelected)? {
            let notice = Notice::new(subject, why.to_string(), ctx.offer_link(offer));
            notify::send(conn, To::User(officer), &notice, ctx.now)?;
        }
    }
    Ok(())
}

/// Accepts an offer of the enterprise's need: during the window, after it,
/// or another still-valid offer after the winning bank declined.
pub fn accept_offer(conn: &mut DbConn, ctx: &Ctx, input: Accept) -> Outcome<()> {
    let Accept { enterprise_id, need_id, offer_id } = input;
    let now = ctx.now;
    let closed = || Refusal::rule("offer_closed", "该报价已失效或已关闭，不能接受");
    guarded(conn, |c| {
        let need = own_need(c, OwnNeed { enterprise_id, need_id })?;
        let offer = Offer::find(c, offer_id)?.filter(|o| o.need_id == need_id);
        let Some(offer) = offer else { return refuse(Refusal::NotFound("报价")) };
        if !offer.status.is_acceptable() || offer.valid_until <= now {
            return refuse(closed());
        }
        step_need(c, &need, NeedEvent::Accept, now)?;
        let due = holiday::decision_due(c, now)?;
        if !Offer::mark_accepted(c, offer_id, due, now)? {
            return refuse(closed());
        }
        // A new acceptance starts a new decision time; an earlier bank's
        // lateness stays in the audit log and in that bank's response record.
        Need::set_accepted(c, need_id, offer_id)?;
        // The winning bank reviews the portrait until its decision is due, and a month after.
        let until = due + chrono::Duration::days(30);
        Authorization::grant(c, enterprise_id, offer.institution_id, "授信审查", until - now, now)?;
        let bank = Institution::find(c, offer.institution_id)?.name;
        let why = ("报价未被选中", "企业已选择了其他银行的报价，感谢贵行参与。");
        close_others(c, ctx, need_id, Some(offer_id), why)?;
        ctx.audit(c, "offer_accepted", &format!("offer:{offer_id}"))?;
        let mine = Notice::new(
            format!("您已接受{bank}的报价"),
            format!(
                "您已接受{bank}的报价（{}，年化 {}）。银行将审查并作出授信决定。",
                offer.amount.wan_text(),
                offer.rate.percent_text()
            ),
            ctx.need_link(need_id),
        )
        .next("银行作出授信决定", due);
        notify::send(c, To::Enterprise(enterprise_id), &mine, now)?;
        let winner = Notice::new(
            "企业接受了贵行的报价",
            format!(
                "企业接受了贵行对融资需求 #{need_id} 的报价（{}）。请审查并录入授信决定。",
                offer.amount.wan_text()
            ),
            ctx.offer_link(offer_id),
        )
        .next("录入授信决定", due);
        notify::send(c, To::User(offer.officer_id), &winner, now)?;
        Ok(())
    })
}

/// Cancels the enterprise's need; its open offers close and their banks are told.
pub fn cancel_need(conn: &mut DbConn, ctx: &Ctx, input: OwnNeed) -> Outcome<()> {
    let need_id = input.need_id;
    guarded(conn, |c| {
        let need = own_need(c, input)?;
        step_need(c, &need, NeedEvent::Cancel, ctx.now)?;
        let why = format!("企业已撤销融资需求 #{need_id}，贵行的报价随之关闭。");
        close_others(c, ctx, need_id, None, ("融资需求已撤销", &why))?;
        ctx.audit(c, "need_cancelled", &format!("need:{need_id}"))?;
        let notice = Notice::new(
            "融资需求已撤销",
            format!("您已撤销融资需求 #{need_id}（{}），银行的报价已关闭。", need.amount.wan_text()),
            ctx.need_link(need_id),
        );
        notify::send(c, To::Enterprise(input.enterprise_id), &notice, ctx.now)?;
        Ok(())
    })
}

/// Publishes a declined need again, for every bank: a new need with the same
/// terms and a fresh window; the old one is closed. Returns the new need.
/// An enterprise on the dishonest list may not.
pub fn republish_need(conn: &mut DbConn, ctx: &Ctx, input: OwnNeed) -> Outcome<i64> {
    let OwnNeed { enterprise_id, need_id } = input;
    guarded(conn, |c| {
        if applicant(c, enterprise_id)?.dishonest {
            return refuse(Refusal::rule("dishonest", DISHONEST));
        }
        let old = own_need(c, input)?;
        step_need(c, &old, NeedEvent::Republish, ctx.now)?;
        let why = format!("企业已重新发布融资需求 #{need_id}，贵行的报价随之关闭。");
        close_others(c, ctx, need_id, None, ("融资需求已重新发布", &why))?;
        let new = NewNeed {
            amount: old.amount,
            term_months: old.term_months,
            purpose: old.purpose.clone(),
            guarantee: old.guarantee,
            max_rate: old.max_rate,
            window_hours: old.window_hours,
            // A need aimed at one product goes to every bank this time.
            slots: if old.institution_id.is_some() { 3 } else { old.slots },
            product_id: None,
            institution_id: None,
        };
        let id = Need::publish(c, enterprise_id, &new, ctx.now)?;
        Need::set_republished_from(c, id, need_id)?;
        ctx.audit(c, "need_republished", &format!("need:{need_id}->need:{id}"))?;
        let notice = Notice::new(
            "融资需求已重新发布",
            format!("融资需求 #{need_id} 已作为新需求 #{id} 重新发布，所有银行均可抢单。"),
            ctx.need_link(id),
        )
        .next("银行抢单截止", new.deadline(ctx.now));
        notify::send(c, To::Enterprise(enterprise_id), &notice, ctx.now)?;
        Ok(id)
    })
}
