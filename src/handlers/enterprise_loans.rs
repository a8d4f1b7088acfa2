//! The enterprise's loans (我的贷款): the list, and a page per loan with its
//! line, drawn, outstanding, next payment and status, each drawdown's
//! schedule and the repayments; on a drawdown awaiting it, 确认到账 or
//! 金额或日期不对 (a form saying what is wrong, which opens a dispute for the
//! credit office: `actions::receipt`); the loan's approved 贴息 by quarter. Only the enterprise's own loans: any
//! other id is the not-found page, for every URL here.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::Refusal;
use crate::actions::receipt::{OwnDrawdown, confirm_receipt as confirm, report_drawdown as report};
use crate::auth::SignedIn;
use crate::domain::loan::{LoanEventKind, LoanStatus, Receipt};
use crate::error::{AppError, AppResult};
use crate::models::loan::LoanEventRow;
use crate::models::loan::standing::{DrawdownSchedule, EnterpriseLoan, LoanStanding};
use crate::models::subsidy::line::{self as subsidy_line, LoanSubsidy};
use crate::state::AppState;
use crate::web::{FormErrors, Layout, NoticeQuery, notice};

#[derive(Template, WebTemplate)]
#[template(path = "enterprise/loans/index.html")]
pub struct LoansPage {
    layout: Layout,
    loans: Vec<LoanStanding>,
    today: chrono::NaiveDate,
}

/// `GET /enterprise/loans`.
pub async fn loans(State(state): State<AppState>, signed: SignedIn) -> AppResult<LoansPage> {
    let enterprise = signed.enterprise()?;
    let loans = state.db.query(move |c| LoanStanding::of_enterprise(c, enterprise)).await?;
    Ok(LoansPage { layout: signed.layout(), loans, today: today(&state) })
}

fn today(state: &AppState) -> chrono::NaiveDate {
    crate::clock::beijing(state.clock.now()).date_naive()
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprise/loans/show.html")]
pub struct LoanPage {
    layout: Layout,
    notice: Option<&'static str>,
    refusal: Option<String>,
    page: EnterpriseLoan,
    /// The approved interest subsidies of the loan (贴息).
    subsidies: Vec<LoanSubsidy>,
    today: chrono::NaiveDate,
}

impl LoanPage {
    fn drawdowns(&self) -> &[DrawdownSchedule] {
        &self.page.drawdowns
    }

    /// One history entry in the enterprise's words.
    fn event_text(&self, e: &LoanEventRow) -> String {
        let iou = self.page.iou(e.drawdown_id);
        let value = e.new_value.as_deref().unwrap_or_default();
        let yuan =
            |fen: &str| fen.parse().map(crate::domain::Money::from_fen).map(|m| m.yuan_text()).unwrap_or_default();
        match e.kind {
            LoanEventKind::Opened => format!("银行录入贷款合同 {value}"),
            LoanEventKind::Drawdown => format!("借据 {iou} 放款 {}", yuan(value)),
            LoanEventKind::Repayment => {
                let parts: Vec<String> = value.split('/').map(yuan).collect();
                match parts.as_slice() {
                    [p, i, penalty] => format!("借据 {iou} 还款：本金 {p}，利息 {i}，罚息 {penalty}"),
                    _ => format!("借据 {iou} 还款"),
                }
            }
            LoanEventKind::Status => {
                let label = |code: Option<&str>| code.and_then(LoanStatus::parse).map_or("", |s| s.label());
                format!("贷款状态：{} → {}", label(e.old_value.as_deref()), label(Some(value)))
            }
            LoanEventKind::Correction => {
                let field = e.field.as_deref().unwrap_or_default();
                let (old, new) = (e.old_value.as_deref().unwrap_or_default(), value);
                let (label, value_label) = (crate::domain::loan::field_label, crate::domain::loan::value_label);
                format!("银行更正{}：{} → {}", label(field), value_label(field, old), value_label(field, new))
            }
            LoanEventKind::Receipt => match (e.field.as_deref(), Receipt::parse(value)) {
                (Some("receipt"), Some(receipt)) => format!("借据 {iou}：{}", receipt.label()),
                _ => format!("借据 {iou}：信用办已答复异议"),
            },
            LoanEventKind::Classification => String::new(),
        }
    }
}

async fn loan_page(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    refusal: Option<String>,
    notice_key: Option<&str>,
) -> AppResult<LoanPage> {
    let (enterprise, today) = (signed.enterprise()?, today(state));
    let (page, subsidies) = state
        .db
        .query(move |c| {
            Ok((EnterpriseLoan::load(c, id, enterprise, today)?, subsidy_line::of_loan(c, id, enterprise)?))
        })
        .await?;
    let page = page.ok_or(AppError::NotFound)?;
    Ok(LoanPage { layout: signed.layout(), notice: notice(notice_key), refusal, page, subsidies, today })
}

/// `GET /enterprise/loans/{id}`.
pub async fn loan(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> AppResult<LoanPage> {
    loan_page(&state, &signed, id, None, query.notice.as_deref()).await
}

/// Back to the loan at the drawdown with a notice, or the loan's page with the refusal.
async fn finish<T>(
    state: &AppState,
    signed: &SignedIn,
    (id, drawdown): (i64, i64),
    outcome: Result<T, Refusal>,
    done: &str,
) -> AppResult<Response> {
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/enterprise/loans/{id}?notice={done}#drawdown-{drawdown}")).into_response()),
        Err(Refusal::NotFound(_)) => Err(AppError::NotFound),
        Err(reason) => {
            Ok((StatusCode::CONFLICT, loan_page(state, signed, id, Some(reason.to_string()), None).await?)
                .into_response())
        }
    }
}

/// `POST /enterprise/loans/{id}/drawdowns/{d}/receipt`: 确认到账.
pub async fn confirm_receipt(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, drawdown)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let own = OwnDrawdown { enterprise_id: signed.enterprise()?, loan_id: id, drawdown_id: drawdown };
    let ctx = signed.change(&state);
    let outcome = state.db.query(move |c| confirm(c, &ctx, own)).await?;
    finish(&state, &signed, (id, drawdown), outcome, "receipt_confirmed").await
}

#[derive(Deserialize, Default)]
pub struct DisputeForm {
    #[serde(default)]
    what: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprise/loans/dispute.html")]
pub struct DrawdownDisputePage {
    layout: Layout,
    loan: LoanStanding,
    drawdown: crate::models::loan::Drawdown,
    form: DisputeForm,
    errors: FormErrors,
}

/// The form for one of the loan's drawdowns still awaiting the enterprise's
/// answer; None when it was answered (the loan's page shows how).
async fn dispute_page(
    state: &AppState,
    signed: &SignedIn,
    (id, drawdown): (i64, i64),
    form: DisputeForm,
    errors: FormErrors,
) -> AppResult<Option<DrawdownDisputePage>> {
    let mut page = loan_page(state, signed, id, None, None).await?.page;
    let at = page.drawdowns.iter().position(|d| d.drawdown.id == drawdown).ok_or(AppError::NotFound)?;
    let shown = page.drawdowns.swap_remove(at);
    if !shown.awaits_receipt() {
        return Ok(None);
    }
    let (layout, loan) = (signed.layout(), page.standing);
    Ok(Some(DrawdownDisputePage { layout, loan, drawdown: shown.drawdown, form, errors }))
}

fn at_drawdown(id: i64, drawdown: i64) -> Response {
    Redirect::to(&format!("/enterprise/loans/{id}#drawdown-{drawdown}")).into_response()
}

/// `GET /enterprise/loans/{id}/drawdowns/{d}/dispute`: 金额或日期不对.
pub async fn dispute_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, drawdown)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let page = dispute_page(&state, &signed, (id, drawdown), DisputeForm::default(), FormErrors::default()).await?;
    Ok(page.map_or_else(|| at_drawdown(id, drawdown), IntoResponse::into_response))
}

/// `POST /enterprise/loans/{id}/drawdowns/{d}/dispute`: what is wrong, 4 to 500 characters.
pub async fn report_drawdown(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, drawdown)): Path<(i64, i64)>,
    Form(form): Form<DisputeForm>,
) -> AppResult<Response> {
    let own = OwnDrawdown { enterprise_id: signed.enterprise()?, loan_id: id, drawdown_id: drawdown };
    let what = form.what.trim().to_string();
    if !(4..=500).contains(&what.chars().count()) {
        let mut errors = FormErrors::default();
        errors.add("what", "请写明哪里不对（4 到 500 字），如：实际到账 100,000.00 元，到账日期 11 月 24 日");
        let page = dispute_page(&state, &signed, (id, drawdown), form, errors).await?;
        return Ok(
            page.map_or_else(|| at_drawdown(id, drawdown), |p| (StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        );
    }
    let ctx = signed.change(&state);
    let outcome = state.db.query(move |c| report(c, &ctx, own, &what)).await?;
    finish(&state, &signed, (id, drawdown), outcome, "drawdown_disputed").await
}
