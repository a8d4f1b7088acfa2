//! The public catalogue: filters, sorts, pages, and whether an enterprise qualifies.

use axum::http::StatusCode;
use diesel::prelude::*;
use xinyidai::domain::product::ProductStatus;
use xinyidai::models::product::{Product, ProductTerms};
use xinyidai::schema::products;

use crate::helpers::{PASSWORD, TestApp, start};
use crate::portrait::enterprise_with_records;

/// Four published products with known terms, for filter and sort checks.
fn known_catalogue(app: &TestApp) -> [i64; 4] {
    let (bank_a, _) = app.institution("甲银行");
    let (bank_b, _) = app.institution("乙银行");
    let make = |institution,
                name: &str,
                amount: (i64, i64),
                term: (i32, i32),
                rate: i64,
                guarantees: &[&str],
                programmes: &[&str],
                regions: &[&str],
                days_ago: i64| {
        let terms = ProductTerms {
            name: name.into(),
            amount_min_fen: amount.0 * 1_000_000,
            amount_max_fen: amount.1 * 1_000_000,
            term_min_months: term.0,
            term_max_months: term.1,
            rate_min: rate,
            rate_max: rate + 10_000,
            guarantees: guarantees.iter().map(|s| s.to_string()).collect(),
            programmes: programmes.iter().map(|s| s.to_string()).collect(),
            regions: regions.iter().map(|s| s.to_string()).collect(),
            ..ProductTerms::default()
        };
        let conn = &mut *app.conn();
        let id = Product::create(conn, institution, &terms, None, start()).unwrap();
        Product::set_status(
            conn,
            id,
            institution,
            ProductStatus::Published,
            None,
            start() - chrono::Duration::days(days_ago),
        )
        .unwrap();
        id
    };
    let p1 = make(bank_a, "产品一", (10, 100), (6, 12), 40_000, &["credit"], &["税易贷"], &[], 1);
    let p2 = make(bank_a, "产品二", (100, 1_000), (12, 60), 35_000, &["mortgage"], &["绿色贷"], &["990102"], 3);
    let p3 = make(
        bank_b,
        "产品三",
        (50, 300),
        (3, 24),
        38_000,
        &["credit", "guarantee"],
        &["科技贷", "首贷"],
        &["990106"],
        2,
    );
    let p4 = make(bank_b, "产品四", (5, 50), (1, 6), 90_000, &["guarantee"], &[], &[], 4);
    diesel::update(products::table.find(p4)).set(products::applications.eq(9)).execute(&mut *app.conn()).unwrap();
    diesel::update(products::table.find(p3)).set(products::applications.eq(4)).execute(&mut *app.conn()).unwrap();
    [p1, p2, p3, p4]
}

/// The product names on a catalogue page, in order.
fn names(body: &str) -> Vec<String> {
    body.split("<h2><a href=\"/products/")
        .skip(1)
        .map(|s| s.split('>').nth(1).unwrap().split('<').next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_catalogue_filters_and_sorts_with_known_answers() {
    let app = TestApp::new();
    let [_, _, _, _] = known_catalogue(&app);
    let bank_b: i64 = xinyidai::schema::institutions::table
        .filter(xinyidai::schema::institutions::name.eq("乙银行"))
        .select(xinyidai::schema::institutions::id)
        .first(&mut *app.conn())
        .unwrap();
    let visitor = app.client();
    let cases: Vec<(String, Vec<&str>)> = vec![
        ("/products".into(), vec!["产品二", "产品三", "产品一", "产品四"]),
        ("/products?amount=80".into(), vec!["产品三", "产品一"]),
        ("/products?amount=80&term=18".into(), vec!["产品三"]),
        ("/products?term=6".into(), vec!["产品三", "产品一", "产品四"]),
        ("/products?guarantee=guarantee".into(), vec!["产品三", "产品四"]),
        (format!("/products?institution={bank_b}"), vec!["产品三", "产品四"]),
        (format!("/products?programme={}", xinyidai::web::url_encode("首贷")), vec!["产品三"]),
        ("/products?region=990106".into(), vec!["产品三", "产品一", "产品四"]),
        ("/products?sort=popular".into(), vec!["产品四", "产品三", "产品一", "产品二"]),
        ("/products?sort=newest".into(), vec!["产品一", "产品三", "产品二", "产品四"]),
        ("/products?amount=&term=&institution=&sort=".into(), vec!["产品二", "产品三", "产品一", "产品四"]),
    ];
    for (path, expected) in cases {
        let page = visitor.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(names(&page.body), expected, "{path}");
    }
}

#[tokio::test]
async fn the_catalogue_pages_through_many_products() {
    let app = TestApp::new();
    let (bank, _) = app.institution("甲银行");
    for i in 0..14 {
        let terms = ProductTerms {
            name: format!("产品{i:02}"),
            amount_min_fen: 1_000_000,
            amount_max_fen: 2_000_000,
            term_min_months: 1,
            term_max_months: 2,
            rate_min: 30_000 + i,
            rate_max: 40_000,
            guarantees: vec!["credit".into()],
            ..ProductTerms::default()
        };
        let conn = &mut *app.conn();
        let id = Product::create(conn, bank, &terms, None, start()).unwrap();
        Product::set_status(conn, id, bank, ProductStatus::Published, None, start()).unwrap();
    }
    let first = app.client().get("/products").await;
    assert_eq!(names(&first.body).len(), 12);
    assert!(first.body.contains("第 1 / 2 页"));
    let second = app.client().get("/products?page=2").await;
    assert_eq!(names(&second.body), vec!["产品12", "产品13"]);
}

#[tokio::test]
async fn an_enterprise_sees_whether_it_qualifies_and_why_not() {
    let app = TestApp::new();
    enterprise_with_records(&app, "ent");
    let (bank, _) = app.institution("甲银行");
    let make = |name: &str, terms: ProductTerms| {
        let conn = &mut *app.conn();
        let terms = ProductTerms {
            name: name.into(),
            amount_min_fen: 1_000_000,
            amount_max_fen: 500_000_000,
            term_min_months: 1,
            term_max_months: 36,
            rate_min: 30_000,
            rate_max: 40_000,
            guarantees: vec!["credit".into()],
            ..terms
        };
        let id = Product::create(conn, bank, &terms, None, start()).unwrap();
        Product::set_status(conn, id, bank, ProductStatus::Published, None, start()).unwrap();
        id
    };
    let open = make("人人可贷", ProductTerms::default());
    let picky = make(
        "只做软件",
        ProductTerms { industries: vec!["I".into()], min_grade: Some("AAA".into()), ..ProductTerms::default() },
    );
    let browser = app.client();
    browser.login("ent", PASSWORD).await;
    let catalogue = browser.get("/products").await;
    assert!(catalogue.body.contains("您符合申请条件"));
    let page = browser.get(&format!("/products/{picky}")).await;
    assert!(page.body.contains("产品不服务本企业所属行业"));
    assert!(page.body.contains("低于产品要求的 AAA 及以上"));
    let page = browser.get(&format!("/products/{open}")).await;
    assert!(page.body.contains("申请该产品"));
    assert!(page.body.contains("建议申请额度"));
    let estimate = browser.get("/enterprise/estimate").await;
    assert!(estimate.body.contains("人人可贷"));
    assert!(estimate.body.contains("暂不符合（1）"));
}

#[tokio::test]
async fn a_product_page_names_its_programmes_and_has_no_empty_programme_line() {
    let app = TestApp::new();
    let [_, _, with_two, without] = known_catalogue(&app);
    let visitor = app.client();
    let page = visitor.get(&format!("/products/{with_two}")).await;
    assert!(page.body.contains("<dt>专项</dt>"));
    assert!(
        page.body.contains("<span class=\"tag\">科技贷</span>")
            && page.body.contains("<span class=\"tag\">首贷</span>")
    );
    let page = visitor.get(&format!("/products/{without}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<dt>专项</dt>"), "no 专项 line without a programme");
}
