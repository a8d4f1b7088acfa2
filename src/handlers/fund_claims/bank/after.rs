//! What the bank does after a return or a payment: `POST
//! /bank/claims/{id}/resubmit` (the losses as now stated, at the version the
//! page was read at), and a recovery after payout through its confirmation
//! (`POST /bank/claims/{id}/recoveries/confirm`, then `/recoveries`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{ClaimPage, Typed, claim_page, institution};
use crate::actions::Refusal;
use crate::actions::fund_claim::{recover, resubmit};
use crate::auth::SignedIn;
use crate::domain::Money;
use crate::domain::fund::refund;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{ConfirmPage, FormErrors};

#[derive(Deserialize, Default)]
pub struct ResubmitForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    reg: Vec<String>,
    #[serde(default)]
    loss: Vec<String>,
}

fn version(text: &str) -> i32 {
    text.trim().parse().unwrap_or_default()
}

/// The claim page (422) with the refusal beside its field or above the form.
async fn refused(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    mut typed: Typed,
    refusal: Refusal,
) -> AppResult<Response> {
    if let Refusal::NotFound(_) = refusal {
        return Err(AppError::NotFound);
    }
    let fields = match &refusal {
        Refusal::Fields(fields) => fields.clone(),
        _ => Vec::new(),
    };
    if fields.is_empty() {
        typed.alert = Some(refusal.to_string());
    }
    let mut page = claim_page(state, signed, id, (None, typed)).await?;
    for f in fields {
        place(&mut page, f.field, f.message);
    }
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// A loss's words beside the item whose IOU they name; others beside their field.
fn place(page: &mut ClaimPage, field: &'static str, message: String) {
    let item = page.view.items.iter().find(|i| message.contains(&format!("借据 {}", i.iou_no)));
    match item.map(|i| i.item.registration_id) {
        Some(reg) if field == "loss" => {
            if let Some(line) = page.typed.losses.iter_mut().find(|(r, _, _)| *r == reg) {
                line.2 = Some(message);
            }
        }
        _ => page.typed.errors.add(field, message),
    }
}

/// `POST /bank/claims/{id}/resubmit`.
pub async fn resubmit_claim(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<ResubmitForm>,
) -> AppResult<Response> {
    let institution = institution(&signed)?;
    let mut typed = Typed::default();
    let mut losses = Vec::new();
    for (reg, loss) in form.reg.iter().zip(&form.loss) {
        let Ok(reg) = reg.trim().parse::<i64>() else { continue };
        let amount = Money::parse_wan_fen(loss);
        let error = amount.is_none().then(|| "请填写本金损失（万元，大于 0，最多六位小数）".to_string());
        typed.losses.push((reg, loss.clone(), error));
        losses.extend(amount.map(|a| (reg, a.fen())));
    }
    if typed.losses.iter().any(|(_, _, e)| e.is_some()) {
        let page = claim_page(&state, &signed, id, (None, typed)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let (ctx, at) = (signed.change(&state), (id, version(&form.version)));
    match state.db.query(move |c| resubmit(c, &ctx, institution, at, &losses)).await? {
        Ok(()) => Ok(Redirect::to(&format!("/bank/claims/{id}?notice=claim_resubmitted")).into_response()),
        Err(refusal) => refused(&state, &signed, id, typed, refusal).await,
    }
}

#[derive(Deserialize, Serialize, Default)]
pub struct RecoveryForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    on: String,
    #[serde(default, skip_serializing)]
    intent: String,
}

impl RecoveryForm {
    fn typed(&self) -> Typed {
        Typed { amount: self.amount.clone(), on: self.on.clone(), ..Typed::default() }
    }

    /// The amount in fen and the date, or the errors beside them.
    fn checked(&self) -> Result<(i64, NaiveDate), FormErrors> {
        let mut errors = FormErrors::default();
        let amount = Money::parse_wan_fen(&self.amount);
        if amount.is_none() {
            errors.add("amount", "请填写追回金额（万元，大于 0，最多六位小数）");
        }
        let on = NaiveDate::parse_from_str(self.on.trim(), "%Y-%m-%d").ok();
        if on.is_none() {
            errors.add("on", "请填写追回日期（如 2026-12-01）");
        }
        match (amount, on) {
            (Some(a), Some(d)) => Ok((a.fen(), d)),
            _ => Err(errors),
        }
    }
}

async fn form_again(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    form: &RecoveryForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = claim_page(state, signed, id, (None, Typed { errors, ..form.typed() })).await?;
    Ok((status, page).into_response())
}

/// `POST /bank/claims/{id}/recoveries/confirm`: the refund the recovery gives, to confirm.
pub async fn confirm_recovery(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<RecoveryForm>,
) -> AppResult<Response> {
    let (amount, on) = match form.checked() {
        Ok(checked) if form.intent != "edit" => checked,
        Ok(_) => return form_again(&state, &signed, id, &form, FormErrors::default()).await,
        Err(errors) => return form_again(&state, &signed, id, &form, errors).await,
    };
    let claim = claim_page(&state, &signed, id, (None, Typed::default())).await?.view.claim;
    let paid = claim.approved_fen.unwrap_or_default();
    let back = refund(amount, paid, claim.loss_fen, claim.refunded_fen);
    let (wan, yuan) = (|fen: i64| Money::from_fen(fen).wan_text(), |fen: i64| Money::from_fen(fen).yuan_text());
    let (action, edit) = (format!("/bank/claims/{id}/recoveries"), format!("/bank/claims/{id}/recoveries/confirm"));
    let page = ConfirmPage::typed(signed.layout(), "确认记录追回", action, "确认记录", edit)
        .line("补偿申请", format!("第 {id} 号"))
        .line("追回金额", wan(amount))
        .line("追回日期", on.to_string())
        .line("退回资金池", yuan(back))
        .line("本机构实得补偿（记录后）", yuan(paid - claim.refunded_fen - back))
        .carrying(&form);
    let message = "追回后，资金池按补偿比例收回其承担的部分（追回金额 × 已拨付 ÷ 本金损失），记录后不能撤销。";
    Ok(ConfirmPage { message: message.into(), ..page }.into_response())
}

/// `POST /bank/claims/{id}/recoveries`: records the recovery confirmed.
pub async fn record_recovery(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<RecoveryForm>,
) -> AppResult<Response> {
    let institution = institution(&signed)?;
    let checked = match form.checked() {
        Ok(checked) => checked,
        Err(errors) => return form_again(&state, &signed, id, &form, errors).await,
    };
    let (ctx, at) = (signed.change(&state), (id, version(&form.version)));
    match state.db.query(move |c| recover(c, &ctx, institution, at, checked)).await? {
        Ok(_) => Ok(Redirect::to(&format!("/bank/claims/{id}?notice=claim_recovered")).into_response()),
        Err(refusal) => refused(&state, &signed, id, form.typed(), refusal).await,
    }
}
