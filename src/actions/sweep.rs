//! The clock's changes of needs and offers, one action per item so that
//! several workers sweeping at once move each item once: a window that
//! ends, an offer that lapses, a slot released when the bank did not make
//! contact in time, a decision that becomes overdue, and a reminder 24 hours
//! before each of these; and a loan's instalment falling due (还款提醒, 3
//! days before). An instalment past due is `actions::loan::mark_overdue`. Each takes the need's row lock first, like every
//! change of a need; an item someone else moved comes back as
//! `Refusal::Changed` and changes nothing.

use chrono::Datelike;
use diesel::result::{DatabaseErrorKind, Error};

use crate::actions::loan::enterprise_link;
use crate::actions::need::{locked_need, step_need};
use crate::actions::{Ctx, Outcome, Refusal, guarded, refuse};
use crate::db::DbConn;
use crate::domain::need::{NeedEvent, NeedStatus, OfferStatus};
use crate::models::institution::Institution;
use crate::models::loan::due::DueSoon;
use crate::models::loan::{Instalment, Loan};
use crate::models::need::Need;
use crate::models::offer::Offer;
use crate::models::reminder::{self, Due};
use crate::notify::{self, Notice, To};

/// Why an active offer closes on time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Closing {
    /// Its valid-until passed.
    Lapsed,
    /// The bank did not record contact in time; the slot goes back to the hall.
    Released,
}

/// The window of an open need ended: expired without offers, else awaiting choice.
pub fn end_window(conn: &mut DbConn, ctx: &Ctx, need_id: i64) -> Outcome<NeedStatus> {
    guarded(conn, |c| {
        // The lock waits for a grab still in flight, so its offer is counted.
        let need = locked_need(c, need_id)?;
        if need.status != NeedStatus::Open || need.deadline.is_none_or(|d| d > ctx.now) {
            return refuse(Refusal::Changed("需求"));
        }
        let active = Offer::active_count(c, need_id)?;
        let offers_left = u32::try_from(active).unwrap_or(u32::MAX);
        let to = step_need(c, &need, NeedEvent::WindowEnded { offers: offers_left }, ctx.now)?;
        ctx.audit(c, "window_ended", &format!("need:{need_id}"))?;
        let link = ctx.need_link(need_id);
        let notice = if to == NeedStatus::Expired {
            Notice::new(
                "融资需求已到期，暂无银行报价",
                format!(
                    "您的融资需求 #{need_id}（{}）抢单已截止，没有银行报价。您可以调整金额、期限或担保方式后重新发布。",
                    need.amount.wan_text()
                ),
                link,
            )
        } else {
            let notice = Notice::new(
                format!("抢单已截止，共有 {active} 家银行报价"),
                format!(
                    "您的融资需求 #{need_id}（{}）抢单已截止，共收到 {active} 份报价。请比较后接受其中一份。",
                    need.amount.wan_text()
                ),
                link,
            );
            match Offer::next_valid_until(c, need_id, ctx.now)? {
                Some(due) => notice.next("选择并接受报价（最早的报价于此时失效）", due),
                None => notice,
            }
        };
        notify::send(c, To::Enterprise(need.enterprise_id), &notice, ctx.now)?;
        Ok(to)
    })
}

/// Closes an active offer on time and tells both sides; a need awaiting a
/// choice with no offer left expires.
pub fn close_offer(conn: &mut DbConn, ctx: &Ctx, offer_id: i64, closing: Closing) -> Outcome<()> {
    let now = ctx.now;
    guarded(conn, |c| {
        let Some(offer) = Offer::find(c, offer_id)? else { return refuse(Refusal::NotFound("报价")) };
        let need_id = offer.need_id;
        // The need first, as every change of a need and its offers does.
        let need = locked_need(c, need_id)?;
        let closed = match closing {
            Closing::Lapsed => Offer::lapse(c, offer_id, now)?,
            Closing::Released => Offer::release(c, offer_id, now)?,
        };
        if !closed {
            return refuse(Refusal::Changed("报价"));
        }
        if closing == Closing::Released && need.status == NeedStatus::Open {
            Need::release_slot(c, need_id)?;
        }
        let event = if closing == Closing::Lapsed { "offer_lapsed" } else { "slot_released" };
        ctx.audit(c, event, &format!("offer:{offer_id}"))?;
        let (bank_text, enterprise_text) = match closing {
            Closing::Lapsed => (
                format!("贵行对融资需求 #{need_id} 的报价已过有效期，自动失效。"),
                format!("融资需求 #{need_id} 的一份银行报价已过有效期，自动失效。"),
            ),
            Closing::Released => (
                format!("贵行未在联系时限内记录与企业的联系，融资需求 #{need_id} 的抢单名额已释放回抢单大厅。"),
                format!("一家银行未在规定时间内联系您，其对融资需求 #{need_id} 的报价已关闭，名额已释放给其他银行。"),
            ),
        };
        let subject = if closing == Closing::Lapsed { "报价已失效" } else { "抢单名额已释放" };
        let to_bank = Notice::new(subject, bank_text, ctx.offer_link(offer_id));
        notify::send(c, To::User(offer.officer_id), &to_bank, now)?;
        let mut notice = Notice::new(subject, enterprise_text, ctx.need_link(need_id));
        if need.status == NeedStatus::Open
            && let Some(deadline) = need.deadline
        {
            notice = notice.next("银行抢单截止", deadline);
        }
        notify::send(c, To::Enterprise(need.enterprise_id), &notice, now)?;
        if need.status == NeedStatus::AwaitingChoice && Offer::active_count(c, need_id)? == 0 {
            step_need(c, &need, NeedEvent::OffersLapsed, now)?;
            ctx.audit(c, "need_expired", &format!("need:{need_id}"))?;
            let notice = Notice::new(
                "融资需求已到期",
                format!("融资需求 #{need_id} 的报价均已失效或关闭，需求已到期。您可以重新发布。"),
                ctx.need_link(need_id),
            );
            notify::send(c, To::Enterprise(need.enterprise_id), &notice, now)?;
        }
        Ok(())
    })
}

/// Flags a matched need whose bank has not decided on `offer_id` in time, and tells the bank.
pub fn flag_overdue(conn: &mut DbConn, ctx: &Ctx, need_id: i64, offer_id: i64) -> Outcome<()> {
    guarded(conn, |c| {
        Need::lock(c, need_id)?;
        // Still undecided, still this offer's need, once the lock is held.
        let offer = Offer::find(c, offer_id)?.filter(|o| {
            o.status == OfferStatus::Accepted && o.decision.is_none() && o.decision_due.is_some_and(|d| d <= ctx.now)
        });
        let Some(offer) = offer else { return refuse(Refusal::Changed("报价")) };
        if !Need::flag_overdue(c, need_id, offer_id)? {
            return refuse(Refusal::Changed("需求"));
        }
        ctx.audit(c, "decision_overdue", &format!("need:{need_id}"))?;
        let notice = Notice::new(
            "授信决定已超时",
            format!("融资需求 #{need_id} 已超过 10 个工作日未录入授信决定，已报告信用办。请尽快录入决定。"),
            ctx.offer_link(offer_id),
        );
        notify::send(c, To::User(offer.officer_id), &notice, ctx.now)?;
        Ok(())
    })
}

/// Who a reminder goes to and what it says.
fn reminder_notice(ctx: &Ctx, due: &Due) -> (To, Notice) {
    match *due {
        Due::Window { need, enterprise, deadline, taken } => {
            let text = format!("您的融资需求 #{need} 将在 24 小时内截止抢单，目前已有 {taken} 家银行报价。");
            let notice = Notice::new("抢单即将截止", text, ctx.need_link(need)).next("银行抢单截止", deadline);
            (To::Enterprise(enterprise), notice)
        }
        Due::Choice { need, enterprise, until, .. } => {
            let text = format!("融资需求 #{need} 的一份报价将在 24 小时内失效，请尽快比较并选择。");
            (To::Enterprise(enterprise), Notice::new("报价即将失效", text, ctx.need_link(need)).next("接受报价", until))
        }
        Due::Contact { offer, need, officer, until } => {
            let text = format!("请在联系时限内联系融资需求 #{need} 的企业并在系统中记录，否则名额将被释放。");
            (To::User(officer), Notice::new("请尽快联系企业", text, ctx.offer_link(offer)).next("记录联系", until))
        }
        Due::Decision { offer, need, officer, until } => {
            let text = format!("融资需求 #{need} 的授信决定将在 24 小时内到期，逾期将报告信用办。");
            let notice = Notice::new("授信决定即将到期", text, ctx.offer_link(offer)).next("录入授信决定", until);
            (To::User(officer), notice)
        }
    }
}

/// Sends a due reminder unless it was sent before; a concurrent sender loses on the key.
pub fn send_reminder(conn: &mut DbConn, ctx: &Ctx, due: &Due) -> Outcome<()> {
    once(guarded(conn, |c| {
        if !reminder::claim(c, due, ctx.now)? {
            return refuse(Refusal::Changed("提醒"));
        }
        let (to, notice) = reminder_notice(ctx, due);
        notify::send(c, to, &notice, ctx.now)?;
        Ok(())
    }))
}

/// Reminds the enterprise of an instalment falling due (还款提醒), once per
/// instalment however many workers sweep; not when it was paid meanwhile.
pub fn remind_instalment(conn: &mut DbConn, ctx: &Ctx, due: &DueSoon) -> Outcome<()> {
    once(guarded(conn, |c| {
        let unpaid = Instalment::of_drawdown(c, due.drawdown)?
            .into_iter()
            .any(|i| i.number == due.number && i.paid_on.is_none());
        let Some(loan) = Loan::find(c, due.loan)?.filter(|_| unpaid) else {
            return refuse(Refusal::Changed("还款计划"));
        };
        if !reminder::claim_key(c, due.key(), ctx.now)? {
            return refuse(Refusal::Changed("提醒"));
        }
        let subject = format!("还款提醒：{}月{}日应还 {}", due.due_on.month(), due.due_on.day(), due.left.yuan_text());
        let text = format!(
            "您在{}的贷款（合同 {}）有一期还款将于 {} 到期，应还 {}。请按期足额还款；到期未还将转为逾期。",
            Institution::find(c, loan.institution_id)?.name,
            loan.contract_no,
            due.due_on.format("%Y年%-m月%-d日"),
            due.left.yuan_text()
        );
        let notice = Notice::new(subject, text, enterprise_link(ctx, loan.id));
        notify::send(c, To::Enterprise(loan.enterprise_id), &notice, ctx.now)?;
        Ok(())
    }))
}

/// A reminder someone else claimed at the same instant (the key's unique
/// violation) is refused like one sent before.
fn once(outcome: Outcome<()>) -> Outcome<()> {
    match outcome {
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(Err(Refusal::Changed("提醒"))),
        other => other,
    }
}
