//! What the enterprise sees of its loans: each one's standing (the bank, the
//! line, drawn, outstanding, the next payment, the drawdowns awaiting its
//! 确认到账) and, on the loan's page, every drawdown's schedule with each
//! instalment's state, the repayments and the history. The five-level
//! classification is left out: see `EnterpriseLoan::load`.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{Drawdown, Instalment, Loan, LoanEventRow, Repayment};
use crate::db::DbConn;
use crate::domain::Money;
use crate::domain::loan::{Covered, LoanEventKind, Receipt, next_payment};
use crate::domain::loan_standing::{InstalmentState, balances, next_of_loan};
use crate::schema::{drawdowns, institutions, loans};

/// One loan as its enterprise's lists show it.
#[derive(Clone, Debug)]
pub struct LoanStanding {
    pub loan: Loan,
    /// The lending institution's name.
    pub bank: String,
    /// The next payment: its due date and what is left to pay that day.
    pub next: Option<(NaiveDate, Money)>,
    /// How many drawdowns still wait for the enterprise's 确认到账.
    pub awaiting: usize,
}

/// One instalment as the enterprise's schedule table shows it.
#[derive(Clone, Debug)]
pub struct ScheduleRow {
    pub number: i32,
    pub due_on: NaiveDate,
    pub principal: Money,
    pub interest: Money,
    pub payment: Money,
    /// The principal still owed under the schedule after this instalment (剩余本金).
    pub balance: Money,
    pub state: InstalmentState,
}

/// A drawdown with its schedule.
#[derive(Clone, Debug)]
pub struct DrawdownSchedule {
    pub drawdown: Drawdown,
    pub rows: Vec<ScheduleRow>,
}

impl DrawdownSchedule {
    pub fn awaits_receipt(&self) -> bool {
        self.drawdown.receipt == Receipt::Pending
    }
}

/// The enterprise's page of one loan.
#[derive(Clone, Debug)]
pub struct EnterpriseLoan {
    pub standing: LoanStanding,
    pub drawdowns: Vec<DrawdownSchedule>,
    pub repayments: Vec<Repayment>,
    /// The history, newest event date first, without the classification's moves.
    pub events: Vec<LoanEventRow>,
}

fn covered(i: &Instalment) -> Covered {
    Covered { principal: i.paid_principal, interest: i.paid_interest }
}

/// The next payment of a loan from all its instalments (any order).
fn next_of(instalments: &[Instalment]) -> Option<(NaiveDate, Money)> {
    let mut drawdown_ids: Vec<i64> = instalments.iter().map(|i| i.drawdown_id).collect();
    drawdown_ids.sort_unstable();
    drawdown_ids.dedup();
    let each = drawdown_ids.into_iter().filter_map(|id| {
        let mut rows: Vec<&Instalment> = instalments.iter().filter(|i| i.drawdown_id == id).collect();
        rows.sort_by_key(|i| i.number);
        let dues: Vec<_> = rows.iter().map(|i| i.due()).collect();
        let covered: Vec<_> = rows.iter().map(|i| covered(i)).collect();
        next_payment(&dues, &covered)
    });
    next_of_loan(each)
}

impl LoanStanding {
    fn of(conn: &mut DbConn, loan: Loan, bank: String) -> QueryResult<LoanStanding> {
        let next = if loan.status.is_terminal() { None } else { next_of(&Instalment::of_loan(conn, loan.id)?) };
        let awaiting: i64 = drawdowns::table
            .filter(drawdowns::loan_id.eq(loan.id))
            .filter(drawdowns::receipt.eq(Receipt::Pending.as_str()))
            .count()
            .get_result(conn)?;
        Ok(LoanStanding { loan, bank, next, awaiting: usize::try_from(awaiting).unwrap_or_default() })
    }

    /// The enterprise's loans, newest first.
    pub fn of_enterprise(conn: &mut DbConn, enterprise_id: i64) -> QueryResult<Vec<LoanStanding>> {
        let rows: Vec<(Loan, String)> = loans::table
            .inner_join(institutions::table)
            .filter(loans::enterprise_id.eq(enterprise_id))
            .order(loans::id.desc())
            .select((Loan::as_select(), institutions::name))
            .load(conn)?;
        rows.into_iter().map(|(loan, bank)| LoanStanding::of(conn, loan, bank)).collect()
    }
}

impl EnterpriseLoan {
    /// The loan if it is `enterprise_id`'s (None for anyone else's, whatever
    /// the id), with each instalment's state as of `today`.
    ///
    /// The five-level classification (五级分类) is the bank's own judgement
    /// of its risk, made for its regulator and its provisions, not a fact of
    /// the contract the enterprise signed: the enterprise is shown the status
    /// (正常, 逾期, 结清, 核销), which follows from its schedule and
    /// repayments, and not the classification or the history of its moves.
    pub fn load(
        conn: &mut DbConn,
        id: i64,
        enterprise_id: i64,
        today: NaiveDate,
    ) -> QueryResult<Option<EnterpriseLoan>> {
        let Some(loan) = Loan::of_enterprise(conn, id, enterprise_id)? else { return Ok(None) };
        let bank = crate::models::institution::Institution::find(conn, loan.institution_id)?.name;
        let standing = LoanStanding::of(conn, loan, bank)?;
        let mut drawdowns = Vec::new();
        for drawdown in Drawdown::of_loan(conn, id)? {
            let schedule = Instalment::of_drawdown(conn, drawdown.id)?;
            let left = balances(drawdown.amount, schedule.iter().map(|i| i.principal));
            let rows = schedule
                .iter()
                .zip(left)
                .map(|(i, balance)| ScheduleRow {
                    number: i.number,
                    due_on: i.due_on,
                    principal: i.principal,
                    interest: i.interest,
                    payment: i.payment(),
                    balance,
                    state: i.state(today),
                })
                .collect();
            drawdowns.push(DrawdownSchedule { drawdown, rows });
        }
        let mut events: Vec<LoanEventRow> =
            LoanEventRow::of_loan(conn, id)?.into_iter().filter(|e| e.kind != LoanEventKind::Classification).collect();
        // By the date each happened, as the bank states it, newest first.
        events.sort_by_key(|e| std::cmp::Reverse((e.happened_on, e.id)));
        Ok(Some(EnterpriseLoan { standing, drawdowns, repayments: Repayment::of_loan(conn, id)?, events }))
    }

    /// The IOU number of one of the loan's drawdowns.
    pub fn iou(&self, drawdown_id: Option<i64>) -> &str {
        self.drawdowns.iter().find(|d| Some(d.drawdown.id) == drawdown_id).map_or("", |d| d.drawdown.iou_no.as_str())
    }
}

/// A drawdown reported wrong, as its dispute describes it to the credit
/// office ("借据 JJ-1 · 120,000.00 元 · 2026-11-23 · 云海银行") and the loan it is on.
pub fn describe_drawdown(conn: &mut DbConn, drawdown_id: i64) -> QueryResult<Option<(String, i64)>> {
    let Some(drawdown) = Drawdown::find(conn, drawdown_id)? else { return Ok(None) };
    let bank: String = loans::table
        .inner_join(institutions::table)
        .filter(loans::id.eq(drawdown.loan_id))
        .select(institutions::name)
        .first(conn)?;
    let summary =
        format!("借据 {} · {} · {} · {bank}", drawdown.iou_no, drawdown.amount.yuan_text(), drawdown.value_date);
    Ok(Some((summary, drawdown.loan_id)))
}

/// The loan each of these drawdowns is on (drawdown id, loan id).
pub fn loans_of_drawdowns(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    drawdowns::table.filter(drawdowns::id.eq_any(ids)).select((drawdowns::id, drawdowns::loan_id)).load(conn)
}
