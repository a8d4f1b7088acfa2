//! A claim's dossier files: the row keeps the kind, the type read from the
//! bytes, the size and the SHA-256 under which the bytes are stored
//! (`fund-files/<sha256>` under DATA_DIR, written atomically); the uploaded
//! name is never kept.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConn;
use crate::domain::fund::FileKind;
use crate::schema::fund_claim_files;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = fund_claim_files)]
pub struct ClaimFile {
    pub id: i64,
    pub claim_id: i64,
    #[diesel(deserialize_as = String)]
    pub kind: FileKind,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: i64,
    pub uploaded_at: NaiveDateTime,
}

impl ClaimFile {
    pub fn of_claim(conn: &mut DbConn, claim_id: i64) -> QueryResult<Vec<ClaimFile>> {
        fund_claim_files::table
            .filter(fund_claim_files::claim_id.eq(claim_id))
            .order(fund_claim_files::id)
            .select(ClaimFile::as_select())
            .load(conn)
    }

    pub fn find(conn: &mut DbConn, claim_id: i64, id: i64) -> QueryResult<Option<ClaimFile>> {
        fund_claim_files::table
            .filter(fund_claim_files::claim_id.eq(claim_id))
            .filter(fund_claim_files::id.eq(id))
            .select(ClaimFile::as_select())
            .first(conn)
            .optional()
    }

    pub fn insert(
        conn: &mut DbConn,
        claim_id: i64,
        kind: FileKind,
        stored: &Stored,
        by: i64,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(fund_claim_files::table)
            .values((
                fund_claim_files::claim_id.eq(claim_id),
                fund_claim_files::kind.eq(kind.as_str()),
                fund_claim_files::content_type.eq(stored.content_type),
                fund_claim_files::size_bytes.eq(stored.size_bytes),
                fund_claim_files::sha256.eq(&stored.sha256),
                fund_claim_files::uploaded_by.eq(by),
                fund_claim_files::uploaded_at.eq(now),
            ))
            .returning(fund_claim_files::id)
            .get_result(conn)
    }

    /// The name a download carries: the claim and the kind, never the uploaded name.
    pub fn download_name(&self) -> String {
        format!(
            "claim-{}-{}.{}",
            self.claim_id,
            self.kind.as_str(),
            crate::domain::fund::claim::extension(&self.content_type)
        )
    }
}

/// Bytes written to the store.
#[derive(Clone, Debug)]
pub struct Stored {
    pub content_type: &'static str,
    pub size_bytes: i64,
    pub sha256: String,
}

/// The folder of dossier files under DATA_DIR.
pub fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join("fund-files")
}

/// Stores `bytes` as `fund-files/<sha256>`: a temporary file in the same
/// folder, flushed, then renamed, so a reader never sees half a file.
pub fn store(data_dir: &Path, content_type: &'static str, bytes: &[u8]) -> std::io::Result<Stored> {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let dir = folder(data_dir);
    std::fs::create_dir_all(&dir)?;
    let target = dir.join(&sha256);
    if !target.exists() {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
        let tmp = dir.join(format!(".{sha256}.{}.{nanos}.part", std::process::id()));
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, &target)?;
    }
    Ok(Stored { content_type, size_bytes: bytes.len() as i64, sha256 })
}

/// The stored bytes of a file.
pub fn read(data_dir: &Path, file: &ClaimFile) -> std::io::Result<Vec<u8>> {
    std::fs::read(folder(data_dir).join(&file.sha256))
}
