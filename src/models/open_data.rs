//! What the open data lists: every published bulletin, newest first.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::stats::BulletinStatus;
use crate::models::bulletin::Bulletin;
use crate::schema::bulletins;

/// Every published bulletin, the latest publication first.
pub fn published_bulletins(conn: &mut DbConn) -> QueryResult<Vec<Bulletin>> {
    bulletins::table
        .filter(bulletins::status.eq(BulletinStatus::Published.as_str()))
        .order((bulletins::published_at.desc(), bulletins::id.desc()))
        .select(Bulletin::as_select())
        .load(conn)
}
