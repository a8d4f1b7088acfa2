//! Repayments (还款) the bank records against a drawdown.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::Money;
use crate::schema::repayments;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = repayments)]
pub struct Repayment {
    pub id: i64,
    pub loan_id: i64,
    pub drawdown_id: i64,
    pub paid_on: NaiveDate,
    #[diesel(column_name = principal_fen, deserialize_as = i64)]
    pub principal: Money,
    #[diesel(column_name = interest_fen, deserialize_as = i64)]
    pub interest: Money,
    #[diesel(column_name = penalty_fen, deserialize_as = i64)]
    pub penalty: Money,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

/// A repayment as the bank states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewRepayment {
    pub drawdown_id: i64,
    pub paid_on: NaiveDate,
    pub principal: Money,
    pub interest: Money,
    pub penalty: Money,
}

impl Repayment {
    /// The loan's repayments by date.
    pub fn of_loan(conn: &mut DbConn, loan_id: i64) -> QueryResult<Vec<Repayment>> {
        repayments::table
            .filter(repayments::loan_id.eq(loan_id))
            .order((repayments::paid_on, repayments::id))
            .select(Repayment::as_select())
            .load(conn)
    }

    /// The principal and interest repaid on a drawdown so far.
    pub fn totals(conn: &mut DbConn, drawdown_id: i64) -> QueryResult<(Money, Money)> {
        let rows: Vec<(i64, i64)> = repayments::table
            .filter(repayments::drawdown_id.eq(drawdown_id))
            .select((repayments::principal_fen, repayments::interest_fen))
            .load(conn)?;
        let (p, i) = rows.iter().fold((0, 0), |(p, i), (rp, ri)| (p + rp, i + ri));
        Ok((Money::from_fen(p), Money::from_fen(i)))
    }

    pub fn insert(
        conn: &mut DbConn,
        loan_id: i64,
        new: &NewRepayment,
        by: i64,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(repayments::table)
            .values((
                repayments::loan_id.eq(loan_id),
                repayments::drawdown_id.eq(new.drawdown_id),
                repayments::paid_on.eq(new.paid_on),
                repayments::principal_fen.eq(new.principal.fen()),
                repayments::interest_fen.eq(new.interest.fen()),
                repayments::penalty_fen.eq(new.penalty.fen()),
                repayments::created_by.eq(by),
                repayments::created_at.eq(now),
            ))
            .returning(repayments::id)
            .get_result(conn)
    }
}
