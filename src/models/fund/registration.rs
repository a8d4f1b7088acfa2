//! Registrations (入库): a drawdown covered by a fund under the rule version
//! in force when it was recorded, with the ratio that version gives.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

use crate::domain::calendar::from_beijing;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::Guarantee;
use crate::domain::code_list::unwrap;
use crate::domain::fund::{Candidate, Tag};
use crate::models::loan::Loan;
use crate::schema::{enterprises, fund_registrations, needs, offers, products};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = fund_registrations)]
pub struct Registration {
    pub id: i64,
    pub fund_id: i64,
    pub rule_id: i64,
    pub drawdown_id: i64,
    pub loan_id: i64,
    pub institution_id: i64,
    pub principal_fen: i64,
    pub ratio_bp: i32,
    pub tags: String,
    pub registered_on: NaiveDate,
    pub created_at: NaiveDateTime,
}

/// A drawdown covered by a fund: under which rule version, at what ratio.
#[derive(Clone, Debug, PartialEq)]
pub struct NewRegistration {
    pub fund_id: i64,
    pub rule_id: i64,
    pub drawdown_id: i64,
    pub loan_id: i64,
    pub institution_id: i64,
    pub principal_fen: i64,
    pub ratio_bp: i32,
    pub tags: Vec<Tag>,
    /// The drawdown's value date.
    pub registered_on: NaiveDate,
}

impl Registration {
    pub fn tags(&self) -> Vec<Tag> {
        Tag::split(&self.tags)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Registration>> {
        fund_registrations::table.find(id).select(Registration::as_select()).first(conn).optional()
    }

    /// A loan's registrations, in every fund.
    pub fn of_loan(conn: &mut DbConn, loan_id: i64) -> QueryResult<Vec<Registration>> {
        fund_registrations::table
            .filter(fund_registrations::loan_id.eq(loan_id))
            .order(fund_registrations::id)
            .select(Registration::as_select())
            .load(conn)
    }

    /// Registers a drawdown; its id.
    pub fn insert(conn: &mut DbConn, new: &NewRegistration, now: NaiveDateTime) -> QueryResult<i64> {
        diesel::insert_into(fund_registrations::table)
            .values((
                fund_registrations::fund_id.eq(new.fund_id),
                fund_registrations::rule_id.eq(new.rule_id),
                fund_registrations::drawdown_id.eq(new.drawdown_id),
                fund_registrations::loan_id.eq(new.loan_id),
                fund_registrations::institution_id.eq(new.institution_id),
                fund_registrations::principal_fen.eq(new.principal_fen),
                fund_registrations::ratio_bp.eq(new.ratio_bp),
                fund_registrations::tags.eq(Tag::join(&new.tags)),
                fund_registrations::registered_on.eq(new.registered_on),
                fund_registrations::created_at.eq(now),
            ))
            .returning(fund_registrations::id)
            .get_result(conn)
    }

    /// The principal `institution_id` registered in `fund_id` in `year`.
    pub fn principal_in_year(conn: &mut DbConn, fund_id: i64, institution_id: i64, year: i32) -> QueryResult<i64> {
        let (from, to) = year_bounds(year);
        // Summed here: SUM of a BIGINT is NUMERIC on PostgreSQL and INTEGER on SQLite.
        let rows: Vec<i64> = fund_registrations::table
            .filter(fund_registrations::fund_id.eq(fund_id))
            .filter(fund_registrations::institution_id.eq(institution_id))
            .filter(fund_registrations::registered_on.between(from, to))
            .select(fund_registrations::principal_fen)
            .load(conn)?;
        Ok(rows.iter().sum())
    }
}

/// The first instant of `year` and of the next, Beijing time, as stored (UTC):
/// a claim submitted at 01:00 on 1 January in Beijing counts in the new year.
pub fn year_instants(year: i32) -> (NaiveDateTime, NaiveDateTime) {
    let start = |y: i32| from_beijing(NaiveDate::from_ymd_opt(y, 1, 1).expect("a year").and_time(NaiveTime::MIN));
    (start(year), start(year + 1))
}

/// The first and last day of `year`.
pub fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("a year");
    (first, first.with_year(year + 1).expect("a year").pred_opt().expect("a day"))
}

/// The loan's drawdown as a fund's rules see it.
pub fn candidate(conn: &mut DbConn, loan: &Loan) -> QueryResult<Candidate> {
    let (size, region): (String, String) = enterprises::table
        .find(loan.enterprise_id)
        .select((enterprises::size_class, enterprises::region))
        .first(conn)?;
    let product: Option<(i64, String)> = offers::table
        .inner_join(needs::table.inner_join(products::table))
        .filter(offers::id.eq(loan.offer_id))
        .select((products::id, products::programmes))
        .first(conn)
        .optional()?;
    let mut tags = Vec::new();
    if loan.first_loan {
        tags.push(Tag::FirstLoan);
    }
    if loan.credit_only {
        tags.push(Tag::Credit);
    }
    if loan.guarantees.taken().contains(&Guarantee::Pledge) {
        tags.push(Tag::Pledge);
    }
    if loan.renewal {
        tags.push(Tag::Renewal);
    }
    Ok(Candidate {
        size,
        region,
        line_fen: loan.line.fen(),
        credit_only: loan.credit_only,
        product_id: product.as_ref().map(|(id, _)| *id),
        programmes: product.map(|(_, p)| unwrap(&p)).unwrap_or_default(),
        tags,
    })
}
