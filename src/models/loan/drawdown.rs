//! Drawdowns (放款 / 借据) and their schedules (还款计划): one row per
//! instalment, written with the drawdown from `domain::repayment`, and what
//! repayments have covered of each (`domain::loan::cover`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::Money;
use crate::domain::loan::{Covered, Due, Receipt};
use crate::domain::repayment::{Instalment as Period, due_date};
use crate::schema::{drawdowns, instalments};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = drawdowns)]
pub struct Drawdown {
    pub id: i64,
    pub loan_id: i64,
    pub iou_no: String,
    #[diesel(column_name = amount_fen, deserialize_as = i64)]
    pub amount: Money,
    pub value_date: NaiveDate,
    pub term_months: i32,
    pub maturity: NaiveDate,
    #[diesel(column_name = outstanding_fen, deserialize_as = i64)]
    pub outstanding: Money,
    #[diesel(deserialize_as = String)]
    pub receipt: Receipt,
    pub receipt_at: Option<NaiveDateTime>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

/// A drawdown as the bank states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewDrawdown {
    pub iou_no: String,
    pub amount: Money,
    pub value_date: NaiveDate,
    pub term_months: i32,
}

impl NewDrawdown {
    pub fn maturity(&self) -> NaiveDate {
        due_date(self.value_date, u32::try_from(self.term_months).unwrap_or(1))
    }
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = instalments)]
pub struct Instalment {
    pub drawdown_id: i64,
    pub number: i32,
    pub loan_id: i64,
    pub due_on: NaiveDate,
    #[diesel(column_name = principal_fen, deserialize_as = i64)]
    pub principal: Money,
    #[diesel(column_name = interest_fen, deserialize_as = i64)]
    pub interest: Money,
    #[diesel(column_name = paid_principal_fen, deserialize_as = i64)]
    pub paid_principal: Money,
    #[diesel(column_name = paid_interest_fen, deserialize_as = i64)]
    pub paid_interest: Money,
    /// The day repayments covered it in full.
    pub paid_on: Option<NaiveDate>,
    /// The day the sweep found it unpaid past its due date.
    pub overdue_on: Option<NaiveDate>,
}

impl Instalment {
    pub fn due(&self) -> Due {
        Due { due_on: self.due_on, principal: self.principal, interest: self.interest }
    }

    pub fn payment(&self) -> Money {
        Money::from_fen(self.principal.fen() + self.interest.fen())
    }

    /// Where it stands on `today` (Beijing).
    pub fn state(&self, today: NaiveDate) -> crate::domain::loan_standing::InstalmentState {
        let partly = self.paid_principal.fen() + self.paid_interest.fen() > 0;
        crate::domain::loan_standing::InstalmentState::of(self.due_on, (self.paid_on.is_some(), partly), today)
    }

    /// What is left to pay of it.
    pub fn left(&self) -> Money {
        Money::from_fen(self.payment().fen() - self.paid_principal.fen() - self.paid_interest.fen())
    }
}

impl Drawdown {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Drawdown>> {
        drawdowns::table.find(id).select(Drawdown::as_select()).first(conn).optional()
    }

    /// The loan's drawdowns by value date.
    pub fn of_loan(conn: &mut DbConn, loan_id: i64) -> QueryResult<Vec<Drawdown>> {
        drawdowns::table
            .filter(drawdowns::loan_id.eq(loan_id))
            .order((drawdowns::value_date, drawdowns::id))
            .select(Drawdown::as_select())
            .load(conn)
    }

    /// Records the drawdown and its schedule.
    pub fn insert(
        conn: &mut DbConn,
        loan_id: i64,
        new: &NewDrawdown,
        schedule: &[Period],
        by: i64,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        let id: i64 = diesel::insert_into(drawdowns::table)
            .values((
                drawdowns::loan_id.eq(loan_id),
                drawdowns::iou_no.eq(&new.iou_no),
                drawdowns::amount_fen.eq(new.amount.fen()),
                drawdowns::value_date.eq(new.value_date),
                drawdowns::term_months.eq(new.term_months),
                drawdowns::maturity.eq(new.maturity()),
                drawdowns::outstanding_fen.eq(new.amount.fen()),
                drawdowns::receipt.eq(Receipt::Pending.as_str()),
                drawdowns::created_by.eq(by),
                drawdowns::created_at.eq(now),
            ))
            .returning(drawdowns::id)
            .get_result(conn)?;
        // One row at a time: the multi-backend connection has no batch insert,
        // and a schedule has at most 360 rows.
        for p in schedule {
            diesel::insert_into(instalments::table)
                .values((
                    instalments::drawdown_id.eq(id),
                    instalments::number.eq(i32::try_from(p.number).unwrap_or(i32::MAX)),
                    instalments::loan_id.eq(loan_id),
                    instalments::due_on.eq(due_date(new.value_date, p.month)),
                    instalments::principal_fen.eq(p.principal.fen()),
                    instalments::interest_fen.eq(p.interest.fen()),
                ))
                .execute(conn)?;
        }
        Ok(id)
    }

    /// Lowers the drawdown's outstanding principal if that much is outstanding.
    pub fn repay(conn: &mut DbConn, id: i64, principal: Money) -> QueryResult<bool> {
        let fen = principal.fen();
        let changed = diesel::update(drawdowns::table.find(id).filter(drawdowns::outstanding_fen.ge(fen)))
            .set(drawdowns::outstanding_fen.eq(drawdowns::outstanding_fen - fen))
            .execute(conn)?;
        Ok(changed == 1)
    }

    /// Records the enterprise's answer on a drawdown still awaiting it; false if it was answered.
    pub fn set_receipt(conn: &mut DbConn, id: i64, receipt: Receipt, now: NaiveDateTime) -> QueryResult<bool> {
        let changed =
            diesel::update(drawdowns::table.find(id).filter(drawdowns::receipt.eq(Receipt::Pending.as_str())))
                .set((drawdowns::receipt.eq(receipt.as_str()), drawdowns::receipt_at.eq(now)))
                .execute(conn)?;
        Ok(changed == 1)
    }

    /// Puts a disputed drawdown back to awaiting the enterprise's answer (its bank corrected it).
    pub fn reopen_receipt(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
        let changed =
            diesel::update(drawdowns::table.find(id).filter(drawdowns::receipt.eq(Receipt::Disputed.as_str())))
                .set((
                    drawdowns::receipt.eq(Receipt::Pending.as_str()),
                    drawdowns::receipt_at.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
        Ok(changed == 1)
    }
}

impl Instalment {
    /// A drawdown's schedule in order.
    pub fn of_drawdown(conn: &mut DbConn, drawdown_id: i64) -> QueryResult<Vec<Instalment>> {
        instalments::table
            .filter(instalments::drawdown_id.eq(drawdown_id))
            .order(instalments::number)
            .select(Instalment::as_select())
            .load(conn)
    }

    /// Every instalment of the loan, by due date.
    pub fn of_loan(conn: &mut DbConn, loan_id: i64) -> QueryResult<Vec<Instalment>> {
        instalments::table
            .filter(instalments::loan_id.eq(loan_id))
            .order((instalments::due_on, instalments::drawdown_id, instalments::number))
            .select(Instalment::as_select())
            .load(conn)
    }

    /// Writes what repayments cover of each instalment of the drawdown; one
    /// newly covered in full is paid `on`, one no longer covered in full is unpaid again.
    pub fn set_covered(
        conn: &mut DbConn,
        schedule: &[Instalment],
        covered: &[Covered],
        on: NaiveDate,
    ) -> QueryResult<()> {
        for (row, cover) in schedule.iter().zip(covered) {
            if row.paid_principal == cover.principal && row.paid_interest == cover.interest {
                continue;
            }
            let paid_on = if cover.is_full(&row.due()) { row.paid_on.or(Some(on)) } else { None };
            diesel::update(instalments::table.find((row.drawdown_id, row.number)))
                .set((
                    instalments::paid_principal_fen.eq(cover.principal.fen()),
                    instalments::paid_interest_fen.eq(cover.interest.fen()),
                    instalments::paid_on.eq(paid_on),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    /// Marks an unpaid instalment overdue `on`; false if it was marked or paid already.
    pub fn mark_overdue(conn: &mut DbConn, (drawdown_id, number): (i64, i32), on: NaiveDate) -> QueryResult<bool> {
        let changed = diesel::update(
            instalments::table
                .find((drawdown_id, number))
                .filter(instalments::overdue_on.is_null())
                .filter(instalments::paid_on.is_null()),
        )
        .set(instalments::overdue_on.eq(on))
        .execute(conn)?;
        Ok(changed == 1)
    }
}
