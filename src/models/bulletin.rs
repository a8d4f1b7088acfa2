//! 统计公报: a bulletin composed for a period, its figures frozen as JSON
//! (`domain::stats::Statistics`) when it is published.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::stats::{BulletinStatus, Statistics};
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
}
