//! The credit office's enterprise directory with the whitelist (白名单) and the
//! dishonest list (严重失信主体名单), and the whitelist's rule (saved after a
//! confirmation that says how many enterprises join and leave) and manual changes.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use crate::actions;
use crate::actions::whitelist::Change;
use crate::auth::SignedIn;
use crate::domain::credit::Grade;
use crate::domain::whitelist::WhitelistAction;
use crate::domain::{Role, Uscc};
use crate::error::{AppError, AppResult};
use crate::models::enterprise::{DirectoryFilter, DirectoryLine, Enterprise};
use crate::models::whitelist::{self, Rule};
use crate::state::AppState;
use crate::web::{ConfirmPage, FormErrors, Layout, NoticeQuery, Pager, notice, url_encode};

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/enterprises.html")]
pub struct DirectoryPage {
    layout: Layout,
    filter: DirectoryFilter,
    lines: Vec<DirectoryLine>,
    pager: Pager,
    grades: [Grade; 6],
    /// The filter form has none; the select macro asks.
    errors: FormErrors,
}

impl DirectoryPage {
    /// The grade filter's options, "all" first.
    fn grade_options(&self) -> Vec<(&'static str, &'static str)> {
        std::iter::once(("", "全部")).chain(self.grades.iter().map(|g| (g.as_str(), g.as_str()))).collect()
    }

    /// The current filters as a URL prefix, so that paging keeps them.
    fn base(&self) -> String {
        format!(
            "/credit-office/enterprises?q={}&list={}&grade={}&",
            url_encode(&self.filter.q),
            url_encode(&self.filter.list),
            url_encode(&self.filter.grade)
        )
    }

    /// The CSV export of what the filters select, every page of it.
    fn export(&self) -> String {
        self.base()
            .replacen("/credit-office/enterprises?", "/credit-office/enterprises.csv?", 1)
            .trim_end_matches('&')
            .to_string()
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
    let (lines, pager) = state.db.query(move |c| Enterprise::directory(c, &query, 30)).await?;
    let mut grades = Grade::ALL;
    grades.reverse();
    Ok(DirectoryPage { layout: signed.layout(), filter, lines, pager, grades, errors: FormErrors::default() })
}

#[derive(Deserialize, Serialize, Default)]
pub struct RuleForm {
    #[serde(default)]
    min_grade: String,
    #[serde(default)]
    no_active_penalty: Option<String>,
    /// "edit": back from the confirmation to the form, filled.
    #[serde(default)]
    intent: String,
}

impl RuleForm {
    fn rule(&self) -> Option<Rule> {
        Some(Rule { min_grade: Grade::parse(&self.min_grade)?, no_active_penalty: self.no_active_penalty.is_some() })
    }
}

/// A rule in words: "A 及以上，无有效行政处罚或司法记录".
fn rule_text(rule: &Rule) -> String {
    let penalty = if rule.no_active_penalty { "，无有效行政处罚或司法记录" } else { "" };
    format!("信用等级 {} 及以上{penalty}", rule.min_grade.as_str())
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
    history: Vec<(whitelist::Change, Option<String>, String)>,
    form: ChangeForm,
    errors: FormErrors,
}

impl WhitelistPage {
    /// The minimum grade select's options, best first.
    fn grade_options(&self) -> Vec<(&'static str, String)> {
        self.grades.iter().map(|g| (g.as_str(), format!("{} 及以上", g.as_str()))).collect()
    }
}

async fn whitelist_page(
    state: &AppState,
    signed: &SignedIn,
    form: ChangeForm,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> AppResult<WhitelistPage> {
    let (rule, history) = state.db.query(|c| Ok((whitelist::rule(c)?, whitelist::history(c, 50)?))).await?;
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

/// `POST /credit-office/whitelist/rule/confirm`: the rule as chosen, with how
/// many enterprises would join and leave the whitelist; 返回修改 gives the form back, filled.
pub async fn confirm_rule(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<RuleForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let rule = form.rule().ok_or(AppError::NotFound)?;
    if form.intent == "edit" {
        let mut page = whitelist_page(&state, &signed, ChangeForm::default(), FormErrors::default(), None).await?;
        page.rule = rule;
        return Ok(page.into_response());
    }
    let (user_id, now, trial) = (signed.user.id, state.clock.now(), rule.clone());
    let (current, effect) =
        state.db.query(move |c| Ok((whitelist::rule(c)?, whitelist::rule_effect(c, &trial, user_id, now)?))).await?;
    let mut page = ConfirmPage::typed(
        signed.layout(),
        "确认保存入选规则",
        "/credit-office/whitelist/rule".into(),
        "确认保存规则",
        "/credit-office/whitelist/rule/confirm".into(),
    );
    page.message = "保存后白名单立即按新规则重新生成，手工调整仍然有效。".into();
    page.danger = effect.leaves > 0;
    let page = page
        .line("当前规则", rule_text(&current))
        .line("新规则", rule_text(&rule))
        .line("将加入白名单", format!("{} 家企业", effect.joins))
        .line("将移出白名单", format!("{} 家企业", effect.leaves))
        .line("保存后白名单", format!("共 {} 家企业", effect.members))
        .carrying(&form);
    Ok(page.into_response())
}

/// `POST /credit-office/whitelist/rule`: saves the rule (after the confirmation step).
pub async fn set_rule(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<RuleForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (ctx, rule) = (signed.change(&state), form.rule().ok_or(AppError::NotFound)?);
    state.db.query(move |c| actions::whitelist::set_rule(c, &ctx, &rule)).await?;
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
        if state.db.query(move |c| Enterprise::find_by_uscc(c, &code)).await?.is_none() {
            errors.add("uscc", "在册企业中没有这个统一社会信用代码");
        }
    }
    let action = WhitelistAction::parse(&form.action);
    if action.is_none() {
        errors.add("action", "请选择加入或移出");
    }
    let reason = form.reason.trim().to_string();
    if reason.chars().count() < 4 || reason.chars().count() > 200 {
        errors.add("reason", "请填写理由（4 到 200 字），将记录在案");
    }
    let Some((uscc, action)) = uscc.zip(action).filter(|_| errors.is_empty()) else {
        let page = whitelist_page(&state, &signed, form, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let (ctx, change) = (signed.change(&state), Change { uscc, action, reason });
    if let Err(refusal) = state.db.query(move |c| actions::whitelist::change(c, &ctx, &change)).await? {
        let mut errors = FormErrors::default();
        errors.add("uscc", refusal.to_string());
        let page = whitelist_page(&state, &signed, form, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    Ok(Redirect::to("/credit-office/whitelist?notice=whitelist_changed").into_response())
}
