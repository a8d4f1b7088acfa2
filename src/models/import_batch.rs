//! Import batches: one uploaded department file, its bytes (in chunks, so any
//! instance's worker can read them), its progress, counts and rejected rows.
//! The process uploading or running a batch holds a lease on it, renewed as it
//! makes progress; a batch whose lease lapsed was abandoned by a killed process.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use std::io::Read;

use crate::clock::Clock;
use crate::db::{DbConn, StreamingConn, write_tx};
use crate::domain::records::RecordKind;
use crate::schema::{import_batches, import_chunks, import_errors};

/// Bytes per stored chunk of an uploaded file.
pub const CHUNK_BYTES: usize = 1024 * 1024;
/// How long a batch stays reserved for the process working on it after its
/// last sign of progress.
pub const LEASE: chrono::Duration = chrono::Duration::minutes(5);

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = import_batches)]
pub struct ImportBatch {
    pub id: i64,
    pub kind: String,
    pub department: String,
    pub as_of: NaiveDate,
    pub file_name: String,
    pub file_bytes: i64,
    pub uploaded_by: Option<i64>,
    pub status: String,
    pub bytes_done: i64,
    pub rows_total: i64,
    pub rows_changed: i64,
    pub rows_unchanged: i64,
    pub rows_rejected: i64,
    pub error: Option<String>,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub lease_until: Option<NaiveDateTime>,
    pub recomputed_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = import_errors)]
pub struct ImportError {
    pub id: i64,
    pub batch_id: i64,
    pub row_no: i64,
    pub field: String,
    pub value: String,
    pub reason: String,
}

/// What the credit office states about a file when uploading it.
pub struct NewBatch<'a> {
    pub kind: RecordKind,
    pub department: &'a str,
    pub as_of: NaiveDate,
    pub file_name: &'a str,
    pub uploaded_by: Option<i64>,
}

impl ImportBatch {
    /// Records a batch whose file is about to be uploaded.
    pub fn begin(conn: &mut DbConn, new: &NewBatch, now: NaiveDateTime) -> QueryResult<i64> {
        // Only a display name is kept; the file never touches the filesystem under it.
        let file_name: String = new.file_name.chars().filter(|c| !c.is_control()).take(200).collect();
        diesel::insert_into(import_batches::table)
            .values((
                import_batches::kind.eq(new.kind.as_str()),
                import_batches::department.eq(new.department),
                import_batches::as_of.eq(new.as_of),
                import_batches::file_name.eq(file_name),
                import_batches::file_bytes.eq(0i64),
                import_batches::uploaded_by.eq(new.uploaded_by),
                import_batches::status.eq("uploading"),
                import_batches::created_at.eq(now),
                import_batches::lease_until.eq(now + LEASE),
            ))
            .returning(import_batches::id)
            .get_result(conn)
    }

    /// Stores the next piece of the uploaded file and renews the upload's lease.
    pub fn append(conn: &mut DbConn, id: i64, seq: i32, data: &[u8], now: NaiveDateTime) -> QueryResult<()> {
        write_tx(conn, |conn| {
            diesel::insert_into(import_chunks::table)
                .values((import_chunks::batch_id.eq(id), import_chunks::seq.eq(seq), import_chunks::data.eq(data)))
                .execute(conn)?;
            ImportBatch::renew(conn, id, now)
        })
    }

    /// Marks the upload complete and ready to run; call in the transaction
    /// that enqueues its job (which owns it from then on: no lease).
    pub fn queue(conn: &mut DbConn, id: i64, file_bytes: i64) -> QueryResult<()> {
        diesel::update(import_batches::table.find(id))
            .set((
                import_batches::status.eq("queued"),
                import_batches::file_bytes.eq(file_bytes),
                import_batches::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Removes a batch whose upload did not complete, with the chunks stored so far.
    pub fn discard(conn: &mut DbConn, id: i64) -> QueryResult<()> {
        diesel::delete(import_chunks::table.filter(import_chunks::batch_id.eq(id))).execute(conn)?;
        diesel::delete(import_batches::table.find(id).filter(import_batches::status.eq("uploading")))
            .execute(conn)
            .map(drop)
    }

    /// Extends the lease of the process working on the batch.
    pub fn renew(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(import_batches::table.find(id))
            .set(import_batches::lease_until.eq(now + LEASE))
            .execute(conn)
            .map(drop)
    }

    /// Stores a whole file read from `file` (the command line), chunk by chunk.
    pub fn store_file(conn: &mut DbConn, id: i64, mut file: impl Read, clock: &dyn Clock) -> anyhow::Result<i64> {
        let (mut total, mut seq) = (0i64, 0i32);
        let mut buffer = vec![0u8; CHUNK_BYTES];
        loop {
            let filled = fill(&mut file, &mut buffer)?;
            if filled == 0 {
                return Ok(total);
            }
            ImportBatch::append(conn, id, seq, &buffer[..filled], clock.now())?;
            total += filled as i64;
            seq += 1;
        }
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<ImportBatch> {
        import_batches::table.find(id).select(ImportBatch::as_select()).first(conn)
    }

    pub fn kind(&self) -> Option<RecordKind> {
        RecordKind::parse(&self.kind)
    }

    /// The newest batches first, one page at a time.
    pub fn page(
        conn: &mut DbConn,
        page: Option<i64>,
        per_page: i64,
    ) -> QueryResult<(Vec<ImportBatch>, crate::models::page::Pager)> {
        let pager = crate::models::page::Pager::new(page, per_page, import_batches::table.count().get_result(conn)?);
        let rows = import_batches::table
            .order(import_batches::id.desc())
            .offset(pager.offset())
            .limit(pager.per_page)
            .select(ImportBatch::as_select())
            .load(conn)?;
        Ok((rows, pager))
    }

    pub fn errors(conn: &mut DbConn, batch_id: i64, offset: i64, limit: i64) -> QueryResult<Vec<ImportError>> {
        import_errors::table
            .filter(import_errors::batch_id.eq(batch_id))
            .order((import_errors::row_no, import_errors::id))
            .offset(offset)
            .limit(limit)
            .select(ImportError::as_select())
            .load(conn)
    }

    /// Starts (or restarts after a crash) the batch under a lease for the
    /// caller: its earlier errors and counts are cleared. False when another
    /// process holds it.
    pub fn start(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
        let taken = diesel::update(
            import_batches::table
                .find(id)
                .filter(import_batches::status.eq_any(["queued", "running"]))
                .filter(import_batches::lease_until.is_null().or(import_batches::lease_until.lt(now))),
        )
        .set((import_batches::status.eq("running"), import_batches::lease_until.eq(now + LEASE)))
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

    /// Takes the lease of a written batch whose evaluations are not yet
    /// recomputed. False when another process holds it (or nothing is left to do).
    pub fn take_recompute(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
        let taken = diesel::update(
            import_batches::table
                .find(id)
                .filter(import_batches::status.eq("done"))
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
                .filter(import_batches::status.eq("failed"))
                .filter(import_batches::file_bytes.gt(0)),
        )
        .set((
            import_batches::status.eq("queued"),
            import_batches::error.eq(None::<String>),
            import_batches::finished_at.eq(None::<NaiveDateTime>),
            import_batches::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
        Ok(requeued == 1)
    }

    /// Batches in `statuses` whose lease lapsed before `now` (or that have
    /// none, when `unleased` says so).
    pub fn lapsed(conn: &mut DbConn, statuses: &[&str], unleased: bool, now: NaiveDateTime) -> QueryResult<Vec<i64>> {
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
                import_batches::status.eq("done"),
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
                import_batches::status.eq("failed"),
                import_batches::error.eq(error),
                import_batches::finished_at.eq(now),
                import_batches::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)
            .map(drop)
    }

    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "uploading" => "上传中",
            "queued" => "排队中",
            "running" if self.bytes_done < self.file_bytes => "校验中",
            "running" => "写入中",
            "done" if self.recomputed_at.is_none() => "重算评价中",
            "done" => "已完成",
            _ => "失败",
        }
    }

    /// Percent of the file read so far.
    pub fn percent(&self) -> i64 {
        match self.status.as_str() {
            "done" => 100,
            _ if self.file_bytes == 0 => 0,
            _ => (self.bytes_done * 100 / self.file_bytes).clamp(0, 100),
        }
    }

    /// Nothing more will happen to the batch unless the credit office re-runs it.
    pub fn is_finished(&self) -> bool {
        self.status == "failed" || self.is_written() && self.recomputed_at.is_some()
    }

    /// Its rows are committed (the evaluations may still be recomputing).
    pub fn is_written(&self) -> bool {
        self.status == "done"
    }

    /// The credit office may run it again: it failed with its file stored whole.
    pub fn can_rerun(&self) -> bool {
        self.status == "failed" && self.file_bytes > 0
    }
}

fn fill(file: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Reads a stored file back chunk by chunk over its own connection, so that
/// memory stays flat and the importing transaction keeps its connection.
pub struct ChunkReader {
    conn: StreamingConn,
    batch_id: i64,
    next_seq: i32,
    chunk: Vec<u8>,
    pos: usize,
    done: bool,
}

impl ChunkReader {
    pub fn new(conn: StreamingConn, batch_id: i64) -> ChunkReader {
        ChunkReader { conn, batch_id, next_seq: 0, chunk: Vec::new(), pos: 0, done: false }
    }
}

impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.chunk.len() && !self.done {
            let next: Option<Vec<u8>> = import_chunks::table
                .filter(import_chunks::batch_id.eq(self.batch_id))
                .filter(import_chunks::seq.eq(self.next_seq))
                .select(import_chunks::data)
                .first(&mut *self.conn)
                .optional()
                .map_err(std::io::Error::other)?;
            match next {
                Some(data) => {
                    self.chunk = data;
                    self.pos = 0;
                    self.next_seq += 1;
                }
                None => self.done = true,
            }
        }
        let n = out.len().min(self.chunk.len() - self.pos);
        out[..n].copy_from_slice(&self.chunk[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}
