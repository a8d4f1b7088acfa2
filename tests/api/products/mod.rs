//! Products: a bank admin creates, edits and publishes them (here); the
//! catalogue and eligibility (`catalogue`), applying (`applying`), the bank
//! admin's people and branches (`bank_admin`).

use axum::http::StatusCode;
use diesel::prelude::*;
use xinyidai::domain::Role;
use xinyidai::models::product::{Product, ProductTerms};
use xinyidai::schema::{products, users};

mod applying;
mod bank_admin;
mod catalogue;

use crate::helpers::{PASSWORD, TestApp, start};

pub(super) fn institution_of(app: &TestApp, username: &str) -> i64 {
    users::table
        .filter(users::username.eq(username))
        .select(users::institution_id)
        .first::<Option<i64>>(&mut *app.conn())
        .unwrap()
        .unwrap()
}

pub(super) const GOOD: [(&str, &str); 10] = [
    ("name", "科创信用贷"),
    ("amount_min", "50"),
    ("amount_max", "500"),
    ("term_min", "6"),
    ("term_max", "36"),
    ("rate_min", "3.45"),
    ("rate_max", "4.8"),
    ("guarantees", "credit"),
    ("repayment_methods", "annuity"),
    ("repayment_methods", "interest_only"),
];

#[tokio::test]
async fn a_bank_admin_creates_edits_and_publishes_a_product_and_every_change_is_kept() {
    let app = TestApp::new();
    app.user(Role::BankAdmin, "admin");
    let admin = app.client();
    admin.login("admin", PASSWORD).await;

    let bad = admin
        .submit(
            "/bank-admin/products/new",
            "/bank-admin/products",
            &[
                ("name", "科创信用贷"),
                ("amount_min", "500"),
                ("amount_max", "50"),
                ("term_min", "6"),
                ("term_max", "36"),
                ("rate_min", "30"),
                ("rate_max", "4.8"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["最高额度不能低于最低额度", "不超过 24%", "请至少选择一种担保方式", "请至少选择一种还款方式"]
    {
        assert!(bad.body.contains(message), "{message}");
    }
    assert!(bad.body.contains("value=\"科创信用贷\""), "what was typed is kept");

    let created = admin.submit("/bank-admin/products/new", "/bank-admin/products", &GOOD).await;
    let path = created.location().unwrap().split('?').next().unwrap().to_string();
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    assert!(!app.client().get("/products").await.body.contains("科创信用贷"), "a draft is not in the catalogue");
    assert_eq!(app.client().get(&format!("/products/{id}")).await.status, StatusCode::NOT_FOUND);

    let page = admin.get(&path).await;
    admin.post(&format!("{path}/publish"), &[("csrf", &page.csrf())]).await;
    let catalogue = app.client().get("/products").await;
    assert!(catalogue.body.contains("科创信用贷"));
    assert!(catalogue.body.contains("年化 3.45% – 4.80%"));
    let shown = app.client().get(&format!("/products/{id}")).await;
    assert!(shown.body.contains("等额本息、按月付息到期还本"), "the product lists the repayment methods it offers");

    // Two people edit from the same version: the second is told, and loses nothing typed.
    let form = admin.get(&path).await;
    let version = form.body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let mut first = GOOD.to_vec();
    first.extend([("csrf", form.csrf().leak() as &str), ("version", version.clone().leak())]);
    first[0] = ("name", "科创信用贷（升级版）");
    assert_eq!(admin.post(&path, &first).await.status, StatusCode::SEE_OTHER);
    let mut second = first.clone();
    second[0] = ("name", "另一个名字");
    let conflict = admin.post(&path, &second).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert!(conflict.body.contains("已被其他人修改"));
    assert!(conflict.body.contains("value=\"另一个名字\""));

    let history = admin.get(&path).await;
    for action in ["创建草稿", "发布", "修改条款"] {
        assert!(history.body.contains(action), "{action}");
    }
}

#[tokio::test]
async fn another_banks_product_cannot_be_edited_or_published_or_seen_in_draft() {
    let app = TestApp::new();
    app.user(Role::BankAdmin, "admin-a");
    app.user(Role::BankAdmin, "admin-b");
    let terms = ProductTerms {
        name: "甲行产品".into(),
        amount_min_fen: 1_000_000,
        amount_max_fen: 100_000_000,
        term_min_months: 1,
        term_max_months: 12,
        rate_min: 30_000,
        rate_max: 50_000,
        guarantees: vec!["credit".into()],
        ..ProductTerms::default()
    };
    let id = Product::create(&mut app.conn(), institution_of(&app, "admin-a"), &terms, None, start()).unwrap();
    let b = app.client();
    b.login("admin-b", PASSWORD).await;
    let path = format!("/bank-admin/products/{id}");
    assert_eq!(b.get(&path).await.status, StatusCode::NOT_FOUND);
    let token = b.get("/bank-admin/products").await.csrf();
    let mut fields = GOOD.to_vec();
    fields.extend([("csrf", token.as_str()), ("version", "1")]);
    assert_eq!(b.post(&path, &fields).await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.post(&format!("{path}/publish"), &[("csrf", &token)]).await.status, StatusCode::NOT_FOUND);
    let (name, status): (String, String) =
        products::table.find(id).select((products::name, products::status)).first(&mut *app.conn()).unwrap();
    assert_eq!((name.as_str(), status.as_str()), ("甲行产品", "draft"));
}
