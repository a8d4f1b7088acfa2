//! A drawdown's schedule (还款计划) as it stands: each instalment with what
//! is due, the principal left after it, what repayments have covered and its
//! state; as a page and as CSV, for the officer, the bank admin and the
//! credit office (each only where it may see the loan).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;

use crate::auth::SignedIn;
use crate::clock::beijing;
use crate::domain::Money;
use crate::domain::loan_standing::InstalmentState;
use crate::error::{AppError, AppResult};
use crate::models::loan::{Drawdown, Instalment, Loan};
use crate::state::AppState;
use crate::web::{Layout, csv_response};

use super::LoanView;

/// One line of the schedule.
pub struct Line {
    pub number: i32,
    pub due_on: NaiveDate,
    pub principal: Money,
    pub interest: Money,
    pub payment: Money,
    /// Principal still owed after this instalment, by the schedule.
    pub balance: Money,
    pub paid: Money,
    pub state: InstalmentState,
}

#[derive(Template, WebTemplate)]
#[template(path = "loans/schedule.html")]
pub struct DrawdownSchedulePage {
    layout: Layout,
    view: LoanView,
    loan: Loan,
    drawdown: Drawdown,
    lines: Vec<Line>,
}

impl DrawdownSchedulePage {
    fn href(&self) -> String {
        format!("{}/{}/drawdowns/{}/schedule", self.view.base(), self.loan.id, self.drawdown.id)
    }
    fn total_interest(&self) -> Money {
        Money::from_fen(self.lines.iter().map(|l| l.interest.fen()).sum())
    }
}

async fn load(
    state: &AppState,
    signed: &SignedIn,
    view: LoanView,
    (id, drawdown): (i64, i64),
) -> AppResult<(Loan, Drawdown, Vec<Line>)> {
    let loan = view.loan(state, signed, id).await?;
    let today = beijing(state.clock.now()).date_naive();
    let loan_id = loan.id;
    let (drawdown, schedule) = state
        .db
        .run(move |c| {
            let found = Drawdown::find(c, drawdown)?.filter(|d| d.loan_id == loan_id).ok_or(AppError::NotFound)?;
            let schedule = Instalment::of_drawdown(c, found.id)?;
            Ok((found, schedule))
        })
        .await?;
    let mut balance = drawdown.amount.fen();
    let lines = schedule
        .iter()
        .map(|i| {
            balance -= i.principal.fen();
            Line {
                number: i.number,
                due_on: i.due_on,
                principal: i.principal,
                interest: i.interest,
                payment: i.payment(),
                balance: Money::from_fen(balance),
                paid: Money::from_fen(i.paid_principal.fen() + i.paid_interest.fen()),
                state: i.state(today),
            }
        })
        .collect();
    Ok((loan, drawdown, lines))
}

async fn page(state: AppState, signed: SignedIn, view: LoanView, ids: (i64, i64)) -> AppResult<DrawdownSchedulePage> {
    let (loan, drawdown, lines) = load(&state, &signed, view, ids).await?;
    Ok(DrawdownSchedulePage { layout: signed.layout(), view, loan, drawdown, lines })
}

async fn csv(state: AppState, signed: SignedIn, view: LoanView, ids: (i64, i64)) -> AppResult<Response> {
    let (_, drawdown, lines) = load(&state, &signed, view, ids).await?;
    let header = ["期数", "到期日", "本金（元）", "利息（元）", "还款额（元）", "剩余本金（元）", "已还（元）", "状态"];
    let yuan = |m: Money| format!("{:.2}", m.to_decimal());
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    rows.extend(lines.iter().map(|l| {
        vec![
            l.number.to_string(),
            l.due_on.to_string(),
            yuan(l.principal),
            yuan(l.interest),
            yuan(l.payment),
            yuan(l.balance),
            yuan(l.paid),
            l.state.label().to_string(),
        ]
    }));
    Ok(csv_response(&format!("还款计划-借据{}.csv", drawdown.iou_no), rows))
}

/// `GET /officer/loans/{id}/drawdowns/{drawdown}/schedule`.
pub async fn officer_schedule(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(ids): Path<(i64, i64)>,
) -> AppResult<DrawdownSchedulePage> {
    page(state, signed, LoanView::Officer, ids).await
}

/// `GET /officer/loans/{id}/drawdowns/{drawdown}/schedule.csv`.
pub async fn officer_schedule_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(ids): Path<(i64, i64)>,
) -> AppResult<Response> {
    csv(state, signed, LoanView::Officer, ids).await
}

/// `GET /bank-admin/loans/{id}/drawdowns/{drawdown}/schedule`.
pub async fn admin_schedule(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(ids): Path<(i64, i64)>,
) -> AppResult<DrawdownSchedulePage> {
    page(state, signed, LoanView::BankAdmin, ids).await
}

/// `GET /bank-admin/loans/{id}/drawdowns/{drawdown}/schedule.csv`.
pub async fn admin_schedule_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(ids): Path<(i64, i64)>,
) -> AppResult<Response> {
    csv(state, signed, LoanView::BankAdmin, ids).await
}

/// `GET /credit-office/loans/{id}/drawdowns/{drawdown}/schedule`.
pub async fn office_schedule(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(ids): Path<(i64, i64)>,
) -> AppResult<DrawdownSchedulePage> {
    page(state, signed, LoanView::CreditOffice, ids).await
}

/// `GET /credit-office/loans/{id}/drawdowns/{drawdown}/schedule.csv`.
pub async fn office_schedule_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(ids): Path<(i64, i64)>,
) -> AppResult<Response> {
    csv(state, signed, LoanView::CreditOffice, ids).await
}
