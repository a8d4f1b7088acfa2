//! Fixed-window counters in the database, shared by every app instance.

use chrono::{Duration, NaiveDateTime, Timelike};
use diesel::prelude::*;

use crate::db::{DbConn, write_tx};
use crate::schema::rate_limits;

/// How many hits a key may make per window.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max: i32,
    pub window: Duration,
}

pub const LOGIN: Limit = Limit { max: 30, window: Duration::minutes(10) };
pub const REGISTER: Limit = Limit { max: 10, window: Duration::minutes(60) };
/// Password reset requests from one address (429 beyond it).
pub const PASSWORD_RESET: Limit = Limit { max: 10, window: Duration::minutes(60) };
/// Reset emails to one account: beyond it the request is answered the same
/// and no email goes out, so that nobody floods a mailbox.
pub const PASSWORD_RESET_ACCOUNT: Limit = Limit { max: 3, window: Duration::minutes(60) };
/// Sessions started (sign-ins) from one address: enough for an office behind one
/// address, and a ceiling on session rows whatever else is mistuned.
pub const SESSION: Limit = Limit { max: 60, window: Duration::minutes(60) };
/// Calls of the bank API by one client (429 with Retry-After beyond it).
pub const API_CALLS: Limit = Limit { max: 120, window: Duration::minutes(1) };

/// Counts one hit; Err(seconds to wait) once the window's allowance is spent.
/// Must run inside a write transaction.
pub fn hit(conn: &mut DbConn, key: &str, limit: Limit, now: NaiveDateTime) -> QueryResult<Result<(), i64>> {
    let window_secs = limit.window.num_seconds();
    let since_midnight = i64::from(now.num_seconds_from_midnight());
    let start =
        now - Duration::seconds(since_midnight % window_secs) - Duration::nanoseconds(i64::from(now.nanosecond()));
    // One upsert, so that two first hits at the same instant (PostgreSQL runs
    // them side by side) both count instead of one failing on the key.
    let upsert = diesel::insert_into(rate_limits::table)
        .values((rate_limits::key.eq(key), rate_limits::window_start.eq(start), rate_limits::hits.eq(1)))
        .on_conflict((rate_limits::key, rate_limits::window_start))
        .do_update()
        .set(rate_limits::hits.eq(rate_limits::hits + 1));
    match conn {
        DbConn::Sqlite(c) => upsert.execute(c)?,
        DbConn::Postgres(c) => upsert.execute(c)?,
    };
    let hits: i32 = rate_limits::table.find((key, start)).select(rate_limits::hits).first(conn)?;
    if hits > limit.max {
        let retry = (start + limit.window - now).num_seconds();
        return Ok(Err(retry.max(1)));
    }
    Ok(Ok(()))
}

/// Counts a hit of `action` from `ip` in a write transaction of its own;
/// Err(seconds to wait) once the window's allowance is spent.
pub fn count(
    conn: &mut DbConn,
    action: &str,
    ip: Option<&str>,
    limit: Limit,
    now: NaiveDateTime,
) -> QueryResult<Result<(), i64>> {
    let key = format!("{action}:{}", ip.unwrap_or("unknown"));
    write_tx(conn, |c| hit(c, &key, limit, now))
}

/// Drops windows that ended; run periodically by the worker.
pub fn purge(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(rate_limits::table.filter(rate_limits::window_start.lt(now - Duration::days(1)))).execute(conn)
}
