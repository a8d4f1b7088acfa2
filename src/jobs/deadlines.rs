//! The clock's work on needs and offers: windows that end, offers that lapse,
//! slots released when a bank did not make contact in time, decisions that
//! become overdue, and a reminder 24 hours before each of these. Every item
//! is moved in its own transaction by a guarded update, so several workers
//! sweeping at once move each item once; reminders are claimed by the
//! `reminders` table's primary key.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use crate::actions::{Ctx as Change, guarded};
use crate::db::{DbConn, write_tx};
use crate::domain::need::{NeedEvent, NeedStatus};
use crate::models::choice::{lock_need, step_need};
use crate::models::need::Need;
use crate::notify::{self, Notice, To};
use crate::schema::{needs, offers, reminders};

/// How far ahead a reminder is sent.
pub const REMIND_BEFORE: Duration = Duration::hours(24);
/// Items moved per kind per sweep; the next sweep takes the rest.
const BATCH: i64 = 500;

/// What one sweep did, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub windows_ended: usize,
    pub offers_lapsed: usize,
    pub slots_released: usize,
    pub decisions_overdue: usize,
    pub reminders: usize,
}

/// One sweep at `now`.
pub fn sweep(conn: &mut DbConn, base_url: &str, now: NaiveDateTime) -> QueryResult<Swept> {
    let change = Change::system(now, base_url);
    let mut swept = Swept::default();
    let ended: Vec<i64> = needs::table
        .filter(needs::status.eq("open"))
        .filter(needs::deadline.le(now))
        .select(needs::id)
        .limit(BATCH)
        .load(conn)?;
    for id in ended {
        swept.windows_ended += usize::from(end_window(conn, &change, id)?);
    }
    let lapsed: Vec<i64> = offers::table
        .filter(offers::status.eq("active"))
        .filter(offers::valid_until.le(now))
        .select(offers::id)
        .limit(BATCH)
        .load(conn)?;
    for id in lapsed {
        swept.offers_lapsed += usize::from(close_offer(conn, &change, id, Closing::Lapsed)?);
    }
    let idle: Vec<i64> = offers::table
        .filter(offers::status.eq("active"))
        .filter(offers::contacted_at.is_null())
        .filter(offers::contact_due.le(now))
        .select(offers::id)
        .limit(BATCH)
        .load(conn)?;
    for id in idle {
        swept.slots_released += usize::from(close_offer(conn, &change, id, Closing::Released)?);
    }
    let late: Vec<(i64, i64, i64)> = offers::table
        .inner_join(needs::table)
        .filter(offers::status.eq("accepted"))
        .filter(offers::decision.is_null())
        .filter(offers::decision_due.le(now))
        .filter(needs::status.eq("matched"))
        .filter(needs::overdue.eq(false))
        .select((needs::id, offers::id, offers::officer_id))
        .limit(BATCH)
        .load(conn)?;
    for (need, offer, officer) in late {
        swept.decisions_overdue += usize::from(flag_overdue(conn, &change, need, offer, officer)?);
    }
    swept.reminders = remind(conn, &change)?;
    Ok(swept)
}

/// The window of an open need ended: expired without offers, else awaiting choice.
fn end_window(conn: &mut DbConn, change: &Change, need_id: i64) -> QueryResult<bool> {
    let outcome = guarded(conn, |c| {
        // The lock waits for a grab still in flight, so its offer is counted.
        lock_need(c, need_id)?;
        let Some(need) =
            Need::find(c, need_id)?.filter(|n| n.status == "open" && n.deadline.is_some_and(|d| d <= change.now))
        else {
            return Ok(false);
        };
        let active: i64 = offers::table
            .filter(offers::need_id.eq(need_id))
            .filter(offers::status.eq("active"))
            .count()
            .get_result(c)?;
        let offers_left = u32::try_from(active).unwrap_or(u32::MAX);
        let to = step_need(c, &need, NeedEvent::WindowEnded { offers: offers_left }, change.now)?;
        change.audit(c, "window_ended", &format!("need:{need_id}"))?;
        let link = change.need_link(need_id);
        let notice = if to == NeedStatus::Expired {
            Notice::new(
                "融资需求已到期，暂无银行报价",
                format!(
                    "您的融资需求 #{need_id}（{}）抢单已截止，没有银行报价。您可以调整金额、期限或担保方式后重新发布。",
                    need.amount().wan_text()
                ),
                link,
            )
        } else {
            let first_lapse = crate::models::decision::next_valid_offer(c, need_id, change.now)?;
            let notice = Notice::new(
                format!("抢单已截止，共有 {active} 家银行报价"),
                format!(
                    "您的融资需求 #{need_id}（{}）抢单已截止，共收到 {active} 份报价。请比较后接受其中一份。",
                    need.amount().wan_text()
                ),
                link,
            );
            match first_lapse {
                Some(due) => notice.next("选择并接受报价（最早的报价于此时失效）", due),
                None => notice,
            }
        };
        notify::send(c, To::Enterprise(need.enterprise_id), &notice, change.now)?;
        Ok(true)
    })?;
    Ok(outcome.unwrap_or(false))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Closing {
    /// Its valid-until passed.
    Lapsed,
    /// The bank did not record contact in time; the slot goes back to the hall.
    Released,
}

/// Closes an active offer on time; a need awaiting a choice with no offer left expires.
fn close_offer(conn: &mut DbConn, change: &Change, offer_id: i64, closing: Closing) -> QueryResult<bool> {
    let now = change.now;
    let outcome = guarded(conn, |c| {
        let Some(need_id) = offers::table.find(offer_id).select(offers::need_id).first::<i64>(c).optional()? else {
            return Ok(false);
        };
        // The need first, as every change of a need and its offers does.
        lock_need(c, need_id)?;
        let status = if closing == Closing::Lapsed { "lapsed" } else { "released" };
        let row = offers::table.find(offer_id).filter(offers::status.eq("active"));
        let closed = match closing {
            Closing::Lapsed => {
                diesel::update(row.filter(offers::valid_until.le(now))).set(offers::status.eq(status)).execute(c)?
            }
            Closing::Released => {
                diesel::update(row.filter(offers::contacted_at.is_null()).filter(offers::contact_due.le(now)))
                    .set(offers::status.eq(status))
                    .execute(c)?
            }
        };
        if closed == 0 {
            return Ok(false);
        }
        let officer: i64 = offers::table.find(offer_id).select(offers::officer_id).first(c)?;
        let need = Need::find(c, need_id)?.ok_or(Error::NotFound)?;
        if closing == Closing::Released && need.status == "open" {
            diesel::update(needs::table.find(need_id))
                .set((needs::slots_taken.eq(needs::slots_taken - 1), needs::version.eq(needs::version + 1)))
                .execute(c)?;
        }
        let event = if closing == Closing::Lapsed { "offer_lapsed" } else { "slot_released" };
        change.audit(c, event, &format!("offer:{offer_id}"))?;
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
        notify::send(c, To::User(officer), &Notice::new(subject, bank_text, change.offer_link(offer_id)), now)?;
        let mut notice = Notice::new(subject, enterprise_text, change.need_link(need_id));
        if need.status == "open"
            && let Some(deadline) = need.deadline
        {
            notice = notice.next("银行抢单截止", deadline);
        }
        notify::send(c, To::Enterprise(need.enterprise_id), &notice, now)?;
        let left: i64 = offers::table
            .filter(offers::need_id.eq(need_id))
            .filter(offers::status.eq("active"))
            .count()
            .get_result(c)?;
        if need.status == "awaiting_choice" && left == 0 {
            step_need(c, &need, NeedEvent::OffersLapsed, now)?;
            change.audit(c, "need_expired", &format!("need:{need_id}"))?;
            let notice = Notice::new(
                "融资需求已到期",
                format!("融资需求 #{need_id} 的报价均已失效或关闭，需求已到期。您可以重新发布。"),
                change.need_link(need_id),
            );
            notify::send(c, To::Enterprise(need.enterprise_id), &notice, now)?;
        }
        Ok(true)
    })?;
    Ok(outcome.unwrap_or(false))
}

/// Flags a need whose bank has not decided in time, and tells the bank.
fn flag_overdue(conn: &mut DbConn, change: &Change, need_id: i64, offer_id: i64, officer: i64) -> QueryResult<bool> {
    write_tx(conn, |c| {
        lock_need(c, need_id)?;
        // Still undecided, still this offer's need, once the lock is held.
        let undecided: i64 = offers::table
            .find(offer_id)
            .filter(offers::status.eq("accepted"))
            .filter(offers::decision.is_null())
            .filter(offers::decision_due.le(change.now))
            .count()
            .get_result(c)?;
        if undecided == 0 {
            return Ok(false);
        }
        let flagged = diesel::update(
            needs::table
                .find(need_id)
                .filter(needs::overdue.eq(false))
                .filter(needs::status.eq("matched"))
                .filter(needs::accepted_offer_id.eq(offer_id)),
        )
        .set(needs::overdue.eq(true))
        .execute(c)?;
        if flagged == 0 {
            return Ok(false);
        }
        change.audit(c, "decision_overdue", &format!("need:{need_id}"))?;
        let notice = Notice::new(
            "授信决定已超时",
            format!("融资需求 #{need_id} 已超过 10 个工作日未录入授信决定，已报告信用办。请尽快录入决定。"),
            change.offer_link(offer_id),
        );
        notify::send(c, To::User(officer), &notice, change.now)?;
        Ok(true)
    })
}

/// A reminder about to be sent: the object, the kind, who gets it and what it says.
struct Reminder {
    object: String,
    kind: &'static str,
    to: To,
    notice: Notice,
}

/// Sends each reminder due in the next 24 hours once.
fn remind(conn: &mut DbConn, change: &Change) -> QueryResult<usize> {
    let (now, soon) = (change.now, change.now + REMIND_BEFORE);
    let mut due = Vec::new();
    // Windows of 24 hours are reminded by the publication itself.
    let windows: Vec<(i64, i64, NaiveDateTime, i32)> = needs::table
        .filter(needs::status.eq("open"))
        .filter(needs::window_hours.gt(24))
        .filter(needs::deadline.gt(now))
        .filter(needs::deadline.le(soon))
        .filter(not_reminded("need", "needs", "window"))
        .order(needs::deadline)
        .select((needs::id, needs::enterprise_id, needs::deadline.assume_not_null(), needs::slots_taken))
        .limit(BATCH)
        .load(conn)?;
    for (id, enterprise, deadline, taken) in windows {
        let text = format!("您的融资需求 #{id} 将在 24 小时内截止抢单，目前已有 {taken} 家银行报价。");
        let notice = Notice::new("抢单即将截止", text, change.need_link(id)).next("银行抢单截止", deadline);
        due.push(Reminder { object: format!("need:{id}"), kind: "window", to: To::Enterprise(enterprise), notice });
    }
    let choices: Vec<(i64, i64, i64, NaiveDateTime)> = offers::table
        .inner_join(needs::table)
        .filter(needs::status.eq("awaiting_choice"))
        .filter(offers::status.eq("active"))
        .filter(offers::valid_until.gt(now))
        .filter(offers::valid_until.le(soon))
        .filter(not_reminded("offer", "offers", "choice"))
        .order(offers::valid_until)
        .select((offers::id, needs::id, needs::enterprise_id, offers::valid_until))
        .limit(BATCH)
        .load(conn)?;
    for (offer, need, enterprise, until) in choices {
        let text = format!("融资需求 #{need} 的一份报价将在 24 小时内失效，请尽快比较并选择。");
        let notice = Notice::new("报价即将失效", text, change.need_link(need)).next("接受报价", until);
        due.push(Reminder { object: format!("offer:{offer}"), kind: "choice", to: To::Enterprise(enterprise), notice });
    }
    let contacts: Vec<(i64, i64, i64, NaiveDateTime)> = offers::table
        .filter(offers::status.eq("active"))
        .filter(offers::contacted_at.is_null())
        .filter(offers::contact_due.gt(now))
        .filter(offers::contact_due.le(soon))
        .filter(not_reminded("offer", "offers", "contact"))
        .order(offers::contact_due)
        .select((offers::id, offers::need_id, offers::officer_id, offers::contact_due))
        .limit(BATCH)
        .load(conn)?;
    for (offer, need, officer, until) in contacts {
        let text = format!("请在联系时限内联系融资需求 #{need} 的企业并在系统中记录，否则名额将被释放。");
        let notice = Notice::new("请尽快联系企业", text, change.offer_link(offer)).next("记录联系", until);
        due.push(Reminder { object: format!("offer:{offer}"), kind: "contact", to: To::User(officer), notice });
    }
    let decisions: Vec<(i64, i64, i64, NaiveDateTime)> = offers::table
        .filter(offers::status.eq("accepted"))
        .filter(offers::decision.is_null())
        .filter(offers::decision_due.gt(now))
        .filter(offers::decision_due.le(soon))
        .filter(not_reminded("offer", "offers", "decision"))
        .order(offers::decision_due)
        .select((offers::id, offers::need_id, offers::officer_id, offers::decision_due.assume_not_null()))
        .limit(BATCH)
        .load(conn)?;
    for (offer, need, officer, until) in decisions {
        let text = format!("融资需求 #{need} 的授信决定将在 24 小时内到期，逾期将报告信用办。");
        let notice = Notice::new("授信决定即将到期", text, change.offer_link(offer)).next("录入授信决定", until);
        due.push(Reminder { object: format!("offer:{offer}"), kind: "decision", to: To::User(officer), notice });
    }
    let mut sent = 0;
    for reminder in due {
        sent += usize::from(send_once(conn, &reminder, now)?);
    }
    Ok(sent)
}

/// "No reminder of `kind` went out yet for this row", so that sent ones do not
/// fill the batch. The arguments are this file's constants, never user input.
fn not_reminded(prefix: &str, table: &str, kind: &str) -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql(&format!(
        "NOT EXISTS (SELECT 1 FROM reminders WHERE reminders.object = '{prefix}:' || {table}.id AND reminders.kind = '{kind}')"
    ))
}

/// Sends a reminder unless it was sent before; a concurrent sender loses on the key.
fn send_once(conn: &mut DbConn, reminder: &Reminder, now: NaiveDateTime) -> QueryResult<bool> {
    let outcome = write_tx(conn, |c| {
        let seen = reminders::table.find((&reminder.object, reminder.kind)).count().get_result::<i64>(c)?;
        if seen > 0 {
            return Ok(false);
        }
        diesel::insert_into(reminders::table)
            .values((
                reminders::object.eq(&reminder.object),
                reminders::kind.eq(reminder.kind),
                reminders::sent_at.eq(now),
            ))
            .execute(c)?;
        notify::send(c, reminder.to, &reminder.notice, now)?;
        Ok(true)
    });
    match outcome {
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        other => other,
    }
}
