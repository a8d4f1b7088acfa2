//! `GET /api/v1/hall`: the same needs in the same order as the web hall of an
//! officer of the client's institution, paged by the cursor without a gap or
//! a repeat, and nothing that names the enterprise.

use axum::http::StatusCode;
use xinyidai::domain::Role;
use xinyidai::models::need::{Need, NewNeed};

use crate::api_setup::{conforms, json_of, problem, system};
use crate::helpers::{PASSWORD, TestApp, start};
use crate::market_setup::{bank_with_product, new_need};

const HALL: &str = "/api/v1/hall";

/// The need ids of the officer's web hall, every page in order.
async fn web_hall(app: &TestApp) -> Vec<i64> {
    let officer = app.client();
    assert_eq!(officer.login("officer", PASSWORD).await.status, StatusCode::SEE_OTHER);
    let mut ids = Vec::new();
    for page in 1.. {
        let body = officer.get(&format!("/officer/hall?page={page}")).await.body;
        let found: Vec<i64> = body
            .split("href=\"/officer/hall/")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
            .collect();
        if found.is_empty() || ids.contains(&found[0]) {
            break;
        }
        ids.extend(found);
    }
    ids
}

#[tokio::test]
async fn the_api_hall_is_the_officers_hall_page_after_page() {
    let app = TestApp::new();
    let institution = bank_with_product(&app, "officer");
    let admin = app.user(Role::BankAdmin, "admin");
    let (_, enterprise) = app.enterprise_on_record("云海测试制造有限公司", "李四");
    // Published at a time with nanoseconds, as SQLite keeps them: the cursor must not cut them.
    let at = start() + chrono::Duration::nanoseconds(123_456_789);
    {
        let conn = &mut *app.conn();
        // 27 needs the product fits, most closing at the same hour as others (ties broken by id),
        // one too large for it and one directed to another bank: neither in either hall.
        for n in 0..27 {
            Need::publish(conn, enterprise, &new_need(100 + n, [72, 24, 168][n as usize % 3]), at).unwrap();
        }
        Need::publish(conn, enterprise, &new_need(5_000, 24), at).unwrap();
        let (other, _) = app.institution("别家银行");
        let directed = NewNeed { institution_id: Some(other), ..new_need(300, 24) };
        Need::publish(conn, enterprise, &directed, at).unwrap();
    }
    let web = web_hall(&app).await;
    assert_eq!(web.len(), 27, "two pages of the web hall");

    let system = system(&app, admin, institution, "hall:read").await;
    let (mut ids, mut cursor, mut pages) = (Vec::new(), String::new(), 0);
    loop {
        let page = system.get(&format!("{HALL}?limit=8&cursor={cursor}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        conforms("get", HALL, &page);
        assert!(!page.body.contains("云海测试制造") && !page.body.contains("李四"), "no name in the hall");
        let body = json_of(&page);
        ids.extend(body["needs"].as_array().unwrap().iter().map(|n| n["id"].as_i64().unwrap()));
        pages += 1;
        match body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 4, "8 + 8 + 8 + 3");
    assert_eq!(ids, web, "the same needs in the same order, no gap, no repeat");

    let first = json_of(&system.get(HALL).await);
    assert_eq!(first["needs"].as_array().unwrap().len(), 20, "20 by default");
    let need = &first["needs"][0];
    assert_eq!(need["amount_fen"], 101_000_000_i64, "the first to close: n = 1, 101 万元 in fen");
    assert_eq!(need["max_rate_percent"], "4.5");
    assert_eq!(need["guarantee"], "credit");
}

#[tokio::test]
async fn a_cursor_or_limit_the_api_did_not_give_is_refused_by_field() {
    let app = TestApp::new();
    let institution = bank_with_product(&app, "officer");
    let admin = app.user(Role::BankAdmin, "admin");
    let system = system(&app, admin, institution, "hall:read").await;
    for (query, field) in [("cursor=bm90LWEtY3Vyc29y", "cursor"), ("limit=0", "limit"), ("limit=101", "limit")] {
        let page = system.get(&format!("{HALL}?{query}")).await;
        assert_eq!(problem("get", HALL, &page, StatusCode::BAD_REQUEST), "invalid_request", "{query}");
        assert_eq!(json_of(&page)["errors"][0]["field"], field, "{query}");
    }
    let empty = system.get(HALL).await;
    conforms("get", HALL, &empty);
    assert_eq!(json_of(&empty)["next_cursor"], serde_json::Value::Null);
}
