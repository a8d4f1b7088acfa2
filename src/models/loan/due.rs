//! What the deadline sweep finds in the loans' schedules, on Beijing dates:
//! instalments unpaid after their due date (not yet marked overdue), and
//! instalments falling due within the next days whose enterprise has not been
//! reminded yet. Only loans still running (正常 or 逾期) count; each query is
//! bounded, so one sweep takes a batch and the next the rest.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::Money;
use crate::domain::loan::LoanStatus;
use crate::schema::{instalments, loans};

/// The reminders table's kind for an instalment falling due soon.
pub const DUE_SOON: &str = "due_soon";

/// An unpaid instalment falling due soon, with what its reminder says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DueSoon {
    pub drawdown: i64,
    pub number: i32,
    pub loan: i64,
    pub enterprise: i64,
    pub due_on: NaiveDate,
    /// What is left to pay of it.
    pub left: Money,
}

impl DueSoon {
    /// The key its reminder is claimed under: (object, kind).
    pub fn key(&self) -> (String, &'static str) {
        (format!("instalment:{}:{}", self.drawdown, self.number), DUE_SOON)
    }
}

fn running() -> [&'static str; 2] {
    [LoanStatus::Normal.as_str(), LoanStatus::Overdue.as_str()]
}

/// Instalments of running loans unpaid and unmarked whose due date is before
/// `today`, as (drawdown, number), oldest first, up to `limit`.
pub fn past_due(conn: &mut DbConn, today: NaiveDate, limit: i64) -> QueryResult<Vec<(i64, i32)>> {
    instalments::table
        .inner_join(loans::table.on(loans::id.eq(instalments::loan_id)))
        .filter(loans::status.eq_any(running()))
        .filter(instalments::paid_on.is_null())
        .filter(instalments::overdue_on.is_null())
        .filter(instalments::due_on.lt(today))
        .order((instalments::due_on, instalments::drawdown_id, instalments::number))
        .select((instalments::drawdown_id, instalments::number))
        .limit(limit)
        .load(conn)
}

/// Unpaid instalments of running loans due from `today` to `last` (never one
/// already past due) whose reminder has not gone out, soonest first, up to `limit`.
pub fn due_soon(conn: &mut DbConn, today: NaiveDate, last: NaiveDate, limit: i64) -> QueryResult<Vec<DueSoon>> {
    let not_reminded =
        diesel::dsl::sql::<diesel::sql_types::Bool>("NOT EXISTS (SELECT 1 FROM reminders WHERE reminders.kind = ")
            .bind::<diesel::sql_types::Text, _>(DUE_SOON)
            .sql(" AND reminders.object = 'instalment:' || instalments.drawdown_id || ':' || instalments.number)");
    let rows: Vec<DueRow> = instalments::table
        .inner_join(loans::table.on(loans::id.eq(instalments::loan_id)))
        .filter(loans::status.eq_any(running()))
        .filter(instalments::paid_on.is_null())
        .filter(instalments::due_on.ge(today))
        .filter(instalments::due_on.le(last))
        .filter(not_reminded)
        .order((instalments::due_on, instalments::drawdown_id, instalments::number))
        .select((
            instalments::drawdown_id,
            instalments::number,
            loans::id,
            loans::enterprise_id,
            instalments::due_on,
            instalments::principal_fen,
            instalments::interest_fen,
            instalments::paid_principal_fen,
            instalments::paid_interest_fen,
        ))
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| DueSoon {
            drawdown: r.drawdown,
            number: r.number,
            loan: r.loan,
            enterprise: r.enterprise,
            due_on: r.due_on,
            left: Money::from_fen(r.principal + r.interest - r.paid_principal - r.paid_interest),
        })
        .collect())
}

/// An instalment's row with its loan's, as `due_soon` selects them.
#[derive(Queryable)]
struct DueRow {
    drawdown: i64,
    number: i32,
    loan: i64,
    enterprise: i64,
    due_on: NaiveDate,
    principal: i64,
    interest: i64,
    paid_principal: i64,
    paid_interest: i64,
}
