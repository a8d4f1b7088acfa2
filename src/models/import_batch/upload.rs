//! The upload of a batch's file: the batch recorded, its bytes stored chunk
//! by chunk under the uploading process's lease, then queued for its job or
//! discarded when the upload stopped.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use std::io::Read;

use super::{CHUNK_BYTES, ImportBatch, LEASE};
use crate::clock::Clock;
use crate::db::{DbConn, write_tx};
use crate::domain::import::ImportStatus;
use crate::domain::records::RecordKind;
use crate::schema::{import_batches, import_chunks};

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
                import_batches::status.eq(ImportStatus::Uploading.as_str()),
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
                import_batches::status.eq(ImportStatus::Queued.as_str()),
                import_batches::file_bytes.eq(file_bytes),
                import_batches::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Removes a batch whose upload did not complete, with the chunks stored so far.
    pub fn discard(conn: &mut DbConn, id: i64) -> QueryResult<()> {
        diesel::delete(import_chunks::table.filter(import_chunks::batch_id.eq(id))).execute(conn)?;
        diesel::delete(
            import_batches::table.find(id).filter(import_batches::status.eq(ImportStatus::Uploading.as_str())),
        )
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
