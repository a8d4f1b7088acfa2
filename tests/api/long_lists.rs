//! Lists that grow with use are capped or paged: an officer's subscriptions,
//! an enterprise's authorizations, a bank's products.

use axum::http::StatusCode;
use chrono::Duration;
use diesel::prelude::*;
use xinyidai::domain::Role;
use xinyidai::models::authorization::Authorization;
use xinyidai::models::product::{Product, ProductTerms};
use xinyidai::schema::{subscriptions, users};

use crate::helpers::{PASSWORD, TestApp, start};
use crate::market_setup::{institution_of, product_terms};

#[tokio::test]
async fn an_officer_keeps_at_most_twenty_subscriptions() {
    let app = TestApp::new();
    app.user(Role::Officer, "officer");
    let browser = app.client();
    browser.login("officer", PASSWORD).await;
    for i in 1..=20 {
        let name = format!("订阅{i:02}");
        let page = browser.submit("/officer/subscriptions", "/officer/subscriptions", &[("name", &name)]).await;
        assert_eq!(page.location(), Some("/officer/subscriptions?notice=subscribed"), "{name}");
    }
    let refused = browser
        .submit("/officer/subscriptions", "/officer/subscriptions", &[("name", "第二十一个"), ("amount_min", "100")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("最多保存 20 个订阅，请先删除不再需要的订阅"));
    assert!(refused.body.contains("value=\"第二十一个\"") && refused.body.contains("value=\"100\""), "typed kept");
    let kept: i64 = subscriptions::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(kept, 20);
    let page = browser.get("/officer/subscriptions").await;
    assert_eq!(page.body.matches("/delete\"").count(), 20, "the page lists the twenty");
}

#[tokio::test]
async fn an_enterprises_authorizations_come_twenty_to_a_page() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let enterprise: i64 = users::table
        .filter(users::username.eq("ent"))
        .select(users::enterprise_id)
        .first::<Option<i64>>(&mut *app.conn())
        .unwrap()
        .unwrap();
    let (bank, _) = app.institution("甲银行");
    for i in 0..25 {
        let at = start() - Duration::hours(25 - i);
        Authorization::grant(&mut app.conn(), enterprise, bank, &format!("用途{i:02}"), Duration::days(90), at)
            .unwrap();
    }
    let browser = app.client();
    browser.login("ent", PASSWORD).await;
    let first = browser.get("/enterprise/authorizations").await;
    assert!(first.body.contains("我的授权（25）"));
    let purposes = |body: &str| (0..25).filter(|i| body.contains(&format!("用途{i:02}"))).collect::<Vec<_>>();
    assert_eq!(purposes(&first.body), (5..25).collect::<Vec<_>>(), "the newest twenty");
    assert!(
        first.body.contains("href=\"/enterprise/authorizations?page=1&#38;grants_page=2\""),
        "keeps the views page"
    );
    let second = browser.get("/enterprise/authorizations?page=1&grants_page=2").await;
    assert_eq!(purposes(&second.body), (0..5).collect::<Vec<_>>());
    assert!(second.body.contains("第 2 / 2 页，共 25 条"));
}

#[tokio::test]
async fn a_banks_products_come_twenty_to_a_page() {
    let app = TestApp::new();
    app.user(Role::BankAdmin, "admin");
    let bank = institution_of(&app, "admin");
    for i in 0..23 {
        let terms = ProductTerms {
            amount_min_fen: 1_000_000,
            amount_max_fen: 2_000_000,
            term_max_months: 2,
            rate_max: 40_000,
            ..product_terms(&format!("产品{i:02}"))
        };
        Product::create(&mut app.conn(), bank, &terms, None, start() + Duration::minutes(i)).unwrap();
    }
    let browser = app.client();
    browser.login("admin", PASSWORD).await;
    let names = |body: &str| (0..23).filter(|i| body.contains(&format!("产品{i:02}<"))).collect::<Vec<_>>();
    let first = browser.get("/bank-admin/products").await;
    assert_eq!(names(&first.body), (3..23).collect::<Vec<_>>(), "the latest changed twenty");
    assert!(first.body.contains("第 1 / 2 页，共 23 条"));
    let second = browser.get("/bank-admin/products?page=2").await;
    assert_eq!(names(&second.body), vec![0, 1, 2]);
}
