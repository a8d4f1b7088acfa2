//! The bank admin's figures of its loans per branch and per officer under
//! the portfolio's filters: one GROUP BY over the portfolio's condition,
//! summed in SQL like the portfolio's sums.

use diesel::dsl::sql;
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::{PortfolioFilter, Scope, condition, joined};
use crate::db::DbConn;
use crate::domain::Money;
use crate::models::loan::Loan;
use crate::schema::{branches, loans, users};

/// One branch's or officer's loans under the filters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupFigures {
    /// The branch or officer; None for loans recorded without a branch.
    pub id: Option<i64>,
    pub name: Option<String>,
    pub count: i64,
    pub line: Money,
    pub drawn: Money,
    pub outstanding: Money,
    pub overdue: Money,
}

impl Loan {
    /// The institution's figures per branch under `filter`, by branch name
    /// (loans recorded without a branch last, unnamed).
    pub fn portfolio_by_branch(
        conn: &mut DbConn,
        institution: i64,
        filter: &PortfolioFilter,
    ) -> QueryResult<Vec<GroupFigures>> {
        let rows = joined()
            .filter(condition(Scope::Institution(institution), filter))
            .group_by(loans::branch_id)
            .select((loans::branch_id, figures()))
            .load::<(Option<i64>, FigureRow)>(conn)?;
        let names: Vec<(i64, String)> = branches::table
            .filter(branches::institution_id.eq(institution))
            .select((branches::id, branches::name))
            .load(conn)?;
        Ok(named(rows, &names))
    }

    /// The institution's figures per officer under `filter`, by officer name.
    pub fn portfolio_by_officer(
        conn: &mut DbConn,
        institution: i64,
        filter: &PortfolioFilter,
    ) -> QueryResult<Vec<GroupFigures>> {
        let rows = joined()
            .filter(condition(Scope::Institution(institution), filter))
            .group_by(loans::officer_id)
            .select((loans::officer_id.nullable(), figures()))
            .load::<(Option<i64>, FigureRow)>(conn)?;
        let names: Vec<(i64, String)> = users::table
            .filter(users::institution_id.eq(institution))
            .select((users::id, users::display_name))
            .load(conn)?;
        Ok(named(rows, &names))
    }
}

/// Count, line, drawn, outstanding, overdue outstanding.
type FigureRow = (i64, i64, i64, i64, i64);

#[allow(clippy::type_complexity)]
fn figures() -> (diesel::dsl::count_star, SqlLiteral<BigInt>, SqlLiteral<BigInt>, SqlLiteral<BigInt>, SqlLiteral<BigInt>)
{
    (
        diesel::dsl::count_star(),
        sum_fen!("loans.line_fen"),
        sum_fen!("loans.drawn_fen"),
        sum_fen!("loans.outstanding_fen" when on_books!()),
        sum_fen!("loans.outstanding_fen" when overdue!()),
    )
}

/// The grouped rows with their names, by name (the unnamed last).
fn named(rows: Vec<(Option<i64>, FigureRow)>, names: &[(i64, String)]) -> Vec<GroupFigures> {
    let mut groups: Vec<GroupFigures> = rows
        .into_iter()
        .map(|(id, (count, line, drawn, outstanding, overdue))| GroupFigures {
            id,
            name: id.and_then(|id| names.iter().find(|(n, _)| *n == id).map(|(_, name)| name.clone())),
            count,
            line: Money::from_fen(line),
            drawn: Money::from_fen(drawn),
            outstanding: Money::from_fen(outstanding),
            overdue: Money::from_fen(overdue),
        })
        .collect();
    groups.sort_by(|a, b| (a.name.is_none(), &a.name).cmp(&(b.name.is_none(), &b.name)));
    groups
}
