//! An exact cache of computed figures (`stat_snapshots`). A snapshot is
//! kept with the audit log's last id when its figures were read: every
//! state change writes an audit row, so while that id stands the figures
//! stand too. A snapshot is served
//! - while the audit log has not moved and it is younger than [`STILL`]
//!   (figures that depend on the clock, such as contacts now overdue, move
//!   without an audit row), or
//! - while it is younger than [`FRESH`] whatever happened since, so a
//!   busy market recomputes a page at most once a minute;
//!
//! otherwise the figures are computed again and stored. Pages show when
//! their figures were read. Nothing is estimated: a snapshot is the exact
//! figures as of its time.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::db::DbConn;
use crate::schema::{audit_log, stat_snapshots};

/// How long figures are served after they were read, whatever changed since.
pub const FRESH: Duration = Duration::seconds(60);
/// How long figures are served while the audit log has not moved.
pub const STILL: Duration = Duration::minutes(10);

/// The audit log's last id: 0 on an empty log.
pub fn watermark(conn: &mut DbConn) -> QueryResult<i64> {
    Ok(audit_log::table.select(diesel::dsl::max(audit_log::id)).first::<Option<i64>>(conn)?.unwrap_or(0))
}

/// The figures under `key`, from the cache when they still hold, else
/// computed by `compute` and stored; with the time they were read.
pub fn cached<T, F>(conn: &mut DbConn, key: &str, now: NaiveDateTime, compute: F) -> QueryResult<(T, NaiveDateTime)>
where
    T: Serialize + DeserializeOwned,
    F: FnOnce(&mut DbConn) -> QueryResult<T>,
{
    let mark = watermark(conn)?;
    let kept: Option<(i64, NaiveDateTime, String)> = stat_snapshots::table
        .find(key)
        .select((stat_snapshots::watermark, stat_snapshots::computed_at, stat_snapshots::body))
        .first(conn)
        .optional()?;
    if let Some((kept_mark, at, body)) = kept {
        let age = now - at;
        if ((kept_mark == mark && age < STILL) || age < FRESH)
            && let Ok(value) = serde_json::from_str(&body)
        {
            return Ok((value, at));
        }
    }
    let value = compute(conn)?;
    store(conn, key, mark, now, &value);
    Ok((value, now))
}

/// Stores a snapshot; a failure only costs the next reader a recomputation.
fn store<T: Serialize>(conn: &mut DbConn, key: &str, mark: i64, now: NaiveDateTime, value: &T) {
    let Ok(body) = serde_json::to_string(value) else { return };
    let row = (
        stat_snapshots::key.eq(key),
        stat_snapshots::watermark.eq(mark),
        stat_snapshots::computed_at.eq(now),
        stat_snapshots::body.eq(&body),
    );
    let upsert = diesel::insert_into(stat_snapshots::table)
        .values(row)
        .on_conflict(stat_snapshots::key)
        .do_update()
        .set((stat_snapshots::watermark.eq(mark), stat_snapshots::computed_at.eq(now), stat_snapshots::body.eq(&body)));
    let stored = match conn {
        DbConn::Sqlite(c) => upsert.execute(c),
        DbConn::Postgres(c) => upsert.execute(c),
    };
    if let Err(error) = stored {
        tracing::warn!(%error, key, "statistics snapshot not stored");
    }
}

/// Forgets every snapshot (the rebuild test, and after a restore).
pub fn clear(conn: &mut DbConn) -> QueryResult<usize> {
    diesel::delete(stat_snapshots::table).execute(conn)
}
