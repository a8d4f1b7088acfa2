//! The durable job table. A job is claimed with a lease, so that of several
//! workers on several instances exactly one runs it; a worker that dies lets
//! the lease lapse and another takes the job over. Failures retry with backoff.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::{DbConn, write_tx};
use crate::schema::jobs;

/// How long a claimed job is reserved for its worker.
pub const LEASE: Duration = Duration::minutes(5);
pub const MAX_ATTEMPTS: i32 = 10;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = jobs)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub run_at: NaiveDateTime,
    pub attempts: i32,
    pub max_attempts: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub failed: bool,
}

/// Adds a job; call inside the transaction of the change that causes it.
pub fn enqueue(
    conn: &mut DbConn,
    kind: &str,
    payload: &impl Serialize,
    run_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let payload = serde_json::to_string(payload).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    diesel::insert_into(jobs::table)
        .values((
            jobs::kind.eq(kind),
            jobs::payload.eq(payload),
            jobs::run_at.eq(run_at),
            jobs::max_attempts.eq(MAX_ATTEMPTS),
            jobs::created_at.eq(now),
        ))
        .returning(jobs::id)
        .get_result(conn)
}

/// Claims the oldest due job for `worker`, or None when nothing is due.
pub fn claim(conn: &mut DbConn, worker: &str, now: NaiveDateTime) -> QueryResult<Option<Job>> {
    write_tx(conn, |conn| {
        let due = jobs::table
            .select(jobs::id)
            .filter(jobs::finished_at.is_null())
            .filter(jobs::run_at.le(now))
            .filter(jobs::locked_until.is_null().or(jobs::locked_until.lt(now)))
            .order(jobs::run_at)
            .limit(1);
        let id: Option<i64> = match conn {
            // Other workers skip the row this one is taking instead of waiting on it.
            DbConn::Postgres(pg) => due.for_update().skip_locked().first(pg).optional()?,
            // SQLite: BEGIN IMMEDIATE already made this transaction the only writer.
            DbConn::Sqlite(lite) => due.first(lite).optional()?,
        };
        let Some(id) = id else { return Ok(None) };
        diesel::update(jobs::table.find(id))
            .set((
                jobs::locked_until.eq(now + LEASE),
                jobs::locked_by.eq(worker),
                jobs::attempts.eq(jobs::attempts + 1),
            ))
            .execute(conn)?;
        jobs::table.find(id).select(Job::as_select()).first(conn).map(Some)
    })
}

pub fn complete(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(jobs::table.find(id))
        .set((jobs::finished_at.eq(now), jobs::locked_until.eq(None::<NaiveDateTime>)))
        .execute(conn)
        .map(drop)
}

/// Records a failure: retried after 30 s, 1 min, 2 min, ... up to 6 h, until
/// the attempts run out and the job is marked failed for an operator to see.
pub fn fail(conn: &mut DbConn, job: &Job, error: &str, now: NaiveDateTime) -> QueryResult<()> {
    let error: String = error.chars().take(2000).collect();
    if job.attempts >= job.max_attempts {
        return diesel::update(jobs::table.find(job.id))
            .set((
                jobs::finished_at.eq(now),
                jobs::failed.eq(true),
                jobs::last_error.eq(error),
                jobs::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)
            .map(drop);
    }
    diesel::update(jobs::table.find(job.id))
        .set((
            jobs::run_at.eq(now + backoff(job.attempts)),
            jobs::last_error.eq(error),
            jobs::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(drop)
}

pub fn backoff(attempts: i32) -> Duration {
    let seconds = 30i64 << attempts.clamp(1, 20).saturating_sub(1);
    Duration::seconds(seconds.min(6 * 3600))
}

/// Jobs not yet finished, for the health of the queue and for tests.
pub fn pending(conn: &mut DbConn) -> QueryResult<Vec<Job>> {
    jobs::table.filter(jobs::finished_at.is_null()).order(jobs::id).select(Job::as_select()).load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(5), Duration::seconds(480));
        assert_eq!(backoff(19), Duration::hours(6));
    }
}
