//! One grab rule: the grab page offers 立即抢单 exactly when the grab would be
//! tried, and the grab takes only needs the hall shows the bank (one of its
//! published products fits), whatever id is posted.

use axum::http::StatusCode;
use diesel::prelude::*;
use xinyidai::models::need::Need;
use xinyidai::models::product::ProductTerms;
use xinyidai::schema::{audit_log, authorizations, jobs, needs, offers};

use crate::helpers::{TestApp, start};
use crate::market_setup::{bank_with_product, bank_with_terms, grab, new_need, offer_id, product_terms, signed_in};
use crate::portrait::enterprise_with_records;

const BUTTON: &str = "<button type=\"submit\" class=\"button\">立即抢单</button>";

/// An officer whose bank's one published product is for 10 to 1,000 万元 and
/// also requires `min_grade` and `regions`; returns the institution.
fn bank_with_narrow_product(app: &TestApp, officer: &str, min_grade: Option<&str>, regions: &[&str]) -> i64 {
    let terms = ProductTerms {
        min_grade: min_grade.map(str::to_string),
        regions: regions.iter().map(|r| r.to_string()).collect(),
        ..product_terms(&format!("{officer}专项贷"))
    };
    bank_with_terms(app, officer, terms)
}

#[tokio::test]
async fn the_grab_page_offers_no_button_on_a_need_the_bank_already_offered_on() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_product(&app, "甲");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let officer = signed_in(&app, "甲").await;
    let path = format!("/officer/hall/{need}");
    assert!(officer.get(&path).await.body.contains(BUTTON), "a need it may grab has the button");
    offer_id(&grab(&officer, need).await);

    let again = officer.get(&path).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("不能抢单：贵机构已报价。"), "{}", again.body);
    assert!(!again.body.contains(BUTTON), "no live button on a need the bank holds an offer on");
    let taken: i32 = needs::table.find(need).select(needs::slots_taken).first(&mut *app.conn()).unwrap();
    assert_eq!(taken, 1);
    app.run_jobs().await;
}

#[tokio::test]
async fn a_bank_cannot_grab_a_need_none_of_its_products_fits_by_posting_its_id() {
    let app = TestApp::new();
    // enterprise_with_records: region 990102, grade C (score 560).
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    let big = Need::publish(&mut app.conn(), enterprise, &new_need(2_000, 72), start()).unwrap();
    let usual = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let cases = [
        ("甲", bank_with_product(&app, "甲"), big, "2,000 万元 is above its 10–1,000 万元"),
        ("乙", bank_with_narrow_product(&app, "乙", Some("A"), &[]), usual, "it asks for grade A or better"),
        ("丙", bank_with_narrow_product(&app, "丙", None, &["990103"]), usual, "it serves another district"),
    ];
    for (officer, institution, need, why) in cases {
        let browser = signed_in(&app, officer).await;
        let path = format!("/officer/hall/{need}");
        assert!(
            !browser.get("/officer/hall").await.body.contains(&format!("href=\"{path}\"")),
            "{why}: not in the hall"
        );
        let page = browser.get(&path).await;
        assert!(page.body.contains("不能抢单：贵机构没有适合该需求的已发布产品。"), "{why}: {}", page.body);
        assert!(!page.body.contains(BUTTON), "{why}: no button");

        let posted = grab(&browser, need).await;
        assert_eq!(posted.status, StatusCode::CONFLICT, "{why}");
        assert!(posted.body.contains("抢单未成功：贵机构没有适合该需求的已发布产品"), "{why}: {}", posted.body);
        assert!(posted.body.contains("按月付息"), "{why}: what was typed is kept");
        let authorized: i64 = authorizations::table
            .filter(authorizations::institution_id.eq(institution))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        assert_eq!(authorized, 0, "{why}: no portrait authorization");
    }
    let taken: Vec<i32> = needs::table.order(needs::id).select(needs::slots_taken).load(&mut *app.conn()).unwrap();
    assert_eq!(taken, [0, 0], "no slot taken");
    assert_eq!(offers::table.count().get_result::<i64>(&mut *app.conn()).unwrap(), 0, "no offer");
    let made = audit_log::table.filter(audit_log::event.eq("offer_made")).count().get_result::<i64>(&mut *app.conn());
    assert_eq!(made.unwrap(), 0);
    assert_eq!(jobs::table.count().get_result::<i64>(&mut *app.conn()).unwrap(), 0, "no email to the enterprise");

    // A bank whose product fits takes the same need through the same form.
    bank_with_product(&app, "丁");
    let fits = signed_in(&app, "丁").await;
    offer_id(&grab(&fits, usual).await);
    let taken: i32 = needs::table.find(usual).select(needs::slots_taken).first(&mut *app.conn()).unwrap();
    assert_eq!(taken, 1);
    app.run_jobs().await;
}
