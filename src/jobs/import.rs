//! Running an import batch. Pass one reads the stored file, validates every
//! row and records the rejected ones, showing progress as it goes. Pass two
//! writes every valid row in one transaction, so that a crash at any moment
//! leaves either the whole batch or nothing. Then the credit evaluations of
//! the enterprises the batch touched are recomputed; that transaction also
//! enqueues a recompute job, so that a process killed during the recompute
//! leaves it for a worker to finish. The batch's lease, renewed as the work
//! progresses, tells a live run from an abandoned one: [`reap`] marks
//! abandoned batches failed with the reason, and the credit office re-runs them.

use std::collections::BTreeSet;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::clock::Clock;
use crate::db::{Db, DbConn, write_tx};
use crate::domain::import::ImportStatus;
use crate::domain::records::{Record, RecordKind};
use crate::imports::{FileError, SourceEncoding};
use crate::jobs::queue;
use crate::models::audit::{self, Actor};
use crate::models::credit_record::{self, Change, Provenance};
use crate::models::import_batch::{ChunkReader, ImportBatch, LEASE};
use chrono::NaiveDateTime;
use diesel::QueryResult;

pub const IMPORT_BATCH: &str = "import_batch";
/// Recomputes the evaluations a written batch touched (the rest of its work).
pub const RECOMPUTE_BATCH: &str = "recompute_batch";

#[derive(serde::Serialize, serde::Deserialize)]
pub struct ImportJob {
    pub batch_id: i64,
}

/// Rejected rows are written in groups of this many, with a progress update.
const FLUSH_EVERY: usize = 2000;
/// Evaluations recomputed between two renewals of the lease.
const RECOMPUTE_EVERY: usize = 5000;

/// Why a batch was given up (shown to the credit office).
pub const UPLOAD_ABANDONED: &str = "上传中断：文件未完整上传（上传进程已停止），请重新上传该文件。";
pub const RUN_ABANDONED: &str = "导入中断：执行导入的进程在完成前停止，本批数据未写入。可点击“重新运行”再次导入。";

/// Enqueues the job that runs a stored batch; call in the transaction that queues it.
pub fn enqueue(conn: &mut DbConn, batch_id: i64, file_bytes: i64, now: NaiveDateTime) -> QueryResult<i64> {
    ImportBatch::queue(conn, batch_id, file_bytes)?;
    queue::enqueue(conn, IMPORT_BATCH, &ImportJob { batch_id }, now, now)
}

/// For a batch the caller runs at once (the command line): the job waits a
/// lease's length, so that it only resumes the batch if the caller died.
pub fn enqueue_standby(conn: &mut DbConn, batch_id: i64, file_bytes: i64, now: NaiveDateTime) -> QueryResult<i64> {
    ImportBatch::queue(conn, batch_id, file_bytes)?;
    queue::enqueue(conn, IMPORT_BATCH, &ImportJob { batch_id }, now + LEASE, now)
}

/// Puts a failed batch whose file is stored whole back in the queue with its
/// job (the credit office's re-run). False when it is not such a batch.
pub fn rerun(conn: &mut DbConn, batch_id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    if !ImportBatch::requeue(conn, batch_id)? {
        return Ok(false);
    }
    queue::enqueue(conn, IMPORT_BATCH, &ImportJob { batch_id }, now, now)?;
    Ok(true)
}

/// Marks failed, with the reason, the batches whose process died: an upload
/// whose lease lapsed, and a queued or running batch whose lease lapsed with
/// no job left to resume it. Returns how many.
pub fn reap(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    let mut reaped = 0;
    for id in ImportBatch::lapsed(conn, &UPLOADING, false, now)? {
        reaped += usize::from(write_tx(conn, |c| give_up(c, id, &UPLOADING, UPLOAD_ABANDONED, now))?);
    }
    for id in ImportBatch::lapsed(conn, &IN_PLAY, true, now)? {
        let payload = serde_json::to_string(&ImportJob { batch_id: id }).expect("a job serialises");
        if queue::unfinished(conn, IMPORT_BATCH, &payload)? {
            continue;
        }
        reaped += usize::from(write_tx(conn, |c| give_up(c, id, &IN_PLAY, RUN_ABANDONED, now))?);
    }
    Ok(reaped)
}

/// A batch whose upload is under way.
const UPLOADING: [ImportStatus; 1] = [ImportStatus::Uploading];
/// A batch stored whole and not yet written.
const IN_PLAY: [ImportStatus; 2] = [ImportStatus::Queued, ImportStatus::Running];

/// Fails batch `id` if it is still in `statuses` with its lease lapsed.
fn give_up(
    conn: &mut DbConn,
    id: i64,
    statuses: &[ImportStatus],
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let still = ImportBatch::lapsed(conn, statuses, statuses != UPLOADING, now)?.contains(&id);
    if still {
        ImportBatch::fail(conn, id, reason, now)?;
        tracing::warn!(batch = id, reason, "import batch abandoned by its process");
    }
    Ok(still)
}

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
/// that cannot be read at all marks the batch failed with the reason. A batch
/// already written only has its recompute finished; one that another live
/// process is running is an error (the job retries later).
pub fn run(db: &Db, clock: &dyn Clock, batch_id: i64) -> anyhow::Result<()> {
    run_timed(db, clock, batch_id).map(drop)
}

/// [`run`], returning how long each stage took.
pub fn run_timed(db: &Db, clock: &dyn Clock, batch_id: i64) -> anyhow::Result<Timings> {
    let started = Instant::now();
    let batch = ImportBatch::find(&mut *db.get()?, batch_id)?;
    if batch.is_finished() {
        return Ok(Timings::default());
    }
    if batch.is_written() {
        recompute_batch(db, clock, batch_id)?;
        return Ok(Timings { recompute: started.elapsed(), ..Timings::default() });
    }
    let (touched, mut timings) = match write(db, clock, &batch)? {
        Written::Rows(touched, timings) => (touched, timings),
        Written::Nothing(timings) => return Ok(timings),
    };
    recompute_touched(db, clock, batch_id, touched.iter().map(String::as_str))?;
    timings.recompute = started.elapsed() - timings.validate - timings.write;
    tracing::info!(
        batch = batch_id,
        kind = batch.kind.as_str(),
        touched = touched.len(),
        validate_ms = timings.validate.as_millis() as u64,
        write_ms = timings.write.as_millis() as u64,
        recompute_ms = timings.recompute.as_millis() as u64,
        "import finished"
    );
    Ok(timings)
}

/// What [`write`] did.
pub enum Written {
    /// The valid rows are committed; these enterprises' evaluations are due.
    Rows(BTreeSet<String>, Timings),
    /// The file was refused (the batch is failed with the reason).
    Nothing(Timings),
}

/// Passes one and two of batch `batch`, under its lease: afterwards the rows
/// are committed and a recompute job is enqueued, and only the recompute of
/// the touched evaluations is left (see [`recompute_batch`]).
pub fn write(db: &Db, clock: &dyn Clock, batch: &ImportBatch) -> anyhow::Result<Written> {
    let mut timings = Timings::default();
    let started = Instant::now();
    let batch_id = batch.id;
    let mut conn = db.get_streaming()?;
    let kind = batch.kind;
    if !write_tx(&mut conn, |c| ImportBatch::start(c, batch_id, clock.now()))? {
        anyhow::bail!("import batch {batch_id} is being run by another process");
    }
    let today = crate::clock::beijing(clock.now()).date_naive();

    // Pass one: validate, record rejected rows, show progress. A file whose
    // encoding guess a later byte proves wrong is validated again from its
    // first row in the right one; the rows counted so far are forgotten.
    let (mut reading, mut first_failure) = (None, None);
    let (total, rejected, encoding) = loop {
        match validate(db, &mut conn, clock, kind, batch_id, today, reading)? {
            Ok(outcome) => break outcome,
            Err(error) => {
                if let Some(encoding) = error.retry_as() {
                    tracing::info!(batch = batch_id, encoding = encoding.label(), "reading the file again");
                    write_tx(&mut conn, |c| ImportBatch::reset(c, batch_id))?;
                    (reading, first_failure) = (Some(encoding), Some(error));
                    continue;
                }
                let error = match first_failure.take() {
                    Some(first) => error.furthest(first),
                    None => error,
                };
                // A broken-off, malformed or undecodable file: nothing of it is written.
                write_tx(&mut conn, |c| ImportBatch::fail(c, batch_id, &error.to_string(), clock.now()))?;
                return Ok(Written::Nothing(timings));
            }
        }
    };
    timings.validate = started.elapsed();

    // Pass two: every valid row in one transaction.
    let provenance = Provenance { department: batch.department.clone(), as_of: batch.as_of, batch_id };
    let actor =
        Actor { user_id: batch.uploaded_by, role: Some("credit_office".into()), institution_id: None, ip: None };
    let touched = write_tx(&mut conn, |c| -> anyhow::Result<BTreeSet<String>> {
        // The batch's row stays locked until the commit: nobody takes it over meanwhile.
        ImportBatch::renew(c, batch_id, clock.now())?;
        crate::locks::IMPORT_WRITE.take(c)?;
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
        // The batch finished when its rows did, not when the writing began.
        let counts = Counts { total, changed, unchanged, rejected };
        record_written(c, &actor, batch_id, counts, clock.now())?;
        Ok(touched)
    })?;
    timings.write = started.elapsed() - timings.validate;
    tracing::info!(batch = batch_id, kind = kind.as_str(), rows = total, rejected, "import written");
    Ok(Written::Rows(touched, timings))
}

/// A batch's rows as pass two left them.
#[derive(Clone, Copy, Debug)]
struct Counts {
    total: i64,
    changed: i64,
    unchanged: i64,
    rejected: i64,
}

/// The end of pass two, in its transaction: the batch is done with its counts
/// and audited, and the recompute of its evaluations is enqueued, so that a
/// worker does it should this process die before it is done.
fn record_written(
    conn: &mut DbConn,
    actor: &Actor,
    batch_id: i64,
    counts: Counts,
    finished: NaiveDateTime,
) -> QueryResult<()> {
    let Counts { total, changed, unchanged, rejected } = counts;
    ImportBatch::finish(conn, batch_id, changed, unchanged, finished)?;
    let outcome = format!("rows={total} changed={changed} unchanged={unchanged} rejected={rejected}");
    audit::record(conn, actor, "import", Some(&format!("import_batch:{batch_id}")), &outcome, finished)?;
    enqueue_recompute(conn, batch_id, finished + LEASE, finished)
}

/// Enqueues the job that finishes a written batch's recompute, to start at `at`.
pub fn enqueue_recompute(conn: &mut DbConn, batch_id: i64, at: NaiveDateTime, now: NaiveDateTime) -> QueryResult<()> {
    queue::enqueue(conn, RECOMPUTE_BATCH, &ImportJob { batch_id }, at, now).map(drop)
}

/// Finishes a written batch: recomputes the evaluations of the enterprises it
/// touched, read back from the records it wrote. Nothing to do once done; an
/// error while another live process is at it.
pub fn recompute_batch(db: &Db, clock: &dyn Clock, batch_id: i64) -> anyhow::Result<()> {
    let mut conn = db.get()?;
    let batch = ImportBatch::find(&mut conn, batch_id)?;
    if !batch.is_written() || batch.recomputed_at.is_some() {
        return Ok(());
    }
    if !write_tx(&mut conn, |c| ImportBatch::take_recompute(c, batch_id, clock.now()))? {
        anyhow::bail!("the evaluations of import batch {batch_id} are being recomputed by another process");
    }
    let kind = batch.kind;
    let touched = credit_record::touched_by(&mut conn, kind, batch_id)?;
    drop(conn);
    recompute_touched(db, clock, batch_id, touched.iter().map(String::as_str))
}

/// Recomputes `touched` under the batch's lease, renewing it as it goes, then
/// marks the batch recomputed.
fn recompute_touched<'a>(
    db: &Db,
    clock: &dyn Clock,
    batch_id: i64,
    touched: impl Iterator<Item = &'a str>,
) -> anyhow::Result<()> {
    let mut touched = touched.peekable();
    while touched.peek().is_some() {
        write_tx(&mut *db.get()?, |c| ImportBatch::renew(c, batch_id, clock.now()))?;
        crate::credit::recompute(db, clock, touched.by_ref().take(RECOMPUTE_EVERY))?;
    }
    let mut conn = db.get()?;
    write_tx(&mut conn, |c| ImportBatch::recomputed(c, batch_id, clock.now()))?;
    crate::db::refresh_statistics(&mut conn)?;
    Ok(())
}

/// Pass one over the stored file, read in `encoding` (or a guessed one):
/// the rows read, the rows rejected and the encoding the file was read in,
/// or why the file cannot be imported.
fn validate(
    db: &Db,
    conn: &mut DbConn,
    clock: &dyn Clock,
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
            flush(conn, batch_id, &mut pending, (read.load(Ordering::Relaxed) as i64, total, rejected), clock.now())?;
        }
    }
    flush(conn, batch_id, &mut pending, (read.load(Ordering::Relaxed) as i64, total, rejected), clock.now())?;
    Ok(rows.finish().map(|summary| (total, rejected, summary.encoding)))
}

fn flush(
    conn: &mut DbConn,
    batch_id: i64,
    pending: &mut Vec<(i64, String, String, String)>,
    (bytes, total, rejected): (i64, i64, i64),
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    write_tx(conn, |c| {
        ImportBatch::add_errors(c, batch_id, pending)?;
        ImportBatch::progress(c, batch_id, bytes, total, rejected, now)
    })?;
    pending.clear();
    Ok(())
}
