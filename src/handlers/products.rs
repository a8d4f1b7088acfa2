//! A bank admin's products: create, edit (with a conflict check), publish,
//! withdraw, and the history of every change. Only the admin's own
//! institution's products, whatever id is typed into the URL.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::auth::SignedIn;
use crate::db::write_tx;
use crate::domain::credit::Grade;
use crate::domain::product::{GUARANTEES, PROGRAMMES};
use crate::domain::records::TaxGrade;
use crate::domain::repayment::RepaymentMethod;
use crate::domain::{Money, Rate, Role, industry};
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::product::{Product, ProductTerms};
use crate::models::region::Region;
use crate::state::AppState;
use crate::web::{FormErrors, Layout, NoticeQuery, Pager, notice};

/// The product form as typed: amounts in 万元, rates in percent.
#[derive(Deserialize, Default, Clone)]
pub struct ProductForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub amount_min: String,
    #[serde(default)]
    pub amount_max: String,
    #[serde(default)]
    pub term_min: String,
    #[serde(default)]
    pub term_max: String,
    #[serde(default)]
    pub rate_min: String,
    #[serde(default)]
    pub rate_max: String,
    #[serde(default)]
    pub guarantees: Vec<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub industries: Vec<String>,
    #[serde(default)]
    pub programmes: Vec<String>,
    #[serde(default)]
    pub repayment_methods: Vec<String>,
    #[serde(default)]
    pub min_grade: String,
    #[serde(default)]
    pub min_tax_grade: String,
    #[serde(default)]
    pub min_years: String,
    #[serde(default)]
    pub version: i32,
}

/// 万元 with up to two decimals, to fen.
fn wan_to_fen(text: &str) -> Option<i64> {
    Money::parse_wan(text).map(Money::fen)
}

fn fen_to_wan(fen: i64) -> String {
    rust_decimal::Decimal::new(fen, 6).normalize().to_string()
}

impl ProductForm {
    pub fn from_terms(terms: &ProductTerms, version: i32) -> ProductForm {
        ProductForm {
            name: terms.name.clone(),
            description: terms.description.clone(),
            amount_min: fen_to_wan(terms.amount_min_fen),
            amount_max: fen_to_wan(terms.amount_max_fen),
            term_min: terms.term_min_months.to_string(),
            term_max: terms.term_max_months.to_string(),
            rate_min: Rate::from_units(terms.rate_min).input_text(),
            rate_max: Rate::from_units(terms.rate_max).input_text(),
            guarantees: terms.guarantees.clone(),
            regions: terms.regions.clone(),
            industries: terms.industries.clone(),
            programmes: terms.programmes.clone(),
            repayment_methods: terms.repayment_methods.clone(),
            min_grade: terms.min_grade.clone().unwrap_or_default(),
            min_tax_grade: terms.min_tax_grade.clone().unwrap_or_default(),
            min_years: terms.min_years.to_string(),
            version,
        }
    }

    /// Validates every field; each problem is reported beside its field.
    pub fn parse(&self, regions: &[Region]) -> Result<ProductTerms, FormErrors> {
        let mut errors = FormErrors::default();
        let name = self.name.trim().to_string();
        if name.chars().count() < 2 || name.chars().count() > 40 {
            errors.add("name", "请填写产品名称（2 到 40 个字）");
        }
        let description = self.description.trim().to_string();
        if description.chars().count() > 1000 {
            errors.add("description", "产品介绍不超过 1000 字");
        }
        let cap = Money::from_yuan(1_000_000_000).fen();
        let amount_min = wan_to_fen(&self.amount_min).filter(|f| *f <= cap);
        let amount_max = wan_to_fen(&self.amount_max).filter(|f| *f <= cap);
        if amount_min.is_none() {
            errors.add("amount_min", "请填写最低额度（万元，大于 0，最多两位小数）");
        }
        if amount_max.is_none() {
            errors.add("amount_max", "请填写最高额度（万元，不超过 100000 万元）");
        }
        if let (Some(low), Some(high)) = (amount_min, amount_max)
            && low > high
        {
            errors.add("amount_max", "最高额度不能低于最低额度");
        }
        let term = |text: &str| text.trim().parse::<i32>().ok().filter(|m| (1..=360).contains(m));
        let (term_min, term_max) = (term(&self.term_min), term(&self.term_max));
        if term_min.is_none() {
            errors.add("term_min", "请填写最短期限（1 到 360 个月）");
        }
        if term_max.is_none() {
            errors.add("term_max", "请填写最长期限（1 到 360 个月）");
        }
        if let (Some(low), Some(high)) = (term_min, term_max)
            && low > high
        {
            errors.add("term_max", "最长期限不能短于最短期限");
        }
        let sane = |r: &Rate| r.units() > 0 && r.units() <= 240_000;
        let rate_min = Rate::parse(&self.rate_min).ok().filter(sane);
        let rate_max = Rate::parse(&self.rate_max).ok().filter(sane);
        if rate_min.is_none() {
            errors.add("rate_min", "请填写最低年化利率（大于 0，不超过 24%）");
        }
        if rate_max.is_none() {
            errors.add("rate_max", "请填写最高年化利率（大于 0，不超过 24%）");
        }
        if let (Some(low), Some(high)) = (rate_min, rate_max)
            && low > high
        {
            errors.add("rate_max", "最高利率不能低于最低利率");
        }
        let guarantees: Vec<String> = GUARANTEES
            .iter()
            .filter(|(g, _)| self.guarantees.iter().any(|x| x == g))
            .map(|(g, _)| g.to_string())
            .collect();
        if guarantees.is_empty() {
            errors.add("guarantees", "请至少选择一种担保方式");
        }
        let repayment_methods: Vec<String> =
            RepaymentMethod::from_codes(&self.repayment_methods).iter().map(|m| m.code().to_string()).collect();
        if repayment_methods.is_empty() {
            errors.add("repayment_methods", "请至少选择一种还款方式");
        }
        let regions: Vec<String> =
            regions.iter().filter(|r| self.regions.contains(&r.code)).map(|r| r.code.clone()).collect();
        let industries: Vec<String> = industry::SECTIONS
            .iter()
            .filter(|(code, _)| self.industries.iter().any(|x| x == code))
            .map(|(code, _)| code.to_string())
            .collect();
        let programmes: Vec<String> =
            PROGRAMMES.iter().filter(|p| self.programmes.iter().any(|x| x == *p)).map(|p| p.to_string()).collect();
        let min_grade = Grade::parse(&self.min_grade).map(|g| g.as_str().to_string());
        let min_tax_grade = TaxGrade::parse(&self.min_tax_grade).map(|g| g.as_str().to_string());
        let min_years = if self.min_years.trim().is_empty() { Some(0) } else { self.min_years.trim().parse().ok() };
        let min_years = min_years.filter(|y| (0..=50).contains(y));
        if min_years.is_none() {
            errors.add("min_years", "成立年限要求应为 0 到 50 年");
        }
        match (amount_min, amount_max, term_min, term_max, rate_min, rate_max, min_years) {
            (
                Some(amount_min_fen),
                Some(amount_max_fen),
                Some(tmin),
                Some(tmax),
                Some(rmin),
                Some(rmax),
                Some(years),
            ) if errors.is_empty() => Ok(ProductTerms {
                name,
                description,
                amount_min_fen,
                amount_max_fen,
                term_min_months: tmin,
                term_max_months: tmax,
                rate_min: rmin.units(),
                rate_max: rmax.units(),
                guarantees,
                regions,
                industries,
                programmes,
                min_grade,
                min_tax_grade,
                min_years: years,
                repayment_methods,
            }),
            _ => Err(errors),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "bank_admin/products.html")]
pub struct ProductsPage {
    layout: Layout,
    notice: Option<&'static str>,
    products: Vec<Product>,
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub struct ProductsQuery {
    page: Option<i64>,
    notice: Option<String>,
}

pub async fn products(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<ProductsQuery>,
) -> AppResult<ProductsPage> {
    signed.require(Role::BankAdmin)?;
    let institution = signed.user.institution_id.ok_or(AppError::Forbidden)?;
    let (products, pager) =
        state.db.run(move |c| Ok(Product::page_of_institution(c, institution, query.page, 20)?)).await?;
    Ok(ProductsPage { layout: signed.layout(), notice: notice(query.notice.as_deref()), products, pager })
}

#[derive(Template, WebTemplate)]
#[template(path = "bank_admin/product_form.html")]
pub struct ProductFormPage {
    layout: Layout,
    notice: Option<&'static str>,
    product: Option<Product>,
    form: ProductForm,
    errors: FormErrors,
    regions: Vec<Region>,
    history: Vec<(String, NaiveDateTime, Option<String>)>,
}

impl ProductFormPage {
    fn checked(&self, list: &str, value: &str) -> bool {
        let values = match list {
            "guarantees" => &self.form.guarantees,
            "repayment_methods" => &self.form.repayment_methods,
            "regions" => &self.form.regions,
            "industries" => &self.form.industries,
            _ => &self.form.programmes,
        };
        values.iter().any(|v| v == value)
    }

    fn guarantees(&self) -> &'static [(&'static str, &'static str)] {
        &GUARANTEES
    }

    fn methods(&self) -> [RepaymentMethod; 4] {
        RepaymentMethod::ALL
    }

    fn programmes(&self) -> &'static [&'static str] {
        &PROGRAMMES
    }

    fn industries(&self) -> &'static [(&'static str, &'static str)] {
        &industry::SECTIONS
    }

    fn grades(&self) -> Vec<&'static str> {
        Grade::ALL.iter().rev().map(|g| g.as_str()).collect()
    }

    fn action_label(&self, action: &str) -> &'static str {
        match action {
            "created" => "创建草稿",
            "updated" => "修改条款",
            "published" => "发布",
            _ => "下架",
        }
    }
}

async fn form_page(
    state: &AppState,
    signed: &SignedIn,
    product: Option<Product>,
    form: ProductForm,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> AppResult<ProductFormPage> {
    let id = product.as_ref().map(|p| p.id);
    let (regions, history) = state
        .db
        .run(move |c| {
            Ok((
                Region::all(c)?,
                match id {
                    Some(id) => Product::history(c, id)?,
                    None => Vec::new(),
                },
            ))
        })
        .await?;
    Ok(ProductFormPage { layout: signed.layout(), notice, product, form, errors, regions, history })
}

pub async fn new_product(State(state): State<AppState>, signed: SignedIn) -> AppResult<ProductFormPage> {
    signed.require(Role::BankAdmin)?;
    let form = ProductForm {
        guarantees: vec!["credit".into()],
        repayment_methods: vec![RepaymentMethod::Annuity.code().into()],
        min_years: "0".into(),
        ..ProductForm::default()
    };
    form_page(&state, &signed, None, form, FormErrors::default(), None).await
}

pub async fn create_product(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<ProductForm>,
) -> AppResult<Response> {
    signed.require(Role::BankAdmin)?;
    let institution = signed.user.institution_id.ok_or(AppError::Forbidden)?;
    let regions = state.db.run(|c| Ok(Region::all(c)?)).await?;
    let terms = match form.parse(&regions) {
        Ok(terms) => terms,
        Err(errors) => {
            let page = form_page(&state, &signed, None, form, errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let (now, actor, user) = (state.clock.now(), signed.actor(), Some(signed.user.id));
    let id = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let id = Product::create(c, institution, &terms, user, now)?;
                audit::record(c, &actor, "product_created", Some(&format!("product:{id}")), "ok", now)?;
                Ok::<_, AppError>(id)
            })
        })
        .await?;
    Ok(Redirect::to(&format!("/bank-admin/products/{id}?notice=product_saved")).into_response())
}

async fn own(state: &AppState, signed: &SignedIn, id: i64) -> AppResult<Product> {
    let institution = signed.user.institution_id.ok_or(AppError::Forbidden)?;
    state.db.run(move |c| Product::find_own(c, id, institution)?.ok_or(AppError::NotFound)).await
}

pub async fn edit_product(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> AppResult<ProductFormPage> {
    signed.require(Role::BankAdmin)?;
    let product = own(&state, &signed, id).await?;
    let form = ProductForm::from_terms(&product.terms(), product.version);
    form_page(&state, &signed, Some(product), form, FormErrors::default(), notice(query.notice.as_deref())).await
}

pub async fn update_product(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<ProductForm>,
) -> AppResult<Response> {
    signed.require(Role::BankAdmin)?;
    let product = own(&state, &signed, id).await?;
    let regions = state.db.run(|c| Ok(Region::all(c)?)).await?;
    let terms = match form.parse(&regions) {
        Ok(terms) => terms,
        Err(errors) => {
            let page = form_page(&state, &signed, Some(product), form, errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let (now, actor, user, institution, version) =
        (state.clock.now(), signed.actor(), Some(signed.user.id), product.institution_id, form.version);
    let saved = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let saved = Product::update(c, id, institution, version, &terms, user, now)?;
                if saved {
                    audit::record(c, &actor, "product_updated", Some(&format!("product:{id}")), "ok", now)?;
                }
                Ok::<_, AppError>(saved)
            })
        })
        .await?;
    if !saved {
        let mut errors = FormErrors::default();
        errors.add(
            "version",
            "保存失败：该产品已被其他人修改。下方显示的是您填写的内容，请刷新页面查看最新版本后再修改。",
        );
        let page = form_page(&state, &signed, Some(product), form, errors, None).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    Ok(Redirect::to(&format!("/bank-admin/products/{id}?notice=product_saved")).into_response())
}

async fn set_status(state: AppState, signed: SignedIn, id: i64, status: &'static str) -> AppResult<Response> {
    signed.require(Role::BankAdmin)?;
    let product = own(&state, &signed, id).await?;
    let (now, actor, user, institution) =
        (state.clock.now(), signed.actor(), Some(signed.user.id), product.institution_id);
    state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                Product::set_status(c, id, institution, status, user, now)?;
                audit::record(c, &actor, &format!("product_{status}"), Some(&format!("product:{id}")), "ok", now)?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(Redirect::to(&format!("/bank-admin/products/{id}?notice=product_{status}")).into_response())
}

pub async fn publish_product(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_status(state, signed, id, "published").await
}

pub async fn withdraw_product(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    set_status(state, signed, id, "withdrawn").await
}
