//! Running an import batch. Pass one reads the stored file, validates every
//! row and records the rejected ones, showing progress as it goes. Pass two
//! writes every valid row in one transaction, so that a crash at any moment
//! leaves either the whole batch or nothing. Then the credit evaluations of
//! the enterprises the batch touched are recomputed.

use std::collections::BTreeSet;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::clock::Clock;
use crate::db::{Db, DbConn, write_tx};
use crate::domain::records::{Record, RecordKind};
use crate::imports::{FileError, SourceEncoding};
use crate::models::audit::{self, Actor};
use crate::models::credit_record::{self, Change, Provenance};
use crate::models::import_batch::{ChunkReader, ImportBatch};

pub const IMPORT_BATCH: &str = "import_batch";

#[derive(serde::Serialize, serde::Deserialize)]
pub struct ImportJob {
    pub batch_id: i64,
}

/// Rejected rows are written in groups of this many, with a progress update.
const FLUSH_EVERY: usize = 2000;

/// Counts the bytes read through it, for the progress bar.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The USCC a record is about.
pub fn uscc_of(record: &Record) -> &str {
    match record {
        Record::Registry(r) => r.uscc.as_str(),
        Record::Tax(r) => r.uscc.as_str(),
        Record::Utility(r) => r.uscc.as_str(),
        Record::Property(r) => r.uscc.as_str(),
        Record::SocialSecurity(r) => r.uscc.as_str(),
        Record::Penalty(r) => r.uscc.as_str(),
        Record::Honour(r) => r.uscc.as_str(),
    }
}

/// How long each stage of an import took (logged, and read by the benchmark).
#[derive(Clone, Copy, Debug, Default)]
pub struct Timings {
    /// Pass one: reading, validating, recording rejected rows.
    pub validate: Duration,
    /// Pass two: writing the valid rows in one transaction.
    pub write: Duration,
    /// Recomputing the evaluations of the touched enterprises.
    pub recompute: Duration,
}

/// Imports batch `batch_id` (blocking: run it off the async threads). A file
/// that cannot be read at all marks the batch failed with the reason.
pub fn run(db: &Db, clock: &dyn Clock, batch_id: i64) -> anyhow::Result<()> {
    run_timed(db, clock, batch_id).map(drop)
}

/// [`run`], returning how long each stage took.
pub fn run_timed(db: &Db, clock: &dyn Clock, batch_id: i64) -> anyhow::Result<Timings> {
    let mut timings = Timings::default();
    let started = Instant::now();
    let mut conn = db.get_streaming()?;
    let batch = ImportBatch::find(&mut conn, batch_id)?;
    if batch.is_finished() {
        return Ok(timings);
    }
    let kind = batch.kind().ok_or_else(|| anyhow::anyhow!("unknown import kind {}", batch.kind))?;
    write_tx(&mut conn, |c| ImportBatch::start(c, batch_id))?;
    let today = crate::clock::beijing(clock.now()).date_naive();

    // Pass one: validate, record rejected rows, show progress. A file whose
    // encoding guess a later byte proves wrong is validated again from its
    // first row in the right one; the rows counted so far are forgotten.
    let (mut reading, mut first_failure) = (None, None);
    let (total, rejected, encoding) = loop {
        match validate(db, &mut conn, kind, batch_id, today, reading)? {
            Ok(outcome) => break outcome,
            Err(error) => {
                if let Some(encoding) = error.retry_as() {
                    tracing::info!(batch = batch_id, encoding = encoding.label(), "reading the file again");
                    write_tx(&mut conn, |c| ImportBatch::start(c, batch_id))?;
                    (reading, first_failure) = (Some(encoding), Some(error));
                    continue;
                }
                let error = match first_failure.take() {
                    Some(first) => error.furthest(first),
                    None => error,
                };
                // A broken-off, malformed or undecodable file: nothing of it is written.
                write_tx(&mut conn, |c| ImportBatch::fail(c, batch_id, &error.to_string(), clock.now()))?;
                return Ok(timings);
            }
        }
    };
    timings.validate = started.elapsed();

    // Pass two: every valid row in one transaction.
    let provenance = Provenance { department: batch.department.clone(), as_of: batch.as_of, batch_id };
    let actor =
        Actor { user_id: batch.uploaded_by, role: Some("credit_office".into()), institution_id: None, ip: None };
    let touched = write_tx(&mut conn, |c| -> anyhow::Result<BTreeSet<String>> {
        if let DbConn::Postgres(pg) = c {
            // One import writes at a time, so natural-key checks cannot race.
            use diesel::RunQueryDsl;
            diesel::sql_query("SELECT pg_advisory_xact_lock(7200)").execute(pg)?;
        }
        let (mut changed, mut unchanged, mut touched) = (0i64, 0i64, BTreeSet::new());
        let now = clock.now();
        let reader = ChunkReader::new(db.get_streaming()?, batch_id);
        let mut rows =
            crate::imports::parse_as(kind, reader, today, Some(encoding)).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut chunk = Vec::with_capacity(credit_record::CHUNK);
        loop {
            chunk.clear();
            chunk.extend(rows.by_ref().flatten().take(credit_record::CHUNK));
            if chunk.is_empty() {
                break;
            }
            for (record, change) in chunk.iter().zip(credit_record::store_many(c, &chunk, &provenance, now)?) {
                match change {
                    Change::Unchanged => unchanged += 1,
                    Change::Inserted | Change::Updated => {
                        changed += 1;
                        if !touched.contains(uscc_of(record)) {
                            touched.insert(uscc_of(record).to_string());
                        }
                    }
                }
            }
        }
        rows.finish().map_err(|e| anyhow::anyhow!("{e}"))?;
        ImportBatch::finish(c, batch_id, changed, unchanged, now)?;
        let outcome = format!("rows={total} changed={changed} unchanged={unchanged} rejected={rejected}");
        audit::record(c, &actor, "import", Some(&format!("import_batch:{batch_id}")), &outcome, now)?;
        Ok(touched)
    })?;
    timings.write = started.elapsed() - timings.validate;
    crate::credit::recompute(db, clock, touched.iter().map(String::as_str))?;
    crate::db::refresh_statistics(&mut *db.get()?)?;
    timings.recompute = started.elapsed() - timings.validate - timings.write;
    tracing::info!(
        batch = batch_id,
        kind = kind.as_str(),
        rows = total,
        rejected,
        validate_ms = timings.validate.as_millis() as u64,
        write_ms = timings.write.as_millis() as u64,
        recompute_ms = timings.recompute.as_millis() as u64,
        "import finished"
    );
    Ok(timings)
}

/// Pass one over the stored file, read in `encoding` (or a guessed one):
/// the rows read, the rows rejected and the encoding the file was read in,
/// or why the file cannot be imported.
fn validate(
    db: &Db,
    conn: &mut DbConn,
    kind: RecordKind,
    batch_id: i64,
    today: NaiveDate,
    encoding: Option<SourceEncoding>,
) -> anyhow::Result<Result<(i64, i64, SourceEncoding), FileError>> {
    let read = Arc::new(AtomicU64::new(0));
    let reader = Counting { inner: ChunkReader::new(db.get_streaming()?, batch_id), count: read.clone() };
    let mut rows = match crate::imports::parse_as(kind, reader, today, encoding) {
        Ok(rows) => rows,
        Err(error) => return Ok(Err(error)),
    };
    let (mut total, mut rejected, mut pending) = (0i64, 0i64, Vec::new());
    for row in rows.by_ref() {
        total += 1;
        if let Err(e) = row {
            rejected += 1;
            pending.push((e.row as i64, e.field, e.value, e.reason));
        }
        if pending.len() >= FLUSH_EVERY || total % (FLUSH_EVERY as i64 * 10) == 0 {
            flush(conn, batch_id, &mut pending, read.load(Ordering::Relaxed) as i64, total, rejected)?;
        }
    }
    flush(conn, batch_id, &mut pending, read.load(Ordering::Relaxed) as i64, total, rejected)?;
    Ok(rows.finish().map(|summary| (total, rejected, summary.encoding)))
}

fn flush(
    conn: &mut DbConn,
    batch_id: i64,
    pending: &mut Vec<(i64, String, String, String)>,
    bytes: i64,
    total: i64,
    rejected: i64,
) -> anyhow::Result<()> {
    write_tx(conn, |c| {
        ImportBatch::add_errors(c, batch_id, pending)?;
        ImportBatch::progress(c, batch_id, bytes, total, rejected)
    })?;
    pending.clear();
    Ok(())
}
