//! Loans (贷款): the contract an approved offer becomes, its drawdowns
//! (`drawdown`, with each one's schedule), repayments (`repayment`) and
//! history (`event`); everything a loan's page shows (`sheet`). The row and
//! the plain and guarded writes the actions make of it; the rules are
//! `domain::loan`, the changes `actions::loan`.
//!
//! Drawn and outstanding principal live on the loan's row: a drawdown adds to
//! `drawn_fen` only `WHERE drawn_fen + amount <= line_fen`, so concurrent
//! drawdowns can never together pass the line. Every change bumps
//! `version`; an edit made on a page read at another version is refused.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::loan::{Classification, Guarantees, LoanStatus};
use crate::domain::repayment::RepaymentMethod;
use crate::domain::{Money, Rate};
use crate::schema::loans;

pub mod drawdown;
pub mod due;
pub mod event;
pub mod portfolio;
pub mod repayment;
pub mod sheet;
pub mod standing;

pub use drawdown::{Drawdown, Instalment};
pub use event::{LoanEventRow, NewLoanEvent};
pub use repayment::Repayment;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = loans)]
pub struct Loan {
    pub id: i64,
    pub offer_id: i64,
    pub institution_id: i64,
    pub enterprise_id: i64,
    pub officer_id: i64,
    pub branch_id: Option<i64>,
    pub contract_no: String,
    #[diesel(column_name = line_fen, deserialize_as = i64)]
    pub line: Money,
    #[diesel(deserialize_as = i64)]
    pub rate: Rate,
    pub term_months: i32,
    pub signed_on: NaiveDate,
    pub maturity: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub repayment_method: RepaymentMethod,
    #[diesel(deserialize_as = String)]
    pub guarantees: Guarantees,
    pub credit_only: bool,
    pub first_loan: bool,
    pub renewal: bool,
    pub renews_loan_id: Option<i64>,
    #[diesel(deserialize_as = String)]
    pub status: LoanStatus,
    /// The date the current status began (as the bank or the sweep states it).
    pub status_on: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub classification: Classification,
    #[diesel(column_name = drawn_fen, deserialize_as = i64)]
    pub drawn: Money,
    #[diesel(column_name = outstanding_fen, deserialize_as = i64)]
    pub outstanding: Money,
    pub version: i32,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The contract as the bank records it on an approval.
#[derive(Clone, Debug, PartialEq)]
pub struct LoanTerms {
    pub contract_no: String,
    pub line: Money,
    pub rate: Rate,
    pub term_months: i32,
    pub signed_on: NaiveDate,
    pub repayment_method: RepaymentMethod,
    pub guarantees: Guarantees,
    /// 首贷: the bank attests the enterprise had no earlier loan in the PBoC credit database.
    pub first_loan: bool,
    /// 续贷: renews an earlier loan (`renews`: the earlier loan when it is on the platform).
    pub renewal: bool,
    pub renews: Option<i64>,
}

impl LoanTerms {
    /// The day the loan falls due: the signing date plus the term.
    pub fn maturity(&self) -> NaiveDate {
        crate::domain::repayment::due_date(self.signed_on, u32::try_from(self.term_months).unwrap_or(1))
    }
}

/// Who the loan belongs to, taken from the approved offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoanParties {
    pub offer_id: i64,
    pub institution_id: i64,
    pub enterprise_id: i64,
    pub officer_id: i64,
    pub branch_id: Option<i64>,
}

/// The columns the contract's terms fill, for the insert and for a
/// correction alike (a renewal cleared is written as NULL).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = loans, treat_none_as_null = true)]
struct TermColumns<'a> {
    contract_no: &'a str,
    line_fen: i64,
    rate: i64,
    term_months: i32,
    signed_on: NaiveDate,
    maturity: NaiveDate,
    repayment_method: &'static str,
    guarantees: String,
    credit_only: bool,
    first_loan: bool,
    renewal: bool,
    renews_loan_id: Option<i64>,
}

impl<'a> TermColumns<'a> {
    fn of(terms: &'a LoanTerms) -> TermColumns<'a> {
        TermColumns {
            contract_no: &terms.contract_no,
            line_fen: terms.line.fen(),
            rate: terms.rate.units(),
            term_months: terms.term_months,
            signed_on: terms.signed_on,
            maturity: terms.maturity(),
            repayment_method: terms.repayment_method.code(),
            guarantees: terms.guarantees.codes(),
            credit_only: terms.guarantees.credit_only(),
            first_loan: terms.first_loan,
            renewal: terms.renewal,
            renews_loan_id: terms.renews,
        }
    }
}

impl Loan {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Loan>> {
        loans::table.find(id).select(Loan::as_select()).first(conn).optional()
    }

    /// The loan if it is `institution_id`'s; None for another bank's, whatever the id.
    pub fn of_institution(conn: &mut DbConn, id: i64, institution_id: i64) -> QueryResult<Option<Loan>> {
        Ok(Loan::find(conn, id)?.filter(|l| l.institution_id == institution_id))
    }

    /// The loan if it is `enterprise_id`'s.
    pub fn of_enterprise(conn: &mut DbConn, id: i64, enterprise_id: i64) -> QueryResult<Option<Loan>> {
        Ok(Loan::find(conn, id)?.filter(|l| l.enterprise_id == enterprise_id))
    }

    /// The loan recorded on an approved offer, if any.
    pub fn of_offer(conn: &mut DbConn, offer_id: i64) -> QueryResult<Option<Loan>> {
        loans::table.filter(loans::offer_id.eq(offer_id)).select(Loan::as_select()).first(conn).optional()
    }

    /// An enterprise's loans, newest first.
    pub fn all_of_enterprise(conn: &mut DbConn, enterprise_id: i64) -> QueryResult<Vec<Loan>> {
        loans::table
            .filter(loans::enterprise_id.eq(enterprise_id))
            .order(loans::id.desc())
            .select(Loan::as_select())
            .load(conn)
    }

    pub fn insert(
        conn: &mut DbConn,
        parties: LoanParties,
        terms: &LoanTerms,
        by: i64,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(loans::table)
            .values((
                loans::offer_id.eq(parties.offer_id),
                loans::institution_id.eq(parties.institution_id),
                loans::enterprise_id.eq(parties.enterprise_id),
                loans::officer_id.eq(parties.officer_id),
                loans::branch_id.eq(parties.branch_id),
                TermColumns::of(terms),
                loans::status.eq(LoanStatus::Normal.as_str()),
                loans::status_on.eq(terms.signed_on),
                loans::classification.eq(Classification::Normal.as_str()),
                loans::created_by.eq(by),
                loans::created_at.eq(now),
                loans::updated_at.eq(now),
            ))
            .returning(loans::id)
            .get_result(conn)
    }

    /// Takes the loan's row lock for the rest of the transaction (and bumps its version).
    pub fn lock(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
        let changed = diesel::update(loans::table.find(id))
            .set((loans::version.eq(loans::version + 1), loans::updated_at.eq(now)))
            .execute(conn)?;
        Ok(changed == 1)
    }

    /// Like [`Loan::lock`], but only if the loan is still at `version`: false
    /// when someone changed it since the page was read (a lost update refused).
    pub fn lock_at(conn: &mut DbConn, id: i64, version: i32, now: NaiveDateTime) -> QueryResult<bool> {
        let changed = diesel::update(loans::table.find(id).filter(loans::version.eq(version)))
            .set((loans::version.eq(loans::version + 1), loans::updated_at.eq(now)))
            .execute(conn)?;
        Ok(changed == 1)
    }

    /// Draws `amount` on the line if it fits what is left and the loan is 正常;
    /// false otherwise. The one guard that keeps drawn within the line.
    pub fn draw(conn: &mut DbConn, id: i64, amount: Money) -> QueryResult<bool> {
        let fen = amount.fen();
        let changed = diesel::update(
            loans::table
                .find(id)
                .filter(loans::status.eq(LoanStatus::Normal.as_str()))
                .filter((loans::drawn_fen + fen).le(loans::line_fen)),
        )
        .set((
            loans::drawn_fen.eq(loans::drawn_fen + fen),
            loans::outstanding_fen.eq(loans::outstanding_fen + fen),
            // A drawdown changes what an edit was read on (the drawn amount a correction checks).
            loans::version.eq(loans::version + 1),
        ))
        .execute(conn)?;
        Ok(changed == 1)
    }

    /// Lowers the outstanding principal by `principal` if that much is outstanding.
    pub fn repay(conn: &mut DbConn, id: i64, principal: Money) -> QueryResult<bool> {
        let fen = principal.fen();
        let changed = diesel::update(loans::table.find(id).filter(loans::outstanding_fen.ge(fen)))
            .set(loans::outstanding_fen.eq(loans::outstanding_fen - fen))
            .execute(conn)?;
        Ok(changed == 1)
    }

    /// Moves the status from `from` to `to`, effective `on`; false if it moved since it was read.
    pub fn move_status(
        conn: &mut DbConn,
        id: i64,
        (from, to): (LoanStatus, LoanStatus),
        on: NaiveDate,
    ) -> QueryResult<bool> {
        let changed = diesel::update(loans::table.find(id).filter(loans::status.eq(from.as_str())))
            .set((loans::status.eq(to.as_str()), loans::status_on.eq(on)))
            .execute(conn)?;
        Ok(changed == 1)
    }

    pub fn set_classification(conn: &mut DbConn, id: i64, to: Classification) -> QueryResult<()> {
        diesel::update(loans::table.find(id)).set(loans::classification.eq(to.as_str())).execute(conn).map(drop)
    }

    /// Replaces the contract's terms (a correction; the history keeps the old values).
    pub fn set_terms(conn: &mut DbConn, id: i64, terms: &LoanTerms) -> QueryResult<()> {
        diesel::update(loans::table.find(id)).set(TermColumns::of(terms)).execute(conn).map(drop)
    }

    /// The terms as recorded, for a correction form to start from.
    pub fn terms(&self) -> LoanTerms {
        LoanTerms {
            contract_no: self.contract_no.clone(),
            line: self.line,
            rate: self.rate,
            term_months: self.term_months,
            signed_on: self.signed_on,
            repayment_method: self.repayment_method,
            guarantees: self.guarantees.clone(),
            first_loan: self.first_loan,
            renewal: self.renewal,
            renews: self.renews_loan_id,
        }
    }

    /// What is left of the line to draw.
    pub fn undrawn(&self) -> Money {
        Money::from_fen(self.line.fen() - self.drawn.fen())
    }
}
