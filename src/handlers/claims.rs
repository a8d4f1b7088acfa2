//! The credit office's side of enterprise claims: the queue of authorization
//! letters to approve or reject, and unbinding an account that claimed an
//! enterprise wrongly (the account loses the enterprise and is closed, what it
//! authorized ends, and the real enterprise can then register).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::account_email::AccountEmail;
use crate::actions::{Refusal, guarded, refuse};
use crate::auth::SignedIn;
use crate::db::write_tx;
use crate::domain::{Role, Uscc};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::authorization::Authorization;
use crate::models::claim::{self, Letter, QueuedLetter};
use crate::models::enterprise::Enterprise;
use crate::models::user::User;
use crate::state::AppState;
use crate::web::{FormErrors, Layout, notice, url_encode};

/// Letters shown on the queue at once, oldest first.
const QUEUE_PAGE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct ClaimsQuery {
    #[serde(default)]
    uscc: String,
    notice: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/claims.html")]
pub struct ClaimsPage {
    layout: Layout,
    notice: Option<&'static str>,
    letters: Vec<QueuedLetter>,
    pending: i64,
    uscc: String,
    /// The enterprise looked up by USCC and every account that registered for it.
    lookup: Option<(Enterprise, Vec<User>)>,
    /// The letter or account a refused form was about.
    failed: Option<i64>,
    errors: FormErrors,
}

impl ClaimsPage {
    fn is_failed(&self, id: &i64) -> bool {
        self.failed == Some(*id)
    }
}

fn account_state(user: &User) -> &'static str {
    match (user.unbound_at, user.control_proven_at, user.email_verified_at) {
        (Some(_), _, _) => "已解绑",
        (None, Some(_), _) => "已认证（代表企业）",
        (None, None, Some(_)) => "邮箱已验证，未证明代表企业",
        (None, None, None) => "邮箱未验证",
    }
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    query: ClaimsQuery,
    failed: Option<i64>,
    errors: FormErrors,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let mut errors = errors;
    let typed = query.uscc.trim().to_string();
    let code = if typed.is_empty() {
        None
    } else {
        Uscc::parse(&typed).map_err(|e| errors.add("uscc", e.to_string())).ok().map(|u| u.to_string())
    };
    let ((letters, pending), lookup) = state
        .db
        .run(move |c| {
            let lookup = match code.as_deref() {
                Some(code) => match Enterprise::find_by_uscc(c, code)? {
                    Some(enterprise) => {
                        let accounts = User::claims_of(c, enterprise.id)?;
                        Some((enterprise, accounts))
                    }
                    None => None,
                },
                None => None,
            };
            Ok((Letter::queue(c, QUEUE_PAGE)?, lookup))
        })
        .await?;
    if lookup.is_none() && !typed.is_empty() && errors.get("uscc").is_none() {
        errors.add("uscc", "信用办尚无该企业的登记信息");
    }
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ClaimsPage {
        layout: signed.layout(),
        notice: notice(query.notice.as_deref()),
        letters,
        pending,
        uscc: typed,
        lookup,
        failed,
        errors,
    };
    Ok((status, page).into_response())
}

pub async fn claims(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<ClaimsQuery>,
) -> AppResult<Response> {
    page(&state, &signed, query, None, FormErrors::default()).await
}

/// The letter's bytes under a name of our making; images inline, PDFs as a download.
pub async fn letter_file(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (letter, data) = state.db.run(move |c| Ok((Letter::find(c, id)?, Letter::data(c, id)?))).await?;
    let extension = match letter.content_type.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    let disposition = if extension == "pdf" { "attachment" } else { "inline" };
    let headers = [
        (header::CONTENT_TYPE, letter.content_type.clone()),
        (header::CONTENT_DISPOSITION, format!("{disposition}; filename=\"claim-letter-{id}.{extension}\"")),
    ];
    Ok((headers, data).into_response())
}

#[derive(Deserialize, Default)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

/// Approves a letter (the account then holds the enterprise) or rejects it with a reason.
pub async fn decide_letter(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let approve = form.decision == "approve";
    let reason = form.reason.trim().to_string();
    let mut errors = FormErrors::default();
    if !approve && reason.is_empty() {
        errors.add("reason", "驳回时请填写理由，企业将在邮件中看到");
    } else if reason.chars().count() > 200 {
        errors.add("reason", "理由不超过 200 个字");
    }
    if !errors.is_empty() {
        return page(&state, &signed, ClaimsQuery::default(), Some(id), errors).await;
    }
    let (now, actor, officer, base_url) =
        (state.clock.now(), signed.actor(), signed.user.id, state.config.base_url.clone());
    let outcome = state
        .db
        .run(move |c| {
            Ok(guarded(c, |c| {
                let letter = Letter::find(c, id)?;
                let user = User::find(c, letter.user_id)?;
                let enterprise = Enterprise::find(c, letter.enterprise_id)?;
                let reason = Some(reason.as_str()).filter(|r| !r.is_empty());
                if !Letter::decide(c, id, approve, officer, reason, now)? {
                    return refuse(Refusal::rule("letter_decided", "该授权书已处理过"));
                }
                if approve && !User::prove_control(c, &user, "letter", now)? {
                    return refuse(Refusal::rule(
                        "enterprise_held",
                        "该企业已由其他账号认证（或此账号已解绑），不能批准；如需更换，请先解绑原账号",
                    ));
                }
                let event = if approve { "claim_letter_approved" } else { "claim_letter_rejected" };
                audit::record(c, &actor, event, Some(&format!("claim_letter:{id}")), "ok", now)?;
                decision_email(&enterprise.name, reason.filter(|_| !approve), &base_url).enqueue(
                    c,
                    &user.email,
                    now,
                )?;
                Ok(())
            })?)
        })
        .await?;
    let Err(refusal) = outcome else {
        return Ok(Redirect::to("/credit-office/claims?notice=claim_decided").into_response());
    };
    let mut errors = FormErrors::default();
    errors.add("reason", refusal.to_string());
    page(&state, &signed, ClaimsQuery::default(), Some(id), errors).await
}

/// Tells the account the credit office's decision: approved when there is no reason.
fn decision_email(enterprise: &str, rejected_because: Option<&str>, base_url: &str) -> AccountEmail {
    match rejected_because {
        None => AccountEmail::new(
            "授权书已通过审核",
            format!("信用办已审核通过您为「{enterprise}」提交的授权书。您现在可以查看企业信用画像、发布融资需求。"),
        )
        .link("登录信易贷", format!("{base_url}/login")),
        Some(reason) => AccountEmail::new(
            "授权书未通过审核",
            format!("您为「{enterprise}」提交的授权书未通过信用办审核，理由：{reason}\n\n请按理由修改后重新上传。"),
        )
        .link("重新上传", format!("{base_url}{}", super::claim::CLAIM_PAGE)),
    }
}

#[derive(Deserialize, Default)]
pub struct UnbindForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    confirm: String,
}

/// Unbinds a wrongly claimed account, after the clerk confirms and says why.
pub async fn unbind_account(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<UnbindForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let account = state.db.run(move |c| Ok(User::find(c, id)?)).await?;
    let enterprise_id =
        account.enterprise_id.filter(|_| account.role() == Role::Enterprise).ok_or(AppError::NotFound)?;
    let uscc = state.db.run(move |c| Ok(Enterprise::find(c, enterprise_id)?.row.uscc)).await?;
    let reason = form.reason.trim().to_string();
    let mut errors = FormErrors::default();
    if reason.is_empty() || reason.chars().count() > 200 {
        errors.add("unbind_reason", "请填写解绑理由（不超过 200 个字），将记入审计日志并告知该账号");
    }
    if form.confirm != "yes" {
        errors.add("unbind_confirm", "请勾选确认：解绑后该账号将无法登录，其授权立即终止");
    }
    if !errors.is_empty() {
        let query = ClaimsQuery { uscc, notice: None };
        return page(&state, &signed, query, Some(id), errors).await;
    }
    let (now, actor, clerk) = (state.clock.now(), signed.actor(), signed.user.id);
    state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                if !User::unbind(c, id, now)? {
                    return Ok(());
                }
                let ended = Authorization::revoke_all_of_enterprise(c, enterprise_id, now)?;
                claim::reject_pending_of(c, id, clerk, now)?;
                let outcome = format!("ok; {ended} authorizations ended");
                audit::record(c, &actor, "claim_unbound", Some(&format!("user:{id}")), &outcome, now)?;
                AccountEmail::new(
                    "您的企业账号已被解绑",
                    format!(
                        "信用办已解绑您的账号与该企业的关联，账号已停用。理由：{reason}\n\n如有异议，请联系信用办。"
                    ),
                )
                .enqueue(c, &account.email, now)?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(Redirect::to(&format!("/credit-office/claims?uscc={}&notice=unbound", url_encode(&uscc))).into_response())
}
