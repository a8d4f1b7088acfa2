//! Offers (报价 / 抢单): an institution takes a slot of a need with an offer.
//! The grab is one guarded update of the need (a free slot, the window open,
//! the need meant for this institution) plus the offer row, whose
//! UNIQUE(need_id, institution_id) stops a second offer from the same bank;
//! both in one transaction, so a refused grab leaves nothing behind.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

use crate::db::{DbConn, write_tx};
use crate::domain::need::{GrabRefusal, GrabState, NeedStatus, can_grab};
use crate::domain::{Money, Rate};
use crate::models::authorization::Authorization;
use crate::models::need::Need;
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
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(Err(GrabRefusal::AlreadyOffered)),
        other => other,
    }
}

/// Why the guarded update found nothing to take, by the lifecycle's own rule.
fn explain(conn: &mut DbConn, need_id: i64, institution_id: i64, now: NaiveDateTime) -> QueryResult<GrabRefusal> {
    let need = needs::table.find(need_id).select(Need::as_select()).first(conn).optional()?;
    let Some(need) = need else { return Ok(GrabRefusal::NotOpen) };
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
    };
    // The update and this read are one transaction, so the rule agrees with it;
    // a need that looks grabbable here was full at the instant of the update.
    Ok(can_grab(&state, institution_id, now).err().unwrap_or(GrabRefusal::Full))
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
