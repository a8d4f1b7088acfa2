//! Storing credit records: each kind is matched on its natural key, so a row
//! seen before is updated, an identical row changes nothing, and a new row is
//! inserted. Every stored row carries its provenance (department, as-of date,
//! import batch); a row whose data and provenance are unchanged keeps its batch.
//!
//! Records are stored a chunk at a time ([`store_many`]) by the upsert engine
//! (`engine`), after their conversion to rows (`convert`; the rows in `rows`).
//! The outcome is the same as storing the records one after the other with [`store`].

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::records::{Record, RecordKind};
use crate::models::enterprise::NewEnterprise;
use crate::schema::{
    enterprises, honour_records, penalty_records, property_records, regions, social_security_records, tax_records,
    utility_records,
};

mod convert;
mod engine;
mod rows;

pub use convert::centi;
use convert::{honour_row, penalty_row, property_row, registry_row, social_security_row, tax_row, utility_row};
use engine::{distinct, store_rows};
pub use rows::{HonourRow, PenaltyRow, PropertyRow, SocialSecurityRow, TaxRow, UtilityRow};

/// Where a record came from: shown beside every item of the portrait.
#[derive(Clone, Debug)]
pub struct Provenance {
    pub department: String,
    pub as_of: NaiveDate,
    pub batch_id: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Inserted,
    Updated,
    Unchanged,
}

/// Records looked up (and inserted) together: well under the bind-parameter
/// limits of SQLite (32,766) and PostgreSQL (65,535).
pub const CHUNK: usize = 1000;

/// The rows of the records of one variant in `chunk`, converted by `convert`.
macro_rules! rows_of {
    ($chunk:expr, $variant:ident, $convert:expr) => {
        $chunk.iter().filter_map(|r| if let Record::$variant(r) = r { Some($convert(r)) } else { None }).collect()
    };
}

/// Stores one record (in the caller's transaction); returns what happened.
pub fn store(conn: &mut DbConn, record: &Record, from: &Provenance, now: NaiveDateTime) -> QueryResult<Change> {
    Ok(store_many(conn, std::slice::from_ref(record), from, now)?[0])
}

/// Stores records (in the caller's transaction) with the same outcome as
/// [`store`] on each in turn, [`CHUNK`] at a time; returns what happened to each.
pub fn store_many(
    conn: &mut DbConn,
    records: &[Record],
    from: &Provenance,
    now: NaiveDateTime,
) -> QueryResult<Vec<Change>> {
    let mut changes = Vec::with_capacity(records.len());
    let mut rest = records;
    while let Some(first) = rest.first() {
        let kind = std::mem::discriminant(first);
        let run = rest.iter().take(CHUNK).take_while(|r| std::mem::discriminant(*r) == kind).count();
        let (chunk, tail) = rest.split_at(run);
        rest = tail;
        changes.extend(match first {
            Record::Tax(_) => store_rows(conn, rows_of!(chunk, Tax, |r| tax_row(r, from)))?,
            Record::Utility(_) => store_rows(conn, rows_of!(chunk, Utility, |r| utility_row(r, from)))?,
            Record::Property(_) => store_rows(conn, rows_of!(chunk, Property, |r| property_row(r, from)))?,
            Record::SocialSecurity(_) => {
                store_rows(conn, rows_of!(chunk, SocialSecurity, |r| social_security_row(r, from)))?
            }
            Record::Penalty(_) => store_rows(conn, rows_of!(chunk, Penalty, |r| penalty_row(r, from)))?,
            Record::Honour(_) => store_rows(conn, rows_of!(chunk, Honour, |r| honour_row(r, from)))?,
            Record::Registry(_) => {
                let rows: Vec<NewEnterprise> = rows_of!(chunk, Registry, |r| registry_row(r, from, now));
                ensure_regions(conn, &rows)?;
                store_rows(conn, rows)?
            }
        });
    }
    Ok(changes)
}

/// A region code first seen in a registry file is recorded under its code
/// until the credit office names it.
fn ensure_regions(conn: &mut DbConn, rows: &[NewEnterprise]) -> QueryResult<()> {
    let wanted = distinct(rows, |r| r.region.as_str());
    let known: HashSet<String> =
        regions::table.filter(regions::code.eq_any(&wanted)).select(regions::code).load(conn)?.into_iter().collect();
    // In order of first appearance, as storing row by row would.
    let mut added = HashSet::new();
    for row in rows {
        let code = row.region.as_str();
        if !known.contains(code) && added.insert(code) {
            diesel::insert_into(regions::table)
                .values((regions::code.eq(code), regions::name.eq(format!("行政区划 {code}"))))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The enterprises whose records of `kind` batch `batch_id` inserted or changed
/// (what an import recomputes, read back when its process died before it could).
pub fn touched_by(conn: &mut DbConn, kind: RecordKind, batch_id: i64) -> QueryResult<Vec<String>> {
    macro_rules! usccs {
        ($table:ident) => {
            $table::table.filter($table::batch_id.eq(batch_id)).select($table::uscc).distinct().load(conn)
        };
    }
    match kind {
        RecordKind::Registry => usccs!(enterprises),
        RecordKind::Tax => usccs!(tax_records),
        RecordKind::Utilities => usccs!(utility_records),
        RecordKind::Property => usccs!(property_records),
        RecordKind::SocialSecurity => usccs!(social_security_records),
        RecordKind::Penalties => usccs!(penalty_records),
        RecordKind::Honours => usccs!(honour_records),
    }
}
