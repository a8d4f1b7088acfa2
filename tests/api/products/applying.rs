//! Applying for a product publishes a need for its bank; the limits on applying.

use axum::http::StatusCode;
use diesel::prelude::*;
use xinyidai::domain::product::ProductStatus;
use xinyidai::models::product::{Product, ProductTerms};
use xinyidai::schema::{needs, products};

use crate::helpers::{PASSWORD, TestApp, start};
use crate::portrait::enterprise_with_records;

#[tokio::test]
async fn applying_publishes_a_need_for_the_products_bank_after_a_confirmation() {
    let app = TestApp::new();
    enterprise_with_records(&app, "ent");
    let (bank, _) = app.institution("甲银行");
    let terms = ProductTerms {
        name: "人人可贷".into(),
        amount_min_fen: 1_000_000,
        amount_max_fen: 500_000_000,
        term_min_months: 6,
        term_max_months: 36,
        rate_min: 30_000,
        rate_max: 45_000,
        guarantees: vec!["credit".into()],
        ..ProductTerms::default()
    };
    let product = Product::create(&mut app.conn(), bank, &terms, None, start()).unwrap();
    Product::set_status(&mut app.conn(), product, bank, ProductStatus::Published, None, start()).unwrap();
    let browser = app.client();
    browser.login("ent", PASSWORD).await;
    let form_path = format!("/enterprise/needs/new?product={product}");
    let fields = |amount: &'static str| {
        vec![
            ("amount", amount),
            ("term", "12"),
            ("purpose", "采购原材料"),
            ("guarantee", "credit"),
            ("max_rate", "4.5"),
            ("window", "72"),
            ("slots", "3"),
        ]
    };
    let product_text = product.to_string();
    let mut too_big = fields("9000");
    too_big.push(("product", &product_text));
    let refused = browser.submit(&form_path, "/enterprise/needs", &too_big).await;
    assert!(refused.body.contains("该产品额度为"));

    let mut good = fields("200");
    good.push(("product", &product_text));
    let reviewed = browser.submit(&form_path, "/enterprise/needs", &good).await;
    let confirm = browser.get(reviewed.location().expect("the review page")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("授权说明"));
    assert_eq!(
        needs::table.count().get_result::<i64>(&mut *app.conn()).unwrap(),
        0,
        "nothing is published before confirming"
    );
    let mut publish = good.clone();
    let token = confirm.csrf();
    publish.push(("csrf", &token));
    let done = browser.post("/enterprise/needs/publish", &publish).await;
    let (id, institution, slots, amount): (i64, Option<i64>, i32, i64) = needs::table
        .select((needs::id, needs::institution_id, needs::slots, needs::amount_fen))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(done.location(), Some(format!("/enterprise/needs/{id}?notice=need_published").as_str()));
    assert_eq!((institution, slots, amount), (Some(bank), 1, 200_000_000));
    assert!(browser.get(done.location().unwrap()).await.body.contains("融资需求已发布"));
    let applications: i32 =
        products::table.find(product).select(products::applications).first(&mut *app.conn()).unwrap();
    assert_eq!(applications, 1);
    assert!(browser.get("/enterprise/needs").await.body.contains("人人可贷"));
    app.run_jobs().await;
}

#[tokio::test]
async fn at_most_three_needs_are_open_and_a_dishonest_enterprise_is_refused_with_the_reason() {
    let app = TestApp::new();
    let (_, uscc) = enterprise_with_records(&app, "ent");
    let browser = app.client();
    browser.login("ent", PASSWORD).await;
    let fields = [
        ("amount", "50"),
        ("term", "12"),
        ("purpose", "补充流动资金"),
        ("guarantee", "credit"),
        ("max_rate", "5"),
        ("window", "24"),
        ("slots", "2"),
    ];
    for _ in 0..3 {
        let token = browser.get("/enterprise/needs/new").await.csrf();
        let mut all = fields.to_vec();
        all.push(("csrf", &token));
        assert_eq!(browser.post("/enterprise/needs/publish", &all).await.status, StatusCode::SEE_OTHER);
    }
    let fourth = browser.get("/enterprise/needs/new").await;
    assert!(fourth.body.contains("最多同时发布 3 个"));
    assert!(!fourth.body.contains("action=\"/enterprise/needs\""), "no form is offered");
    let published = |app: &TestApp| needs::table.count().get_result::<i64>(&mut *app.conn()).unwrap();
    // Posted anyway (a second tab, a replayed form): refused with the reason, nothing published.
    let mut all = fields.to_vec();
    let token = fourth.csrf();
    all.push(("csrf", &token));
    let posted = browser.post("/enterprise/needs/publish", &all).await;
    assert_eq!(posted.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(posted.body.contains("您已有 3 个进行中的融资需求，最多同时发布 3 个"), "{}", posted.body);
    assert_eq!(published(&app), 3, "no fourth need");

    diesel::update(xinyidai::schema::credit_evaluations::table.find(&uscc))
        .set(xinyidai::schema::credit_evaluations::dishonest.eq(true))
        .execute(&mut *app.conn())
        .unwrap();
    diesel::update(needs::table).set(needs::status.eq("expired")).execute(&mut *app.conn()).unwrap();
    let page = browser.get("/enterprise/needs/new").await;
    assert!(page.body.contains("严重失信主体名单"));
    assert!(page.body.contains("移出名单"));
    for action in ["/enterprise/needs", "/enterprise/needs/publish"] {
        let refused = browser.post(action, &all).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{action}");
        assert!(refused.body.contains(xinyidai::handlers::needs::DISHONEST), "{action}: {}", refused.body);
        assert!(!refused.body.contains("action=\"/enterprise/needs/publish\""), "{action}: nothing to confirm");
    }
    assert_eq!(published(&app), 3, "a dishonest enterprise publishes nothing");
    app.run_jobs().await;
}
