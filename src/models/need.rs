//! Financing needs (融资需求): what an enterprise publishes for banks to grab.
//! This file holds publishing and the enterprise's own list; the hall,
//! grabbing and the rest of a need's life build on the same table.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::{Money, Rate};
use crate::schema::{institutions, needs, products};

/// Open needs an enterprise may have at once.
pub const MAX_OPEN: i64 = 3;
/// The statuses in which a need still counts against that limit.
pub const ACTIVE: [&str; 4] = ["open", "awaiting_choice", "matched", "declined"];

pub const WINDOWS: [(i32, &str); 3] = [(24, "24 小时"), (72, "72 小时"), (168, "7 天")];

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = needs)]
pub struct Need {
    pub id: i64,
    pub enterprise_id: i64,
    pub amount_fen: i64,
    pub term_months: i32,
    pub purpose: String,
    pub guarantee: String,
    pub max_rate: i64,
    pub window_hours: i32,
    pub slots: i32,
    pub slots_taken: i32,
    pub product_id: Option<i64>,
    pub institution_id: Option<i64>,
    pub status: String,
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
    pub guarantee: String,
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
            .filter(needs::status.eq_any(ACTIVE))
            .count()
            .get_result(conn)
    }

    /// Publishes a need now: open, with its deadline at the end of the window.
    pub fn publish(conn: &mut DbConn, enterprise_id: i64, new: &NewNeed, now: NaiveDateTime) -> QueryResult<i64> {
        let id = diesel::insert_into(needs::table)
            .values((
                needs::enterprise_id.eq(enterprise_id),
                needs::amount_fen.eq(new.amount.fen()),
                needs::term_months.eq(new.term_months),
                needs::purpose.eq(&new.purpose),
                needs::guarantee.eq(&new.guarantee),
                needs::max_rate.eq(new.max_rate.units()),
                needs::window_hours.eq(new.window_hours),
                needs::slots.eq(new.slots),
                needs::product_id.eq(new.product_id),
                needs::institution_id.eq(new.institution_id),
                needs::status.eq("open"),
                needs::published_at.eq(now),
                needs::deadline.eq(now + Duration::hours(i64::from(new.window_hours))),
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

    pub fn amount(&self) -> Money {
        Money::from_fen(self.amount_fen)
    }

    pub fn max_rate_text(&self) -> String {
        Rate::from_units(self.max_rate).percent_text()
    }

    pub fn status_label(&self) -> &'static str {
        status_label(&self.status)
    }
}

pub fn status_label(status: &str) -> &'static str {
    crate::domain::need::NeedStatus::parse(status).map_or("未知", |s| s.label())
}

#[cfg(test)]
mod tests {
    use crate::domain::need::NeedStatus;

    #[test]
    fn the_open_limit_counts_what_the_lifecycle_calls_active() {
        for status in NeedStatus::ALL {
            assert_eq!(super::ACTIVE.contains(&status.as_str()), status.is_active(), "{}", status.as_str());
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
    Status(crate::domain::need::NeedStatus),
}

impl Need {
    pub fn overview(
        conn: &mut DbConn,
        which: Overview,
        page: Option<i64>,
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
                Overview::Overdue => query.filter(needs::overdue.eq(true)).filter(needs::status.eq("matched")),
                Overview::Status(s) => query.filter(needs::status.eq(s.as_str())),
            }
        };
        let pager = crate::models::page::Pager::new(page, 30, query().count().get_result(conn)?);
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
