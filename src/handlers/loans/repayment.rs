//! Recording a repayment (录入还款) on the officer's loan: which drawdown (by
//! default the one with the earliest instalment unpaid), the date (today),
//! principal, interest and penalty in 元 (by default what is left of that
//! drawdown's next instalment). Shown while the loan is 正常 or 逾期; what the
//! action refuses (more than outstanding, a date before the drawdown or in
//! the future) stands beside its field.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::actions::loan::{OwnLoan, record_repayment as repay};
use crate::auth::SignedIn;
use crate::clock::beijing;
use crate::domain::Money;
use crate::domain::loan::{LoanEvent, transition};
use crate::error::AppResult;
use crate::models::loan::repayment::NewRepayment;
use crate::models::loan::sheet::LoanSheet;
use crate::state::AppState;
use crate::web::{FormErrors, Layout};

use super::LoanView;

#[derive(Deserialize, Default, Clone, Debug)]
pub struct RepaymentForm {
    #[serde(default)]
    drawdown: String,
    #[serde(default)]
    paid_on: String,
    /// 元, as are interest and penalty.
    #[serde(default)]
    principal: String,
    #[serde(default)]
    interest: String,
    #[serde(default)]
    penalty: String,
}

impl RepaymentForm {
    fn validate(&self) -> Result<NewRepayment, FormErrors> {
        let mut errors = FormErrors::default();
        let drawdown_id = self.drawdown.trim().parse::<i64>().ok();
        if drawdown_id.is_none() {
            errors.add("drawdown", "请选择该贷款的一笔借据");
        }
        let paid_on = NaiveDate::parse_from_str(self.paid_on.trim(), "%Y-%m-%d").ok();
        if paid_on.is_none() {
            errors.add("paid_on", "请填写还款日期，格式如 2026-12-23");
        }
        let mut yuan = |field: &'static str, text: &str, what: &str| {
            let amount = if text.trim().is_empty() { Some(Money::from_fen(0)) } else { Money::parse_yuan(text) };
            if amount.is_none() {
                errors.add(field, format!("请填写{what}（元，不小于 0，最多两位小数）"));
            }
            amount
        };
        let principal = yuan("principal", &self.principal, "还款本金");
        let interest = yuan("interest", &self.interest, "利息");
        let penalty = yuan("penalty", &self.penalty, "罚息");
        match (drawdown_id, paid_on, principal, interest, penalty) {
            (Some(drawdown_id), Some(paid_on), Some(principal), Some(interest), Some(penalty)) => {
                Ok(NewRepayment { drawdown_id, paid_on, principal, interest, penalty })
            }
            _ => Err(errors),
        }
    }

    /// The form for a repayment of `drawdown`'s next instalment, today.
    fn next_of(sheet: &LoanSheet, drawdown: Option<i64>, today: NaiveDate) -> RepaymentForm {
        let open = |id: i64| sheet.drawdowns.iter().find(|d| d.id == id && d.outstanding.fen() > 0);
        let chosen = drawdown.and_then(open).or_else(|| sheet.drawdown_due_first());
        let next = chosen.and_then(|d| sheet.instalments.iter().find(|i| i.drawdown_id == d.id && i.paid_on.is_none()));
        let left = |due: Money, paid: Money| Money::from_fen(due.fen() - paid.fen()).yuan_input();
        RepaymentForm {
            drawdown: chosen.map(|d| d.id.to_string()).unwrap_or_default(),
            paid_on: today.to_string(),
            principal: next.map(|i| left(i.principal, i.paid_principal)).unwrap_or_default(),
            interest: next.map(|i| left(i.interest, i.paid_interest)).unwrap_or_default(),
            penalty: "0".into(),
        }
    }
}

#[derive(Deserialize, Default)]
pub struct RepaymentQuery {
    drawdown: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "loans/repayment.html")]
pub struct RepaymentPage {
    layout: Layout,
    sheet: LoanSheet,
    form: RepaymentForm,
    errors: FormErrors,
    refusal: Option<String>,
}

impl RepaymentPage {
    fn can_repay(&self) -> bool {
        transition(self.sheet.loan.status, LoanEvent::Repay).is_ok()
    }

    /// The drawdowns with principal left, as the select lists them.
    fn drawdowns(&self) -> Vec<(String, String)> {
        let open = self.sheet.drawdowns.iter().filter(|d| d.outstanding.fen() > 0);
        open.map(|d| (d.id.to_string(), format!("借据 {}（剩余本金 {}）", d.iou_no, d.outstanding.yuan_text())))
            .collect()
    }
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    form: Result<RepaymentForm, Option<i64>>,
    (errors, refusal): (FormErrors, Option<String>),
) -> AppResult<RepaymentPage> {
    let sheet = LoanView::Officer.sheet(state, signed, id).await?;
    let today = beijing(state.clock.now()).date_naive();
    let form = form.unwrap_or_else(|drawdown| RepaymentForm::next_of(&sheet, drawdown, today));
    let refusal = refusal.or_else(|| transition(sheet.loan.status, LoanEvent::Repay).err().map(|e| e.message()));
    Ok(RepaymentPage { layout: signed.layout(), sheet, form, errors, refusal })
}

/// `GET /officer/loans/{id}/repayments`: the repayment form (`?drawdown=` picks the drawdown).
pub async fn repayment_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Query(query): Query<RepaymentQuery>,
) -> AppResult<RepaymentPage> {
    page(&state, &signed, id, Err(query.drawdown), (FormErrors::default(), None)).await
}

/// `POST /officer/loans/{id}/repayments`: records the repayment against the drawdown's schedule.
pub async fn record_repayment(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<RepaymentForm>,
) -> AppResult<Response> {
    let loan = LoanView::Officer.loan(&state, &signed, id).await?;
    let new = match form.validate() {
        Ok(new) => new,
        Err(errors) => {
            let page = page(&state, &signed, id, Ok(form), (errors, None)).await?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let (ctx, own) = (signed.change(&state), OwnLoan { institution_id: loan.institution_id, loan_id: loan.id });
    match state.db.query(move |c| repay(c, &ctx, own, new)).await? {
        Ok(_) => Ok(Redirect::to(&format!("/officer/loans/{id}?notice=repaid")).into_response()),
        Err(refusal) => {
            let (status, errors, alert) = super::refused(&refusal);
            Ok((status, page(&state, &signed, id, Ok(form), (errors, alert)).await?).into_response())
        }
    }
}
