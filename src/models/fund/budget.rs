//! The budget of a fund's year: what approvals used of it, kept by one
//! guarded update so that two approvals at one instant can never together
//! pass it (the second finds too little left, whichever backend).

use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::fund_budgets;

/// A year's budget and use, in fen.
#[derive(Queryable, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    pub budget_fen: i64,
    pub used_fen: i64,
}

impl Budget {
    pub fn left_fen(self) -> i64 {
        self.budget_fen - self.used_fen
    }
}

/// The year's budget and use; a year nothing used yet has the fund's annual budget.
pub fn of_year(conn: &mut DbConn, fund_id: i64, year: i32, annual_fen: i64) -> QueryResult<Budget> {
    Ok(fund_budgets::table
        .find((fund_id, year))
        .select((fund_budgets::budget_fen, fund_budgets::used_fen))
        .first(conn)
        .optional()?
        .unwrap_or(Budget { budget_fen: annual_fen, used_fen: 0 }))
}

/// Takes `amount_fen` from the year's budget; false when less than that is left.
/// Call inside the approval's transaction.
pub fn take(conn: &mut DbConn, fund_id: i64, year: i32, annual_fen: i64, amount_fen: i64) -> QueryResult<bool> {
    let row = (fund_budgets::fund_id.eq(fund_id), fund_budgets::year.eq(year), fund_budgets::budget_fen.eq(annual_fen));
    let insert = diesel::insert_into(fund_budgets::table).values(row).on_conflict_do_nothing();
    match conn {
        DbConn::Sqlite(c) => insert.execute(c)?,
        DbConn::Postgres(c) => insert.execute(c)?,
    };
    let taken = diesel::update(
        fund_budgets::table
            .find((fund_id, year))
            .filter((fund_budgets::used_fen + amount_fen).le(fund_budgets::budget_fen)),
    )
    .set(fund_budgets::used_fen.eq(fund_budgets::used_fen + amount_fen))
    .execute(conn)?;
    Ok(taken == 1)
}

/// Gives `amount_fen` back to the year's budget (a recovery's refund).
pub fn give_back(conn: &mut DbConn, fund_id: i64, year: i32, amount_fen: i64) -> QueryResult<()> {
    diesel::update(fund_budgets::table.find((fund_id, year)))
        .set(fund_budgets::used_fen.eq(fund_budgets::used_fen - amount_fen))
        .execute(conn)
        .map(drop)
}
