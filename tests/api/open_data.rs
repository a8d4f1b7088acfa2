//! 开放数据 through the real router: the page, the bulletin index with each
//! published bulletin's two URLs, and the national set as CSV and JSON
//! under the documented fields (docs/open-data.md).

use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use xinyidai::actions::loan::record_drawdown;
use xinyidai::domain::{Money, Role};
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::schema::bulletins;

use crate::helpers::{BASE_URL, Page, TestApp, start};
use crate::loan_setup::{approved, loan, officer_ctx};

/// The flat form's fields, as docs/open-data.md lists them.
const FIELDS: [&str; 10] = ["period", "section", "table", "row_code", "row", "key", "name", "unit", "window", "value"];

fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(2, 0, 0).unwrap()
}

/// A bulletin row as the bulletins' own actions leave it (they are built beside this).
fn bulletin(app: &TestApp, period: &str, title: &str, published: Option<NaiveDateTime>) {
    let office = app.user(Role::CreditOffice, &format!("office-{period}"));
    let status = if published.is_some() { "published" } else { "draft" };
    diesel::insert_into(bulletins::table)
        .values((
            bulletins::period.eq(period),
            bulletins::title.eq(title),
            bulletins::commentary.eq(""),
            bulletins::status.eq(status),
            bulletins::figures.eq(published.map(|_| "{}".to_string())),
            bulletins::created_by.eq(office),
            bulletins::created_at.eq(at(2026, 10, 1)),
            bulletins::updated_at.eq(at(2026, 10, 1)),
            bulletins::published_at.eq(published),
            bulletins::published_by.eq(published.map(|_| office)),
        ))
        .execute(&mut *app.conn())
        .unwrap();
}

fn json(page: &Page) -> serde_json::Value {
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.headers["content-type"].to_str().unwrap().starts_with("application/json"));
    serde_json::from_str(&page.body).unwrap()
}

#[tokio::test]
async fn the_bulletin_index_lists_each_published_bulletin_with_its_two_urls() {
    let app = TestApp::new();
    bulletin(&app, "2026-09", "2026年9月统计公报", Some(at(2026, 10, 8)));
    bulletin(&app, "2026-10", "2026年10月统计公报", Some(at(2026, 11, 6)));
    bulletin(&app, "2026-11", "草稿不公开", None);
    let client = app.client();

    let index = json(&client.get("/open-data/bulletins.json").await);
    assert_eq!(index["licence"], "可自由下载使用，注明来源");
    let list = index["bulletins"].as_array().unwrap();
    assert_eq!(list.len(), 2, "a draft is not published");
    let newest = &list[0];
    let fields: Vec<&str> = newest.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(fields.len(), 5, "{fields:?}");
    assert_eq!(newest["period"], "2026-10");
    assert_eq!(newest["title"], "2026年10月统计公报");
    assert_eq!(newest["published_at"], "2026-11-06T10:00:00+08:00", "Beijing time");
    assert_eq!(newest["json_url"], format!("{BASE_URL}/bulletins/2026-10.json"));
    assert_eq!(newest["csv_url"], format!("{BASE_URL}/bulletins/2026-10.csv"));
    assert_eq!(list[1]["period"], "2026-09");

    let page = client.get("/open-data").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("2026年10月统计公报") && page.body.contains("/bulletins/2026-10.csv"));
    assert!(!page.body.contains("草稿不公开"));
    assert!(page.body.contains("可自由下载使用，注明来源"));
    app.run_jobs().await;
}

#[tokio::test]
async fn the_national_set_as_of_today_answers_under_the_documented_fields() {
    let app = TestApp::new();
    let deal = approved(&app, "kaifang", "officer");
    let own = loan(&app, &deal);
    let value_date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let new = NewDrawdown { iou_no: "JJ-1".into(), amount: Money::from_yuan(1_500_000), value_date, term_months: 6 };
    record_drawdown(&mut app.conn(), &officer_ctx(&app, &deal), own, new).unwrap().unwrap();
    let client = app.client();

    let page = client.get("/open-data/indicators.csv").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.body.strip_prefix('\u{feff}').expect("a BOM first");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), FIELDS);
    let lines: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    assert!(lines.iter().all(|l| l[1] == "national"), "only the national set");
    assert!(lines.iter().all(|l| l[8] == "cumulative" || l[8] == "trailing"), "累计 and 近一年 only");
    let today = start().date().to_string();
    assert!(lines.iter().all(|l| l[0] == format!("{today}_{today}")), "the period is today");
    let find = |key: &str, window: &str| lines.iter().find(|l| l[5] == key && l[8] == window).unwrap().clone();
    let loan = find("loan_amount", "cumulative");
    assert_eq!((loan[6].as_str(), loan[7].as_str(), loan[9].as_str()), ("放款金额", "万元", "150.00"));
    assert_eq!(find("loan_count", "trailing")[9], "1");
    assert_eq!(find("credit_amount", "trailing")[9], "200.00");

    let body = json(&client.get("/open-data/indicators.json").await);
    assert_eq!(body["fields"], serde_json::json!(FIELDS));
    assert_eq!(body["licence"], "可自由下载使用，注明来源");
    let objects = body["lines"].as_array().unwrap();
    assert_eq!(objects.len(), lines.len(), "the same lines as the CSV");
    let loan = objects.iter().find(|o| o["key"] == "loan_amount" && o["window"] == "cumulative").unwrap();
    assert_eq!(loan.as_object().unwrap().keys().count(), FIELDS.len());
    assert_eq!(loan["value"], "150.00", "a decimal as text, exact");
    let same_day = objects.iter().find(|o| o["key"] == "cycle_credit_loan" && o["window"] == "cumulative").unwrap();
    assert_eq!(same_day["value"], "0.00", "published, approved and drawn on 11-23");
    app.run_jobs().await;
}
