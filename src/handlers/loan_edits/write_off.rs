//! `/officer/loans/{id}/write-off`: the write-off (核销) as of the date the
//! bank states, with its reason, after a confirmation step that says it is
//! terminal. The confirming POST checks everything again.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::{Deserialize, Serialize};

use super::{ConflictRow, Refused, Shown, Subject, event_date, reason, today, version};
use crate::actions::loan::{self, WriteOff};
use crate::auth::SignedIn;
use crate::domain::loan::{LoanEvent, LoanStatus, transition};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::{ConfirmPage, FormErrors, Layout, form_again};

#[derive(Deserialize, Serialize, Default, Clone)]
pub struct WriteOffForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    reason: String,
    /// "edit": back from the confirmation to the form, filled.
    #[serde(default)]
    intent: String,
}

impl WriteOffForm {
    fn validate(&self) -> Result<WriteOff, FormErrors> {
        let mut errors = FormErrors::default();
        let on = event_date(&mut errors, "on", &self.on, "核销日期");
        let reason = reason(&mut errors, "reason", &self.reason);
        match on {
            Some(on) if errors.is_empty() => Ok(WriteOff { version: version(&self.version), on, reason }),
            _ => Err(errors),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "loans/edits/write_off.html")]
pub struct WriteOffPage {
    layout: Layout,
    subject: Subject,
    form: WriteOffForm,
    errors: FormErrors,
    shown: Shown,
}

fn page(layout: Layout, subject: Subject, form: WriteOffForm, errors: FormErrors, mut shown: Shown) -> WriteOffPage {
    shown.blocked = transition(subject.loan.status, LoanEvent::WriteOff).err().map(|e| e.message());
    WriteOffPage { layout, subject, form, errors, shown }
}

/// The conflict's rows: the loan's status now beside the write-off typed, and what it owes.
fn conflict(now: &Subject) -> Vec<ConflictRow> {
    vec![
        ConflictRow::new("贷款状态", now.loan.status.label(), LoanStatus::WrittenOff.label()),
        ConflictRow::fact("五级分类", now.loan.classification.label()),
        ConflictRow::fact("未还本金", now.loan.outstanding.yuan_text()),
    ]
}

/// `GET /officer/loans/{id}/write-off`.
pub async fn write_off_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<WriteOffPage> {
    let (_, subject) = Subject::load(&state, &signed, id).await?;
    let form = WriteOffForm {
        version: subject.loan.version.to_string(),
        on: today(&state).to_string(),
        ..WriteOffForm::default()
    };
    Ok(page(signed.layout(), subject, form, FormErrors::default(), Shown::default()))
}

/// `POST /officer/loans/{id}/write-off/confirm`: the write-off as typed, summed
/// up for confirmation; 返回修改 (or an error) gives the form back, filled. A
/// loan changed since the form was read is the conflict already here.
pub async fn confirm_write_off(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<WriteOffForm>,
) -> AppResult<Response> {
    let (_, subject) = Subject::load(&state, &signed, id).await?;
    let checked = form.validate();
    let input = match checked {
        Ok(input) if form.intent != "edit" => input,
        checked => {
            let (status, errors) = form_again(checked, &form.intent);
            return Ok((status, page(signed.layout(), subject, form, errors, Shown::default())).into_response());
        }
    };
    if transition(subject.loan.status, LoanEvent::WriteOff).is_err() {
        return Ok((
            StatusCode::CONFLICT,
            page(signed.layout(), subject, form, FormErrors::default(), Shown::default()),
        )
            .into_response());
    }
    if subject.loan.version != input.version {
        let changed = crate::actions::Refusal::Changed("贷款");
        let refused = Refused::of(&state, &signed, id, changed, conflict).await?;
        let form = WriteOffForm { version: refused.version.unwrap_or(form.version), ..form };
        return Ok((refused.status, page(signed.layout(), refused.subject, form, refused.errors, refused.shown))
            .into_response());
    }
    Ok(summary(signed.layout(), &subject, &form, &input).into_response())
}

/// The confirmation: what is written off, as of when and why, and that nothing follows it.
fn summary(layout: Layout, subject: &Subject, form: &WriteOffForm, input: &WriteOff) -> ConfirmPage {
    let id = subject.loan.id;
    let (action, edit) = (format!("/officer/loans/{id}/write-off"), format!("/officer/loans/{id}/write-off/confirm"));
    let mut page = ConfirmPage::typed(layout, "确认核销贷款", action, "确认核销", edit);
    page.message =
        "核销是终态，不能撤销：核销后该贷款不能再放款、录入还款或调整五级分类，合同信息也不能再更正。".into();
    page.danger = true;
    page.line("合同编号", subject.loan.contract_no.clone())
        .line("企业", subject.enterprise.clone())
        .line("当前状态", format!("{} · 五级分类 {}", subject.loan.status.label(), subject.loan.classification.label()))
        .line("未还本金", subject.loan.outstanding.yuan_text())
        .line("核销日期", input.on.to_string())
        .line("核销原因", input.reason.clone())
        .carrying(form)
}

/// `POST /officer/loans/{id}/write-off`: writes the loan off (after the
/// confirmation step) and returns to the loan page; otherwise the form again.
pub async fn write_off(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<WriteOffForm>,
) -> AppResult<Response> {
    let (own, subject) = Subject::load(&state, &signed, id).await?;
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            let page = page(signed.layout(), subject, form, errors, Shown::default());
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let ctx = signed.change(&state);
    let Err(refusal) = state.db.query(move |c| loan::write_off(c, &ctx, own, input)).await? else {
        return Ok(Redirect::to(&format!("/officer/loans/{id}?notice=loan_written_off")).into_response());
    };
    let refused = Refused::of(&state, &signed, id, refusal, conflict).await?;
    let form = WriteOffForm { version: refused.version.unwrap_or(form.version), intent: String::new(), ..form };
    Ok((refused.status, page(signed.layout(), refused.subject, form, refused.errors, refused.shown)).into_response())
}
