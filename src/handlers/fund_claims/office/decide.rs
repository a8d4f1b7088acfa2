//! The credit office's decision on a claim and its payment, each through a
//! confirmation that says what will happen (the amount and the budget left
//! after it, or the reason the bank will read). The final POST decides at
//! the version the page was read at: a colleague's decision meanwhile, the
//! budget spent, the stop line passed or files missing come back on the
//! claim's page in words.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{ClaimPage, claim_page};
use crate::actions::Refusal;
use crate::actions::fund_claim::review::{self, Decision};
use crate::auth::SignedIn;
use crate::domain::{Money, Role};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{ConfirmPage, FormErrors, form_again};

/// The decision form as typed: 批准, 部分批准 (an amount in 万元), 退回补充材料 or 驳回, and the reason.
#[derive(Deserialize, Serialize, Default, Clone, Debug)]
pub struct DecisionForm {
    #[serde(default)]
    pub choice: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub version: String,
    #[serde(default, skip_serializing)]
    pub intent: String,
}

impl DecisionForm {
    pub fn at(version: &str) -> DecisionForm {
        DecisionForm { version: version.into(), ..DecisionForm::default() }
    }

    /// The decision typed, or the errors beside their fields; `payout_fen`
    /// is what the rules give, which a partial approval stays below.
    fn decision(&self, payout_fen: i64) -> Result<Decision, FormErrors> {
        let mut errors = FormErrors::default();
        let reason = self.reason.trim().to_string();
        let needs_reason = matches!(self.choice.as_str(), "partly" | "return" | "reject");
        if needs_reason && reason.is_empty() {
            errors.add("reason", "请填写原因（将告知申请银行）");
        }
        let decision = match self.choice.as_str() {
            "approve" => Some(Decision::Approve),
            "partly" => match Money::parse_wan(&self.amount).map(Money::fen) {
                Some(fen) if fen < payout_fen => Some(Decision::Partly(fen, reason)),
                _ => {
                    let most = Money::from_fen(payout_fen).wan_text();
                    errors.add(
                        "amount",
                        format!("请填写批准金额（万元，最多两位小数），应大于 0 且低于按规则测算的 {most}"),
                    );
                    None
                }
            },
            "return" => Some(Decision::Return(reason)),
            "reject" => Some(Decision::Reject(reason)),
            _ => {
                errors.add("choice", "请选择审核结论");
                None
            }
        };
        decision.filter(|_| errors.is_empty()).ok_or(errors)
    }
}

/// The pay form as typed: the date the money went out, at the claim's version.
#[derive(Deserialize, Serialize, Default, Clone, Debug)]
pub struct PayForm {
    #[serde(default)]
    pub on: String,
    #[serde(default)]
    pub version: String,
    #[serde(default, skip_serializing)]
    pub intent: String,
}

impl PayForm {
    pub fn on(day: NaiveDate, version: &str) -> PayForm {
        PayForm { on: day.to_string(), version: version.into(), intent: String::new() }
    }

    fn day(&self) -> Result<NaiveDate, FormErrors> {
        NaiveDate::parse_from_str(self.on.trim(), "%Y-%m-%d").map_err(|_| {
            let mut errors = FormErrors::default();
            errors.add("on", "请填写拨付日期（年-月-日）");
            errors
        })
    }
}

fn version(text: &str) -> i32 {
    text.trim().parse().unwrap_or_default()
}

/// The claim's page again with the forms as typed and `status`.
async fn again(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    forms: (Option<DecisionForm>, Option<PayForm>),
    (status, errors, alert): (StatusCode, FormErrors, Option<String>),
) -> AppResult<Response> {
    let page: ClaimPage = claim_page(state, signed, id, forms, (errors, alert)).await?;
    Ok((status, page).into_response())
}

/// What a refused step shows: errors beside the fields (422), otherwise the refusal in words (409).
fn refused(refusal: &Refusal) -> AppResult<(StatusCode, FormErrors, Option<String>)> {
    Ok(match refusal {
        Refusal::NotFound(_) => return Err(AppError::NotFound),
        Refusal::Fields(_) => {
            (StatusCode::UNPROCESSABLE_ENTITY, FormErrors::from_refusal(refusal).unwrap_or_default(), None)
        }
        Refusal::Changed(_) => (
            StatusCode::CONFLICT,
            FormErrors::default(),
            Some("这期间该申请已被他人处理（见下方办理记录），本次操作未执行。".into()),
        ),
        other => (StatusCode::CONFLICT, FormErrors::default(), Some(format!("未能执行：{other}"))),
    })
}

/// `POST /credit-office/fund-claims/{id}/decision/confirm`: what the decision
/// will do; 返回修改 or an error gives the claim's page back as typed.
pub async fn confirm_decision(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let page = claim_page(&state, &signed, id, (Some(form.clone()), None), (FormErrors::default(), None)).await?;
    let decision = match form.decision(page.view.claim.payout_fen) {
        Ok(decision) if form.intent != "edit" => decision,
        checked => {
            let (status, errors) = form_again(checked, &form.intent);
            return Ok((status, ClaimPage { errors, ..page }).into_response());
        }
    };
    let action = format!("/credit-office/fund-claims/{id}/decision");
    let edit = format!("{action}/confirm");
    let mut confirm = ConfirmPage::typed(signed.layout(), "确认审核结论", action, "确认", edit).carrying(&form);
    let both = |fen: i64| format!("{}（{}）", Money::from_fen(fen).wan_text(), Money::from_fen(fen).yuan_text());
    let claim = &page.view.claim;
    confirm.message = match &decision {
        Decision::Approve | Decision::Partly(..) => {
            let amount = if let Decision::Partly(fen, _) = decision { fen } else { claim.payout_fen };
            let left = page.budget.left_fen() - amount;
            if left < 0 {
                let year = page.year;
                format!("批准补偿 {}。{year} 年度预算仅剩 {}，不足以批准，确认后将被拒绝。", both(amount), page.left())
            } else {
                let after = Money::from_fen(left).wan_text();
                format!("批准补偿 {}，从 {} 年度预算中扣减，剩余 {after}。批准后不能撤回。", both(amount), page.year)
            }
        }
        Decision::Return(_) => "退回银行补充材料：银行补充后可重新提交，届时再审核。".into(),
        Decision::Reject(_) => "驳回申请，不予补偿：申请中的贷款可由银行重新申请。驳回后不能撤回。".into(),
    };
    confirm.danger = matches!(decision, Decision::Reject(_));
    confirm = confirm
        .line("申请编号", format!("#{id}"))
        .line("申请机构", page.view.bank.clone())
        .line("资金池", page.view.fund.name.clone())
        .line("按规则补偿", both(claim.payout_fen));
    confirm = match &decision {
        Decision::Approve => confirm.line("审核结论", "批准"),
        Decision::Partly(fen, reason) => {
            confirm.line("审核结论", "部分批准").line("批准金额", both(*fen)).line("原因（银行将看到）", reason.clone())
        }
        Decision::Return(reason) => confirm.line("审核结论", "退回补充材料").line("原因（银行将看到）", reason.clone()),
        Decision::Reject(reason) => confirm.line("审核结论", "驳回").line("原因（银行将看到）", reason.clone()),
    };
    Ok(confirm.into_response())
}

/// `POST /credit-office/fund-claims/{id}/decision`: decides the claim at the version read.
pub async fn decide(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let page = claim_page(&state, &signed, id, (Some(form.clone()), None), (FormErrors::default(), None)).await?;
    let decision = match form.decision(page.view.claim.payout_fen) {
        Ok(decision) => decision,
        Err(errors) => return Ok((StatusCode::UNPROCESSABLE_ENTITY, ClaimPage { errors, ..page }).into_response()),
    };
    let ctx = signed.change(&state);
    let at = (id, version(&form.version));
    let Err(refusal) = state.db.query(move |c| review::decide(c, &ctx, at, &decision)).await? else {
        return Ok(Redirect::to(&format!("/credit-office/fund-claims/{id}?notice=decided")).into_response());
    };
    again(&state, &signed, id, (Some(form), None), refused(&refusal)?).await
}

/// `POST /credit-office/fund-claims/{id}/pay/confirm`: what the payment records.
pub async fn confirm_pay(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<PayForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let page = claim_page(&state, &signed, id, (None, Some(form.clone())), (FormErrors::default(), None)).await?;
    let day = match form.day() {
        Ok(day) if form.intent != "edit" => day,
        checked => {
            let (status, errors) = form_again(checked, &form.intent);
            return Ok((status, ClaimPage { errors, ..page }).into_response());
        }
    };
    let action = format!("/credit-office/fund-claims/{id}/pay");
    let edit = format!("{action}/confirm");
    let mut confirm = ConfirmPage::typed(signed.layout(), "确认拨付", action, "确认拨付", edit).carrying(&form);
    let amount = Money::from_fen(page.view.claim.approved_fen.unwrap_or_default());
    confirm.message = format!(
        "记录已向{}拨付补偿资金 {}（{}），拨付日期 {day}。记录后不能撤回，银行将收到通知。",
        page.view.bank,
        amount.wan_text(),
        amount.yuan_text()
    );
    Ok(confirm.line("申请编号", format!("#{id}")).line("资金池", page.view.fund.name.clone()).into_response())
}

/// `POST /credit-office/fund-claims/{id}/pay`: records the payment.
pub async fn pay(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<PayForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let day = match form.day() {
        Ok(day) => day,
        Err(errors) => {
            let status = (StatusCode::UNPROCESSABLE_ENTITY, errors, None);
            return again(&state, &signed, id, (None, Some(form)), status).await;
        }
    };
    let ctx = signed.change(&state);
    let at = (id, version(&form.version));
    let Err(refusal) = state.db.query(move |c| review::pay(c, &ctx, at, day)).await? else {
        return Ok(Redirect::to(&format!("/credit-office/fund-claims/{id}?notice=paid")).into_response());
    };
    again(&state, &signed, id, (None, Some(form)), refused(&refusal)?).await
}
