//! `/credit-office/funds/{id}/rules`: new rules for a fund. The form comes
//! filled with the version in force and carries that version's number; the
//! confirmation sets each changed line beside the one in force, and the
//! final POST puts the rules in force as the next version, refused when
//! someone else changed them meanwhile (the form again at the new version).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use super::rule_form::FundForm;
use super::{FormPage, form_page, product_names, words};
use crate::actions::{Refusal, fund};
use crate::auth::SignedIn;
use crate::domain::Role;
use crate::domain::fund::Rules;
use crate::error::{AppError, AppResult};
use crate::models::fund::{Fund, RuleVersion};
use crate::state::AppState;
use crate::web::{ConfirmPage, FormErrors, form_again};

async fn load(state: &AppState, id: i64) -> AppResult<(Fund, RuleVersion)> {
    state
        .db
        .query(move |c| {
            let Some(fund) = Fund::find(c, id)? else { return Ok(None) };
            let rules = fund.rules(c)?;
            Ok(Some((fund, rules)))
        })
        .await?
        .ok_or(AppError::NotFound)
}

fn filled(in_force: &RuleVersion) -> FundForm {
    FundForm { version: in_force.version.to_string(), ..FundForm::default() }.with_rules(&in_force.rules)
}

/// The rules typed, or the errors beside their fields.
fn typed(form: &FundForm) -> Result<Rules, FormErrors> {
    let mut errors = FormErrors::default();
    let rules = form.rules(&mut errors);
    rules.filter(|_| errors.is_empty()).ok_or(errors)
}

const CHANGED_ELSEWHERE: &str = "这期间资金池规则已被他人修改并生效。下面已换成现行版本的编号，请核对后再提交。";

/// `GET /credit-office/funds/{id}/rules`: the form, filled with the version in force.
pub async fn rules_form(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<FormPage> {
    signed.require(Role::CreditOffice)?;
    let (fund, in_force) = load(&state, id).await?;
    form_page(&state, &signed, Some(fund), filled(&in_force), (FormErrors::default(), None)).await
}

/// `POST /credit-office/funds/{id}/rules/confirm`: what changes, old beside
/// new; 返回修改 (or an error) gives the form back as typed.
pub async fn confirm_rules(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<FundForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (fund, in_force) = load(&state, id).await?;
    let rules = match typed(&form) {
        Ok(rules) if form.intent != "edit" => rules,
        checked => {
            let (status, errors) = form_again(checked, &form.intent);
            return Ok((status, form_page(&state, &signed, Some(fund), form, (errors, None)).await?).into_response());
        }
    };
    if form.version != in_force.version.to_string() {
        let form = FundForm { version: in_force.version.to_string(), ..form };
        let page =
            form_page(&state, &signed, Some(fund), form, (FormErrors::default(), Some(CHANGED_ELSEWHERE.into())));
        return Ok((StatusCode::CONFLICT, page.await?).into_response());
    }
    let products = state.db.query(product_names).await?;
    let (action, edit) =
        (format!("/credit-office/funds/{id}/rules"), format!("/credit-office/funds/{id}/rules/confirm"));
    let mut page = ConfirmPage::typed(signed.layout(), "确认修改资金池规则", action, "确认生效", edit);
    let changes = words::changes(&in_force.rules, &rules, &products);
    let changed = changes.iter().filter(|c| c.3).count();
    page.message = if changed == 0 {
        "新规则与现行版本相同。确认后仍会生效为新版本。".into()
    } else {
        format!(
            "{}：第 {} 版 → 第 {} 版，共 {changed} 项变化。确认后新版即时生效：此后的放款按新版入库，已入库的贷款保留原版本的比例。",
            fund.name,
            in_force.version,
            in_force.version + 1
        )
    };
    for (label, old, new, _) in changes.into_iter().filter(|c| c.3) {
        page = page.line(label, format!("{old} → {new}"));
    }
    page.carry = form.carried();
    Ok(page.into_response())
}

/// `POST /credit-office/funds/{id}/rules`: puts the rules in force as the next version.
pub async fn change_rules(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<FundForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (fund, _) = load(&state, id).await?;
    let rules = match typed(&form) {
        Ok(rules) => rules,
        Err(errors) => {
            let page = form_page(&state, &signed, Some(fund), form, (errors, None)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let version: i32 = form.version.trim().parse().unwrap_or_default();
    let ctx = signed.change(&state);
    let Err(refusal) = state.db.query(move |c| fund::change_rules(c, &ctx, id, version, &rules)).await? else {
        return Ok(Redirect::to(&format!("/credit-office/funds/{id}?notice=rules_changed")).into_response());
    };
    let (status, errors, alert, form) = match &refusal {
        Refusal::Fields(_) => {
            (StatusCode::UNPROCESSABLE_ENTITY, FormErrors::from_refusal(&refusal).unwrap_or_default(), None, form)
        }
        Refusal::NotFound(_) => return Err(AppError::NotFound),
        _ => {
            let (_, now) = load(&state, id).await?;
            let form = FundForm { version: now.version.to_string(), ..form };
            (StatusCode::CONFLICT, FormErrors::default(), Some(CHANGED_ELSEWHERE.to_string()), form)
        }
    };
    Ok((status, form_page(&state, &signed, Some(fund), form, (errors, alert)).await?).into_response())
}
