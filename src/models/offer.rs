//! Offers (报价 / 抢单): an institution takes a slot of a need with an offer.
//! The grab is one guarded update of the need (a free slot, the window open,
//! the need meant for this institution and fitting one of its published
//! products, by the hall's own fit) plus the offer row, whose
//! UNIQUE(need_id, institution_id) stops a second offer from the same bank;
//! both in one transaction, so a refused grab leaves nothing behind.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use crate::actions::Ctx as Change;
use crate::clock::Clock;
use crate::db::{DbConn, write_tx};
use crate::domain::need::{GrabRefusal, GrabState, NeedStatus, can_grab};
use crate::domain::repayment::{Cost, Loan, RepaymentMethod};
use crate::domain::{Money, Rate};
use crate::models::authorization::Authorization;
use crate::models::need::Need;
use crate::notify::{self, Notice, To};
use crate::schema::{institutions, needs, offers};

/// How long a grabbing bank may view the portrait after the window closes.
pub const AUTHORIZATION_AFTER_DEADLINE: Duration = Duration::days(30);

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = offers)]
pub struct Offer {
    pub id: i64,
    pub need_id: i64,
    pub institution_id: i64,
    pub officer_id: i64,
    pub amount_fen: i64,
    pub rate: i64,
    pub term_months: i32,
    pub guarantee: String,
    pub conditions: String,
    pub valid_until: NaiveDateTime,
    pub status: String,
    pub contact_due: NaiveDateTime,
    pub contacted_at: Option<NaiveDateTime>,
    pub decision: Option<String>,
    pub decision_due: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub approved_amount_fen: Option<i64>,
    pub approved_rate: Option<i64>,
    pub approved_term_months: Option<i32>,
    pub decline_reason: Option<String>,
    pub decision_note: Option<String>,
    pub created_at: NaiveDateTime,
    pub approved_on: Option<chrono::NaiveDate>,
    pub repayment_method: String,
}

/// What an officer offers.
#[derive(Clone, Debug, PartialEq)]
pub struct OfferTerms {
    pub amount: Money,
    pub rate: Rate,
    pub term_months: i32,
    pub repayment_method: RepaymentMethod,
    pub guarantee: String,
    pub conditions: String,
    pub valid_until: NaiveDateTime,
}

impl OfferTerms {
    pub fn loan(&self) -> Loan {
        Loan::new(self.repayment_method, self.amount, self.rate, self.term_months)
    }
}

/// The result of a grab: the new offer, or why there was none.
pub type Grab = Result<i64, GrabRefusal>;

/// Takes a slot and records the offer, or explains why not. Safe under any
/// number of concurrent grabs on one or several app instances.
pub fn grab(
    conn: &mut DbConn,
    need_id: i64,
    institution_id: i64,
    officer_id: i64,
    terms: &OfferTerms,
    change: &Change,
    clock: &dyn Clock,
) -> QueryResult<Grab> {
    // A plain read first: a grab that is full, closed or already made gives up
    // here, without queueing for the write lock the winners need. The guarded
    // update below still decides every grab that gets past it.
    if let Some(refusal) = grab_refusal(conn, need_id, institution_id, clock.now())? {
        return Ok(Err(refusal));
    }
    let outcome = write_tx(conn, |c| -> QueryResult<Grab> {
        // The time is read once the write lock is held, so no wait for the
        // lock can carry a grab past the deadline.
        let now = clock.now();
        let change = &Change { now, ..change.clone() };
        let contact_due = crate::models::holiday::contact_due(c, now)?;
        let fit = crate::models::hall::fit_condition(c, institution_id)?;
        let taken = diesel::update(
            needs::table
                .find(need_id)
                .filter(needs::status.eq("open"))
                .filter(needs::slots_taken.lt(needs::slots))
                .filter(needs::deadline.gt(now))
                .filter(needs::institution_id.is_null().or(needs::institution_id.eq(institution_id)))
                .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&fit)),
        )
        .set((
            needs::slots_taken.eq(needs::slots_taken + 1),
            needs::version.eq(needs::version + 1),
            needs::updated_at.eq(now),
        ))
        .execute(c)?;
        if taken == 0 {
            // The update and this read are one transaction, so the rule agrees with it;
            // a need that looks grabbable here was full at the instant of the update.
            return Ok(Err(grab_refusal(c, need_id, institution_id, now)?.unwrap_or(GrabRefusal::Full)));
        }
        let offer_id = diesel::insert_into(offers::table)
            .values((
                offers::need_id.eq(need_id),
                offers::institution_id.eq(institution_id),
                offers::officer_id.eq(officer_id),
                offers::amount_fen.eq(terms.amount.fen()),
                offers::rate.eq(terms.rate.units()),
                offers::term_months.eq(terms.term_months),
                offers::repayment_method.eq(terms.repayment_method.code()),
                offers::guarantee.eq(&terms.guarantee),
                offers::conditions.eq(&terms.conditions),
                offers::valid_until.eq(terms.valid_until),
                offers::status.eq("active"),
                offers::contact_due.eq(contact_due),
                offers::created_at.eq(now),
            ))
            .returning(offers::id)
            .get_result(c)?;
        let (enterprise_id, deadline): (i64, Option<NaiveDateTime>) =
            needs::table.find(need_id).select((needs::enterprise_id, needs::deadline)).first(c)?;
        let until = deadline.unwrap_or(now) + AUTHORIZATION_AFTER_DEADLINE;
        Authorization::grant(c, enterprise_id, institution_id, "融资需求审查", until - now, now)?;
        change.audit(c, "offer_made", &format!("offer:{offer_id}"))?;
        let bank: String = institutions::table.find(institution_id).select(institutions::name).first(c)?;
        let mut notice = Notice::new(
            format!("{bank}对您的融资需求报价"),
            format!(
                "{bank}抢到了您的融资需求 #{need_id}，报价：{}，年化 {}，期限 {} 个月，{}。客户经理将在 2 个工作日内联系您。",
                terms.amount.wan_text(),
                terms.rate.percent_text(),
                terms.term_months,
                terms.repayment_method.label()
            ),
            change.need_link(need_id),
        );
        if let Some(deadline) = deadline {
            notice = notice.next("抢单截止后比较并选择报价", deadline);
        }
        notify::send(c, To::Enterprise(enterprise_id), &notice, now)?;
        Ok(Ok(offer_id))
    });
    match outcome {
        // A second offer from the same institution, from a concurrent request: the
        // whole transaction, slot included, was rolled back.
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(Err(GrabRefusal::AlreadyOffered)),
        other => other,
    }
}

/// Why `institution` cannot grab the need now, by the lifecycle's own rule
/// (`domain::need::can_grab`); None if it can. The grab page asks it before
/// offering the button, the grab before and after its guarded update.
pub fn grab_refusal(
    conn: &mut DbConn,
    need_id: i64,
    institution_id: i64,
    now: NaiveDateTime,
) -> QueryResult<Option<GrabRefusal>> {
    let need = needs::table.find(need_id).select(Need::as_select()).first(conn).optional()?;
    let Some(need) = need else { return Ok(Some(GrabRefusal::NotOpen)) };
    let offered: bool = diesel::select(diesel::dsl::exists(
        offers::table.filter(offers::need_id.eq(need_id)).filter(offers::institution_id.eq(institution_id)),
    ))
    .get_result(conn)?;
    let state = GrabState {
        status: NeedStatus::parse(&need.status).unwrap_or(NeedStatus::Cancelled),
        slots: need.slots,
        slots_taken: need.slots_taken,
        deadline: need.deadline.unwrap_or(now),
        institution_already_offered: offered,
        targeted_institution: need.institution_id,
        fits_a_product: crate::models::hall::fits(conn, institution_id, need.enterprise_id, need.amount_fen)?,
    };
    Ok(can_grab(&state, institution_id, now).err())
}

impl Offer {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Offer>> {
        offers::table.find(id).select(Offer::as_select()).first(conn).optional()
    }

    /// The need's offers in the order they came, each with its institution's name.
    pub fn of_need(conn: &mut DbConn, need_id: i64) -> QueryResult<Vec<(Offer, String)>> {
        offers::table
            .inner_join(institutions::table)
            .filter(offers::need_id.eq(need_id))
            .order(offers::id)
            .select((Offer::as_select(), institutions::name))
            .load(conn)
    }

    /// The offer with its need and its institution's name.
    pub fn with_need(conn: &mut DbConn, id: i64) -> QueryResult<Option<(Offer, Need, String)>> {
        offers::table
            .inner_join(needs::table)
            .inner_join(institutions::table)
            .filter(offers::id.eq(id))
            .select((Offer::as_select(), Need::as_select(), institutions::name))
            .first(conn)
            .optional()
    }

    pub fn amount(&self) -> Money {
        Money::from_fen(self.amount_fen)
    }

    pub fn rate(&self) -> Rate {
        Rate::from_units(self.rate)
    }
}

/// An offer with its need, as the bank's work list shows it.
pub type OfferLine = (Offer, Need);

/// Which of the institution's offers a list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Worklist {
    /// Waiting for the bank: contact not recorded yet, or a decision owed.
    Todo,
    All,
}

impl Offer {
    /// One page of the institution's offers, newest first.
    pub fn of_institution(
        conn: &mut DbConn,
        institution_id: i64,
        list: Worklist,
        page: Option<i64>,
    ) -> QueryResult<(Vec<OfferLine>, crate::models::page::Pager)> {
        let query = || {
            let mut query = offers::table
                .inner_join(needs::table)
                .filter(offers::institution_id.eq(institution_id))
                .into_boxed::<crate::db::DbBackend>();
            if list == Worklist::Todo {
                query = query.filter(
                    offers::status
                        .eq("active")
                        .and(offers::contacted_at.is_null())
                        .or(offers::status.eq("accepted").and(offers::decision.is_null())),
                );
            }
            query
        };
        let pager = crate::models::page::Pager::new(page, 20, query().count().get_result(conn)?);
        let lines = query()
            .order(offers::id.desc())
            .offset(pager.offset())
            .limit(pager.per_page)
            .select((Offer::as_select(), Need::as_select()))
            .load(conn)?;
        Ok((lines, pager))
    }

    pub fn status_label(&self) -> &'static str {
        crate::domain::need::OfferStatus::parse(&self.status).map_or("未知", |s| s.label())
    }

    pub fn guarantee_label(&self) -> &'static str {
        crate::domain::product::guarantee_label(&self.guarantee)
    }

    /// The repayment method the offer names (equal instalments for a code
    /// the database's CHECK would not have let in).
    pub fn method(&self) -> RepaymentMethod {
        RepaymentMethod::parse(&self.repayment_method).unwrap_or(RepaymentMethod::Annuity)
    }

    /// The loan the offer describes, repaid by its own method.
    pub fn loan(&self) -> Loan {
        Loan::new(self.method(), self.amount(), self.rate(), self.term_months)
    }

    /// First and largest payment, total interest and total repayable.
    pub fn cost(&self) -> Cost {
        self.loan().cost()
    }

    /// The day the schedule counts from: the approval date once the bank has
    /// granted the line, until then the day the offer was made (Beijing time).
    pub fn drawdown(&self) -> chrono::NaiveDate {
        self.approved_on.unwrap_or_else(|| crate::domain::calendar::beijing_date(self.created_at))
    }

    /// "额度 180.00 万元，年化 3.85%，期限 12 个月，授信日期 2026-11-25" once approved.
    pub fn approval_text(&self) -> Option<String> {
        (self.decision.as_deref() == Some("approved")).then(|| {
            format!(
                "额度 {}，年化 {}，期限 {} 个月，授信日期 {}",
                Money::from_fen(self.approved_amount_fen.unwrap_or_default()).wan_text(),
                Rate::from_units(self.approved_rate.unwrap_or_default()).percent_text(),
                self.approved_term_months.unwrap_or_default(),
                self.approved_on.map_or_else(String::new, |d| d.to_string())
            )
        })
    }

    pub fn decline_label(&self) -> &'static str {
        self.decline_reason.as_deref().and_then(crate::domain::need::decline_reason).map_or("", |(l, _)| l)
    }
}

/// How a bank has answered on the platform: what an enterprise weighs beside its offer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResponseRecord {
    pub offers: i64,
    pub accepted: i64,
    pub approved: i64,
    pub declined: i64,
    /// Decisions recorded by their due time.
    pub on_time: i64,
}

impl ResponseRecord {
    pub fn of(conn: &mut DbConn, institution_id: i64) -> QueryResult<ResponseRecord> {
        let offers = offers::table.filter(offers::institution_id.eq(institution_id)).count().get_result(conn)?;
        let decided: Vec<(Option<String>, Option<NaiveDateTime>, Option<NaiveDateTime>)> = offers::table
            .filter(offers::institution_id.eq(institution_id))
            .filter(offers::decision_due.is_not_null())
            .select((offers::decision, offers::decided_at, offers::decision_due))
            .load(conn)?;
        let count = |d: &str| decided.iter().filter(|(x, ..)| x.as_deref() == Some(d)).count() as i64;
        let on_time = decided.iter().filter(|(_, at, due)| matches!((at, due), (Some(a), Some(d)) if a <= d)).count();
        Ok(ResponseRecord {
            offers,
            accepted: decided.len() as i64,
            approved: count("approved"),
            declined: count("declined"),
            on_time: on_time as i64,
        })
    }

    /// "批准 3 / 决定 4 · 按时 4 / 4", or a plain word for a bank new to the platform.
    pub fn summary(&self) -> String {
        let decided = self.approved + self.declined;
        if decided == 0 {
            return format!("平台累计报价 {} 次，暂无授信决定记录", self.offers);
        }
        format!(
            "平台累计报价 {} 次，被选中 {} 次；已决定 {} 笔，批准 {} 笔；按时决定 {} / {}",
            self.offers, self.accepted, decided, self.approved, self.on_time, decided
        )
    }
}
