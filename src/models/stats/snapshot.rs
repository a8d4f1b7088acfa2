//! An exact cache of computed figures (`stat_snapshots`). A snapshot is
//! kept with the audit log's last id when its figures were read: every
//! state change writes an audit row, so while that id stands the figures
//! stand too. A snapshot holds
//! - while the audit log has not moved and it is younger than [`STILL`]
//!   (figures that depend on the clock, such as contacts now overdue, move
//!   without an audit row), or
//! - while it is younger than [`FRESH`] whatever happened since, so a
//!   busy market recomputes a set at most about once a minute.
//!
//! A snapshot that no longer holds is still served, with the time its facts
//! were read, while a job ([`REFRESH_SNAPSHOT`], on a lane of its own)
//! computes it again: no page waits for a computation over every fact except
//! the first one of a subject. Nothing is estimated: a snapshot is the exact
//! figures as of its time, and pages say that time.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::db::{DbConn, read_tx};
use crate::domain::stats::facts::Facts;
use crate::domain::stats::scoreboard::rows;
use crate::domain::stats::{Filter, Period, Statistics};
use crate::jobs::queue;
use crate::schema::{audit_log, jobs, stat_snapshots};

/// How long figures hold after they were read, whatever changed since.
pub const FRESH: Duration = Duration::seconds(60);
/// How long figures hold while the audit log has not moved.
pub const STILL: Duration = Duration::minutes(10);
/// The job kind that computes a snapshot again.
pub const REFRESH_SNAPSHOT: &str = "refresh_snapshot";

/// What a snapshot holds: enough to compute it again (the refresh job's payload).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "of", rename_all = "snake_case")]
pub enum Subject {
    /// `Statistics` of a period (its code) under a filter.
    Statistics { period: String, filter: Filter },
    /// The scoreboard's rows of a period.
    Scoreboard { period: String },
    /// The national report of a month.
    NationalReport { month: String },
}

impl Subject {
    pub fn statistics(period: &Period, filter: &Filter) -> Subject {
        Subject::Statistics { period: period.code(), filter: filter.clone() }
    }

    pub fn scoreboard(period: &Period) -> Subject {
        Subject::Scoreboard { period: period.code() }
    }

    pub fn national_report(month: &Period) -> Subject {
        Subject::NationalReport { month: month.code() }
    }

    fn key(&self) -> String {
        match self {
            Subject::Statistics { period, filter } => format!("statistics:{period}:{}", filter.code()),
            Subject::Scoreboard { period } => format!("scoreboard:{period}"),
            Subject::NationalReport { month } => format!("national_report:{month}"),
        }
    }

    /// The figures from every fact as of `now`, as the snapshot's JSON body,
    /// with the audit log's last id in the same read.
    fn compute(&self, conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<(i64, String)> {
        let (mark, facts) = read(conn, now)?;
        Ok((mark, self.from(&facts)?))
    }

    /// The figures from `facts`, as the snapshot's JSON body.
    fn from(&self, facts: &Facts) -> QueryResult<String> {
        let period = |code: &str| Period::parse_code(code).ok_or_else(|| unknown(format!("period {code:?}")));
        let body = match self {
            Subject::Statistics { period: code, filter } => {
                serde_json::to_string(&Statistics::compute(facts, &period(code)?, filter))
            }
            Subject::Scoreboard { period: code } => serde_json::to_string(&rows(facts, &period(code)?)),
            Subject::NationalReport { month } => serde_json::to_string(&super::report::build(facts, &period(month)?)),
        };
        body.map_err(|e| diesel::result::Error::SerializationError(e.into()))
    }
}

/// Every fact as of `now` and the audit log's last id, from one snapshot of the database.
fn read(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<(i64, Facts)> {
    read_tx(conn, |c| Ok((watermark(c)?, super::load(c, now)?)))
}

fn unknown(what: String) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(what.into())
}

/// The audit log's last id: 0 on an empty log.
pub fn watermark(conn: &mut DbConn) -> QueryResult<i64> {
    Ok(audit_log::table.select(diesel::dsl::max(audit_log::id)).first::<Option<i64>>(conn)?.unwrap_or(0))
}

/// A kept snapshot: the watermark and time of its read, and its body.
type Kept = (i64, NaiveDateTime, String);

fn kept(conn: &mut DbConn, key: &str) -> QueryResult<Option<Kept>> {
    stat_snapshots::table
        .find(key)
        .select((stat_snapshots::watermark, stat_snapshots::computed_at, stat_snapshots::body))
        .first(conn)
        .optional()
}

fn holds((kept_mark, at, _): &Kept, mark: i64, now: NaiveDateTime) -> bool {
    let age = now - *at;
    (*kept_mark == mark && age < STILL) || age < FRESH
}

/// The figures of `subject` with the time their facts were read: the kept
/// snapshot when there is one (a refresh queued when it no longer holds),
/// else computed now and kept. `T` is the type `subject` computes.
pub fn cached<T: DeserializeOwned>(
    conn: &mut DbConn,
    subject: &Subject,
    now: NaiveDateTime,
) -> QueryResult<(T, NaiveDateTime)> {
    let key = subject.key();
    let mark = watermark(conn)?;
    if let Some(snapshot) = kept(conn, &key)?
        && let Ok(value) = serde_json::from_str(&snapshot.2)
    {
        if !holds(&snapshot, mark, now) {
            queue_refresh(conn, subject, now)?;
        }
        return Ok((value, snapshot.1));
    }
    let (mark, body) = subject.compute(conn, now)?;
    store(conn, &key, mark, now, &body);
    let value = serde_json::from_str(&body).map_err(|e| diesel::result::Error::DeserializationError(e.into()))?;
    Ok((value, now))
}

/// Queues one refresh of `subject`, unless one is already waiting.
fn queue_refresh(conn: &mut DbConn, subject: &Subject, now: NaiveDateTime) -> QueryResult<()> {
    let payload = serde_json::to_string(subject).map_err(|e| diesel::result::Error::SerializationError(e.into()))?;
    // Two readers at one instant may queue two: the second finds the snapshot holds.
    let waiting: i64 = jobs::table
        .filter(jobs::kind.eq(REFRESH_SNAPSHOT))
        .filter(jobs::payload.eq(&payload))
        .filter(jobs::finished_at.is_null())
        .count()
        .get_result(conn)?;
    if waiting == 0 {
        queue::enqueue_with(conn, REFRESH_SNAPSHOT, subject, now, now, queue::Retry::Attempts(3))?;
    }
    Ok(())
}

/// The refresh job: computes `subject` again unless its snapshot holds by
/// now, and with the same read of the facts every other subject whose
/// refresh is waiting (their jobs then find their snapshots holding).
pub fn refresh(conn: &mut DbConn, subject: &Subject, now: NaiveDateTime) -> QueryResult<()> {
    let mark = watermark(conn)?;
    let stale = |c: &mut DbConn, s: &Subject| {
        Ok::<_, diesel::result::Error>(!kept(c, &s.key())?.is_some_and(|k| holds(&k, mark, now)))
    };
    if !stale(conn, subject)? {
        return Ok(());
    }
    let waiting: Vec<String> = jobs::table
        .filter(jobs::kind.eq(REFRESH_SNAPSHOT))
        .filter(jobs::finished_at.is_null())
        .select(jobs::payload)
        .load(conn)?;
    let mut subjects = vec![subject.clone()];
    for other in waiting.iter().filter_map(|p| serde_json::from_str::<Subject>(p).ok()) {
        if !subjects.contains(&other) && stale(conn, &other)? {
            subjects.push(other);
        }
    }
    let (mark, facts) = read(conn, now)?;
    for subject in &subjects {
        store(conn, &subject.key(), mark, now, &subject.from(&facts)?);
    }
    Ok(())
}

/// Stores a snapshot; a failure only costs the next reader a recomputation.
fn store(conn: &mut DbConn, key: &str, mark: i64, now: NaiveDateTime, body: &str) {
    let row = (
        stat_snapshots::key.eq(key),
        stat_snapshots::watermark.eq(mark),
        stat_snapshots::computed_at.eq(now),
        stat_snapshots::body.eq(body),
    );
    let upsert = diesel::insert_into(stat_snapshots::table)
        .values(row)
        .on_conflict(stat_snapshots::key)
        .do_update()
        .set((stat_snapshots::watermark.eq(mark), stat_snapshots::computed_at.eq(now), stat_snapshots::body.eq(body)));
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
