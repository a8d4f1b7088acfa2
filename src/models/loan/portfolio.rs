//! The portfolio (贷款管理): a bank's loans, or every bank's for the credit
//! office, under the page's filters, a page at a time; the sums over every
//! loan the filters select (counted and summed in SQL, never by loading the
//! rows); and the bank admin's figures per branch and per officer (GROUP BY).
//!
//! One condition (`condition`) serves the list, the sums and the figures
//! (`groups`), so the three always agree. The scope comes from who asks, never from the
//! query string: a bank's filter cannot name another bank.

use chrono::NaiveDate;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Date};

use crate::db::{DbBackend, DbConn};
use crate::domain::Money;
use crate::domain::loan::{Classification, LoanStatus};
use crate::models::page::{Pager, empty_as_none};
use crate::schema::{branches, enterprises, instalments, institutions, loans, users};

use super::Loan;

/// Whose loans: one institution's (its officers and admin), or all (the credit office).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Institution(i64),
    All,
}

/// The classification filter's value for 不良 only (次级, 可疑 and 损失).
pub const NON_PERFORMING: &str = "non_performing";

/// What the portfolio's filter form selects; every field optional, an
/// unknown or malformed value ignored.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct PortfolioFilter {
    /// A `LoanStatus` code.
    #[serde(default)]
    pub status: String,
    /// A `Classification` code, or `NON_PERFORMING`.
    #[serde(default)]
    pub classification: String,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub branch: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub officer: Option<i64>,
    /// Signed on or after.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub signed_from: Option<NaiveDate>,
    /// Signed on or before.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub signed_to: Option<NaiveDate>,
    /// With a drawdown whose value date is on or after.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub drawn_from: Option<NaiveDate>,
    /// With a drawdown whose value date is on or before.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub drawn_to: Option<NaiveDate>,
    /// 首贷 only (any non-empty value).
    #[serde(default)]
    pub first_loan: String,
    /// 信用贷款 only (any non-empty value).
    #[serde(default)]
    pub credit_only: String,
    /// Part of the enterprise's name.
    #[serde(default)]
    pub q: String,
    /// The credit office's choice of bank; ignored in a bank's scope.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub institution: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub page: Option<i64>,
}

/// One loan of the list, with the names the table shows.
#[derive(Clone, Debug)]
pub struct PortfolioLine {
    pub loan: Loan,
    pub enterprise: String,
    pub institution: String,
    pub officer: String,
    pub branch: Option<String>,
    /// An overdue loan's days past the first instalment left unpaid.
    pub days_overdue: Option<i64>,
}

/// The sums over every loan the filters select.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PortfolioSums {
    pub count: i64,
    pub line: Money,
    pub drawn: Money,
    pub outstanding: Money,
    /// The outstanding principal of the loans 逾期.
    pub overdue: Money,
    /// The outstanding principal of the loans classified 次级 or worse (不良).
    pub non_performing: Money,
}

type Joined = diesel::dsl::LeftJoin<
    diesel::dsl::InnerJoin<
        diesel::dsl::InnerJoin<diesel::dsl::InnerJoin<loans::table, enterprises::table>, institutions::table>,
        users::table,
    >,
    branches::table,
>;
type Source = diesel::dsl::LeftJoinQuerySource<
    diesel::dsl::InnerJoinQuerySource<
        diesel::dsl::InnerJoinQuerySource<
            diesel::dsl::InnerJoinQuerySource<loans::table, enterprises::table>,
            institutions::table,
        >,
        users::table,
    >,
    branches::table,
>;
type Condition = Box<dyn BoxableExpression<Source, DbBackend, SqlType = Bool>>;

/// The loans with their enterprise, institution, officer and (if any) branch.
fn joined() -> Joined {
    loans::table
        .inner_join(enterprises::table)
        .inner_join(institutions::table)
        .inner_join(users::table)
        .left_join(branches::table)
}

/// A `SUM` of fen that reads as a BIGINT on both backends (PostgreSQL sums a
/// BIGINT to NUMERIC), zero over no rows; `when` limits it to some loans. The
/// SQL is one static string: the column and the condition are literals (their
/// codes checked against the domain's in this file's tests), nothing is
/// formatted in.
macro_rules! sum_fen {
    ($column:literal) => {
        sql::<BigInt>(concat!("CAST(COALESCE(SUM(", $column, "), 0) AS BIGINT)"))
    };
    ($column:literal when $($when:tt)+) => {
        sql::<BigInt>(concat!("CAST(COALESCE(SUM(CASE WHEN ", $($when)+, " THEN ", $column, " ELSE 0 END), 0) AS BIGINT)"))
    };
}

/// "The loan is still on the books": a written-off loan's principal left the
/// balance when it was written off, so the balance sums leave it out.
macro_rules! on_books {
    () => {
        "loans.status <> 'written_off'"
    };
}

/// "The loan is 逾期", for a sum.
macro_rules! overdue {
    () => {
        "loans.status = 'overdue'"
    };
}

/// "The loan is classified 不良" and still on the books, for a sum.
macro_rules! non_performing {
    () => {
        concat!("loans.classification IN ('substandard', 'doubtful', 'loss') AND ", on_books!())
    };
}

mod groups;
pub use groups::GroupFigures;

fn non_performing() -> Vec<&'static str> {
    Classification::ALL.into_iter().filter(|c| c.is_non_performing()).map(Classification::as_str).collect()
}

/// The loans of `scope` that `filter` selects, as one condition on `joined()`.
fn condition(scope: Scope, filter: &PortfolioFilter) -> Condition {
    let mut all: Vec<Condition> = Vec::new();
    match (scope, filter.institution) {
        (Scope::Institution(id), _) | (Scope::All, Some(id)) => all.push(Box::new(loans::institution_id.eq(id))),
        (Scope::All, None) => {}
    }
    if let Some(status) = LoanStatus::parse(&filter.status) {
        all.push(Box::new(loans::status.eq(status.as_str())));
    }
    if filter.classification == NON_PERFORMING {
        all.push(Box::new(loans::classification.eq_any(non_performing())));
    } else if let Some(class) = Classification::parse(&filter.classification) {
        all.push(Box::new(loans::classification.eq(class.as_str())));
    }
    if let Some(branch) = filter.branch {
        all.push(Box::new(loans::branch_id.eq(branch).assume_not_null()));
    }
    if let Some(officer) = filter.officer {
        all.push(Box::new(loans::officer_id.eq(officer)));
    }
    if let Some(from) = filter.signed_from {
        all.push(Box::new(loans::signed_on.ge(from)));
    }
    if let Some(to) = filter.signed_to {
        all.push(Box::new(loans::signed_on.le(to)));
    }
    if filter.drawn_from.is_some() || filter.drawn_to.is_some() {
        // The value dates ride the drawdowns' index; an open end is a date no drawdown passes.
        let from = filter.drawn_from.unwrap_or(NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default());
        let to = filter.drawn_to.unwrap_or(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default());
        all.push(Box::new(
            sql::<Bool>("loans.id IN (SELECT drawdowns.loan_id FROM drawdowns WHERE drawdowns.value_date >= ")
                .bind::<Date, _>(from)
                .sql(" AND drawdowns.value_date <= ")
                .bind::<Date, _>(to)
                .sql(")"),
        ));
    }
    if !filter.first_loan.is_empty() {
        all.push(Box::new(loans::first_loan.eq(true)));
    }
    if !filter.credit_only.is_empty() {
        all.push(Box::new(loans::credit_only.eq(true)));
    }
    let q = filter.q.trim().replace(['%', '_'], "");
    if !q.is_empty() {
        all.push(Box::new(enterprises::name.like(format!("%{q}%"))));
    }
    all.into_iter().fold(Box::new(sql::<Bool>("1 = 1")), |both, next| Box::new(both.and(next)))
}

impl PortfolioFilter {
    /// Whether any filter but the page is set (the empty list then says so).
    pub fn is_set(&self) -> bool {
        let texts = [&self.status, &self.classification, &self.first_loan, &self.credit_only, &self.q];
        let dates = [self.signed_from, self.signed_to, self.drawn_from, self.drawn_to];
        texts.iter().any(|t| !t.trim().is_empty())
            || dates.iter().any(Option::is_some)
            || self.branch.is_some()
            || self.officer.is_some()
            || self.institution.is_some()
    }
}

impl Loan {
    /// One page of the loans `filter` selects in `scope`, newest contract
    /// first, with the days past due of the overdue ones as of `today`.
    pub fn portfolio(
        conn: &mut DbConn,
        (scope, filter): (Scope, &PortfolioFilter),
        per_page: i64,
        today: NaiveDate,
    ) -> QueryResult<(Vec<PortfolioLine>, Pager)> {
        let total = joined().filter(condition(scope, filter)).count().get_result(conn)?;
        let pager = Pager::new(filter.page, per_page, total);
        let rows: Vec<(Loan, String, String, String, Option<String>)> = joined()
            .filter(condition(scope, filter))
            .order((loans::signed_on.desc(), loans::id.desc()))
            .offset(pager.offset())
            .limit(pager.per_page)
            .select((
                Loan::as_select(),
                enterprises::name,
                institutions::name,
                users::display_name,
                branches::name.nullable(),
            ))
            .load(conn)?;
        let overdue: Vec<i64> = rows.iter().filter(|r| r.0.status == LoanStatus::Overdue).map(|r| r.0.id).collect();
        let first_unpaid: Vec<(i64, Option<NaiveDate>)> = if overdue.is_empty() {
            Vec::new()
        } else {
            instalments::table
                .filter(instalments::loan_id.eq_any(&overdue))
                .filter(instalments::paid_on.is_null())
                .filter(instalments::due_on.lt(today))
                .group_by(instalments::loan_id)
                .select((instalments::loan_id, diesel::dsl::min(instalments::due_on)))
                .load(conn)?
        };
        let lines = rows
            .into_iter()
            .map(|(loan, enterprise, institution, officer, branch)| {
                let due = first_unpaid.iter().find(|(id, _)| *id == loan.id).and_then(|(_, due)| *due);
                let days_overdue = due.filter(|_| loan.status == LoanStatus::Overdue).map(|d| (today - d).num_days());
                PortfolioLine { loan, enterprise, institution, officer, branch, days_overdue }
            })
            .collect();
        Ok((lines, pager))
    }

    /// The sums over every loan `filter` selects in `scope`.
    pub fn portfolio_sums(conn: &mut DbConn, scope: Scope, filter: &PortfolioFilter) -> QueryResult<PortfolioSums> {
        let (count, line, drawn, outstanding, overdue, non_performing) = joined()
            .filter(condition(scope, filter))
            .select((
                diesel::dsl::count_star(),
                sum_fen!("loans.line_fen"),
                sum_fen!("loans.drawn_fen"),
                sum_fen!("loans.outstanding_fen" when on_books!()),
                sum_fen!("loans.outstanding_fen" when overdue!()),
                sum_fen!("loans.outstanding_fen" when non_performing!()),
            ))
            .get_result::<(i64, i64, i64, i64, i64, i64)>(conn)?;
        let fen = Money::from_fen;
        Ok(PortfolioSums {
            count,
            line: fen(line),
            drawn: fen(drawn),
            outstanding: fen(outstanding),
            overdue: fen(overdue),
            non_performing: fen(non_performing),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sums' static conditions name the codes the domain stores.
    #[test]
    fn the_sums_conditions_name_the_domains_codes() {
        let quoted = |code: &str| format!("'{code}'");
        assert!(on_books!().contains(&quoted(LoanStatus::WrittenOff.as_str())));
        assert!(overdue!().contains(&quoted(LoanStatus::Overdue.as_str())));
        let named: Vec<Classification> =
            Classification::ALL.into_iter().filter(|c| non_performing!().contains(&quoted(c.as_str()))).collect();
        let expected: Vec<Classification> = Classification::ALL.into_iter().filter(|c| c.is_non_performing()).collect();
        assert_eq!(named, expected);
    }
}
