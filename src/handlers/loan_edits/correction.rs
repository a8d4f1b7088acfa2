//! `/officer/loans/{id}/correction`: the contract's terms corrected as
//! recorded, with the reason; the history keeps each old value. The fields
//! are the open-loan form's (`handlers::loan_terms`, `loans/terms_fields.html`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::{ConflictRow, Refused, Shown, Subject, reason, version};
use crate::actions::loan::{self, Correct};
use crate::auth::SignedIn;
use crate::domain::Guarantee;
use crate::domain::loan::{correction_refused, field_label};
use crate::domain::repayment::RepaymentMethod;
use crate::error::AppResult;
use crate::handlers::loan_terms::LoanTermsForm;
use crate::models::loan::Loan;
use crate::state::AppState;
use crate::web::{FormErrors, Layout};

#[derive(Deserialize, Default, Clone)]
pub struct CorrectionForm {
    #[serde(flatten)]
    terms: LoanTermsForm,
    #[serde(default)]
    version: String,
    #[serde(default)]
    reason: String,
}

impl CorrectionForm {
    fn validate(&self) -> Result<Correct, FormErrors> {
        let (terms, mut errors) = match self.terms.validate() {
            Ok(terms) => (Some(terms), FormErrors::default()),
            Err(errors) => (None, errors),
        };
        let reason = reason(&mut errors, "reason", &self.reason);
        match terms {
            Some(terms) if errors.is_empty() => Ok(Correct { version: version(&self.version), terms, reason }),
            _ => Err(errors),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "loans/edits/correction.html")]
pub struct CorrectionPage {
    layout: Layout,
    subject: Subject,
    /// The terms' fields, named `form` for the shared partial.
    form: LoanTermsForm,
    version: String,
    reason: String,
    errors: FormErrors,
    shown: Shown,
    /// The enterprise's other loans at this bank, which this one may renew, as (id, text).
    renewable: Vec<(String, String)>,
}

async fn page(
    state: &AppState,
    layout: Layout,
    subject: Subject,
    form: CorrectionForm,
    (errors, mut shown): (FormErrors, Shown),
) -> AppResult<CorrectionPage> {
    shown.blocked = correction_refused(subject.loan.status).map(str::to_string);
    let (id, institution, enterprise) = (subject.loan.id, subject.loan.institution_id, subject.loan.enterprise_id);
    let mut renewable = vec![(String::new(), "不在平台上".to_string())];
    let earlier = state.db.query(move |c| Loan::all_of_enterprise(c, enterprise)).await?;
    renewable.extend(
        earlier.iter().filter(|l| l.id != id && l.institution_id == institution).map(|l| {
            (l.id.to_string(), format!("合同 {}（{} 签约，{}）", l.contract_no, l.signed_on, l.line.wan_text()))
        }),
    );
    if !renewable.iter().any(|(value, _)| *value == form.terms.renews) {
        renewable.push((form.terms.renews.clone(), format!("贷款 #{}", form.terms.renews)));
    }
    let CorrectionForm { terms, version, reason } = form;
    Ok(CorrectionPage { layout, subject, form: terms, version, reason, errors, shown, renewable })
}

/// The terms in the conflict's words: each field where the loan now differs from what was typed.
fn conflict(now: &Subject, typed: &LoanTermsForm) -> Vec<ConflictRow> {
    let current = LoanTermsForm::from_terms(&now.loan.terms());
    let text = |form: &LoanTermsForm, field: &str| -> String {
        let yes_no = |ticked: &str| if ticked.is_empty() { "否" } else { "是" }.to_string();
        match field {
            "contract_no" => form.contract_no.trim().to_string(),
            "line" => format!("{} 万元", form.line.trim()),
            "rate" => format!("{}%", form.rate.trim()),
            "term" => format!("{} 个月", form.term.trim()),
            "signed_on" => form.signed_on.trim().to_string(),
            "repayment_method" => RepaymentMethod::parse(&form.repayment_method).map_or("", |m| m.label()).into(),
            "guarantees" => {
                let labels: Vec<_> =
                    form.guarantees.iter().filter_map(|g| Guarantee::parse(g)).map(|g| g.label()).collect();
                labels.join("、")
            }
            "first_loan" => yes_no(&form.first_loan),
            "renewal" => yes_no(&form.renewal),
            _ if form.renews.trim().is_empty() => "不在平台上".into(),
            _ => format!("贷款 #{}", form.renews.trim()),
        }
    };
    let fields = [
        "contract_no",
        "line",
        "rate",
        "term",
        "signed_on",
        "repayment_method",
        "guarantees",
        "first_loan",
        "renewal",
        "renews",
    ];
    // Only what differs: the terms the officer did not touch and nobody changed say nothing.
    let mut rows: Vec<ConflictRow> = fields
        .iter()
        .map(|f| ConflictRow::new(field_label(f), text(&current, f), text(typed, f)))
        .filter(ConflictRow::differs)
        .collect();
    rows.push(ConflictRow::fact("已放款", now.loan.drawn.wan_text()));
    rows
}

/// `GET /officer/loans/{id}/correction`: the terms as recorded, to correct.
pub async fn correction_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<CorrectionPage> {
    let (_, subject) = Subject::load(&state, &signed, id).await?;
    let form = CorrectionForm {
        terms: LoanTermsForm::from_terms(&subject.loan.terms()),
        version: subject.loan.version.to_string(),
        reason: String::new(),
    };
    page(&state, signed.layout(), subject, form, Default::default()).await
}

/// `POST /officer/loans/{id}/correction`: back to the loan page once
/// corrected; otherwise the form again with what was typed.
pub async fn correct(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<CorrectionForm>,
) -> AppResult<Response> {
    let (own, subject) = Subject::load(&state, &signed, id).await?;
    let input = match form.validate() {
        Ok(input) => input,
        Err(errors) => {
            let page = page(&state, signed.layout(), subject, form, (errors, Shown::default())).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let ctx = signed.change(&state);
    let Err(refusal) = state.db.query(move |c| loan::correct_terms(c, &ctx, own, input)).await? else {
        return Ok(Redirect::to(&format!("/officer/loans/{id}?notice=loan_corrected")).into_response());
    };
    let refused = Refused::of(&state, &signed, id, refusal, |now| conflict(now, &form.terms)).await?;
    let form = CorrectionForm { version: refused.version.unwrap_or(form.version), ..form };
    let page = page(&state, signed.layout(), refused.subject, form, (refused.errors, refused.shown)).await?;
    Ok((refused.status, page).into_response())
}
