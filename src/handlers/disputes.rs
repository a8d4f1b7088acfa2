//! Disputes (异议): the enterprise contests a record from its portrait; the
//! credit office answers within 20 days, confirming the answer beside the
//! record's value before and after (`actions::dispute`: both sides are
//! emailed, the score is recomputed in the same transaction as the answer).
//! A dispute of a drawdown (from the enterprise's loan page,
//! `enterprise_loans`) is answered here the same way, beside a link to the loan.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use crate::actions::dispute::{self, Answer, Opened};
use crate::auth::SignedIn;
use crate::domain::Role;
use crate::domain::dispute::{DisputeOutcome, Subject};
use crate::domain::records::RecordKind;
use crate::error::{AppError, AppResult};
use crate::models::dispute::{Dispute, NewDispute, describe_record};
use crate::models::enterprise::Enterprise;
use crate::models::loan::standing::{describe_drawdown, loans_of_drawdowns};
use crate::state::AppState;
use crate::web::{ConfirmPage, FormErrors, Layout, PageQuery, Pager, form_again};

#[derive(Deserialize, Default)]
pub struct DisputeForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    id: i64,
    #[serde(default)]
    reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprise/disputes/new.html")]
pub struct NewDisputePage {
    layout: Layout,
    summary: String,
    form: DisputeForm,
    errors: FormErrors,
}

/// The record being disputed, if it is this enterprise's own.
async fn own_record(
    state: &AppState,
    signed: &SignedIn,
    kind: &str,
    id: i64,
) -> AppResult<(RecordKind, String, Enterprise)> {
    let kind = RecordKind::parse(kind).ok_or(AppError::NotFound)?;
    let enterprise_id = signed.enterprise()?;
    let (summary, enterprise) = state
        .db
        .query(move |c| {
            let enterprise = Enterprise::find(c, enterprise_id)?;
            Ok((describe_record(c, &enterprise.uscc, kind, id)?, enterprise))
        })
        .await?;
    Ok((kind, summary.ok_or(AppError::NotFound)?, enterprise))
}

/// The record's open dispute, if it has one: the enterprise is shown it rather than a second form.
async fn open_on(state: &AppState, kind: RecordKind, record_id: i64) -> AppResult<Option<Response>> {
    let first = state.db.query(move |c| Dispute::open_on(c, Subject::Record(kind), record_id)).await?;
    Ok(first.map(shown))
}

/// The portrait's dispute list, at the record's open dispute.
fn shown(dispute_id: i64) -> Response {
    Redirect::to(&format!("/enterprise/portrait?notice=dispute_pending#dispute-{dispute_id}")).into_response()
}

pub async fn new_dispute(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(form): Query<DisputeForm>,
) -> AppResult<Response> {
    signed.require(Role::Enterprise)?;
    let (kind, summary, _) = own_record(&state, &signed, &form.kind, form.id).await?;
    if let Some(first) = open_on(&state, kind, form.id).await? {
        return Ok(first);
    }
    Ok(NewDisputePage { layout: signed.layout(), summary, form, errors: FormErrors::default() }.into_response())
}

pub async fn open_dispute(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<DisputeForm>,
) -> AppResult<Response> {
    signed.require(Role::Enterprise)?;
    let (kind, summary, enterprise) = own_record(&state, &signed, &form.kind, form.id).await?;
    let record_id = form.id;
    if let Some(first) = open_on(&state, kind, record_id).await? {
        return Ok(first);
    }
    let mut errors = FormErrors::default();
    let reason = form.reason.trim().to_string();
    if reason.chars().count() < 5 || reason.chars().count() > 500 {
        errors.add("reason", "请说明异议理由（5 到 500 字），如：该笔欠费已于 3 月 5 日缴清");
    }
    if !errors.is_empty() {
        let page = NewDisputePage { layout: signed.layout(), summary, form, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let (ctx, user_id) = (signed.change(&state), signed.user.id);
    let opened = state
        .db
        .query(move |c| {
            let new = NewDispute {
                enterprise_id: enterprise.id,
                kind: Subject::Record(kind),
                record_id,
                summary: &summary,
                reason: &reason,
                user_id,
            };
            dispute::open(c, &ctx, &new)
        })
        .await?;
    match opened {
        Ok(Opened::New(_)) => Ok(Redirect::to("/enterprise/portrait?notice=dispute_opened#disputes").into_response()),
        // A submit that raced this record's first dispute: shown the first.
        Ok(Opened::AlreadyOpen(first)) => Ok(shown(first)),
        Err(_) => Err(AppError::NotFound),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/disputes/index.html")]
pub struct DisputesPage {
    layout: Layout,
    disputes: Vec<(Dispute, String)>,
    /// The loan of each drawdown disputed on the page (drawdown, loan).
    loans: Vec<(i64, i64)>,
    pager: Pager,
    now: chrono::NaiveDateTime,
}

impl DisputesPage {
    fn loan_of(&self, dispute: &Dispute) -> Option<i64> {
        loan_of(&self.loans, dispute)
    }
}

/// The loan a dispute of a drawdown is about, among `loans` (drawdown, loan).
pub fn loan_of(loans: &[(i64, i64)], dispute: &Dispute) -> Option<i64> {
    let drawdown = Some(dispute.record_id).filter(|_| dispute.is_about_drawdown())?;
    loans.iter().find(|(d, _)| *d == drawdown).map(|(_, loan)| *loan)
}

/// The loans of the drawdowns among `disputes`.
pub fn disputed_loans<'a>(
    c: &mut crate::db::DbConn,
    disputes: impl IntoIterator<Item = &'a Dispute>,
) -> diesel::QueryResult<Vec<(i64, i64)>> {
    let ids: Vec<i64> = disputes.into_iter().filter(|d| d.is_about_drawdown()).map(|d| d.record_id).collect();
    loans_of_drawdowns(c, &ids)
}

pub async fn disputes(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<PageQuery>,
) -> AppResult<DisputesPage> {
    signed.require(Role::CreditOffice)?;
    let (disputes, loans, pager) = state
        .db
        .query(move |c| {
            let (disputes, pager) = Dispute::page(c, query.page, 30)?;
            let loans = disputed_loans(c, disputes.iter().map(|(d, _)| d))?;
            Ok((disputes, loans, pager))
        })
        .await?;
    Ok(DisputesPage { layout: signed.layout(), disputes, loans, pager, now: state.clock.now() })
}

#[derive(Deserialize, Serialize, Default)]
pub struct AnswerForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    answer: String,
    /// "edit": back from the confirmation to the form, filled.
    #[serde(default)]
    intent: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/disputes/show.html")]
pub struct DisputePage {
    layout: Layout,
    dispute: Dispute,
    enterprise: Enterprise,
    /// The loan of a disputed drawdown, for the link to its read-only page.
    loan: Option<i64>,
    form: AnswerForm,
    errors: FormErrors,
}

/// The dispute, its enterprise and, for a drawdown, its loan.
type Loaded = (Dispute, Enterprise, Option<i64>);

async fn load_dispute(state: &AppState, id: i64) -> AppResult<Loaded> {
    state
        .db
        .query(move |c| {
            let dispute = Dispute::find(c, id)?;
            let enterprise = Enterprise::find(c, dispute.enterprise_id)?;
            let loan = loan_of(&disputed_loans(c, [&dispute])?, &dispute);
            Ok((dispute, enterprise, loan))
        })
        .await
        .map_err(AppError::from)
}

/// What the disputed record or drawdown says now.
fn describe_now(c: &mut crate::db::DbConn, uscc: &str, dispute: &Dispute) -> diesel::QueryResult<Option<String>> {
    match dispute.record_kind {
        Subject::Record(kind) => describe_record(c, uscc, kind, dispute.record_id),
        Subject::Drawdown => Ok(describe_drawdown(c, dispute.record_id)?.map(|(summary, _)| summary)),
    }
}

pub async fn dispute(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<DisputePage> {
    signed.require(Role::CreditOffice)?;
    let (dispute, enterprise, loan) = load_dispute(&state, id).await?;
    Ok(DisputePage {
        layout: signed.layout(),
        dispute,
        enterprise,
        loan,
        form: AnswerForm::default(),
        errors: FormErrors::default(),
    })
}

/// The answer's outcome and words, checked against the dispute.
fn check_answer(form: &AnswerForm, dispute: &Dispute) -> Result<(DisputeOutcome, String), FormErrors> {
    let mut errors = FormErrors::default();
    let outcome = DisputeOutcome::parse(&form.outcome);
    match outcome {
        None => errors.add("outcome", "请选择处理结果"),
        Some(outcome) if !outcome.fits(dispute.record_kind) => {
            errors.add("outcome", "只有行政处罚和司法记录可以标记为信用修复")
        }
        _ => {}
    }
    let answer = form.answer.trim().to_string();
    if answer.chars().count() < 5 || answer.chars().count() > 1000 {
        errors.add("answer", "请填写答复意见（5 到 1000 字），企业将看到这段答复");
    }
    if !dispute.is_open() {
        errors.add("outcome", "该异议已答复");
    }
    outcome.filter(|_| errors.is_empty()).map(|o| (o, answer)).ok_or(errors)
}

/// `POST /credit-office/disputes/{id}/confirm`: the answer as typed, with the
/// record's value before and after it; 返回修改 gives the form back, filled.
pub async fn confirm_answer(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (dispute, enterprise, loan) = load_dispute(&state, id).await?;
    let (outcome, answer) = match check_answer(&form, &dispute) {
        Ok(checked) if form.intent != "edit" => checked,
        checked => {
            let (status, errors) = form_again(checked, &form.intent);
            let page = DisputePage { layout: signed.layout(), dispute, enterprise, loan, form, errors };
            return Ok((status, page).into_response());
        }
    };
    let (uscc, disputed) = (enterprise.uscc.clone(), dispute.clone());
    let now = state.db.query(move |c| describe_now(c, &uscc, &disputed)).await?;
    let mut page = ConfirmPage::typed(
        signed.layout(),
        "确认答复异议",
        format!("/credit-office/disputes/{id}"),
        "确认提交答复",
        format!("/credit-office/disputes/{id}/confirm"),
    );
    page.message = if dispute.is_about_drawdown() {
        format!("{}对放款的异议将按下面的结果关闭，企业和放款银行会收到答复。", enterprise.name)
    } else {
        format!("{}的异议将按下面的结果关闭，企业会收到答复，信用评价随即重算。", enterprise.name)
    };
    page.danger = outcome == DisputeOutcome::Corrected;
    let page = page
        .line("处理结果", outcome.label())
        .line("记录原值", now.unwrap_or(dispute.record_summary))
        .line("处理后", outcome.effect(dispute.record_kind))
        .line("答复意见", answer)
        .carrying(&form);
    Ok(page.into_response())
}

/// `POST /credit-office/disputes/{id}`: answers (after the confirmation step; everything is checked again).
pub async fn answer_dispute(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (dispute, enterprise, loan) = load_dispute(&state, id).await?;
    let (outcome, answer) = match check_answer(&form, &dispute) {
        Ok(checked) => checked,
        Err(errors) => {
            let page = DisputePage { layout: signed.layout(), dispute, enterprise, loan, form, errors };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let (ctx, input) = (signed.change(&state), Answer { dispute_id: id, outcome, answer });
    state.db.query(move |c| dispute::answer(c, &ctx, input)).await?.map_err(|_| AppError::NotFound)?;
    Ok(Redirect::to("/credit-office/disputes?notice=dispute_answered").into_response())
}
