//! The stored rows of each kind of credit record, with their provenance
//! (the registry's row is the enterprise's own, `models::enterprise::NewEnterprise`).

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::schema::{
    honour_records, penalty_records, property_records, social_security_records, tax_records, utility_records,
};

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
