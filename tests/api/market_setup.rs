//! The market's setup, shared by the tests of needs, grabs, choices and
//! decisions: a need's terms, banks with a published product, signed-in
//! clients, a grab through the form or through the action.

use axum::http::StatusCode;
use diesel::prelude::*;
use xinyidai::actions::{Ctx, Refusal};
use xinyidai::clock::TestClock;
use xinyidai::db::DbConn;
use xinyidai::domain::{Money, Rate, Role};
use xinyidai::models::need::NewNeed;
use xinyidai::models::offer::OfferTerms;
use xinyidai::models::product::{Product, ProductTerms};
use xinyidai::schema::users;

use crate::helpers::{Client, PASSWORD, TestApp, start};

pub fn new_need(amount_wan: i64, window_hours: i32) -> NewNeed {
    NewNeed {
        amount: Money::from_yuan(amount_wan * 10_000),
        term_months: 12,
        purpose: "采购原材料".into(),
        guarantee: xinyidai::domain::Guarantee::Credit,
        max_rate: Rate::from_units(45_000),
        window_hours,
        slots: 3,
        product_id: None,
        institution_id: None,
    }
}

/// The institution of the account `username`.
pub fn institution_of(app: &TestApp, username: &str) -> i64 {
    let query = users::table.filter(users::username.eq(username)).select(users::institution_id);
    query.first::<Option<i64>>(&mut *app.conn()).unwrap().unwrap()
}

/// A product named `name` for 10 to 1,000 万元, 1 to 60 months, 3% to 6%, credit only.
pub fn product_terms(name: &str) -> ProductTerms {
    ProductTerms {
        name: name.to_string(),
        amount_min_fen: 10 * 1_000_000,
        amount_max_fen: 1_000 * 1_000_000,
        term_min_months: 1,
        term_max_months: 60,
        rate_min: 30_000,
        rate_max: 60_000,
        guarantees: vec!["credit".into()],
        ..ProductTerms::default()
    }
}

/// An officer whose bank has published one product with `terms`; returns the institution.
pub fn bank_with_terms(app: &TestApp, officer: &str, terms: ProductTerms) -> i64 {
    app.user(Role::Officer, officer);
    let institution = institution_of(app, officer);
    let conn = &mut *app.conn();
    let product = Product::create(conn, institution, &terms, None, start()).unwrap();
    Product::set_status(conn, product, institution, xinyidai::domain::product::ProductStatus::Published, None, start())
        .unwrap();
    institution
}

/// An officer whose bank has published one product for 10 to 1,000 万元; returns the institution.
pub fn bank_with_product(app: &TestApp, officer: &str) -> i64 {
    bank_with_methods(app, officer, &["annuity"])
}

/// The same, the product offering these repayment methods.
pub fn bank_with_methods(app: &TestApp, officer: &str, methods: &[&str]) -> i64 {
    let terms = ProductTerms {
        repayment_methods: methods.iter().map(|m| m.to_string()).collect(),
        ..product_terms(&format!("{officer}经营贷"))
    };
    bank_with_terms(app, officer, terms)
}

pub async fn signed_in<'a>(app: &'a TestApp, username: &str) -> Client<'a> {
    let client = app.client();
    assert_eq!(client.login(username, PASSWORD).await.status, StatusCode::SEE_OTHER);
    client
}

/// Grabs `need` through the form with a 3.85% offer; returns the page after the POST.
pub async fn grab(officer: &Client<'_>, need: i64) -> crate::helpers::Page {
    let form = format!("/officer/hall/{need}");
    officer
        .submit(
            &form,
            &form,
            &[
                ("amount", "200"),
                ("rate", "3.85"),
                ("term", "12"),
                ("repayment_method", "annuity"),
                ("guarantee", "credit"),
                ("conditions", "按月付息"),
                ("valid_until", "2026-12-10"),
            ],
        )
        .await
}

pub fn offer_id(page: &crate::helpers::Page) -> i64 {
    let location = page.location().expect("redirected to the offer");
    location.trim_start_matches("/officer/offers/").split('?').next().unwrap().parse().unwrap()
}

/// Grabs `need` for `institution` through the action, the clock at `ctx.now`.
pub fn grab_as(
    conn: &mut DbConn,
    (need_id, institution_id, officer_id): (i64, i64, i64),
    terms: &OfferTerms,
    ctx: &Ctx,
) -> QueryResult<Result<i64, Refusal>> {
    let input = xinyidai::actions::offer::Grab { need_id, institution_id, officer_id, terms: terms.clone() };
    xinyidai::actions::offer::grab_need(conn, ctx, &input, &TestClock::new(ctx.now))
}
