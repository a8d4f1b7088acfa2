//! The upsert engine: rows of one kind stored a chunk at a time, matched on
//! their natural key. One query finds the stored rows of the chunk's keys,
//! the new rows go in with one multi-row INSERT, and changed rows are updated
//! one by one; the outcome is the same as storing them one after the other.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::Change;
use super::rows::{HonourRow, PenaltyRow, PropertyRow, SocialSecurityRow, TaxRow, UtilityRow};
use crate::db::{DbConn, on_backend};
use crate::models::enterprise::NewEnterprise;
use crate::schema::{
    enterprises, honour_records, penalty_records, property_records, social_security_records, tax_records,
    utility_records,
};

/// Rows per multi-row INSERT (a registry row binds 16 values).
const ROWS_PER_INSERT: usize = 500;

/// A kind of stored row: its natural key, and how rows are found, inserted and updated.
pub(super) trait Stored: Clone + PartialEq + Sized {
    type Key: Clone + Eq + Hash;
    fn key(&self) -> Self::Key;
    /// Takes `new`'s bookkeeping (its batch id, and for an enterprise its
    /// timestamps), so that comparing with `new` compares the data alone.
    fn adopt_bookkeeping(&mut self, new: &Self);
    /// Before `self` replaces `stored`: what the stored row keeps (an enterprise's creation time).
    fn keep_from(&mut self, _stored: &Self) {}
    /// Stored rows that may share a key with one of `rows`: a superset (each
    /// key column is matched on its own), narrowed to the exact keys in memory.
    fn candidates(conn: &mut DbConn, rows: &[Self]) -> QueryResult<Vec<(i64, Self)>>;
    fn insert(conn: &mut DbConn, rows: &[Self]) -> QueryResult<()>;
    fn update(conn: &mut DbConn, id: i64, row: &Self) -> QueryResult<()>;
}

/// The distinct values of one key column among `rows`.
pub(super) fn distinct<'a, R, T: Ord>(rows: &'a [R], column: impl Fn(&'a R) -> T) -> Vec<T> {
    rows.iter().map(column).collect::<BTreeSet<T>>().into_iter().collect()
}

/// `insert` and `update` of a table whose row struct holds every column but the id.
macro_rules! plain_writes {
    ($table:ident) => {
        fn insert(conn: &mut DbConn, rows: &[Self]) -> QueryResult<()> {
            for part in rows.chunks(ROWS_PER_INSERT) {
                on_backend!(&mut *conn, |c| diesel::insert_into($table::table).values(part).execute(c))?;
            }
            Ok(())
        }

        fn update(conn: &mut DbConn, id: i64, row: &Self) -> QueryResult<()> {
            diesel::update($table::table.find(id)).set(row).execute(conn).map(drop)
        }
    };
}

/// `adopt_bookkeeping` of a record table: the batch id is bookkeeping.
macro_rules! batch_bookkeeping {
    () => {
        fn adopt_bookkeeping(&mut self, new: &Self) {
            self.batch_id = new.batch_id;
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
    batch_bookkeeping!();
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
    batch_bookkeeping!();
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
    batch_bookkeeping!();
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
    batch_bookkeeping!();
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
    batch_bookkeeping!();
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
    batch_bookkeeping!();
}

impl Stored for NewEnterprise {
    type Key = String;
    fn key(&self) -> Self::Key {
        self.uscc.clone()
    }
    fn adopt_bookkeeping(&mut self, new: &Self) {
        self.batch_id = new.batch_id;
        self.created_at = new.created_at;
        self.updated_at = new.updated_at;
    }
    fn keep_from(&mut self, stored: &Self) {
        self.created_at = stored.created_at;
    }
    fn candidates(conn: &mut DbConn, rows: &[Self]) -> QueryResult<Vec<(i64, Self)>> {
        enterprises::table
            .filter(enterprises::uscc.eq_any(distinct(rows, |r| r.uscc.as_str())))
            .select((enterprises::id, NewEnterprise::as_select()))
            .load(conn)
    }
    plain_writes!(enterprises);
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
pub(super) fn store_rows<R: Stored>(conn: &mut DbConn, rows: Vec<R>) -> QueryResult<Vec<Change>> {
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
        old.adopt_bookkeeping(&row);
        if old == row {
            changes.push(Change::Unchanged);
            continue;
        }
        if !slot.dirty {
            slot.dirty = true;
            written.push(key);
        }
        row.keep_from(&slot.row);
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
    R::insert(conn, &inserts)?;
    for (id, row) in &updates {
        R::update(conn, *id, row)?;
    }
    Ok(changes)
}
