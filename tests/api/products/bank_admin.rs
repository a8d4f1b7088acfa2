//! The bank admin's people and branches.

use axum::http::StatusCode;
use diesel::prelude::*;
use xinyidai::actions::Ctx as Change;
use xinyidai::domain::product::ProductStatus;
use xinyidai::domain::{Money, Rate, Role};
use xinyidai::models::need::Need;
use xinyidai::models::offer::OfferTerms;
use xinyidai::models::product::{Product, ProductTerms};
use xinyidai::schema::{products, users};

use super::*;
use crate::helpers::{PASSWORD, TestApp, start};
use crate::portrait::enterprise_with_records;

#[tokio::test]
async fn a_disabled_officers_session_ends_at_once() {
    let app = TestApp::new();
    app.user(Role::BankAdmin, "admin");
    let institution = institution_of(&app, "admin");
    let branch: i64 = xinyidai::schema::branches::table
        .filter(xinyidai::schema::branches::institution_id.eq(institution))
        .select(xinyidai::schema::branches::id)
        .first(&mut *app.conn())
        .unwrap();
    let hash = xinyidai::auth::password::hash(PASSWORD).unwrap();
    let officer_id = xinyidai::models::user::User::insert(
        &mut app.conn(),
        &xinyidai::models::user::NewUser {
            username: "officer",
            email: "officer@example.com",
            display_name: "钱经理",
            password_hash: &hash,
            role: Role::Officer,
            enterprise_id: None,
            institution_id: Some(institution),
            branch_id: Some(branch),
            must_change_password: false,
            created_at: start(),
        },
    )
    .unwrap();
    let officer = app.client();
    officer.login("officer", PASSWORD).await;
    assert_eq!(officer.get("/officer").await.status, StatusCode::OK);
    let admin = app.client();
    admin.login("admin", PASSWORD).await;
    let done =
        admin.submit("/bank-admin", &format!("/bank-admin/officers/{officer_id}"), &[("action", "disable")]).await;
    assert_eq!(done.location(), Some("/bank-admin?notice=officer_changed"));
    assert_eq!(officer.get("/officer").await.status, StatusCode::SEE_OTHER, "the open session has ended");
    assert_eq!(
        app.client().login("officer", PASSWORD).await.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "and it cannot sign in"
    );

    // Another institution's admin cannot touch this officer.
    app.user(Role::BankAdmin, "other-admin");
    let other = app.client();
    other.login("other-admin", PASSWORD).await;
    let refused =
        other.submit("/bank-admin", &format!("/bank-admin/officers/{officer_id}"), &[("action", "enable")]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bank_admin_adds_branches_and_sees_its_figures() {
    let app = TestApp::new();
    app.user(Role::BankAdmin, "admin");
    let institution = institution_of(&app, "admin");
    // Hand-built: three products, two published, applied for 3 and 4 times; a
    // product of another bank that must not count.
    let terms = ProductTerms {
        name: "经营贷".into(),
        amount_min_fen: 1_000_000,
        amount_max_fen: 100_000_000,
        term_min_months: 6,
        term_max_months: 36,
        rate_min: 30_000,
        rate_max: 45_000,
        guarantees: vec!["credit".into()],
        ..ProductTerms::default()
    };
    let (other_bank, _) = app.institution("别家银行");
    for (owner, publish, applications) in
        [(institution, true, 3), (institution, true, 4), (institution, false, 0), (other_bank, true, 9)]
    {
        let conn = &mut *app.conn();
        let id = Product::create(conn, owner, &terms, None, start()).unwrap();
        if publish {
            Product::set_status(conn, id, owner, ProductStatus::Published, None, start()).unwrap();
        }
        diesel::update(products::table.find(id)).set(products::applications.eq(applications)).execute(conn).unwrap();
    }
    // Two offers made by this bank, one by the other.
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    let admin_id: i64 =
        users::table.filter(users::username.eq("admin")).select(users::id).first(&mut *app.conn()).unwrap();
    for (amount, bank) in [(20, institution), (30, institution), (40, other_bank)] {
        let conn = &mut *app.conn();
        let need = Need::publish(conn, enterprise, &crate::market_setup::new_need(amount, 72), start()).unwrap();
        let offer = OfferTerms {
            amount: Money::from_yuan(amount * 10_000),
            rate: Rate::from_units(38_500),
            term_months: 12,
            guarantee: xinyidai::domain::Guarantee::Credit,
            conditions: "无".into(),
            valid_until: start() + chrono::Duration::days(10),
            repayment_method: xinyidai::domain::repayment::RepaymentMethod::Annuity,
        };
        let change = Change::system(start(), crate::helpers::BASE_URL);
        crate::market_setup::grab_as(conn, (need, bank, admin_id), &offer, &change).unwrap().unwrap();
    }
    let admin = app.client();
    admin.login("admin", PASSWORD).await;
    let added =
        admin.submit("/bank-admin", "/bank-admin/branches", &[("name", "高新支行"), ("region", "990102")]).await;
    assert_eq!(added.location(), Some("/bank-admin?notice=branch_added"));
    let page = admin.get("/bank-admin").await;
    assert!(page.body.contains("<li>高新支行</li>"));
    let figure = |value: &str, label: &str| {
        format!("<span class=\"figure-value\">{value}</span><span class=\"figure-label\">{label}</span>")
    };
    for (value, label) in [("2", "已发布产品"), ("7", "产品申请次数"), ("2", "抢单报价次数"), ("2", "支行")]
    {
        assert!(page.body.contains(&figure(value, label)), "{label} = {value}: {}", page.body);
    }
    let again =
        admin.submit("/bank-admin", "/bank-admin/branches", &[("name", "高新支行"), ("region", "990102")]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("已有同名支行"));
    app.run_jobs().await;
}

#[tokio::test]
async fn the_bank_admin_page_has_a_plain_title() {
    let app = TestApp::new();
    app.user(Role::BankAdmin, "admin");
    let admin = app.client();
    admin.login("admin", PASSWORD).await;
    let page = admin.get("/bank-admin").await;
    assert!(page.body.contains("<title>机构管理 - 信易贷</title>"));
    assert_eq!(page.body.matches("<h3>添加支行</h3>").count(), 1);
}
