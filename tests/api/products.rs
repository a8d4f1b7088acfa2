//! Products, the catalogue, eligibility and applying.

use axum::http::StatusCode;
use diesel::prelude::*;
use xinyidai::actions::Ctx as Change;
use xinyidai::domain::{Money, Rate, Role};
use xinyidai::models::need::Need;
use xinyidai::models::offer::OfferTerms;
use xinyidai::models::product::{Product, ProductTerms};
use xinyidai::schema::{needs, products, users};

use crate::helpers::{PASSWORD, TestApp, start};
use crate::portrait::enterprise_with_records;

fn institution_of(app: &TestApp, username: &str) -> i64 {
    users::table
        .filter(users::username.eq(username))
        .select(users::institution_id)
        .first::<Option<i64>>(&mut *app.conn())
        .unwrap()
        .unwrap()
}

const GOOD: [(&str, &str); 10] = [
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
        Product::set_status(conn, id, institution, "published", None, start() - chrono::Duration::days(days_ago))
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
        Product::set_status(conn, id, bank, "published", None, start()).unwrap();
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
        Product::set_status(conn, id, bank, "published", None, start()).unwrap();
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
    Product::set_status(&mut app.conn(), product, bank, "published", None, start()).unwrap();
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
    let confirm = browser.submit(&form_path, "/enterprise/needs", &good).await;
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
}

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
            role: "officer",
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
            Product::set_status(conn, id, owner, "published", None, start()).unwrap();
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
