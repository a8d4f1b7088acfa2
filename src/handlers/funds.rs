//! The credit office's funds (风险补偿资金池): the list with each fund's
//! budget of the year, defining one (the rule form with Guangzhou's rules
//! filled in), and a fund's page: its rules in words, their versions, the
//! year's use (budget, claims by state and by age) and each bank's loss
//! ratio against the stop line. The rule change is in `rules`, a bank's
//! coverage in `coverage`.

pub mod coverage;
pub mod rule_form;
pub mod rules;
mod words;

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use self::rule_form::FundForm;
use crate::actions::fund;
use crate::auth::SignedIn;
use crate::clock::beijing;
use crate::db::DbConn;
use crate::domain::fund::{FundMode, Rules, Trigger, budget_tone};
use crate::domain::{Money, Role, Tone};
use crate::error::{AppError, AppResult};
use crate::models::fund::budget::{self, Budget};
use crate::models::fund::usage::{self, AGE_BANDS, BankLine, FundTotals, StatusLine};
use crate::models::fund::{Fund, NewFund, RuleVersion};
use crate::models::product::Product;
use crate::state::AppState;
use crate::web::{FormErrors, Layout, NoticeQuery};

fn notice_text(key: Option<&str>) -> Option<&'static str> {
    Some(match key? {
        "fund_created" => "资金池已创建，规则第 1 版即日生效：此后有效期内的放款按规则自动入库。",
        "rules_changed" => "新版规则已生效：此后的放款按新版入库，已入库的贷款保留原版本的比例。",
        other => return crate::web::notice(Some(other)),
    })
}

pub(crate) fn today(state: &AppState) -> NaiveDate {
    beijing(state.clock.now()).date_naive()
}

/// The published products by id, named with their bank (for the rule form and the rules in words).
fn product_names(conn: &mut DbConn) -> diesel::QueryResult<BTreeMap<i64, String>> {
    Ok(Product::all_published(conn)?.into_iter().map(|(p, bank)| (p.id, format!("{}（{bank}）", p.name))).collect())
}

/// A year's budget as the pages show it.
pub struct BudgetView {
    pub budget: Budget,
    pub tone: Tone,
    /// Percent used, 0–100, for the bar.
    pub percent: i64,
}

impl BudgetView {
    fn new(budget: Budget) -> BudgetView {
        let percent = if budget.budget_fen > 0 { (budget.used_fen * 100 / budget.budget_fen).clamp(0, 100) } else { 0 };
        BudgetView { budget, tone: budget_tone(budget.used_fen, budget.budget_fen), percent }
    }

    pub fn budget_text(&self) -> String {
        Money::from_fen(self.budget.budget_fen).wan_text()
    }

    pub fn used_text(&self) -> String {
        Money::from_fen(self.budget.used_fen).wan_text()
    }

    pub fn left_text(&self) -> String {
        Money::from_fen(self.budget.left_fen()).wan_text()
    }
}

pub struct FundRow {
    pub fund: Fund,
    pub totals: FundTotals,
    pub budget: BudgetView,
    pub in_force: bool,
}

impl FundRow {
    pub fn principal_text(&self) -> String {
        Money::from_fen(self.totals.principal_fen).wan_text()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/funds/list.html")]
pub struct ListPage {
    layout: Layout,
    notice: Option<&'static str>,
    year: i32,
    funds: Vec<FundRow>,
}

/// `GET /credit-office/funds`.
pub async fn funds(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(q): Query<NoticeQuery>,
) -> AppResult<ListPage> {
    signed.require(Role::CreditOffice)?;
    let today = today(&state);
    let year = today.year();
    let funds = state
        .db
        .query(move |c| {
            let totals = usage::totals(c)?;
            Fund::all(c)?
                .into_iter()
                .map(|fund| {
                    let budget = BudgetView::new(budget::of_year(c, fund.id, year, fund.annual_budget_fen)?);
                    let totals = totals.get(&fund.id).copied().unwrap_or_default();
                    let in_force = fund.valid_from <= today && today <= fund.valid_to;
                    Ok(FundRow { fund, totals, budget, in_force })
                })
                .collect::<diesel::QueryResult<Vec<_>>>()
        })
        .await?;
    Ok(ListPage { layout: signed.layout(), notice: notice_text(q.notice.as_deref()), year, funds })
}

/// The rule form's page: a new fund, or new rules for `fund`.
#[derive(Template, WebTemplate)]
#[template(path = "credit_office/funds/form.html")]
pub struct FormPage {
    layout: Layout,
    /// The fund whose rules change; None for a new fund.
    fund: Option<Fund>,
    form: FundForm,
    errors: FormErrors,
    /// A refusal that belongs to no field.
    alert: Option<String>,
    products: Vec<(i64, String)>,
}

impl FormPage {
    pub fn sizes(&self) -> [(&'static str, &'static str); 3] {
        [("micro", "微型"), ("small", "小型"), ("medium", "中型")]
    }

    pub fn programmes(&self) -> &'static [&'static str] {
        &crate::domain::product::PROGRAMMES
    }

    pub fn modes(&self) -> [FundMode; 2] {
        FundMode::ALL
    }

    pub fn triggers(&self) -> [Trigger; 2] {
        Trigger::ALL
    }

    /// Where the form posts.
    pub fn action(&self) -> String {
        match &self.fund {
            Some(f) => format!("/credit-office/funds/{}/rules/confirm", f.id),
            None => "/credit-office/funds".into(),
        }
    }
}

/// The form's page with the published products to choose from.
async fn form_page(
    state: &AppState,
    signed: &SignedIn,
    fund: Option<Fund>,
    form: FundForm,
    (errors, alert): (FormErrors, Option<String>),
) -> AppResult<FormPage> {
    let products = state.db.query(product_names).await?.into_iter().collect();
    Ok(FormPage { layout: signed.layout(), fund, form, errors, alert, products })
}

/// `GET /credit-office/funds/new`: the form with Guangzhou's rules, valid from today to the year's end.
pub async fn new_fund(State(state): State<AppState>, signed: SignedIn) -> AppResult<FormPage> {
    signed.require(Role::CreditOffice)?;
    let today = today(&state);
    let end = NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
    let form = FundForm {
        mode: FundMode::Bank.as_str().into(),
        valid_from: today.to_string(),
        valid_to: end.to_string(),
        ..FundForm::default()
    }
    .with_rules(&Rules::guangzhou());
    form_page(&state, &signed, None, form, (FormErrors::default(), None)).await
}

/// The fund's own fields as typed.
fn new_fund_typed(form: &FundForm, errors: &mut FormErrors) -> Option<NewFund> {
    let mode = FundMode::parse(&form.mode);
    if mode.is_none() {
        errors.add("mode", "请选择资金池模式");
    }
    let budget = Money::parse_wan(&form.annual_budget);
    if budget.is_none() {
        errors.add("annual_budget", "请填写年度预算（万元，大于 0，最多两位小数）");
    }
    let date = |errors: &mut FormErrors, field: &'static str, text: &str| {
        let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
        if day.is_none() {
            errors.add(field, "请填写日期（年-月-日）");
        }
        day
    };
    let valid_from = date(errors, "valid_from", &form.valid_from);
    let valid_to = date(errors, "valid_to", &form.valid_to);
    Some(NewFund {
        name: form.name.clone(),
        mode: mode?,
        annual_budget_fen: budget?.fen(),
        valid_from: valid_from?,
        valid_to: valid_to?,
    })
}

/// `POST /credit-office/funds`: defines the fund, then its page; otherwise the form again as typed.
pub async fn create_fund(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<FundForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let mut errors = FormErrors::default();
    let new = new_fund_typed(&form, &mut errors);
    let rules = form.rules(&mut errors);
    let (Some(new), Some(rules)) = (new, rules) else {
        let page = form_page(&state, &signed, None, form, (errors, None)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let ctx = signed.change(&state);
    match state.db.query(move |c| fund::create(c, &ctx, &new, &rules)).await? {
        Ok(id) => Ok(Redirect::to(&format!("/credit-office/funds/{id}?notice=fund_created")).into_response()),
        Err(refusal) => {
            let (status, errors, alert) = match FormErrors::from_refusal(&refusal) {
                Some(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
                None => (StatusCode::CONFLICT, FormErrors::default(), Some(refusal.to_string())),
            };
            Ok((status, form_page(&state, &signed, None, form, (errors, alert)).await?).into_response())
        }
    }
}

/// One rule version in the history.
pub struct VersionRow {
    pub version: RuleVersion,
    pub author: String,
    pub registrations: i64,
}

impl VersionRow {
    /// When it was put in force, Beijing time.
    pub fn at(&self) -> String {
        beijing(self.version.created_at).format("%Y-%m-%d %H:%M").to_string()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/funds/show.html")]
pub struct FundPage {
    layout: Layout,
    notice: Option<&'static str>,
    fund: Fund,
    rules: Vec<words::Line>,
    versions: Vec<VersionRow>,
    year: i32,
    years: Vec<i32>,
    budget: BudgetView,
    claims: Vec<StatusLine>,
    ages: Vec<(&'static str, i64)>,
    banks: Vec<BankLine>,
    stop_line: String,
}

impl FundPage {
    pub fn wan(&self, fen: &i64) -> String {
        Money::from_fen(*fen).wan_text()
    }

    pub fn yuan(&self, fen: &i64) -> String {
        Money::from_fen(*fen).yuan_text()
    }

    /// Whether any claim was submitted in the year shown.
    pub fn has_claims(&self) -> bool {
        self.claims.iter().any(|l| l.count > 0)
    }

    pub fn validity(&self) -> String {
        format!("{} 至 {}", self.fund.valid_from, self.fund.valid_to)
    }
}

#[derive(Deserialize)]
pub struct FundQuery {
    notice: Option<String>,
    #[serde(default, deserialize_with = "crate::web::empty_as_none")]
    year: Option<i32>,
}

/// `GET /credit-office/funds/{id}`: the rules, their versions and the year's use (`?year=`).
pub async fn fund_page(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<FundQuery>,
) -> AppResult<FundPage> {
    signed.require(Role::CreditOffice)?;
    let today = today(&state);
    let fund = state.db.query(move |c| Fund::find(c, id)).await?.ok_or(AppError::NotFound)?;
    let years: Vec<i32> = (fund.valid_from.year()..=fund.valid_to.year().max(fund.valid_from.year())).collect();
    let year =
        q.year.filter(|y| years.contains(y)).unwrap_or_else(|| today.year().clamp(years[0], years[years.len() - 1]));
    let shown = fund.clone();
    let (rules, stop_line, versions, budget, (claims, ages), banks) = state
        .db
        .query(move |c| {
            let in_force = shown.rules(c)?;
            let products = product_names(c)?;
            let all = shown.versions(c)?;
            let counts = usage::registrations_per_version(c, shown.id)?;
            let authors = usage::user_names(c, &all.iter().map(|v| v.created_by).collect::<Vec<_>>())?;
            let versions = all
                .into_iter()
                .map(|version| VersionRow {
                    author: authors.get(&version.created_by).cloned().unwrap_or_else(|| "—".into()),
                    registrations: counts.get(&version.id).copied().unwrap_or_default(),
                    version,
                })
                .collect::<Vec<_>>();
            let budget = budget::of_year(c, shown.id, year, shown.annual_budget_fen)?;
            let claims = (usage::claims_of_year(c, shown.id, year)?, usage::waiting_by_age(c, shown.id, today)?);
            let banks = usage::stop_lines(c, shown.id, year, in_force.rules.stop_line_bp, None)?;
            let stop_line = crate::domain::fund::ratio_text(in_force.rules.stop_line_bp);
            Ok((words::lines(&in_force.rules, &products), stop_line, versions, budget, claims, banks))
        })
        .await?;
    Ok(FundPage {
        layout: signed.layout(),
        notice: notice_text(q.notice.as_deref()),
        stop_line,
        rules,
        fund,
        versions,
        year,
        years,
        budget: BudgetView::new(budget),
        claims,
        ages: AGE_BANDS.iter().zip(ages).map(|((label, _, _), n)| (*label, n)).collect(),
        banks,
    })
}
