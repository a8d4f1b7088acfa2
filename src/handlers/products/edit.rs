//! The product form: a new draft, and editing one with a conflict check and
//! the history of every change.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;

use super::{ProductForm, institution, not_found, own};
use crate::actions::Refusal;
use crate::actions::product::{self, NewProduct, ProductEdit};
use crate::auth::SignedIn;
use crate::domain::product::{GUARANTEES, PROGRAMMES};
use crate::domain::repayment::RepaymentMethod;
use crate::domain::{Role, industry};
use crate::error::AppResult;
use crate::models::product::{HistoryLine, Product};
use crate::models::region::Region;
use crate::state::AppState;
use crate::web::{FormErrors, Layout, NoticeQuery, choices, notice};

/// What a conflicting save says above the form the admin filled in.
const CHANGED: &str = "保存失败：该产品已被其他人修改。下方显示的是您填写的内容，请刷新页面查看最新版本后再修改。";

#[derive(Template, WebTemplate)]
#[template(path = "bank_admin/products/form.html")]
pub struct ProductFormPage {
    layout: Layout,
    notice: Option<&'static str>,
    product: Option<Product>,
    form: ProductForm,
    errors: FormErrors,
    regions: Vec<Region>,
    history: Vec<HistoryLine>,
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

    /// The select's options: 不限, then each grade from the best.
    fn grades(&self) -> Vec<(String, String)> {
        choices::grades_at_least()
    }

    fn tax_grades(&self) -> Vec<(String, String)> {
        choices::any_or(["A", "B", "M"].into_iter().map(|g| (g.to_string(), format!("{g} 级及以上"))))
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
        .query(move |c| {
            let history = match id {
                Some(id) => Product::history(c, id)?,
                None => Vec::new(),
            };
            Ok((Region::all(c)?, history))
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
    let institution_id = institution(&signed)?;
    let regions = state.db.query(Region::all).await?;
    let terms = match form.parse(&regions) {
        Ok(terms) => terms,
        Err(errors) => {
            let page = form_page(&state, &signed, None, form, errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let (ctx, input) = (signed.change(&state), NewProduct { institution_id, terms });
    let id = state.db.query(move |c| product::create_product(c, &ctx, input)).await?.map_err(not_found)?;
    Ok(Redirect::to(&format!("/bank-admin/products/{id}?notice=product_saved")).into_response())
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
    let regions = state.db.query(Region::all).await?;
    let terms = match form.parse(&regions) {
        Ok(terms) => terms,
        Err(errors) => {
            let page = form_page(&state, &signed, Some(product), form, errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let ctx = signed.change(&state);
    let input = ProductEdit { id, institution_id: product.institution_id, version: form.version, terms };
    match state.db.query(move |c| product::update_product(c, &ctx, input)).await? {
        Ok(()) => Ok(Redirect::to(&format!("/bank-admin/products/{id}?notice=product_saved")).into_response()),
        Err(Refusal::Changed(_)) => {
            let mut errors = FormErrors::default();
            errors.add("version", CHANGED);
            let page = form_page(&state, &signed, Some(product), form, errors, None).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(refusal) => Err(not_found(refusal)),
    }
}
