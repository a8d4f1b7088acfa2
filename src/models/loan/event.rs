//! A loan's history (`loan_events`): every change with the date it happened,
//! as the bank states it, apart from when it was entered; a correction keeps
//! the old value and its reason.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::loan::LoanEventKind;
use crate::schema::loan_events;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = loan_events)]
pub struct LoanEventRow {
    pub id: i64,
    pub loan_id: i64,
    #[diesel(deserialize_as = String)]
    pub kind: LoanEventKind,
    pub happened_on: NaiveDate,
    pub recorded_at: NaiveDateTime,
    /// None: the platform's own sweep.
    pub actor_id: Option<i64>,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
    pub drawdown_id: Option<i64>,
    pub repayment_id: Option<i64>,
}

/// One entry of the history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewLoanEvent {
    pub field: Option<&'static str>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
    pub drawdown_id: Option<i64>,
    pub repayment_id: Option<i64>,
}

impl NewLoanEvent {
    /// A change of `field` from `old` to `new`.
    pub fn change(field: &'static str, old: impl Into<String>, new: impl Into<String>) -> NewLoanEvent {
        NewLoanEvent {
            field: Some(field),
            old_value: Some(old.into()),
            new_value: Some(new.into()),
            ..Default::default()
        }
    }

    pub fn because(mut self, reason: &str) -> NewLoanEvent {
        self.reason = Some(reason.to_string());
        self
    }
}

impl LoanEventRow {
    pub fn insert(
        conn: &mut DbConn,
        (loan_id, kind): (i64, LoanEventKind),
        (happened_on, recorded_at): (NaiveDate, NaiveDateTime),
        actor_id: Option<i64>,
        event: &NewLoanEvent,
    ) -> QueryResult<()> {
        diesel::insert_into(loan_events::table)
            .values((
                loan_events::loan_id.eq(loan_id),
                loan_events::kind.eq(kind.as_str()),
                loan_events::happened_on.eq(happened_on),
                loan_events::recorded_at.eq(recorded_at),
                loan_events::actor_id.eq(actor_id),
                loan_events::field.eq(event.field),
                loan_events::old_value.eq(&event.old_value),
                loan_events::new_value.eq(&event.new_value),
                loan_events::reason.eq(&event.reason),
                loan_events::drawdown_id.eq(event.drawdown_id),
                loan_events::repayment_id.eq(event.repayment_id),
            ))
            .execute(conn)
            .map(drop)
    }

    /// The loan's history, newest first.
    pub fn of_loan(conn: &mut DbConn, loan_id: i64) -> QueryResult<Vec<LoanEventRow>> {
        loan_events::table
            .filter(loan_events::loan_id.eq(loan_id))
            .order(loan_events::id.desc())
            .select(LoanEventRow::as_select())
            .load(conn)
    }
}
