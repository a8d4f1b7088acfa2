//! The claims on the funds (补偿申请) as both sides see them: the bank's
//! pages in `bank`, the credit office's in `office`. Here what both show:
//! a claim with its items, files and history, and a dossier file's download.

pub mod bank;
pub mod office;

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::actions::fund_claim::RECOVERY;
use crate::db::DbConn;
use crate::domain::Money;
use crate::domain::fund::{ClaimStatus, FileKind, ratio_text};
use crate::models::fund::Fund;
use crate::models::fund::claim::file::ClaimFile;
use crate::models::fund::claim::{Claim, EventLine, ItemLine};
use crate::models::institution::Institution;

/// Whose pages show the claim: the bank's (`/bank/claims`) or the credit office's (`/credit-office/fund-claims`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Bank,
    Office,
}

impl Side {
    /// The claims list's URL.
    pub fn list(self) -> &'static str {
        match self {
            Side::Bank => "/bank/claims",
            Side::Office => "/credit-office/fund-claims",
        }
    }

    /// Where this side reads a loan.
    pub fn loans(self) -> &'static str {
        match self {
            Side::Bank => "/bank-admin/loans",
            Side::Office => "/credit-office/loans",
        }
    }
}

/// A claim with everything its page shows.
pub struct ClaimView {
    pub side: Side,
    pub claim: Claim,
    pub fund: Fund,
    pub bank: String,
    pub items: Vec<ItemLine>,
    pub files: Vec<ClaimFile>,
    pub events: Vec<EventLine>,
    /// The required files still missing, in words.
    pub missing: Option<String>,
}

impl ClaimView {
    pub fn load(conn: &mut DbConn, side: Side, claim: Claim) -> diesel::QueryResult<ClaimView> {
        let fund = Fund::find(conn, claim.fund_id)?.ok_or(diesel::result::Error::NotFound)?;
        let bank = Institution::find(conn, claim.institution_id)?.name;
        Ok(ClaimView {
            side,
            items: claim.item_lines(conn)?,
            files: ClaimFile::of_claim(conn, claim.id)?,
            events: claim.event_lines(conn)?,
            missing: crate::actions::fund_claim::missing(conn, claim.id)?,
            fund,
            bank,
            claim,
        })
    }

    /// The claim page's URL; its files are under `/files/{file}`.
    pub fn href(&self) -> String {
        format!("{}/{}", self.side.list(), self.claim.id)
    }

    pub fn wan(&self, fen: &i64) -> String {
        Money::from_fen(*fen).wan_text()
    }

    pub fn yuan(&self, fen: &i64) -> String {
        Money::from_fen(*fen).yuan_text()
    }

    pub fn ratio(&self, bp: &i32) -> String {
        ratio_text(*bp)
    }

    /// What the bank keeps of the loss after the payout and the refunds of recoveries.
    pub fn kept_fen(&self) -> Option<i64> {
        self.claim.approved_fen.map(|a| a - self.claim.refunded_fen)
    }

    /// A step of the history in words: a recovery is filed as a paid-state event named 追回.
    pub fn step(&self, e: &EventLine) -> &'static str {
        match (e.event.status, e.event.reason.as_deref()) {
            (ClaimStatus::Paid, Some(RECOVERY)) => "记录追回（退回资金池）",
            (ClaimStatus::Submitted, _) if self.events.first().map(|f| f.event.id) != Some(e.event.id) => "重新提交",
            (status, _) => status.label(),
        }
    }

    /// The reason of a step, when it has one of its own.
    pub fn reason<'a>(&self, e: &'a EventLine) -> Option<&'a str> {
        e.event.reason.as_deref().filter(|r| *r != RECOVERY)
    }

    /// The kinds a file may be uploaded as, with their words.
    pub fn kinds(&self) -> [(&'static str, &'static str); 6] {
        FileKind::ALL.map(|k| (k.as_str(), k.label()))
    }

    /// A file's type for people: PDF, JPG, PNG.
    pub fn format(&self, file: &ClaimFile) -> String {
        crate::domain::fund::claim::extension(&file.content_type).to_uppercase()
    }

    /// The first characters of a file's SHA-256, the whole on hover.
    pub fn short_hash(&self, file: &ClaimFile) -> String {
        file.sha256.chars().take(12).collect()
    }

    /// A file's size for people: "1.2 MB", "320 KB".
    pub fn size(&self, file: &ClaimFile) -> String {
        let bytes = u64::try_from(file.size_bytes).unwrap_or_default();
        if bytes >= 1024 * 1024 {
            format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
        } else {
            format!("{} KB", bytes.div_ceil(1024))
        }
    }
}

/// A dossier file's bytes under a name of our making: images inline, PDFs as a
/// download, never sniffed by the browser as anything else.
pub fn file_response(file: &ClaimFile, bytes: Vec<u8>) -> Response {
    let disposition = if file.content_type == "application/pdf" { "attachment" } else { "inline" };
    let headers = [
        (header::CONTENT_TYPE, file.content_type.clone()),
        (header::CONTENT_DISPOSITION, format!("{disposition}; filename=\"{}\"", file.download_name())),
        (header::CACHE_CONTROL, "private, no-store".to_string()),
    ];
    (headers, bytes).into_response()
}
