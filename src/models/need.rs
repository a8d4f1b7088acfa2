//! Financing needs (融资需求): what an enterprise publishes for banks to grab.
//! The row, its queries and the plain writes the actions (`actions::need`,
//! `actions::sweep`) make of it; the hall and grabbing build on the same table.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::need::NeedStatus;
use crate::domain::{Guarantee, Money, Rate};
use crate::schema::{institutions, needs, products};

/// Open needs an enterprise may have at once.
pub const MAX_OPEN: i64 = 3;
/// The statuses in which a need still counts against that limit.
pub const ACTIVE: [NeedStatus; 4] =
    [NeedStatus::Open, NeedStatus::AwaitingChoice, NeedStatus::Matched, NeedStatus::Declined];

/// The stored codes of `statuses`, for a filter.
pub fn codes(statuses: &[NeedStatus]) -> Vec<&'static str> {
    statuses.iter().map(|s| s.as_str()).collect()
}

pub const WINDOWS: [(i32, &str); 3] = [(24, "24 小时"), (72, "72 小时"), (168, "7 天")];

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = needs)]
pub struct Need {
    pub id: i64,
    pub enterprise_id: i64,
    #[diesel(column_name = amount_fen, deserialize_as = i64)]
    pub amount: Money,
    pub term_months: i32,
    pub purpose: String,
    #[diesel(deserialize_as = String)]
    pub guarantee: Guarantee,
    #[diesel(deserialize_as = i64)]
    pub max_rate: Rate,
    pub window_hours: i32,
    pub slots: i32,
    pub slots_taken: i32,
    pub product_id: Option<i64>,
    pub institution_id: Option<i64>,
    #[diesel(deserialize_as = String)]
    pub status: NeedStatus,
    pub published_at: Option<NaiveDateTime>,
    pub deadline: Option<NaiveDateTime>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub accepted_offer_id: Option<i64>,
    pub overdue: bool,
    pub republished_from: Option<i64>,
}

/// A need with the names of its targeted product and institution, if any.
pub type NeedLine = (Need, Option<String>, Option<String>);

/// A validated need, ready to publish.
#[derive(Clone, Debug, PartialEq)]
pub struct NewNeed {
    pub amount: Money,
    pub term_months: i32,
    pub purpose: String,
    pub guarantee: Guarantee,
    pub max_rate: Rate,
    pub window_hours: i32,
    pub slots: i32,
    pub product_id: Option<i64>,
    pub institution_id: Option<i64>,
}

impl Need {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Need>> {
        needs::table.find(id).select(Need::as_select()).first(conn).optional()
    }

    pub fn active_count(conn: &mut DbConn, enterprise_id: i64) -> QueryResult<i64> {
        needs::table
            .filter(needs::enterprise_id.eq(enterprise_id))
            .filter(needs::status.eq_any(codes(&ACTIVE)))
            .count()
            .get_result(conn)
    }

    /// Takes the need's row lock before anything else of the need is read or
    /// changed, so that every change of a need and its offers queues in one
    /// order: a grab, an acceptance and a sweep never interleave or deadlock
    /// (SQLite's BEGIN IMMEDIATE serialises them anyway). Returns false if the
    /// need does not exist.
    pub fn lock(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
        Ok(diesel::update(needs::table.find(id)).set(needs::version.eq(needs::version)).execute(conn)? == 1)
    }

    /// Moves the need from `from` to `to` unless someone moved it since it
    /// was read; false if someone did.
    pub fn move_status(
        conn: &mut DbConn,
        id: i64,
        from: NeedStatus,
        to: NeedStatus,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let moved = diesel::update(needs::table.find(id).filter(needs::status.eq(from.as_str())))
            .set((needs::status.eq(to.as_str()), needs::version.eq(needs::version + 1), needs::updated_at.eq(now)))
            .execute(conn)?;
        Ok(moved == 1)
    }

    /// Records the accepted offer; a new acceptance starts with no lateness.
    pub fn set_accepted(conn: &mut DbConn, id: i64, offer_id: i64) -> QueryResult<()> {
        diesel::update(needs::table.find(id))
            .set((needs::accepted_offer_id.eq(offer_id), needs::overdue.eq(false)))
            .execute(conn)
            .map(drop)
    }

    pub fn set_republished_from(conn: &mut DbConn, id: i64, from: i64) -> QueryResult<()> {
        diesel::update(needs::table.find(id)).set(needs::republished_from.eq(from)).execute(conn).map(drop)
    }

    /// Takes a slot of an open need for `institution`, guarded: a free slot,
    /// the window open at `now`, the need meant for everyone or for this
    /// institution. False if any of it does not hold.
    pub fn take_slot(conn: &mut DbConn, id: i64, institution: i64, now: NaiveDateTime) -> QueryResult<bool> {
        let taken = diesel::update(
            needs::table
                .find(id)
                .filter(needs::status.eq(NeedStatus::Open.as_str()))
                .filter(needs::slots_taken.lt(needs::slots))
                .filter(needs::deadline.gt(now))
                .filter(needs::institution_id.is_null().or(needs::institution_id.eq(institution))),
        )
        .set((
            needs::slots_taken.eq(needs::slots_taken + 1),
            needs::version.eq(needs::version + 1),
            needs::updated_at.eq(now),
        ))
        .execute(conn)?;
        Ok(taken == 1)
    }

    /// Gives a slot of an open need back to the hall.
    pub fn release_slot(conn: &mut DbConn, id: i64) -> QueryResult<()> {
        diesel::update(needs::table.find(id).filter(needs::status.eq(NeedStatus::Open.as_str())))
            .set((needs::slots_taken.eq(needs::slots_taken - 1), needs::version.eq(needs::version + 1)))
            .execute(conn)
            .map(drop)
    }

    /// Flags the matched need overdue if `offer_id` is still its accepted offer; false if not.
    pub fn flag_overdue(conn: &mut DbConn, id: i64, offer_id: i64) -> QueryResult<bool> {
        let flagged = diesel::update(
            needs::table
                .find(id)
                .filter(needs::overdue.eq(false))
                .filter(needs::status.eq(NeedStatus::Matched.as_str()))
                .filter(needs::accepted_offer_id.eq(offer_id)),
        )
        .set(needs::overdue.eq(true))
        .execute(conn)?;
        Ok(flagged == 1)
    }

    /// Open needs whose window ended by `now`, up to `limit`.
    pub fn windows_ended(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
        needs::table
            .filter(needs::status.eq(NeedStatus::Open.as_str()))
            .filter(needs::deadline.le(now))
            .select(needs::id)
            .limit(limit)
            .load(conn)
    }

    /// Publishes a need now: open, with its deadline at the end of the window.
    pub fn publish(conn: &mut DbConn, enterprise_id: i64, new: &NewNeed, now: NaiveDateTime) -> QueryResult<i64> {
        let id = diesel::insert_into(needs::table)
            .values((
                needs::enterprise_id.eq(enterprise_id),
                needs::amount_fen.eq(new.amount.fen()),
                needs::term_months.eq(new.term_months),
                needs::purpose.eq(&new.purpose),
                needs::guarantee.eq(new.guarantee.as_str()),
                needs::max_rate.eq(new.max_rate.units()),
                needs::window_hours.eq(new.window_hours),
                needs::slots.eq(new.slots),
                needs::product_id.eq(new.product_id),
                needs::institution_id.eq(new.institution_id),
                needs::status.eq(NeedStatus::Open.as_str()),
                needs::published_at.eq(now),
                needs::deadline.eq(new.deadline(now)),
                needs::created_at.eq(now),
                needs::updated_at.eq(now),
            ))
            .returning(needs::id)
            .get_result(conn)?;
        if let Some(product) = new.product_id {
            diesel::update(products::table.find(product))
                .set(products::applications.eq(products::applications + 1))
                .execute(conn)?;
        }
        Ok(id)
    }

    /// The enterprise's needs, newest first, with the targeted product and institution names.
    pub fn of_enterprise(conn: &mut DbConn, enterprise_id: i64) -> QueryResult<Vec<NeedLine>> {
        needs::table
            .left_join(products::table)
            .left_join(institutions::table.on(institutions::id.nullable().eq(needs::institution_id)))
            .filter(needs::enterprise_id.eq(enterprise_id))
            .order(needs::id.desc())
            .select((Need::as_select(), products::name.nullable(), institutions::name.nullable()))
            .load(conn)
    }
}

impl Need {
    /// "已抢 2 / 共 3 个名额".
    pub fn slots_text(&self) -> String {
        crate::domain::need::slots_text(self.slots_taken, self.slots)
    }
}

impl NewNeed {
    /// When a need published at `now` closes.
    pub fn deadline(&self, now: NaiveDateTime) -> NaiveDateTime {
        now + Duration::hours(i64::from(self.window_hours))
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::need::NeedStatus;

    #[test]
    fn the_open_limit_counts_what_the_lifecycle_calls_active() {
        for status in NeedStatus::ALL {
            assert_eq!(super::ACTIVE.contains(&status), status.is_active(), "{}", status.as_str());
        }
    }
}

/// A need as the credit office oversees it: the enterprise, the bank it chose,
/// and when that bank's decision is due.
pub type OverviewLine = (Need, String, Option<String>, Option<NaiveDateTime>);

/// Which needs the credit office lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overview {
    All,
    /// Matched and past the decision time: the banks to chase.
    Overdue,
    Status(NeedStatus),
}

impl Need {
    pub fn overview(
        conn: &mut DbConn,
        which: Overview,
        page: Option<i64>,
        per_page: i64,
    ) -> QueryResult<(Vec<OverviewLine>, crate::models::page::Pager)> {
        use crate::schema::{enterprises, offers};
        let query = || {
            let query = needs::table
                .inner_join(enterprises::table)
                .left_join(offers::table.on(offers::id.nullable().eq(needs::accepted_offer_id)))
                .left_join(institutions::table.on(institutions::id.eq(offers::institution_id)))
                .into_boxed::<crate::db::DbBackend>();
            match which {
                Overview::All => query,
                Overview::Overdue => {
                    query.filter(needs::overdue.eq(true)).filter(needs::status.eq(NeedStatus::Matched.as_str()))
                }
                Overview::Status(s) => query.filter(needs::status.eq(s.as_str())),
            }
        };
        let pager = crate::models::page::Pager::new(page, per_page, query().count().get_result(conn)?);
        let lines = query()
            .order(needs::id.desc())
            .offset(pager.offset())
            .limit(pager.per_page)
            .select((
                Need::as_select(),
                enterprises::name,
                institutions::name.nullable(),
                offers::decision_due.nullable(),
            ))
            .load(conn)?;
        Ok((lines, pager))
    }
}
