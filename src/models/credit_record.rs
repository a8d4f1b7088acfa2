//! Storing credit records: each kind is matched on its natural key, so a row
//! seen before is updated, an identical row changes nothing, and a new row is
//! inserted. Every stored row carries its provenance (department, as-of date,
//! import batch); a row whose data and provenance are unchanged keeps its batch.
//!
//! Records are stored a chunk at a time ([`store_many`]): one query finds the
//! stored rows of the chunk's keys, the new rows go in with one multi-row
//! INSERT, and changed rows are updated one by one. The outcome is the same as
//! storing the records one after the other with [`store`].

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::Hash;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::db::{DbConn, on_backend};
use crate::domain::records::{
    HonourRecord, PenaltyRecord, PenaltyStatus, PropertyRecord, Record, RecordKind, RegistryRecord,
    SocialSecurityRecord, TaxRecord, UtilityRecord,
};
use crate::schema::{
    enterprises, honour_records, penalty_records, property_records, regions, social_security_records, tax_records,
    utility_records,
};

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

/// Hundredths as an integer (usage, area): exact, like money.
pub fn centi(value: Decimal) -> i64 {
    (value * Decimal::ONE_HUNDRED).round().try_into().unwrap_or(i64::MAX)
}

#[derive(Insertable, AsChangeset, Queryable, Selectable, Clone, Debug, PartialEq)]
#[diesel(table_name = tax_records)]
pub struct TaxRow {
    pub uscc: String,
    pub year: i32,
    pub tax_grade: String,
    pub tax_paid_fen: i64,
    pub revenue_fen: i64,
    pub department: String,
    pub as_of: NaiveDate,
    pub batch_id: Option<i64>,
}

#[derive(Insertable, AsChangeset, Queryable, Selectable, Clone, Debug, PartialEq)]
#[diesel(table_name = utility_records)]
pub struct UtilityRow {
    pub uscc: String,
    pub month: NaiveDate,
    pub utility: String,
    pub usage_centi: i64,
    pub billed_fen: i64,
    pub arrears_fen: i64,
    pub department: String,
    pub as_of: NaiveDate,
    pub batch_id: Option<i64>,
}

#[derive(Insertable, AsChangeset, Queryable, Selectable, Clone, Debug, PartialEq)]
#[diesel(table_name = property_records)]
pub struct PropertyRow {
    pub certificate_no: String,
    pub uscc: String,
    pub kind: String,
    pub area_centi: i64,
    pub assessed_value_fen: i64,
    pub mortgaged: bool,
    pub department: String,
    pub as_of: NaiveDate,
    pub batch_id: Option<i64>,
}

#[derive(Insertable, AsChangeset, Queryable, Selectable, Clone, Debug, PartialEq)]
#[diesel(table_name = social_security_records)]
pub struct SocialSecurityRow {
    pub uscc: String,
    pub month: NaiveDate,
    pub insured: i32,
    pub arrears_fen: i64,
    pub department: String,
    pub as_of: NaiveDate,
    pub batch_id: Option<i64>,
}

#[derive(Insertable, AsChangeset, Queryable, Selectable, Clone, Debug, PartialEq)]
#[diesel(table_name = penalty_records, treat_none_as_null = true)]
pub struct PenaltyRow {
    pub authority: String,
    pub case_no: String,
    pub uscc: String,
    pub decided_on: NaiveDate,
    pub kind: String,
    pub amount_fen: i64,
    pub status: String,
    pub ended_on: Option<NaiveDate>,
    pub department: String,
    pub as_of: NaiveDate,
    pub batch_id: Option<i64>,
}

#[derive(Insertable, AsChangeset, Queryable, Selectable, Clone, Debug, PartialEq)]
#[diesel(table_name = honour_records, treat_none_as_null = true)]
pub struct HonourRow {
    pub uscc: String,
    pub honour: String,
    pub awarded_on: NaiveDate,
    pub issuer: String,
    pub expires_on: Option<NaiveDate>,
    pub department: String,
    pub as_of: NaiveDate,
    pub batch_id: Option<i64>,
}

#[derive(Insertable, AsChangeset, Queryable, Selectable, Clone, Debug, PartialEq)]
#[diesel(table_name = enterprises)]
pub struct RegistryRow {
    pub uscc: String,
    pub name: String,
    pub legal_representative: String,
    pub registered_capital_fen: i64,
    pub established_on: NaiveDate,
    pub region: String,
    pub industry: String,
    pub size_class: String,
    pub address: String,
    pub contact_email: Option<String>,
    pub contact_mobile: Option<String>,
    pub department: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub batch_id: Option<i64>,
}

/// Records looked up (and inserted) together: well under the bind-parameter
/// limits of SQLite (32,766) and PostgreSQL (65,535).
pub const CHUNK: usize = 1000;
/// Rows per multi-row INSERT (a registry row binds 16 values).
const ROWS_PER_INSERT: usize = 500;

/// A kind of stored row: its natural key, and how rows are found, inserted and updated.
trait Stored: Clone + PartialEq + Sized {
    type Key: Clone + Eq + Hash;
    fn key(&self) -> Self::Key;
    fn batch_id(&mut self) -> &mut Option<i64>;
    /// Stored rows that may share a key with one of `rows`: a superset (each
    /// key column is matched on its own), narrowed to the exact keys in memory.
    fn candidates(conn: &mut DbConn, rows: &[Self]) -> QueryResult<Vec<(i64, Self)>>;
    fn insert(conn: &mut DbConn, rows: &[Self], now: NaiveDateTime) -> QueryResult<()>;
    fn update(conn: &mut DbConn, id: i64, row: &Self, now: NaiveDateTime) -> QueryResult<()>;
}

/// The distinct values of one key column among `rows`.
fn distinct<'a, R, T: Ord>(rows: &'a [R], column: impl Fn(&'a R) -> T) -> Vec<T> {
    rows.iter().map(column).collect::<BTreeSet<T>>().into_iter().collect()
}

/// `batch_id`, `insert` and `update` of a record table (all but the registry).
macro_rules! plain_writes {
    ($table:ident) => {
        fn batch_id(&mut self) -> &mut Option<i64> {
            &mut self.batch_id
        }

        fn insert(conn: &mut DbConn, rows: &[Self], _now: NaiveDateTime) -> QueryResult<()> {
            for part in rows.chunks(ROWS_PER_INSERT) {
                on_backend!(&mut *conn, |c| diesel::insert_into($table::table).values(part).execute(c))?;
            }
            Ok(())
        }

        fn update(conn: &mut DbConn, id: i64, row: &Self, _now: NaiveDateTime) -> QueryResult<()> {
            diesel::update($table::table.find(id)).set(row).execute(conn).map(drop)
        }
    };
}

impl Stored for TaxRow {
    type Key = (String, i32);
    fn key(&self) -> Self::Key {
        (self.uscc.clone(), self.year)
    }
    fn candidates(conn: &mut DbConn, rows: &[Self]) -> QueryResult<Vec<(i64, Self)>> {
        tax_records::table
            .filter(tax_records::uscc.eq_any(distinct(rows, |r| r.uscc.as_str())))
            .filter(tax_records::year.eq_any(distinct(rows, |r| r.year)))
            .select((tax_records::id, TaxRow::as_select()))
            .load(conn)
    }
    plain_writes!(tax_records);
}

impl Stored for UtilityRow {
    type Key = (String, NaiveDate, String);
    fn key(&self) -> Self::Key {
        (self.uscc.clone(), self.month, self.utility.clone())
    }
    fn candidates(conn: &mut DbConn, rows: &[Self]) -> QueryResult<Vec<(i64, Self)>> {
        utility_records::table
            .filter(utility_records::uscc.eq_any(distinct(rows, |r| r.uscc.as_str())))
            .filter(utility_records::month.eq_any(distinct(rows, |r| r.month)))
            .filter(utility_records::utility.eq_any(distinct(rows, |r| r.utility.as_str())))
            .select((utility_records::id, UtilityRow::as_select()))
            .load(conn)
    }
    plain_writes!(utility_records);
}

impl Stored for PropertyRow {
    type Key = String;
    fn key(&self) -> Self::Key {
        self.certificate_no.clone()
    }
    fn candidates(conn: &mut DbConn, rows: &[Self]) -> QueryResult<Vec<(i64, Self)>> {
        property_records::table
            .filter(property_records::certificate_no.eq_any(distinct(rows, |r| r.certificate_no.as_str())))
            .select((property_records::id, PropertyRow::as_select()))
            .load(conn)
    }
    plain_writes!(property_records);
}

impl Stored for SocialSecurityRow {
    type Key = (String, NaiveDate);
    fn key(&self) -> Self::Key {
        (self.uscc.clone(), self.month)
    }
    fn candidates(conn: &mut DbConn, rows: &[Self]) -> QueryResult<Vec<(i64, Self)>> {
        social_security_records::table
            .filter(social_security_records::uscc.eq_any(distinct(rows, |r| r.uscc.as_str())))
            .filter(social_security_records::month.eq_any(distinct(rows, |r| r.month)))
            .select((social_security_records::id, SocialSecurityRow::as_select()))
            .load(conn)
    }
    plain_writes!(social_security_records);
}

impl Stored for PenaltyRow {
    type Key = (String, String);
    fn key(&self) -> Self::Key {
        (self.authority.clone(), self.case_no.clone())
    }
    fn candidates(conn: &mut DbConn, rows: &[Self]) -> QueryResult<Vec<(i64, Self)>> {
        penalty_records::table
            .filter(penalty_records::authority.eq_any(distinct(rows, |r| r.authority.as_str())))
            .filter(penalty_records::case_no.eq_any(distinct(rows, |r| r.case_no.as_str())))
            .select((penalty_records::id, PenaltyRow::as_select()))
            .load(conn)
    }
    plain_writes!(penalty_records);
}

impl Stored for HonourRow {
    type Key = (String, String, NaiveDate);
    fn key(&self) -> Self::Key {
        (self.uscc.clone(), self.honour.clone(), self.awarded_on)
    }
    fn candidates(conn: &mut DbConn, rows: &[Self]) -> QueryResult<Vec<(i64, Self)>> {
        honour_records::table
            .filter(honour_records::uscc.eq_any(distinct(rows, |r| r.uscc.as_str())))
            .filter(honour_records::honour.eq_any(distinct(rows, |r| r.honour.as_str())))
            .filter(honour_records::awarded_on.eq_any(distinct(rows, |r| r.awarded_on)))
            .select((honour_records::id, HonourRow::as_select()))
            .load(conn)
    }
    plain_writes!(honour_records);
}

impl Stored for RegistryRow {
    type Key = String;
    fn key(&self) -> Self::Key {
        self.uscc.clone()
    }
    fn batch_id(&mut self) -> &mut Option<i64> {
        &mut self.batch_id
    }
    fn candidates(conn: &mut DbConn, rows: &[Self]) -> QueryResult<Vec<(i64, Self)>> {
        enterprises::table
            .filter(enterprises::uscc.eq_any(distinct(rows, |r| r.uscc.as_str())))
            .select((enterprises::id, RegistryRow::as_select()))
            .load(conn)
    }
    fn insert(conn: &mut DbConn, rows: &[Self], now: NaiveDateTime) -> QueryResult<()> {
        for part in rows.chunks(ROWS_PER_INSERT) {
            let values: Vec<_> = part
                .iter()
                .map(|row| (row, enterprises::created_at.eq(now), enterprises::updated_at.eq(now)))
                .collect();
            on_backend!(&mut *conn, |c| diesel::insert_into(enterprises::table).values(values).execute(c))?;
        }
        Ok(())
    }
    fn update(conn: &mut DbConn, id: i64, row: &Self, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(enterprises::table.find(id)).set((row, enterprises::updated_at.eq(now))).execute(conn).map(drop)
    }
}

/// A row waiting to be written at the end of its chunk.
struct Slot<R> {
    /// None for a row not stored yet.
    id: Option<i64>,
    row: R,
    dirty: bool,
}

/// Stores rows of one kind as if one after the other: an unseen key is
/// inserted, a changed row updated, an identical one kept (the batch id does
/// not count as a difference). A key seen again compares with its latest version.
fn store_rows<R: Stored>(conn: &mut DbConn, rows: Vec<R>, now: NaiveDateTime) -> QueryResult<Vec<Change>> {
    let mut slots: HashMap<R::Key, Slot<R>> = R::candidates(conn, &rows)?
        .into_iter()
        .map(|(id, row)| (row.key(), Slot { id: Some(id), row, dirty: false }))
        .collect();
    let (mut written, mut changes) = (Vec::new(), Vec::with_capacity(rows.len()));
    for mut row in rows {
        let key = row.key();
        let Some(slot) = slots.get_mut(&key) else {
            written.push(key.clone());
            slots.insert(key, Slot { id: None, row, dirty: true });
            changes.push(Change::Inserted);
            continue;
        };
        let mut old = slot.row.clone();
        *old.batch_id() = *row.batch_id();
        if old == row {
            changes.push(Change::Unchanged);
            continue;
        }
        if !slot.dirty {
            slot.dirty = true;
            written.push(key);
        }
        slot.row = row;
        changes.push(Change::Updated);
    }
    let (mut inserts, mut updates) = (Vec::new(), Vec::new());
    for key in written {
        let Some(slot) = slots.remove(&key) else { continue };
        match slot.id {
            None => inserts.push(slot.row),
            Some(id) => updates.push((id, slot.row)),
        }
    }
    R::insert(conn, &inserts, now)?;
    for (id, row) in &updates {
        R::update(conn, *id, row, now)?;
    }
    Ok(changes)
}

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
            Record::Tax(_) => store_rows(conn, rows_of!(chunk, Tax, |r| tax_row(r, from)), now)?,
            Record::Utility(_) => store_rows(conn, rows_of!(chunk, Utility, |r| utility_row(r, from)), now)?,
            Record::Property(_) => store_rows(conn, rows_of!(chunk, Property, |r| property_row(r, from)), now)?,
            Record::SocialSecurity(_) => {
                store_rows(conn, rows_of!(chunk, SocialSecurity, |r| social_security_row(r, from)), now)?
            }
            Record::Penalty(_) => store_rows(conn, rows_of!(chunk, Penalty, |r| penalty_row(r, from)), now)?,
            Record::Honour(_) => store_rows(conn, rows_of!(chunk, Honour, |r| honour_row(r, from)), now)?,
            Record::Registry(_) => {
                let rows: Vec<RegistryRow> = rows_of!(chunk, Registry, |r| registry_row(r, from));
                ensure_regions(conn, &rows)?;
                store_rows(conn, rows, now)?
            }
        });
    }
    Ok(changes)
}

fn tax_row(r: &TaxRecord, from: &Provenance) -> TaxRow {
    TaxRow {
        uscc: r.uscc.to_string(),
        year: r.year,
        tax_grade: r.tax_grade.as_str().into(),
        tax_paid_fen: r.tax_paid.fen(),
        revenue_fen: r.revenue.fen(),
        department: from.department.clone(),
        as_of: from.as_of,
        batch_id: Some(from.batch_id),
    }
}

fn utility_row(r: &UtilityRecord, from: &Provenance) -> UtilityRow {
    UtilityRow {
        uscc: r.uscc.to_string(),
        month: r.month,
        utility: r.utility.as_str().into(),
        usage_centi: centi(r.usage),
        billed_fen: r.billed.fen(),
        arrears_fen: r.arrears.fen(),
        department: from.department.clone(),
        as_of: from.as_of,
        batch_id: Some(from.batch_id),
    }
}

fn property_row(r: &PropertyRecord, from: &Provenance) -> PropertyRow {
    PropertyRow {
        certificate_no: r.certificate_no.clone(),
        uscc: r.uscc.to_string(),
        kind: r.kind.clone(),
        area_centi: centi(r.area),
        assessed_value_fen: r.assessed_value.fen(),
        mortgaged: r.mortgaged,
        department: from.department.clone(),
        as_of: from.as_of,
        batch_id: Some(from.batch_id),
    }
}

fn social_security_row(r: &SocialSecurityRecord, from: &Provenance) -> SocialSecurityRow {
    SocialSecurityRow {
        uscc: r.uscc.to_string(),
        month: r.month,
        insured: r.insured,
        arrears_fen: r.arrears.fen(),
        department: from.department.clone(),
        as_of: from.as_of,
        batch_id: Some(from.batch_id),
    }
}

fn penalty_row(r: &PenaltyRecord, from: &Provenance) -> PenaltyRow {
    PenaltyRow {
        authority: r.authority.clone(),
        case_no: r.case_no.clone(),
        uscc: r.uscc.to_string(),
        decided_on: r.decided_on,
        kind: r.kind.as_str().into(),
        amount_fen: r.amount.fen(),
        status: match r.status {
            PenaltyStatus::Active => "active",
            PenaltyStatus::Repaired => "repaired",
        }
        .into(),
        ended_on: r.ended_on,
        department: from.department.clone(),
        as_of: from.as_of,
        batch_id: Some(from.batch_id),
    }
}

fn honour_row(r: &HonourRecord, from: &Provenance) -> HonourRow {
    HonourRow {
        uscc: r.uscc.to_string(),
        honour: r.honour.clone(),
        awarded_on: r.awarded_on,
        issuer: r.issuer.clone(),
        expires_on: r.expires_on,
        department: from.department.clone(),
        as_of: from.as_of,
        batch_id: Some(from.batch_id),
    }
}

fn registry_row(r: &RegistryRecord, from: &Provenance) -> RegistryRow {
    RegistryRow {
        uscc: r.uscc.to_string(),
        name: r.name.clone(),
        legal_representative: r.legal_representative.clone(),
        registered_capital_fen: r.registered_capital.fen(),
        established_on: r.established_on,
        region: r.region.clone(),
        industry: r.industry.clone(),
        size_class: r.size_class.clone(),
        address: r.address.clone(),
        contact_email: r.contact_email.clone(),
        contact_mobile: r.contact_mobile.clone(),
        department: Some(from.department.clone()),
        as_of: Some(from.as_of),
        batch_id: Some(from.batch_id),
    }
}

/// A region code first seen in a registry file is recorded under its code
/// until the credit office names it.
fn ensure_regions(conn: &mut DbConn, rows: &[RegistryRow]) -> QueryResult<()> {
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
