//! Publishing a product into the catalogue and withdrawing it.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::{institution, not_found};
use crate::actions::product::{self, OwnProduct};
use crate::auth::SignedIn;
use crate::domain::Role;
use crate::error::AppResult;
use crate::state::AppState;

pub async fn publish_product(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    signed.require(Role::BankAdmin)?;
    let (ctx, own) = (signed.change(&state), OwnProduct { id, institution_id: institution(&signed)? });
    state.db.query(move |c| product::publish_product(c, &ctx, own)).await?.map_err(not_found)?;
    Ok(Redirect::to(&format!("/bank-admin/products/{id}?notice=product_published")).into_response())
}

pub async fn withdraw_product(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    signed.require(Role::BankAdmin)?;
    let (ctx, own) = (signed.change(&state), OwnProduct { id, institution_id: institution(&signed)? });
    state.db.query(move |c| product::withdraw_product(c, &ctx, own)).await?.map_err(not_found)?;
    Ok(Redirect::to(&format!("/bank-admin/products/{id}?notice=product_withdrawn")).into_response())
}
