//! 统计公报: a bulletin composed for a period, its figures frozen as JSON
//! (`domain::stats::Statistics`) when it is published; and its email
//! subscribers (`subscriber`).

pub mod subscriber;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::stats::{BulletinStatus, Filter, Period, Statistics};
use crate::models::page::Pager;
use crate::schema::bulletins;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = bulletins)]
pub struct Bulletin {
    pub id: i64,
    /// `Period::code`
    pub period: String,
    pub title: String,
    pub commentary: String,
    #[diesel(deserialize_as = String)]
    pub status: BulletinStatus,
    /// The frozen `Statistics`, set at publication.
    pub figures: Option<String>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub published_by: Option<i64>,
}

impl Bulletin {
    pub fn is_published(&self) -> bool {
        self.status == BulletinStatus::Published
    }

    /// "2026年11月": the period's label.
    pub fn period_label(&self) -> String {
        Period::parse_code(&self.period).map_or_else(|| self.period.clone(), |p| p.label())
    }

    /// The frozen figures of a published bulletin.
    pub fn statistics(&self) -> Option<Statistics> {
        serde_json::from_str(self.figures.as_deref()?).ok()
    }

    /// The newest published bulletin.
    pub fn latest_published(conn: &mut DbConn) -> QueryResult<Option<Bulletin>> {
        bulletins::table
            .filter(bulletins::status.eq(BulletinStatus::Published.as_str()))
            .order((bulletins::published_at.desc(), bulletins::id.desc()))
            .select(Bulletin::as_select())
            .first(conn)
            .optional()
    }

    /// The published bulletin of a period.
    pub fn published_for(conn: &mut DbConn, period: &str) -> QueryResult<Option<Bulletin>> {
        bulletins::table
            .filter(bulletins::status.eq(BulletinStatus::Published.as_str()))
            .filter(bulletins::period.eq(period))
            .select(Bulletin::as_select())
            .first(conn)
            .optional()
    }

    /// The figures a bulletin of `period` freezes when published at `now`:
    /// counted from every row, never from the cache (the preview shows the same).
    pub fn figures_now(conn: &mut DbConn, now: NaiveDateTime, period: &Period) -> QueryResult<Statistics> {
        Ok(Statistics::compute(&crate::models::stats::load(conn, now)?, period, &Filter::default()))
    }

    /// One bulletin, draft or published.
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Bulletin>> {
        bulletins::table.find(id).select(Bulletin::as_select()).first(conn).optional()
    }

    /// Every bulletin for the credit office: drafts first, then the newest.
    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Bulletin>> {
        bulletins::table
            .order((bulletins::status.asc(), bulletins::updated_at.desc(), bulletins::id.desc()))
            .select(Bulletin::as_select())
            .load(conn)
    }

    /// How many bulletins are published.
    pub fn published_count(conn: &mut DbConn) -> QueryResult<i64> {
        bulletins::table.filter(bulletins::status.eq(BulletinStatus::Published.as_str())).count().get_result(conn)
    }

    /// Every published bulletin, newest first (the open data's index).
    pub fn all_published(conn: &mut DbConn) -> QueryResult<Vec<Bulletin>> {
        bulletins::table
            .filter(bulletins::status.eq(BulletinStatus::Published.as_str()))
            .order((bulletins::published_at.desc(), bulletins::id.desc()))
            .select(Bulletin::as_select())
            .load(conn)
    }

    /// One page of the published bulletins, newest first.
    pub fn published_page(conn: &mut DbConn, pager: &Pager) -> QueryResult<Vec<Bulletin>> {
        bulletins::table
            .filter(bulletins::status.eq(BulletinStatus::Published.as_str()))
            .order((bulletins::published_at.desc(), bulletins::id.desc()))
            .limit(pager.per_page)
            .offset(pager.offset())
            .select(Bulletin::as_select())
            .load(conn)
    }

    /// A new draft; its id.
    pub fn create(conn: &mut DbConn, text: &BulletinText, by: i64, now: NaiveDateTime) -> QueryResult<i64> {
        diesel::insert_into(bulletins::table)
            .values((
                bulletins::period.eq(&text.period),
                bulletins::title.eq(&text.title),
                bulletins::commentary.eq(&text.commentary),
                bulletins::status.eq(BulletinStatus::Draft.as_str()),
                bulletins::created_by.eq(by),
                bulletins::created_at.eq(now),
                bulletins::updated_at.eq(now),
            ))
            .returning(bulletins::id)
            .get_result(conn)
    }

    /// Rewrites a draft (never a published bulletin); the rows changed, 0 or 1.
    pub fn update_draft(conn: &mut DbConn, id: i64, text: &BulletinText, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::update(bulletins::table.find(id))
            .filter(bulletins::status.eq(BulletinStatus::Draft.as_str()))
            .set((
                bulletins::period.eq(&text.period),
                bulletins::title.eq(&text.title),
                bulletins::commentary.eq(&text.commentary),
                bulletins::updated_at.eq(now),
            ))
            .execute(conn)
    }

    /// Deletes a draft (never a published bulletin); the rows deleted, 0 or 1.
    pub fn delete_draft(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
        diesel::delete(bulletins::table.find(id))
            .filter(bulletins::status.eq(BulletinStatus::Draft.as_str()))
            .execute(conn)
    }

    /// Freezes `figures` (the `Statistics` as JSON) into a draft and publishes
    /// it: guarded on the draft status, so of two publishes one changes the row.
    /// A second published bulletin of the period fails on the partial unique index.
    pub fn publish(conn: &mut DbConn, id: i64, figures: &str, by: i64, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::update(bulletins::table.find(id))
            .filter(bulletins::status.eq(BulletinStatus::Draft.as_str()))
            .set((
                bulletins::status.eq(BulletinStatus::Published.as_str()),
                bulletins::figures.eq(figures),
                bulletins::published_at.eq(now),
                bulletins::published_by.eq(by),
                bulletins::updated_at.eq(now),
            ))
            .execute(conn)
    }
}

/// What the credit office types for a bulletin: its period (`Period::code`), title and commentary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BulletinText {
    pub period: String,
    pub title: String,
    pub commentary: String,
}
