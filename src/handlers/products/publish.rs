//! Publishing a product into the catalogue and withdrawing it.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::{institution, not_found};
use crate::actions::product::{self, OwnProduct};
use crate::actions::{Ctx, Outcome};
use crate::auth::SignedIn;
use crate::db::DbConn;
use crate::domain::Role;
use crate::error::AppResult;
use crate::state::AppState;

pub async fn publish_product(state: State<AppState>, signed: SignedIn, id: Path<i64>) -> AppResult<Response> {
    change(state, signed, id, product::publish_product, "product_published").await
}

pub async fn withdraw_product(state: State<AppState>, signed: SignedIn, id: Path<i64>) -> AppResult<Response> {
    change(state, signed, id, product::withdraw_product, "product_withdrawn").await
}

/// Applies `action` to one of the admin's products, then shows it with `notice`.
async fn change(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    action: fn(&mut DbConn, &Ctx, OwnProduct) -> Outcome<()>,
    notice: &str,
) -> AppResult<Response> {
    signed.require(Role::BankAdmin)?;
    let (ctx, own) = (signed.change(&state), OwnProduct { id, institution_id: institution(&signed)? });
    state.db.query(move |c| action(c, &ctx, own)).await?.map_err(not_found)?;
    Ok(Redirect::to(&format!("/bank-admin/products/{id}?notice={notice}")).into_response())
}
