//! Offers (报价 / 抢单): an institution takes a slot of a need with an offer.
//! The grab is one guarded update of the need (a free slot, the window open,
//! the need meant for this institution) plus the offer row, whose
//! UNIQUE(need_id, institution_id) stops a second offer from the same bank;
//! both in one transaction, so a refused grab leaves nothing behind.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use crate::db::{DbConn, write_tx};
use crate::domain::{Money, Rate};
use crate::models::authorization::Authorization;
use crate::schema::{needs, offers};

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
}

/// What an officer offers.
#[derive(Clone, Debug, PartialEq)]
pub struct OfferTerms {
    pub amount: Money,
    pub rate: Rate,
    pub term_months: i32,
    pub guarantee: String,
    pub conditions: String,
    pub valid_until: NaiveDateTime,
}

/// Why a grab did not get a slot, in words for the officer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    Closed,
    Full,
    AlreadyOffered,
    NotForYou,
    Gone,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Closed => "抢单已截止：该需求的抢单时限已过。",
            Refusal::Full => "名额已满：其他机构已抢完该需求的全部名额。",
            Refusal::AlreadyOffered => "贵机构已对该需求报价，每家机构只能报价一次。",
            Refusal::NotForYou => "该需求只面向指定机构的产品，贵机构不能抢单。",
            Refusal::Gone => "该需求已不再接受报价（已撤销、已选定或已过期）。",
        }
    }
}

/// The result of a grab: the new offer, or why there was none.
pub type Grab = Result<i64, Refusal>;

/// Takes a slot and records the offer, or explains why not. Safe under any
/// number of concurrent grabs on one or several app instances.
pub fn grab(
    conn: &mut DbConn,
    need_id: i64,
    institution_id: i64,
    officer_id: i64,
    terms: &OfferTerms,
    contact_due: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<Grab> {
    let outcome = write_tx(conn, |c| -> QueryResult<Grab> {
        let taken = diesel::update(
            needs::table
                .find(need_id)
                .filter(needs::status.eq("open"))
                .filter(needs::slots_taken.lt(needs::slots))
                .filter(needs::deadline.gt(now))
                .filter(needs::institution_id.is_null().or(needs::institution_id.eq(institution_id))),
        )
        .set((
            needs::slots_taken.eq(needs::slots_taken + 1),
            needs::version.eq(needs::version + 1),
            needs::updated_at.eq(now),
        ))
        .execute(c)?;
        if taken == 0 {
            return Ok(Err(explain(c, need_id, institution_id, now)?));
        }
        let offer_id = diesel::insert_into(offers::table)
            .values((
                offers::need_id.eq(need_id),
                offers::institution_id.eq(institution_id),
                offers::officer_id.eq(officer_id),
                offers::amount_fen.eq(terms.amount.fen()),
                offers::rate.eq(terms.rate.units()),
                offers::term_months.eq(terms.term_months),
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
        Ok(Ok(offer_id))
    });
    match outcome {
        // A second offer from the same institution, from a concurrent request: the
        // whole transaction, slot included, was rolled back.
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(Err(Refusal::AlreadyOffered)),
        other => other,
    }
}

/// Why the guarded update found nothing to take.
fn explain(conn: &mut DbConn, need_id: i64, institution_id: i64, now: NaiveDateTime) -> QueryResult<Refusal> {
    let need: Option<(String, i32, i32, Option<NaiveDateTime>, Option<i64>)> = needs::table
        .find(need_id)
        .select((needs::status, needs::slots, needs::slots_taken, needs::deadline, needs::institution_id))
        .first(conn)
        .optional()?;
    let Some((status, slots, taken, deadline, target)) = need else { return Ok(Refusal::Gone) };
    let offered: bool = diesel::select(diesel::dsl::exists(
        offers::table.filter(offers::need_id.eq(need_id)).filter(offers::institution_id.eq(institution_id)),
    ))
    .get_result(conn)?;
    Ok(if offered {
        Refusal::AlreadyOffered
    } else if target.is_some_and(|t| t != institution_id) {
        Refusal::NotForYou
    } else if status != "open" {
        if deadline.is_some_and(|d| d <= now) { Refusal::Closed } else { Refusal::Gone }
    } else if deadline.is_none_or(|d| d <= now) {
        Refusal::Closed
    } else if taken >= slots {
        Refusal::Full
    } else {
        Refusal::Gone
    })
}

impl Offer {
    pub fn of_need(conn: &mut DbConn, need_id: i64) -> QueryResult<Vec<Offer>> {
        offers::table.filter(offers::need_id.eq(need_id)).order(offers::id).select(Offer::as_select()).load(conn)
    }

    pub fn amount(&self) -> Money {
        Money::from_fen(self.amount_fen)
    }

    pub fn rate(&self) -> Rate {
        Rate::from_units(self.rate)
    }
}
