//! Disputes (异议): the enterprise contests a record from its portrait; the
//! credit office answers within 20 days; both sides are emailed; the score is
//! recomputed in the same transaction as the answer.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::SignedIn;
use crate::clock::date_text;
use crate::db::write_tx;
use crate::domain::Role;
use crate::domain::records::RecordKind;
use crate::email::{Email, EmailTemplate};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::dispute::{Dispute, NewDispute, Outcome, apply_outcome, describe_record};
use crate::models::enterprise::Enterprise;
use crate::models::user::User;
use crate::notify::enqueue_email;
use crate::state::AppState;
use crate::web::{FormErrors, Layout, PageQuery, Pager};

#[derive(Template)]
#[template(path = "emails/dispute_opened.txt", blocks = ["subject", "body"])]
pub struct DisputeOpenedEmail {
    pub enterprise: String,
    pub summary: String,
    pub reason: String,
    pub due: String,
    pub link: String,
}

#[derive(Template)]
#[template(path = "emails/dispute_answered.txt", blocks = ["subject", "body"])]
pub struct DisputeAnsweredEmail {
    pub summary: String,
    pub outcome: &'static str,
    pub answer: String,
    pub link: String,
}

impl EmailTemplate for DisputeOpenedEmail {
    fn subject(&self) -> askama::Result<String> {
        self.as_subject().render()
    }
    fn body(&self) -> askama::Result<String> {
        self.as_body().render()
    }
    fn action(&self) -> Option<(&str, &str)> {
        Some(("处理异议", &self.link))
    }
}

impl EmailTemplate for DisputeAnsweredEmail {
    fn subject(&self) -> askama::Result<String> {
        self.as_subject().render()
    }
    fn body(&self) -> askama::Result<String> {
        self.as_body().render()
    }
    fn action(&self) -> Option<(&str, &str)> {
        Some(("查看信用画像", &self.link))
    }
}

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
#[template(path = "enterprise/dispute_new.html")]
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
    state
        .db
        .run(move |c| {
            let enterprise = Enterprise::find(c, enterprise_id)?;
            let summary = describe_record(c, &enterprise.uscc, kind, id)?.ok_or(AppError::NotFound)?;
            Ok((kind, summary, enterprise))
        })
        .await
}

/// The record's open dispute, if it has one: the enterprise is shown it rather than a second form.
async fn open_on(state: &AppState, kind: RecordKind, record_id: i64) -> AppResult<Option<Response>> {
    let first = state.db.run(move |c| Ok(Dispute::open_on(c, kind, record_id)?)).await?;
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
    let (now, actor, user_id, base) =
        (state.clock.now(), signed.actor(), signed.user.id, state.config.base_url.clone());
    let opened = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let new = NewDispute {
                    enterprise_id: enterprise.id,
                    kind,
                    record_id,
                    summary: &summary,
                    reason: &reason,
                    user_id,
                };
                let id = match Dispute::open(c, &new, now)? {
                    Ok(id) => id,
                    Err(first) => return Ok(Err(first)),
                };
                let dispute = Dispute::find(c, id)?;
                let message = DisputeOpenedEmail {
                    enterprise: enterprise.name.clone(),
                    summary: summary.clone(),
                    reason: reason.clone(),
                    due: date_text(&dispute.due_at),
                    link: format!("{base}/credit-office/disputes/{id}"),
                };
                for staff in User::of_role(c, Role::CreditOffice)? {
                    enqueue_email(c, &Email::render(&staff.email, &message)?, now)?;
                }
                audit::record(c, &actor, "dispute_opened", Some(&format!("dispute:{id}")), "ok", now)?;
                Ok::<_, AppError>(Ok(id))
            })
        })
        .await?;
    match opened {
        Ok(_) => Ok(Redirect::to("/enterprise/portrait?notice=dispute_opened#disputes").into_response()),
        // A submit that raced this record's first dispute: shown the first.
        Err(first) => Ok(shown(first)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/disputes.html")]
pub struct DisputesPage {
    layout: Layout,
    disputes: Vec<(Dispute, String)>,
    pager: Pager,
    now: chrono::NaiveDateTime,
}

pub async fn disputes(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<PageQuery>,
) -> AppResult<DisputesPage> {
    signed.require(Role::CreditOffice)?;
    let (disputes, pager) = state.db.run(move |c| Ok(Dispute::page(c, query.page, 30)?)).await?;
    Ok(DisputesPage { layout: signed.layout(), disputes, pager, now: state.clock.now() })
}

#[derive(Deserialize, Default)]
pub struct AnswerForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    answer: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/dispute.html")]
pub struct DisputePage {
    layout: Layout,
    dispute: Dispute,
    enterprise: Enterprise,
    form: AnswerForm,
    errors: FormErrors,
}

async fn load_dispute(state: &AppState, id: i64) -> AppResult<(Dispute, Enterprise)> {
    state
        .db
        .run(move |c| {
            let dispute = Dispute::find(c, id)?;
            let enterprise = Enterprise::find(c, dispute.enterprise_id)?;
            Ok((dispute, enterprise))
        })
        .await
}

pub async fn dispute(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<DisputePage> {
    signed.require(Role::CreditOffice)?;
    let (dispute, enterprise) = load_dispute(&state, id).await?;
    Ok(DisputePage {
        layout: signed.layout(),
        dispute,
        enterprise,
        form: AnswerForm::default(),
        errors: FormErrors::default(),
    })
}

pub async fn answer_dispute(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (dispute, enterprise) = load_dispute(&state, id).await?;
    let mut errors = FormErrors::default();
    let outcome = Outcome::parse(&form.outcome);
    let kind = dispute.kind().ok_or(AppError::NotFound)?;
    match outcome {
        None => errors.add("outcome", "请选择处理结果"),
        Some(Outcome::Repaired) if kind != RecordKind::Penalties => {
            errors.add("outcome", "只有行政处罚和司法记录可以标记为信用修复")
        }
        _ => {}
    }
    let answer = form.answer.trim().to_string();
    if answer.chars().count() < 5 || answer.chars().count() > 1000 {
        errors.add("answer", "请填写答复意见（5 到 1000 字），企业将看到这段答复");
    }
    if dispute.status != "open" {
        errors.add("outcome", "该异议已答复");
    }
    let Some(outcome) = outcome.filter(|_| errors.is_empty()) else {
        let page = DisputePage { layout: signed.layout(), dispute, enterprise, form, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let (now, actor, user_id, base) =
        (state.clock.now(), signed.actor(), signed.user.id, state.config.base_url.clone());
    let today = crate::clock::beijing(now).date_naive();
    state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                if !Dispute::answer(c, id, outcome, &answer, user_id, now)? {
                    return Ok::<_, AppError>(());
                }
                apply_outcome(c, kind, dispute.record_id, outcome, today)?;
                crate::credit::recompute_one(c, &enterprise.uscc, today, now)?;
                let message = DisputeAnsweredEmail {
                    summary: dispute.record_summary.clone(),
                    outcome: crate::models::dispute::status_label(outcome.as_str()),
                    answer: answer.clone(),
                    link: format!("{base}/enterprise/portrait#disputes"),
                };
                for user in User::of_enterprise(c, enterprise.id)? {
                    enqueue_email(c, &Email::render(&user.email, &message)?, now)?;
                }
                audit::record(c, &actor, "dispute_answered", Some(&format!("dispute:{id}")), outcome.as_str(), now)?;
                Ok(())
            })
        })
        .await?;
    Ok(Redirect::to("/credit-office/disputes?notice=dispute_answered").into_response())
}
