//! The credit office's enterprise directory with the whitelist (白名单) and the
//! dishonest list (严重失信主体名单), and the whitelist's rule and manual changes.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::SignedIn;
use crate::db::write_tx;
use crate::domain::credit::Grade;
use crate::domain::{Role, Uscc};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::enterprise::{DirectoryFilter, DirectoryLine, Enterprise};
use crate::models::whitelist::{self, Change, Rule};
use crate::state::AppState;
use crate::web::{FormErrors, Layout, NoticeQuery, Pager, notice, url_encode};

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/enterprises.html")]
pub struct DirectoryPage {
    layout: Layout,
    filter: DirectoryFilter,
    lines: Vec<DirectoryLine>,
    pager: Pager,
    grades: [Grade; 6],
}

impl DirectoryPage {
    /// The current filters as a URL prefix, so that paging keeps them.
    fn base(&self) -> String {
        format!(
            "/credit-office/enterprises?q={}&list={}&grade={}&",
            url_encode(&self.filter.q),
            url_encode(&self.filter.list),
            url_encode(&self.filter.grade)
        )
    }

    fn tab(&self, list: &str) -> String {
        format!(
            "/credit-office/enterprises?q={}&list={list}&grade={}",
            url_encode(&self.filter.q),
            url_encode(&self.filter.grade)
        )
    }
}

pub async fn enterprises(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(filter): Query<DirectoryFilter>,
) -> AppResult<DirectoryPage> {
    signed.require(Role::CreditOffice)?;
    let query = filter.clone();
    let (lines, pager) = state.db.run(move |c| Ok(Enterprise::directory(c, &query, 30)?)).await?;
    let mut grades = Grade::ALL;
    grades.reverse();
    Ok(DirectoryPage { layout: signed.layout(), filter, lines, pager, grades })
}

#[derive(Deserialize, Default)]
pub struct RuleForm {
    #[serde(default)]
    min_grade: String,
    #[serde(default)]
    no_active_penalty: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ChangeForm {
    #[serde(default)]
    uscc: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/whitelist.html")]
pub struct WhitelistPage {
    layout: Layout,
    notice: Option<&'static str>,
    rule: Rule,
    grades: [Grade; 6],
    history: Vec<(Change, Option<String>, String)>,
    form: ChangeForm,
    errors: FormErrors,
}

async fn whitelist_page(
    state: &AppState,
    signed: &SignedIn,
    form: ChangeForm,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> AppResult<WhitelistPage> {
    let (rule, history) = state.db.run(|c| Ok((whitelist::rule(c)?, whitelist::history(c, 50)?))).await?;
    let mut grades = Grade::ALL;
    grades.reverse();
    Ok(WhitelistPage { layout: signed.layout(), notice, rule, grades, history, form, errors })
}

pub async fn whitelist(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<WhitelistPage> {
    signed.require(Role::CreditOffice)?;
    whitelist_page(
        &state,
        &signed,
        ChangeForm { action: "add".into(), ..ChangeForm::default() },
        FormErrors::default(),
        notice(query.notice.as_deref()),
    )
    .await
}

pub async fn set_rule(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<RuleForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let min_grade = Grade::parse(&form.min_grade).ok_or(AppError::NotFound)?;
    let rule = Rule { min_grade, no_active_penalty: form.no_active_penalty.is_some() };
    let (now, actor, user_id) = (state.clock.now(), signed.actor(), signed.user.id);
    state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                whitelist::set_rule(c, &rule, user_id, now)?;
                let outcome =
                    format!("min_grade={} no_active_penalty={}", rule.min_grade.as_str(), rule.no_active_penalty);
                audit::record(c, &actor, "whitelist_rule", None, &outcome, now)?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(Redirect::to("/credit-office/whitelist?notice=whitelist_rule").into_response())
}

pub async fn change(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<ChangeForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let mut errors = FormErrors::default();
    let uscc = Uscc::parse(&form.uscc).map_err(|e| errors.add("uscc", e.to_string())).ok();
    if let Some(code) = &uscc {
        let code = code.to_string();
        if state.db.run(move |c| Ok(Enterprise::find_by_uscc(c, &code)?)).await?.is_none() {
            errors.add("uscc", "在册企业中没有这个统一社会信用代码");
        }
    }
    let add = match form.action.as_str() {
        "add" => true,
        "remove" => false,
        _ => {
            errors.add("action", "请选择加入或移出");
            false
        }
    };
    let reason = form.reason.trim().to_string();
    if reason.chars().count() < 4 || reason.chars().count() > 200 {
        errors.add("reason", "请填写理由（4 到 200 字），将记录在案");
    }
    let Some(uscc) = uscc.filter(|_| errors.is_empty()) else {
        let page = whitelist_page(&state, &signed, form, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let (now, actor, user_id) = (state.clock.now(), signed.actor(), signed.user.id);
    let changed = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let changed = whitelist::change(c, uscc.as_str(), add, &reason, user_id, now)?;
                if changed.is_ok() {
                    let event = if add { "whitelist_add" } else { "whitelist_remove" };
                    audit::record(c, &actor, event, Some(&format!("enterprise:{uscc}")), "ok", now)?;
                }
                Ok::<_, AppError>(changed)
            })
        })
        .await?;
    if let Err(refusal) = changed {
        let mut errors = FormErrors::default();
        errors.add("uscc", refusal);
        let page = whitelist_page(&state, &signed, form, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    Ok(Redirect::to("/credit-office/whitelist?notice=whitelist_changed").into_response())
}
