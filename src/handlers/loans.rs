//! A loan's page (贷款): the summary, its drawdowns with their schedules, its
//! repayments and its history. The officer's page (`/officer/loans/{id}`)
//! records the contract on an approval (`open`), drawdowns (`drawdown`) and
//! repayments (`repayment`); the bank admin (`/bank-admin/loans/{id}`) and the
//! credit office (`/credit-office/loans/{id}`) read the same page without
//! forms. A bank sees only its institution's loans, whatever id is typed: any
//! other id is the not-found page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;

use crate::actions::Refusal;
use crate::auth::SignedIn;
use crate::clock::beijing;
use crate::domain::Role;
use crate::domain::loan::LoanStatus;
use crate::error::{AppError, AppResult};
use crate::models::loan::Loan;
use crate::models::loan::sheet::LoanSheet;
use crate::state::AppState;
use crate::web::{FormErrors, Layout, NoticeQuery};

mod drawdown;
mod history;
mod open;
mod repayment;
mod schedule;

pub use drawdown::{drawdown_form, record_drawdown};
pub use open::{loan_form, open_loan};
pub use repayment::{record_repayment, repayment_form};
pub use schedule::{
    admin_schedule, admin_schedule_csv, office_schedule, office_schedule_csv, officer_schedule, officer_schedule_csv,
};

/// Who reads the loan: the officer works on it, the others only read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoanView {
    Officer,
    BankAdmin,
    CreditOffice,
}

impl LoanView {
    /// The loans' place in this view's URLs ("/officer/loans").
    pub fn base(self) -> &'static str {
        match self {
            LoanView::Officer => "/officer/loans",
            LoanView::BankAdmin => "/bank-admin/loans",
            LoanView::CreditOffice => "/credit-office/loans",
        }
    }

    pub fn is_officer(self) -> bool {
        self == LoanView::Officer
    }

    fn role(self) -> Role {
        match self {
            LoanView::Officer => Role::Officer,
            LoanView::BankAdmin => Role::BankAdmin,
            LoanView::CreditOffice => Role::CreditOffice,
        }
    }

    /// The loan if this view may see it: a bank its institution's, the credit office any.
    pub async fn loan(self, state: &AppState, signed: &SignedIn, id: i64) -> AppResult<Loan> {
        signed.require(self.role())?;
        let institution = match self {
            LoanView::CreditOffice => None,
            _ => Some(signed.user.institution_id.ok_or(AppError::Forbidden)?),
        };
        let found = state
            .db
            .query(move |c| match institution {
                Some(institution) => Loan::of_institution(c, id, institution),
                None => Loan::find(c, id),
            })
            .await?;
        found.ok_or_else(|| {
            tracing::info!(user = signed.user.id, loan = id, "loan of another institution refused");
            AppError::NotFound
        })
    }

    /// The loan's page and everything on it.
    pub async fn sheet(self, state: &AppState, signed: &SignedIn, id: i64) -> AppResult<LoanSheet> {
        let loan = self.loan(state, signed, id).await?;
        Ok(state.db.query(move |c| LoanSheet::load(c, loan)).await?)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "loans/loan.html")]
pub struct LoanPage {
    layout: Layout,
    notice: Option<&'static str>,
    view: LoanView,
    sheet: LoanSheet,
    loan: Loan,
    next: Option<(chrono::NaiveDate, crate::domain::Money)>,
    /// While 逾期: the oldest unpaid due date and the days past it.
    past_due: Option<(chrono::NaiveDate, i64)>,
    history: Vec<history::Entry>,
}

impl LoanPage {
    fn can_draw(&self) -> bool {
        self.view.is_officer() && self.loan.status == LoanStatus::Normal && self.loan.undrawn().fen() > 0
    }
    fn can_repay(&self) -> bool {
        self.view.is_officer() && !self.loan.status.is_terminal() && self.loan.outstanding.fen() > 0
    }
    /// The renewed loan's page, when this view may open it.
    fn renews_link(&self) -> Option<String> {
        let renews = self.sheet.renews.as_ref()?;
        let visible = self.view == LoanView::CreditOffice || renews.institution_id == self.loan.institution_id;
        visible.then(|| format!("{}/{}", self.view.base(), renews.id))
    }
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    view: LoanView,
    id: i64,
    notice: Option<&str>,
) -> AppResult<LoanPage> {
    let sheet = view.sheet(state, signed, id).await?;
    let today = beijing(state.clock.now()).date_naive();
    let history = sheet.events.iter().map(|(e, who)| history::Entry::of(e, who.as_deref(), &sheet)).collect();
    Ok(LoanPage {
        layout: signed.layout(),
        notice: notice_text(notice),
        view,
        loan: sheet.loan.clone(),
        next: sheet.next_payment(),
        past_due: sheet.past_due(today).filter(|_| sheet.loan.status == LoanStatus::Overdue),
        history,
        sheet,
    })
}

/// A refusal shown on a form: beside its fields (422), or in words above the form (409).
fn refused(refusal: &Refusal) -> (StatusCode, FormErrors, Option<String>) {
    match FormErrors::from_refusal(refusal) {
        Some(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
        None => (StatusCode::CONFLICT, FormErrors::default(), Some(refusal.to_string())),
    }
}

/// The notices of this area, after a redirect.
fn notice_text(key: Option<&str>) -> Option<&'static str> {
    Some(match key? {
        "opened" => "贷款合同已录入，可以录入放款。",
        "drawn" => "放款已录入，还款计划已生成；企业将收到通知并确认到账。",
        "repaid" => "还款已录入，还款计划与贷款余额已更新。",
        other => return crate::web::notice(Some(other)),
    })
}

/// `GET /officer/loans/{id}`.
pub async fn officer_loan(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> AppResult<LoanPage> {
    page(&state, &signed, LoanView::Officer, id, query.notice.as_deref()).await
}

/// `GET /bank-admin/loans/{id}`: the same page, read-only.
pub async fn admin_loan(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<LoanPage> {
    page(&state, &signed, LoanView::BankAdmin, id, None).await
}

/// `GET /credit-office/loans/{id}`: the same page, read-only, for any loan.
pub async fn office_loan(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<LoanPage> {
    page(&state, &signed, LoanView::CreditOffice, id, None).await
}
