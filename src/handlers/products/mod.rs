//! A bank admin's products: the list (here), the form to create and edit one
//! with the history of every change (`edit`), publishing and withdrawing
//! (`publish`). Only the admin's own institution's products, whatever id is
//! typed into the URL.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;

use crate::actions::Refusal;
use crate::auth::SignedIn;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::models::product::Product;
use crate::state::AppState;
use crate::web::{Layout, Pager, notice};

mod edit;
mod form;
mod publish;

pub use edit::{ProductFormPage, create_product, edit_product, new_product, update_product};
pub use form::ProductForm;
pub use publish::{publish_product, withdraw_product};

#[derive(Template, WebTemplate)]
#[template(path = "bank_admin/products/index.html")]
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
    let institution = institution(&signed)?;
    let (products, pager) =
        state.db.query(move |c| Product::page_of_institution(c, institution, query.page, 20)).await?;
    Ok(ProductsPage { layout: signed.layout(), notice: notice(query.notice.as_deref()), products, pager })
}

/// The bank admin's own institution.
fn institution(signed: &SignedIn) -> AppResult<i64> {
    signed.user.institution_id.ok_or(AppError::Forbidden)
}

/// One of the admin's own institution's products; not found for another bank's.
async fn own(state: &AppState, signed: &SignedIn, id: i64) -> AppResult<Product> {
    let institution = institution(signed)?;
    state.db.run(move |c| Product::find_own(c, id, institution)?.ok_or(AppError::NotFound)).await
}

/// A refusal these pages do not show beside a field: the product is not the admin's.
fn not_found(refusal: Refusal) -> AppError {
    tracing::debug!(code = refusal.code(), "product change refused");
    AppError::NotFound
}
