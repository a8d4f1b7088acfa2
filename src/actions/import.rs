//! The credit office's imports: uploading a department file (the batch
//! recorded, its bytes stored chunk by chunk, then queued for the worker or
//! discarded when the upload stopped) and re-running a failed batch. The run
//! itself is `jobs::import`, under the batch's lease.

use chrono::NaiveDate;

use super::{Ctx, Outcome, Refusal, guarded, refuse};
use crate::db::DbConn;
use crate::domain::records::RecordKind;
use crate::models::import_batch::{ImportBatch, NewBatch};

/// What the credit office states about a file it starts uploading.
pub struct StartUpload {
    pub kind: RecordKind,
    pub department: String,
    pub as_of: NaiveDate,
    pub file_name: String,
}

/// Records the batch, leased to the uploading process; returns its id.
pub fn start_upload(conn: &mut DbConn, ctx: &Ctx, input: StartUpload) -> Outcome<i64> {
    guarded(conn, |c| {
        let new = NewBatch {
            kind: input.kind,
            department: &input.department,
            as_of: input.as_of,
            file_name: &input.file_name,
            uploaded_by: ctx.actor.user_id,
        };
        Ok(ImportBatch::begin(c, &new, ctx.now)?)
    })
}

/// Stores piece `seq` of the file and renews the upload's lease (one
/// transaction per piece of a megabyte, never per row).
pub fn store_piece(conn: &mut DbConn, ctx: &Ctx, batch_id: i64, seq: i32, data: &[u8]) -> Outcome<()> {
    Ok(Ok(ImportBatch::append(conn, batch_id, seq, data, ctx.now)?))
}

/// The file is stored whole (`file_bytes` of it): the batch is queued with
/// its job, and the upload audited.
pub fn finish_upload(conn: &mut DbConn, ctx: &Ctx, batch_id: i64, file_bytes: i64) -> Outcome<()> {
    guarded(conn, |c| {
        crate::jobs::import::enqueue(c, batch_id, file_bytes, ctx.now)?;
        ctx.audit(c, "import_uploaded", &format!("import_batch:{batch_id}"))?;
        Ok(())
    })
}

/// The upload stopped (over the size limit, broken off, empty): the batch
/// and the pieces stored so far are removed.
pub fn discard_upload(conn: &mut DbConn, _ctx: &Ctx, batch_id: i64) -> Outcome<()> {
    guarded(conn, |c| Ok(ImportBatch::discard(c, batch_id)?))
}

/// Puts a failed batch whose file was stored whole back in the queue with
/// its job; not found for any other batch.
pub fn rerun_import(conn: &mut DbConn, ctx: &Ctx, batch_id: i64) -> Outcome<()> {
    guarded(conn, |c| {
        if !crate::jobs::import::rerun(c, batch_id, ctx.now)? {
            return refuse(Refusal::NotFound("导入批次"));
        }
        ctx.audit(c, "import_rerun", &format!("import_batch:{batch_id}"))?;
        Ok(())
    })
}
