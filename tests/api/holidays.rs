//! Working days follow the State Council's schedule out of the box: every
//! fresh database holds the 2024-2026 notices, due dates count on them, a
//! year without a schedule is flagged and its due dates marked 预计, and the
//! credit office imports a year. Expected dates are counted by hand from the
//! notices (国务院办公厅关于2026年部分节假日安排的通知), not by the app.

use axum::http::StatusCode;
use axum::http::header;
use chrono::{NaiveDate, NaiveDateTime};
use xinyidai::clock::Clock;
use xinyidai::domain::Role;
use xinyidai::models::need::Need;

use crate::helpers::{BASE_URL, PASSWORD, TestApp};
use crate::market_setup::{bank_with_product, new_need};
use crate::portrait::enterprise_with_records;

/// Beijing wall time as the UTC instant the app stores.
fn beijing(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, 0, 0).unwrap() - chrono::Duration::hours(8)
}

struct Market<'a> {
    app: &'a TestApp,
    enterprise: i64,
}

impl<'a> Market<'a> {
    fn new(app: &'a TestApp) -> Market<'a> {
        let (enterprise, _) = enterprise_with_records(app, "ent");
        bank_with_product(app, "officer");
        Market { app, enterprise }
    }

    /// At `at`, a need is published, grabbed by the officer through the hall
    /// and its offer accepted by the enterprise through its page; returns the
    /// officer's offer page.
    async fn accepted_at(&self, at: NaiveDateTime) -> (i64, String) {
        let app = self.app;
        app.clock.advance(at - app.clock.now());
        let need = Need::publish(&mut app.conn(), self.enterprise, &new_need(200, 72), at).unwrap();
        let officer = app.client();
        officer.login("officer", PASSWORD).await;
        let form = format!("/officer/hall/{need}");
        let valid_until = (at + chrono::Duration::days(30)).date().to_string();
        let fields = [
            ("amount", "200"),
            ("rate", "4"),
            ("term", "12"),
            ("guarantee", "credit"),
            ("repayment_method", "annuity"),
            ("valid_until", &valid_until),
        ];
        let grabbed = officer.submit(&form, &form, &fields).await;
        let location = grabbed.location().unwrap_or_else(|| panic!("{}", grabbed.body)).to_string();
        let offer: i64 = location.trim_start_matches("/officer/offers/").split('?').next().unwrap().parse().unwrap();
        let enterprise = app.client();
        enterprise.login("ent", PASSWORD).await;
        let accept = format!("/enterprise/needs/{need}/offers/{offer}/accept");
        let accepted = enterprise.submit(&accept, &accept, &[]).await;
        assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
        (offer, officer.get(&format!("/officer/offers/{offer}")).await.body)
    }
}

/// The decision due date the officer's offer page shows.
fn decision_due(page: &str) -> &str {
    let start =
        page.find("<dt>授信决定截止</dt><dd>").expect("a decision due date") + "<dt>授信决定截止</dt><dd>".len();
    page[start..].split('（').next().unwrap().split('<').next().unwrap()
}

#[tokio::test]
async fn an_offer_accepted_before_national_day_is_due_after_it_counting_the_make_up_saturday() {
    let app = TestApp::new();
    let market = Market::new(&app);
    // Wed 09-23: Thu 24 (1); 25-27 中秋; 28-30 (2-4); 10-01..07 国庆; Thu 8, Fri 9 (5-6);
    // Sat 10 worked (7); Mon 12 - Wed 14 (8-10).
    let (_, page) = market.accepted_at(beijing(2026, 9, 23, 10)).await;
    assert_eq!(decision_due(&page), "2026年10月14日 10:00");
    assert!(!page.contains("预计"), "2026's schedule is loaded");
    app.run_jobs().await;
}

#[tokio::test]
async fn the_sunday_worked_before_national_day_counts() {
    let app = TestApp::new();
    let market = Market::new(&app);
    // Fri 09-18: Sun 20 worked (1); 21-24 (2-5); 25-27 中秋; 28-30 (6-8); 国庆; Thu 10-08, Fri 10-09 (9-10).
    let (_, page) = market.accepted_at(beijing(2026, 9, 18, 10)).await;
    assert_eq!(decision_due(&page), "2026年10月09日 10:00");
    app.run_jobs().await;
}

#[tokio::test]
async fn spring_festival_2026_skips_its_weekdays_and_counts_both_make_up_saturdays() {
    let app = TestApp::new();
    let market = Market::new(&app);
    // Fri 02-13: Sat 14 worked (1); 15-23 off (weekdays 16-20 and 23); Tue 24 - Fri 27 (2-5);
    // Sat 28 worked (6); Mon 03-02 - Thu 03-05 (7-10). Contact: Sat 14 (1), Tue 24 (2).
    let (_, page) = market.accepted_at(beijing(2026, 2, 13, 10)).await;
    assert_eq!(decision_due(&page), "2026年03月05日 10:00");
    assert!(page.contains("截止 2026年02月24日 10:00"), "the contact is due after the holiday too: {page}");
    app.run_jobs().await;
}

#[tokio::test]
async fn an_acceptance_in_the_week_of_spring_festival_waits_for_the_holiday_to_end() {
    let app = TestApp::new();
    let market = Market::new(&app);
    // Wed 02-18 (a holiday): Tue 24 - Fri 27 (1-4); Sat 28 (5); Mon 03-02 - Fri 03-06 (6-10).
    let (_, page) = market.accepted_at(beijing(2026, 2, 18, 15)).await;
    assert_eq!(decision_due(&page), "2026年03月06日 15:00");
    app.run_jobs().await;
}

#[tokio::test]
async fn a_due_date_in_a_year_without_schedule_is_marked_until_the_credit_office_imports_it() {
    let app = TestApp::new();
    let market = Market::new(&app);
    app.user(Role::CreditOffice, "office");
    let early = app.client();
    early.login("office", PASSWORD).await;
    assert!(
        !early.get("/credit-office").await.body.contains("节假日安排尚未导入"),
        "late November reaches no 2027 date"
    );

    // Mon 12-28: 29-31 (1-3); 2027 counts weekends only: Fri 01-01 (4), Mon 04 - Mon 11 (5-10).
    let (offer, page) = market.accepted_at(beijing(2026, 12, 28, 10)).await;
    let office = app.client();
    office.login("office", PASSWORD).await;
    assert_eq!(decision_due(&page), "2027年01月11日 10:00");
    assert!(page.contains("2027年01月11日 10:00（预计）"), "{page}");
    assert!(office.get("/credit-office").await.body.contains("2027 年节假日安排尚未导入"));
    let holidays = office.get("/credit-office/holidays").await;
    assert!(holidays.body.contains("2027 年节假日安排尚未导入"));
    let matched = office.get("/credit-office/needs?show=matched").await;
    assert!(matched.body.contains("2027-01-11（预计）"), "{}", matched.body);

    // A bad line refuses the whole schedule, naming the line; what was typed stays.
    let bad = "2027-01-01,元旦,放假\n2027-01-04,元旦调休,调休上班\n";
    let refused = import(&office, "2027", "国务院办公厅关于2027年部分节假日安排的通知", bad).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("<td data-label=\"行号\">2</td>"), "{}", refused.body);
    assert!(refused.body.contains("2027-01-04 不是周六或周日"));
    assert!(refused.body.contains("2027-01-04,元旦调休,调休上班"), "the pasted lines are kept");
    assert!(office.get("/credit-office").await.body.contains("2027 年节假日安排尚未导入"));

    let good = "日期,名称,类型\n2027-01-01,元旦,放假\n2027-01-02,元旦,放假\n2027-01-03,元旦,放假\n";
    let imported = import(&office, "2027", "国务院办公厅关于2027年部分节假日安排的通知", good).await;
    assert_eq!(imported.location(), Some("/credit-office/holidays?notice=holiday_schedule_imported"));
    assert!(!office.get("/credit-office").await.body.contains("节假日安排尚未导入"));
    let holidays = office.get("/credit-office/holidays?notice=holiday_schedule_imported").await.body;
    assert!(holidays.contains("放假安排已导入"));
    assert!(holidays.contains("国务院办公厅关于2027年部分节假日安排的通知"));
    // The pending due date is counted again with 2027-01-01 off: Tue 01-12, no longer provisional;
    // and so is a new acceptance.
    let officer = app.client();
    officer.login("officer", PASSWORD).await;
    let recounted = officer.get(&format!("/officer/offers/{offer}")).await.body;
    assert_eq!(decision_due(&recounted), "2027年01月12日 10:00");
    assert!(!recounted.contains("预计"));
    let (_, page) = market.accepted_at(app.clock.now()).await;
    assert_eq!(decision_due(&page), "2027年01月12日 10:00");
    app.run_jobs().await;
}

#[tokio::test]
async fn the_shipped_schedule_is_on_the_holidays_page_and_single_days_stay_editable() {
    let app = TestApp::new();
    app.user(Role::CreditOffice, "office");
    let office = app.client();
    office.login("office", PASSWORD).await;
    let page = office.get("/credit-office/holidays").await.body;
    for year in [2024, 2025, 2026] {
        assert!(page.contains(&format!("国务院办公厅关于{year}年部分节假日安排的通知")), "{year}");
    }
    assert!(page.contains("<td data-label=\"日期\">2026-10-10</td>"));
    assert!(page.contains("<td data-label=\"日期\">2025-01-26</td>"));
    let removed = office.submit("/credit-office/holidays", "/credit-office/holidays/2026-10-10/delete", &[]).await;
    assert_eq!(removed.location(), Some("/credit-office/holidays?notice=holiday_saved"));
    let page = office.get("/credit-office/holidays").await.body;
    assert!(!page.contains("<td data-label=\"日期\">2026-10-10</td>"));

    // Migrating again (a restart) loads nothing over the credit office's edit.
    xinyidai::db::migrate(&mut app.conn()).unwrap();
    assert!(!office.get("/credit-office/holidays").await.body.contains("<td data-label=\"日期\">2026-10-10</td>"));
}

/// Posts a year's schedule as pasted lines through the holidays page's form.
async fn import(client: &crate::helpers::Client<'_>, year: &str, source: &str, lines: &str) -> crate::helpers::Page {
    let token = client.get("/credit-office/holidays").await.csrf();
    let boundary = "----xinyidai-holidays";
    let mut body = String::new();
    for (name, value) in [("csrf", token.as_str()), ("year", year), ("source", source), ("lines", lines)] {
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/credit-office/holidays/import")
        .header(header::ORIGIN, BASE_URL)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .header(header::COOKIE, client.cookie())
        .header("x-forwarded-for", "198.51.100.7")
        .body(axum::body::Body::from(body))
        .unwrap();
    client.send(request).await
}
