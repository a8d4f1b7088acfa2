//! A batch's run under its lease: taking it, progress (which renews the
//! lease), its rejected rows, and how it ends: written, failed, recomputed,
//! or put back in the queue by the credit office.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{ImportBatch, LEASE};
use crate::db::DbConn;
use crate::domain::import::ImportStatus;
use crate::schema::{import_batches, import_errors};

impl ImportBatch {
    /// Extends the lease of the process working on the batch.
    pub fn renew(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(import_batches::table.find(id))
            .set(import_batches::lease_until.eq(now + LEASE))
            .execute(conn)
            .map(drop)
    }

    /// Starts (or restarts after a crash) the batch under a lease for the
    /// caller: its earlier errors and counts are cleared. False when another
    /// process holds it.
    pub fn start(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
        let taken = diesel::update(
            import_batches::table
                .find(id)
                .filter(import_batches::status.eq_any([ImportStatus::Queued.as_str(), ImportStatus::Running.as_str()]))
                .filter(import_batches::lease_until.is_null().or(import_batches::lease_until.lt(now))),
        )
        .set((import_batches::status.eq(ImportStatus::Running.as_str()), import_batches::lease_until.eq(now + LEASE)))
        .execute(conn)?;
        if taken == 0 {
            return Ok(false);
        }
        Self::reset(conn, id)?;
        Ok(true)
    }

    /// Clears the batch's errors and counts, to read its file again from the start.
    pub fn reset(conn: &mut DbConn, id: i64) -> QueryResult<()> {
        diesel::delete(import_errors::table.filter(import_errors::batch_id.eq(id))).execute(conn)?;
        diesel::update(import_batches::table.find(id))
            .set((
                import_batches::bytes_done.eq(0i64),
                import_batches::rows_total.eq(0i64),
                import_batches::rows_changed.eq(0i64),
                import_batches::rows_unchanged.eq(0i64),
                import_batches::rows_rejected.eq(0i64),
                import_batches::error.eq(None::<String>),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Progress so far, which also renews the lease.
    pub fn progress(
        conn: &mut DbConn,
        id: i64,
        bytes_done: i64,
        rows: i64,
        rejected: i64,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(import_batches::table.find(id))
            .set((
                import_batches::bytes_done.eq(bytes_done),
                import_batches::rows_total.eq(rows),
                import_batches::rows_rejected.eq(rejected),
                import_batches::lease_until.eq(now + LEASE),
            ))
            .execute(conn)
            .map(drop)
    }

    pub fn add_errors(conn: &mut DbConn, id: i64, errors: &[(i64, String, String, String)]) -> QueryResult<()> {
        for (row, field, value, reason) in errors {
            diesel::insert_into(import_errors::table)
                .values((
                    import_errors::batch_id.eq(id),
                    import_errors::row_no.eq(row),
                    import_errors::field.eq(field),
                    import_errors::value.eq(value),
                    import_errors::reason.eq(reason),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    pub fn finish(conn: &mut DbConn, id: i64, changed: i64, unchanged: i64, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(import_batches::table.find(id))
            .set((
                import_batches::status.eq(ImportStatus::Done.as_str()),
                import_batches::rows_changed.eq(changed),
                import_batches::rows_unchanged.eq(unchanged),
                import_batches::finished_at.eq(now),
            ))
            .execute(conn)
            .map(drop)
    }

    pub fn fail(conn: &mut DbConn, id: i64, error: &str, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(import_batches::table.find(id))
            .set((
                import_batches::status.eq(ImportStatus::Failed.as_str()),
                import_batches::error.eq(error),
                import_batches::finished_at.eq(now),
                import_batches::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Takes the lease of a written batch whose evaluations are not yet
    /// recomputed. False when another process holds it (or nothing is left to do).
    pub fn take_recompute(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
        let taken = diesel::update(
            import_batches::table
                .find(id)
                .filter(import_batches::status.eq(ImportStatus::Done.as_str()))
                .filter(import_batches::recomputed_at.is_null())
                .filter(import_batches::lease_until.is_null().or(import_batches::lease_until.lt(now))),
        )
        .set(import_batches::lease_until.eq(now + LEASE))
        .execute(conn)?;
        Ok(taken == 1)
    }

    /// The evaluations are recomputed: the batch is complete and its lease ends.
    pub fn recomputed(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(import_batches::table.find(id))
            .set((import_batches::recomputed_at.eq(now), import_batches::lease_until.eq(None::<NaiveDateTime>)))
            .execute(conn)
            .map(drop)
    }

    /// Puts a failed batch whose file was stored whole back in the queue (the
    /// credit office's re-run); call in the transaction that enqueues its job.
    /// False when the batch is not such a batch.
    pub fn requeue(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
        let requeued = diesel::update(
            import_batches::table
                .find(id)
                .filter(import_batches::status.eq(ImportStatus::Failed.as_str()))
                .filter(import_batches::file_bytes.gt(0)),
        )
        .set((
            import_batches::status.eq(ImportStatus::Queued.as_str()),
            import_batches::error.eq(None::<String>),
            import_batches::finished_at.eq(None::<NaiveDateTime>),
            import_batches::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
        Ok(requeued == 1)
    }

    /// Batches in `statuses` whose lease lapsed before `now` (or that have
    /// none, when `unleased` says so).
    pub fn lapsed(
        conn: &mut DbConn,
        statuses: &[ImportStatus],
        unleased: bool,
        now: NaiveDateTime,
    ) -> QueryResult<Vec<i64>> {
        let statuses: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
        let query = import_batches::table
            .filter(import_batches::status.eq_any(statuses))
            .select(import_batches::id)
            .into_boxed::<crate::db::DbBackend>();
        let query = if unleased {
            query.filter(import_batches::lease_until.is_null().or(import_batches::lease_until.lt(now)))
        } else {
            query.filter(import_batches::lease_until.lt(now))
        };
        query.order(import_batches::id).load(conn)
    }
}
