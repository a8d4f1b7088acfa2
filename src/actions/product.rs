//! A bank admin's products: create a draft, save new terms (refused when
//! someone saved since the form was read), publish and withdraw. Only the
//! admin's own institution's products, whatever id is asked for.

use super::{Ctx, Outcome, Refusal, guarded, refuse};
use crate::db::DbConn;
use crate::domain::product::ProductStatus;
use crate::models::product::{Product, ProductTerms};

/// A new draft of `institution_id`.
pub struct NewProduct {
    pub institution_id: i64,
    pub terms: ProductTerms,
}

/// New terms for one of the institution's products, as of the `version` the form read.
pub struct ProductEdit {
    pub id: i64,
    pub institution_id: i64,
    pub version: i32,
    pub terms: ProductTerms,
}

/// One of the institution's products.
#[derive(Clone, Copy)]
pub struct OwnProduct {
    pub id: i64,
    pub institution_id: i64,
}

const PRODUCT: &str = "产品";

/// Creates a draft with its history line and audit row; returns its id.
pub fn create_product(conn: &mut DbConn, ctx: &Ctx, input: NewProduct) -> Outcome<i64> {
    guarded(conn, |c| {
        let id = Product::create(c, input.institution_id, &input.terms, ctx.actor.user_id, ctx.now)?;
        ctx.audit(c, "product_created", &format!("product:{id}"))?;
        Ok(id)
    })
}

/// Saves new terms; `Refusal::Changed` when someone saved since `version`.
pub fn update_product(conn: &mut DbConn, ctx: &Ctx, input: ProductEdit) -> Outcome<()> {
    guarded(conn, |c| {
        let ProductEdit { id, institution_id, version, terms } = input;
        if Product::find_own(c, id, institution_id)?.is_none() {
            return refuse(Refusal::NotFound(PRODUCT));
        }
        if !Product::update(c, id, institution_id, version, &terms, ctx.actor.user_id, ctx.now)? {
            return refuse(Refusal::Changed(PRODUCT));
        }
        ctx.audit(c, "product_updated", &format!("product:{id}"))?;
        Ok(())
    })
}

/// Puts the product in the catalogue (and the hall's fit).
pub fn publish_product(conn: &mut DbConn, ctx: &Ctx, product: OwnProduct) -> Outcome<()> {
    set_status(conn, ctx, product, ProductStatus::Published)
}

/// Takes the product out of the catalogue; it may be published again.
pub fn withdraw_product(conn: &mut DbConn, ctx: &Ctx, product: OwnProduct) -> Outcome<()> {
    set_status(conn, ctx, product, ProductStatus::Withdrawn)
}

fn set_status(conn: &mut DbConn, ctx: &Ctx, product: OwnProduct, status: ProductStatus) -> Outcome<()> {
    guarded(conn, |c| {
        let OwnProduct { id, institution_id } = product;
        if !Product::set_status(c, id, institution_id, status, ctx.actor.user_id, ctx.now)? {
            return refuse(Refusal::NotFound(PRODUCT));
        }
        ctx.audit(c, &format!("product_{status}"), &format!("product:{id}"))?;
        Ok(())
    })
}
