//! A loan as its pages show it: the row with the names of its parties, its
//! drawdowns with their schedules, its repayments and its history, read
//! together; and the figures that follow from them (the next payment, the
//! days past due), by the rules of `domain::loan`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::Money;
use crate::domain::loan::{Covered, next_payment, past_due};
use crate::models::enterprise::Enterprise;
use crate::models::institution::{Branch, Institution};
use crate::models::user::User;
use crate::schema::users;

use super::{Drawdown, Instalment, Loan, LoanEventRow, Repayment};

/// Everything a loan's page shows.
#[derive(Clone, Debug)]
pub struct LoanSheet {
    pub loan: Loan,
    pub enterprise: String,
    pub institution: String,
    pub officer: String,
    pub branch: Option<String>,
    /// The loan this one renews, when it is on the platform.
    pub renews: Option<Loan>,
    pub drawdowns: Vec<Drawdown>,
    /// Every instalment of every drawdown, by due date.
    pub instalments: Vec<Instalment>,
    pub repayments: Vec<Repayment>,
    /// The history, newest first, each entry with who made it (None: the platform).
    pub events: Vec<(LoanEventRow, Option<String>)>,
}

impl LoanSheet {
    pub fn load(conn: &mut DbConn, loan: Loan) -> QueryResult<LoanSheet> {
        let enterprise = Enterprise::find(conn, loan.enterprise_id)?.name.clone();
        let institution = Institution::find(conn, loan.institution_id)?.name;
        let officer = User::find(conn, loan.officer_id)?.display_name;
        let branch = match loan.branch_id {
            Some(id) => Branch::of_institution(conn, loan.institution_id)?.into_iter().find(|b| b.id == id),
            None => None,
        };
        let renews = match loan.renews_loan_id {
            Some(id) => Loan::find(conn, id)?,
            None => None,
        };
        let events = LoanEventRow::of_loan(conn, loan.id)?;
        let actors: Vec<i64> = events.iter().filter_map(|e| e.actor_id).collect();
        let names: BTreeMap<i64, String> = users::table
            .filter(users::id.eq_any(actors))
            .select((users::id, users::display_name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect();
        let events = events
            .into_iter()
            .map(|e| {
                let who = e.actor_id.map(|id| names.get(&id).cloned().unwrap_or_default());
                (e, who)
            })
            .collect();
        Ok(LoanSheet {
            drawdowns: Drawdown::of_loan(conn, loan.id)?,
            instalments: Instalment::of_loan(conn, loan.id)?,
            repayments: Repayment::of_loan(conn, loan.id)?,
            enterprise,
            institution,
            officer,
            branch: branch.map(|b| b.name),
            renews,
            events,
            loan,
        })
    }

    /// Each drawdown's schedule as `domain::loan` reads it: what is due, what is covered.
    fn schedules(&self) -> Vec<(Vec<crate::domain::loan::Due>, Vec<Covered>)> {
        self.drawdowns
            .iter()
            .map(|d| {
                let mut rows: Vec<&Instalment> = self.instalments.iter().filter(|i| i.drawdown_id == d.id).collect();
                rows.sort_by_key(|i| i.number);
                let dues = rows.iter().map(|i| i.due()).collect();
                let covered =
                    rows.iter().map(|i| Covered { principal: i.paid_principal, interest: i.paid_interest }).collect();
                (dues, covered)
            })
            .collect()
    }

    /// The next payment: the earliest date an instalment not yet covered falls
    /// due, and what is left to pay that day over every drawdown.
    pub fn next_payment(&self) -> Option<(NaiveDate, Money)> {
        let each = self.schedules().into_iter().filter_map(|(dues, covered)| next_payment(&dues, &covered));
        crate::domain::loan_standing::next_of_loan(each)
    }

    /// The oldest instalment unpaid past its due date on `today`: its due date
    /// and the days past it (None: nothing past due).
    pub fn past_due(&self, today: NaiveDate) -> Option<(NaiveDate, i64)> {
        self.schedules().iter().filter_map(|(dues, covered)| past_due(dues, covered, today)).min()
    }

    /// The drawdown with the earliest instalment not yet covered (the one a repayment most likely pays).
    pub fn drawdown_due_first(&self) -> Option<&Drawdown> {
        let first = self.instalments.iter().find(|i| i.paid_on.is_none() && i.left().fen() > 0)?;
        self.drawdowns.iter().find(|d| d.id == first.drawdown_id)
    }

    /// A drawdown's IOU number.
    pub fn iou(&self, drawdown_id: i64) -> &str {
        self.drawdowns.iter().find(|d| d.id == drawdown_id).map_or("", |d| d.iou_no.as_str())
    }
}
