//! Import batches: one uploaded department file, its bytes (in chunks, so any
//! instance's worker can read them), its progress, counts and rejected rows.
//! The process uploading or running a batch holds a lease on it, renewed as it
//! makes progress; a batch whose lease lapsed was abandoned by a killed process.
//! Here the row and how it reads; the upload (`upload`), the run's steps under
//! the lease (`run`) and reading the stored file back (`chunks`) beside it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::import::{BatchStage, ImportStatus};
use crate::domain::records::RecordKind;
use crate::schema::{import_batches, import_errors};

mod chunks;
mod run;
mod upload;

pub use chunks::ChunkReader;
pub use upload::NewBatch;

/// Bytes per stored chunk of an uploaded file.
pub const CHUNK_BYTES: usize = 1024 * 1024;
/// How long a batch stays reserved for the process working on it after its
/// last sign of progress.
pub const LEASE: chrono::Duration = chrono::Duration::minutes(5);

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = import_batches)]
pub struct ImportBatch {
    pub id: i64,
    #[diesel(deserialize_as = String)]
    pub kind: RecordKind,
    pub department: String,
    pub as_of: NaiveDate,
    pub file_name: String,
    pub file_bytes: i64,
    pub uploaded_by: Option<i64>,
    #[diesel(deserialize_as = String)]
    pub status: ImportStatus,
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

impl ImportBatch {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<ImportBatch> {
        import_batches::table.find(id).select(ImportBatch::as_select()).first(conn)
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

    /// Where the batch stands, as its badge says.
    pub fn stage(&self) -> BatchStage {
        match self.status {
            ImportStatus::Uploading => BatchStage::Uploading,
            ImportStatus::Queued => BatchStage::Queued,
            ImportStatus::Running if self.bytes_done < self.file_bytes => BatchStage::Validating,
            ImportStatus::Running => BatchStage::Writing,
            ImportStatus::Done if self.recomputed_at.is_none() => BatchStage::Recomputing,
            ImportStatus::Done => BatchStage::Done,
            ImportStatus::Failed => BatchStage::Failed,
        }
    }

    /// Percent of the file read so far.
    pub fn percent(&self) -> i64 {
        match self.status {
            ImportStatus::Done => 100,
            _ if self.file_bytes == 0 => 0,
            _ => (self.bytes_done * 100 / self.file_bytes).clamp(0, 100),
        }
    }

    /// Nothing more will happen to the batch unless the credit office re-runs it.
    pub fn is_finished(&self) -> bool {
        self.status == ImportStatus::Failed || self.is_written() && self.recomputed_at.is_some()
    }

    /// Its rows are committed (the evaluations may still be recomputing).
    pub fn is_written(&self) -> bool {
        self.status == ImportStatus::Done
    }

    /// The credit office may run it again: it failed with its file stored whole.
    pub fn can_rerun(&self) -> bool {
        self.status == ImportStatus::Failed && self.file_bytes > 0
    }
}
