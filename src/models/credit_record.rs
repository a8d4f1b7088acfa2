//! Storing credit records: each kind is matched on its natural key, so a row
//! seen before is updated, an identical row changes nothing, and a new row is
//! inserted. Every stored row carries its provenance (department, as-of date,
//! import batch); a row whose data and provenance are unchanged keeps its batch.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::db::DbConn;
use crate::domain::records::{PenaltyStatus, Record};
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
    pub department: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub batch_id: Option<i64>,
}

enum Plan {
    Insert,
    Update(i64),
    Keep,
}

/// Decides between insert, update and nothing; the batch id does not count as a difference.
fn plan<R: Clone + PartialEq>(existing: Option<(i64, R)>, row: &R, batch: impl Fn(&mut R) -> &mut Option<i64>) -> Plan {
    let Some((id, mut old)) = existing else { return Plan::Insert };
    *batch(&mut old) = *batch(&mut row.clone());
    if old == *row { Plan::Keep } else { Plan::Update(id) }
}

/// Inserts, updates or keeps `row` in `table` given the stored row found by its natural key.
macro_rules! apply {
    ($conn:expr, $table:ident, $existing:expr, $row:expr) => {{
        let row = $row;
        match plan($existing, &row, |r| &mut r.batch_id) {
            Plan::Insert => {
                diesel::insert_into($table::table).values(&row).execute($conn)?;
                Change::Inserted
            }
            Plan::Update(id) => {
                diesel::update($table::table.find(id)).set(&row).execute($conn)?;
                Change::Updated
            }
            Plan::Keep => Change::Unchanged,
        }
    }};
}

/// Stores one record (in the caller's transaction); returns what happened.
///
/// The natural-key lookups use `get_result`, not `first`: the key is unique,
/// and on SQLite (3.53) a statement with a bound `LIMIT` is prepared again on
/// every execution, which cost a third of an import's time.
pub fn store(conn: &mut DbConn, record: &Record, from: &Provenance, now: NaiveDateTime) -> QueryResult<Change> {
    let (department, as_of, batch) = (from.department.clone(), from.as_of, Some(from.batch_id));
    match record {
        Record::Tax(r) => {
            let row = TaxRow {
                uscc: r.uscc.to_string(),
                year: r.year,
                tax_grade: r.tax_grade.as_str().into(),
                tax_paid_fen: r.tax_paid.fen(),
                revenue_fen: r.revenue.fen(),
                department,
                as_of,
                batch_id: batch,
            };
            let existing = tax_records::table
                .filter(tax_records::uscc.eq(&row.uscc).and(tax_records::year.eq(row.year)))
                .select((tax_records::id, TaxRow::as_select()))
                .get_result(conn)
                .optional()?;
            Ok(apply!(conn, tax_records, existing, row))
        }
        Record::Utility(r) => {
            let row = UtilityRow {
                uscc: r.uscc.to_string(),
                month: r.month,
                utility: r.utility.as_str().into(),
                usage_centi: centi(r.usage),
                billed_fen: r.billed.fen(),
                arrears_fen: r.arrears.fen(),
                department,
                as_of,
                batch_id: batch,
            };
            let existing = utility_records::table
                .filter(utility_records::uscc.eq(&row.uscc))
                .filter(utility_records::month.eq(row.month))
                .filter(utility_records::utility.eq(&row.utility))
                .select((utility_records::id, UtilityRow::as_select()))
                .get_result(conn)
                .optional()?;
            Ok(apply!(conn, utility_records, existing, row))
        }
        Record::Property(r) => {
            let row = PropertyRow {
                certificate_no: r.certificate_no.clone(),
                uscc: r.uscc.to_string(),
                kind: r.kind.clone(),
                area_centi: centi(r.area),
                assessed_value_fen: r.assessed_value.fen(),
                mortgaged: r.mortgaged,
                department,
                as_of,
                batch_id: batch,
            };
            let existing = property_records::table
                .filter(property_records::certificate_no.eq(&row.certificate_no))
                .select((property_records::id, PropertyRow::as_select()))
                .get_result(conn)
                .optional()?;
            Ok(apply!(conn, property_records, existing, row))
        }
        Record::SocialSecurity(r) => {
            let row = SocialSecurityRow {
                uscc: r.uscc.to_string(),
                month: r.month,
                insured: r.insured,
                arrears_fen: r.arrears.fen(),
                department,
                as_of,
                batch_id: batch,
            };
            let existing = social_security_records::table
                .filter(social_security_records::uscc.eq(&row.uscc))
                .filter(social_security_records::month.eq(row.month))
                .select((social_security_records::id, SocialSecurityRow::as_select()))
                .get_result(conn)
                .optional()?;
            Ok(apply!(conn, social_security_records, existing, row))
        }
        Record::Penalty(r) => {
            let row = PenaltyRow {
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
                department,
                as_of,
                batch_id: batch,
            };
            let existing = penalty_records::table
                .filter(penalty_records::authority.eq(&row.authority))
                .filter(penalty_records::case_no.eq(&row.case_no))
                .select((penalty_records::id, PenaltyRow::as_select()))
                .get_result(conn)
                .optional()?;
            Ok(apply!(conn, penalty_records, existing, row))
        }
        Record::Honour(r) => {
            let row = HonourRow {
                uscc: r.uscc.to_string(),
                honour: r.honour.clone(),
                awarded_on: r.awarded_on,
                issuer: r.issuer.clone(),
                expires_on: r.expires_on,
                department,
                as_of,
                batch_id: batch,
            };
            let existing = honour_records::table
                .filter(honour_records::uscc.eq(&row.uscc))
                .filter(honour_records::honour.eq(&row.honour))
                .filter(honour_records::awarded_on.eq(row.awarded_on))
                .select((honour_records::id, HonourRow::as_select()))
                .get_result(conn)
                .optional()?;
            Ok(apply!(conn, honour_records, existing, row))
        }
        Record::Registry(r) => {
            let row = RegistryRow {
                uscc: r.uscc.to_string(),
                name: r.name.clone(),
                legal_representative: r.legal_representative.clone(),
                registered_capital_fen: r.registered_capital.fen(),
                established_on: r.established_on,
                region: r.region.clone(),
                industry: r.industry.clone(),
                size_class: r.size_class.clone(),
                address: r.address.clone(),
                department: Some(department),
                as_of: Some(as_of),
                batch_id: batch,
            };
            ensure_region(conn, &row.region)?;
            let existing = enterprises::table
                .filter(enterprises::uscc.eq(&row.uscc))
                .select((enterprises::id, RegistryRow::as_select()))
                .get_result(conn)
                .optional()?;
            Ok(match plan(existing, &row, |r| &mut r.batch_id) {
                Plan::Insert => {
                    diesel::insert_into(enterprises::table)
                        .values((&row, enterprises::created_at.eq(now), enterprises::updated_at.eq(now)))
                        .execute(conn)?;
                    Change::Inserted
                }
                Plan::Update(id) => {
                    diesel::update(enterprises::table.find(id))
                        .set((&row, enterprises::updated_at.eq(now)))
                        .execute(conn)?;
                    Change::Updated
                }
                Plan::Keep => Change::Unchanged,
            })
        }
    }
}

/// A region code first seen in a registry file is recorded under its code
/// until the credit office names it.
fn ensure_region(conn: &mut DbConn, code: &str) -> QueryResult<()> {
    let known: i64 = regions::table.filter(regions::code.eq(code)).count().get_result(conn)?;
    if known == 0 {
        diesel::insert_into(regions::table)
            .values((regions::code.eq(code), regions::name.eq(format!("行政区划 {code}"))))
            .execute(conn)?;
    }
    Ok(())
}
