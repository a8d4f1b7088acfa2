//! The durable job table. A job is claimed with a lease, so that of several
//! workers on several instances exactly one runs it; a worker that dies lets
//! the lease lapse and another takes the job over. Failures retry with a
//! capped backoff, until a number of attempts or a time has passed, or forever.
//! Workers claim from lanes (a set of kinds), so that one slow kind of job
//! never holds up the others.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::{DbConn, write_tx};
use crate::schema::jobs;

/// How long a claimed job is reserved for its worker.
pub const LEASE: Duration = Duration::minutes(5);
/// Attempts of a job retried by count (every kind but mail).
pub const MAX_ATTEMPTS: i32 = 10;
/// The longest wait between two attempts.
pub const BACKOFF_CAP: Duration = Duration::hours(1);

/// How long a job is retried before it is given up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// This many attempts in all.
    Attempts(i32),
    /// Until this time; the first attempt that fails after it gives up.
    Until(NaiveDateTime),
    /// Never given up.
    Forever,
}

/// The kinds of job one worker loop claims.
#[derive(Clone, Copy, Debug)]
pub enum Lane {
    /// Every kind.
    Any,
    Only(&'static [&'static str]),
    Except(&'static [&'static str]),
}

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
    pub retry_until: Option<NaiveDateTime>,
}

impl Job {
    /// Whether a failure at `now` ends the retries.
    fn gives_up(&self, now: NaiveDateTime) -> bool {
        self.attempts >= self.max_attempts || self.retry_until.is_some_and(|until| now >= until)
    }
}

/// Adds a job retried [`MAX_ATTEMPTS`] times; call inside the transaction of
/// the change that causes it.
pub fn enqueue(
    conn: &mut DbConn,
    kind: &str,
    payload: &impl Serialize,
    run_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    enqueue_with(conn, kind, payload, run_at, now, Retry::Attempts(MAX_ATTEMPTS))
}

/// Adds a job retried as `retry` says.
pub fn enqueue_with(
    conn: &mut DbConn,
    kind: &str,
    payload: &impl Serialize,
    run_at: NaiveDateTime,
    now: NaiveDateTime,
    retry: Retry,
) -> QueryResult<i64> {
    let payload = serde_json::to_string(payload).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let (max_attempts, retry_until) = match retry {
        Retry::Attempts(n) => (n, None),
        Retry::Until(until) => (i32::MAX, Some(until)),
        Retry::Forever => (i32::MAX, None),
    };
    diesel::insert_into(jobs::table)
        .values((
            jobs::kind.eq(kind),
            jobs::payload.eq(payload),
            jobs::run_at.eq(run_at),
            jobs::max_attempts.eq(max_attempts),
            jobs::retry_until.eq(retry_until),
            jobs::created_at.eq(now),
        ))
        .returning(jobs::id)
        .get_result(conn)
}

/// Claims the oldest due job of any kind for `worker`, or None when nothing is due.
pub fn claim(conn: &mut DbConn, worker: &str, now: NaiveDateTime) -> QueryResult<Option<Job>> {
    claim_in(conn, worker, Lane::Any, now)
}

/// Claims the oldest due job of `lane` for `worker`.
pub fn claim_in(conn: &mut DbConn, worker: &str, lane: Lane, now: NaiveDateTime) -> QueryResult<Option<Job>> {
    // The oldest due job among those `$query` selects.
    macro_rules! oldest_due {
        ($conn:expr, $query:expr) => {{
            let due = $query
                .select(jobs::id)
                .filter(jobs::finished_at.is_null())
                .filter(jobs::run_at.le(now))
                .filter(jobs::locked_until.is_null().or(jobs::locked_until.lt(now)))
                .order(jobs::run_at)
                .limit(1);
            match $conn {
                // Other workers skip the row this one is taking instead of waiting on it.
                DbConn::Postgres(pg) => due.for_update().skip_locked().first::<i64>(pg).optional()?,
                // SQLite: BEGIN IMMEDIATE already made this transaction the only writer.
                DbConn::Sqlite(lite) => due.first::<i64>(lite).optional()?,
            }
        }};
    }
    write_tx(conn, |conn| {
        let id = match lane {
            Lane::Any => oldest_due!(conn, jobs::table),
            Lane::Only(kinds) => oldest_due!(conn, jobs::table.filter(jobs::kind.eq_any(kinds))),
            Lane::Except(kinds) => oldest_due!(conn, jobs::table.filter(jobs::kind.ne_all(kinds))),
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

/// Completes the job and keeps only `kept` of its payload: what the record
/// needs once the work is done (a sent email's address and subject, not a
/// body that may hold a one-time link).
pub fn complete_keeping(conn: &mut DbConn, id: i64, kept: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(jobs::table.find(id))
        .set((jobs::finished_at.eq(now), jobs::locked_until.eq(None::<NaiveDateTime>), jobs::payload.eq(kept)))
        .execute(conn)
        .map(drop)
}

/// Records a failure: retried after 30 s, 1 min, 2 min, ... then every hour,
/// until its [`Retry`] runs out and the job is marked failed for an operator to see.
pub fn fail(conn: &mut DbConn, job: &Job, error: &str, now: NaiveDateTime) -> QueryResult<()> {
    let error: String = error.chars().take(2000).collect();
    if job.gives_up(now) {
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
    Duration::seconds(seconds.min(BACKOFF_CAP.num_seconds()))
}

/// Puts a job back to run at `now` with fresh attempts (and, if it was retried
/// until a time, `horizon` from now). Returns false when it was not of `kind`
/// or was done.
pub fn retry_now(conn: &mut DbConn, id: i64, kind: &str, horizon: Duration, now: NaiveDateTime) -> QueryResult<bool> {
    let job = jobs::table
        .find(id)
        .filter(jobs::kind.eq(kind))
        .filter(jobs::failed.eq(true).or(jobs::finished_at.is_null()))
        .select(Job::as_select())
        .first(conn)
        .optional()?;
    let Some(job) = job else {
        return Ok(false);
    };
    diesel::update(jobs::table.find(id))
        .set((
            jobs::run_at.eq(now),
            jobs::attempts.eq(0),
            jobs::failed.eq(false),
            jobs::finished_at.eq(None::<NaiveDateTime>),
            jobs::locked_until.eq(None::<NaiveDateTime>),
            jobs::retry_until.eq(job.retry_until.map(|_| now + horizon)),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Jobs of `kind` that failed for good or are still failing, newest first.
pub fn troubled(conn: &mut DbConn, kind: &str, limit: i64) -> QueryResult<Vec<Job>> {
    jobs::table
        .filter(jobs::kind.eq(kind))
        .filter(jobs::failed.eq(true).or(jobs::finished_at.is_null().and(jobs::last_error.is_not_null())))
        .order(jobs::id.desc())
        .limit(limit)
        .select(Job::as_select())
        .load(conn)
}

/// Whether a job of `kind` with exactly `payload` is still to run (or running).
pub fn unfinished(conn: &mut DbConn, kind: &str, payload: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        jobs::table.filter(jobs::kind.eq(kind)).filter(jobs::payload.eq(payload)).filter(jobs::finished_at.is_null()),
    ))
    .get_result(conn)
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
        assert_eq!(backoff(8), Duration::hours(1), "30 s << 7 is past the cap");
        assert_eq!(backoff(19), Duration::hours(1));
    }
}
