//! Recording a drawdown (录入放款 / 借据) on the officer's loan: the IOU number,
//! the amount in 万元, the value date (today by default) and the term (left
//! empty: the whole months from the value date to the loan's maturity). Shown only while
//! the loan is 正常; what the action refuses (over the line, a date before
//! the approval or in the future, past the maturity) stands beside its field.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::actions::loan::{OwnLoan, record_drawdown as draw};
use crate::auth::SignedIn;
use crate::clock::beijing;
use crate::domain::loan::{LoanEvent, months_within, transition};
use crate::error::AppResult;
use crate::models::loan::drawdown::NewDrawdown;
use crate::models::loan::sheet::LoanSheet;
use crate::state::AppState;
use crate::web::{FormErrors, Layout};

use super::LoanView;

#[derive(Deserialize, Default, Clone, Debug)]
pub struct DrawdownForm {
    #[serde(default)]
    iou_no: String,
    /// 万元.
    #[serde(default)]
    amount: String,
    #[serde(default)]
    value_date: String,
    #[serde(default)]
    term: String,
}

impl DrawdownForm {
    /// The drawdown, or every field that is wrong; an empty term runs to `maturity`.
    fn validate(&self, maturity: NaiveDate) -> Result<NewDrawdown, FormErrors> {
        let mut errors = FormErrors::default();
        let iou_no = self.iou_no.trim().to_string();
        if iou_no.is_empty() || iou_no.chars().count() > 64 {
            errors.add("iou_no", "请填写借据号（不超过 64 个字符）");
        }
        let amount = errors.loan_amount("amount", &self.amount, "放款金额");
        let value_date = NaiveDate::parse_from_str(self.value_date.trim(), "%Y-%m-%d").ok();
        if value_date.is_none() {
            errors.add("value_date", "请填写起息日，格式如 2026-11-23");
        }
        let term = match (self.term.trim(), value_date) {
            ("", Some(from)) => i32::try_from(months_within(from, maturity)).ok(),
            ("", None) => None,
            (typed, _) => errors.term_months("term", typed),
        };
        match (amount, value_date, term) {
            (Some(amount), Some(value_date), Some(term_months)) if errors.is_empty() => {
                Ok(NewDrawdown { iou_no, amount, value_date, term_months })
            }
            _ => Err(errors),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "loans/drawdown.html")]
pub struct DrawdownPage {
    layout: Layout,
    sheet: LoanSheet,
    form: DrawdownForm,
    errors: FormErrors,
    /// Why no drawdown can be recorded now, or why this one was refused as a whole.
    refusal: Option<String>,
    today: NaiveDate,
}

impl DrawdownPage {
    fn can_draw(&self) -> bool {
        transition(self.sheet.loan.status, LoanEvent::Draw).is_ok()
    }
    /// The term a drawdown today would take when the field is left empty.
    fn term_today(&self) -> u32 {
        months_within(self.today, self.sheet.loan.maturity)
    }
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    form: Option<DrawdownForm>,
    (errors, refusal): (FormErrors, Option<String>),
) -> AppResult<DrawdownPage> {
    let sheet = LoanView::Officer.sheet(state, signed, id).await?;
    let today = beijing(state.clock.now()).date_naive();
    let form = form.unwrap_or_else(|| DrawdownForm { value_date: today.to_string(), ..DrawdownForm::default() });
    let refusal = refusal.or_else(|| transition(sheet.loan.status, LoanEvent::Draw).err().map(|e| e.message()));
    Ok(DrawdownPage { layout: signed.layout(), sheet, form, errors, refusal, today })
}

/// `GET /officer/loans/{id}/drawdowns`: the drawdown form.
pub async fn drawdown_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<DrawdownPage> {
    page(&state, &signed, id, None, (FormErrors::default(), None)).await
}

/// `POST /officer/loans/{id}/drawdowns`: records the drawdown and its schedule.
pub async fn record_drawdown(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<DrawdownForm>,
) -> AppResult<Response> {
    let loan = LoanView::Officer.loan(&state, &signed, id).await?;
    let new = match form.validate(loan.maturity) {
        Ok(new) => new,
        Err(errors) => {
            let page = page(&state, &signed, id, Some(form), (errors, None)).await?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let (ctx, own) = (signed.change(&state), OwnLoan { institution_id: loan.institution_id, loan_id: loan.id });
    match state.db.query(move |c| draw(c, &ctx, own, new)).await? {
        Ok(_) => Ok(Redirect::to(&format!("/officer/loans/{id}?notice=drawn")).into_response()),
        Err(refusal) => {
            let (status, errors, alert) = super::refused(&refusal);
            Ok((status, page(&state, &signed, id, Some(form), (errors, alert)).await?).into_response())
        }
    }
}
