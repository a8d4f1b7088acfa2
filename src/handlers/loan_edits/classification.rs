//! `/officer/loans/{id}/classification`: the five-level classification
//! (五级分类) moved as of the date the bank states, with its reason.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::{ConflictRow, Refused, Shown, Subject, event_date, reason, today, version};
use crate::actions::loan::{self, Classify};
use crate::auth::SignedIn;
use crate::domain::loan::{Classification, LoanEvent, transition};
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::{FormErrors, Layout};

#[derive(Deserialize, Default, Clone)]
pub struct ClassifyForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    reason: String,
}

impl ClassifyForm {
    fn validate(&self) -> Result<Classify, FormErrors> {
        let mut errors = FormErrors::default();
        let to = Classification::parse(&self.to);
        if to.is_none() {
            errors.add("to", "请选择五级分类");
        }
        let on = event_date(&mut errors, "on", &self.on, "认定日期");
        let reason = reason(&mut errors, "reason", &self.reason);
        match (to, on) {
            (Some(to), Some(on)) if errors.is_empty() => {
                Ok(Classify { version: version(&self.version), to, on, reason })
            }
            _ => Err(errors),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "loans/edits/classification.html")]
pub struct ClassificationPage {
    layout: Layout,
    subject: Subject,
    form: ClassifyForm,
    errors: FormErrors,
    shown: Shown,
}

impl ClassificationPage {
    /// The five levels as the choices list them, 不良 marked on 次级 or worse.
    fn levels(&self) -> Vec<(&'static str, String)> {
        Classification::ALL
            .iter()
            .map(|c| {
                let text =
                    if c.is_non_performing() { format!("{}（不良）", c.label()) } else { c.label().to_string() };
                (c.as_str(), text)
            })
            .collect()
    }

    fn chosen(&self, level: &str) -> bool {
        self.form.to == level
    }

    fn is_current(&self, level: &str) -> bool {
        self.subject.loan.classification.as_str() == level
    }
}

fn page(
    layout: Layout,
    subject: Subject,
    form: ClassifyForm,
    errors: FormErrors,
    mut shown: Shown,
) -> ClassificationPage {
    shown.blocked = transition(subject.loan.status, LoanEvent::Classify).err().map(|e| e.message());
    ClassificationPage { layout, subject, form, errors, shown }
}

/// `GET /officer/loans/{id}/classification`.
pub async fn classification_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<ClassificationPage> {
    let (_, subject) = Subject::load(&state, &signed, id).await?;
    let form = ClassifyForm {
        version: subject.loan.version.to_string(),
        to: subject.loan.classification.as_str().into(),
        on: today(&state).to_string(),
        reason: String::new(),
    };
    Ok(page(signed.layout(), subject, form, FormErrors::default(), Shown::default()))
}

/// `POST /officer/loans/{id}/classification`: back to the loan page once
/// moved; otherwise the form again with what was typed.
pub async fn classify(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<ClassifyForm>,
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
    let Err(refusal) = state.db.query(move |c| loan::classify(c, &ctx, own, input)).await? else {
        return Ok(Redirect::to(&format!("/officer/loans/{id}?notice=loan_classified")).into_response());
    };
    let typed = Classification::parse(&form.to).map_or("", Classification::label);
    let refused = Refused::of(&state, &signed, id, refusal, |now| {
        vec![
            ConflictRow::new("五级分类", now.loan.classification.label(), typed),
            ConflictRow::fact("贷款状态", now.loan.status.label()),
        ]
    })
    .await?;
    let form = ClassifyForm { version: refused.version.unwrap_or(form.version), ..form };
    Ok((refused.status, page(signed.layout(), refused.subject, form, refused.errors, refused.shown)).into_response())
}
