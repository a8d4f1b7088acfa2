//! The national report (统计报送) through the real router: both tables of a
//! constructed month with values counted by hand, the template's checks
//! failing on data built to break them and refusing every download, and
//! the workbook read back as a real .xlsx.

use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use xinyidai::actions::loan::{OwnLoan, open_loan, record_drawdown};
use xinyidai::actions::offer::OwnOffer;
use xinyidai::domain::loan::Guarantees;
use xinyidai::domain::{Guarantee, Money, Role};
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::schema::institutions;

use crate::helpers::{Client, PASSWORD, Page, TestApp};
use crate::loan_setup::{Approved, approved, loan, officer_ctx, terms};

/// 平台融资统计's header in the documented order (docs/national-report.md).
const PLATFORM_HEADER: [&str; 28] = [
    "统计截止时间",
    "平台名称",
    "注册企业数（家）",
    "入驻金融机构数（家）",
    "发布金融产品数（个）",
    "授信企业数（家）",
    "授信总额（万元）",
    "授信笔数（笔）",
    "放款企业数（家）",
    "放款总额（万元）",
    "放款笔数（笔）",
    "信用放款企业数（家）",
    "信用放款总额（万元）",
    "信用放款笔数（笔）",
    "融资需求企业数（家）",
    "融资需求金额（万元）",
    "融资需求笔数（笔）",
    "当月放款金额（万元）",
    "当月放款笔数（笔）",
    "当月信用放款金额（万元）",
    "当月信用放款笔数（笔）",
    "当月融资需求笔数（笔）",
    "获贷小微企业数（家）",
    "放款平均利率（%）",
    "全业务流程平均周期（天）",
    "授信平均周期（天）",
    "放款平均周期（天）",
    "信用放款平均周期（天）",
];

/// 金融机构融资统计's header in the documented order.
const INSTITUTIONS_HEADER: [&str; 16] = [
    "统计截止时间",
    "机构名称",
    "统一社会信用代码",
    "机构类型",
    "授信总额（万元）",
    "授信笔数（笔）",
    "放款总额（万元）",
    "放款笔数（笔）",
    "放款企业数（家）",
    "信用放款总额（万元）",
    "信用放款笔数（笔）",
    "当月放款金额（万元）",
    "当月放款笔数（笔）",
    "当月信用放款金额（万元）",
    "当月信用放款笔数（笔）",
    "当月对接需求笔数（笔）",
];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn draw(app: &TestApp, deal: &Approved, own: OwnLoan, iou: &str, wan: i64, on: NaiveDate) {
    let new =
        NewDrawdown { iou_no: iou.into(), amount: Money::from_yuan(wan * 10_000), value_date: on, term_months: 6 };
    record_drawdown(&mut app.conn(), &officer_ctx(app, deal), own, new).unwrap().unwrap();
}

/// Two banks' approvals of 200 万元 each on 2026-11-23 (needs of 200 万元
/// published that day), then: 云海 bank A's credit-only loan drawn 150 万元 on
/// 2026-11-23 and 30 万元 on 2026-12-10; bank B's mortgage loan drawn 80 万元
/// on 2026-12-05. The clock ends on 2027-01-05, so December is complete.
/// Returns the two approvals.
fn december(app: &TestApp) -> (Approved, Approved) {
    let a = approved(app, "qiye-a", "officer-a");
    let b = approved(app, "qiye-b", "officer-b");
    let loan_a = loan(app, &a);
    draw(app, &a, loan_a, "JJ-A1", 150, day(2026, 11, 23));
    let mut mortgage = terms("HT-2026-B01", b.on);
    mortgage.guarantees = Guarantees::new(vec![Guarantee::Mortgage]);
    let offer = OwnOffer { institution_id: b.institution, offer_id: b.offer };
    let id = open_loan(&mut app.conn(), &officer_ctx(app, &b), offer, mortgage).unwrap().unwrap();
    let loan_b = OwnLoan { institution_id: b.institution, loan_id: id };
    app.clock.advance(Duration::days(17)); // 2026-12-10
    draw(app, &b, loan_b, "JJ-B1", 80, day(2026, 12, 5));
    draw(app, &a, loan_a, "JJ-A2", 30, day(2026, 12, 10));
    app.clock.advance(Duration::days(26)); // 2027-01-05
    (a, b)
}

async fn office(app: &TestApp) -> Client<'_> {
    app.user(Role::CreditOffice, "office");
    let client = app.client();
    assert_eq!(client.login("office", PASSWORD).await.status, StatusCode::SEE_OTHER);
    client
}

fn uscc_of(app: &TestApp, institution: i64) -> String {
    institutions::table.find(institution).select(institutions::uscc).first(&mut *app.conn()).unwrap()
}

/// A CSV download's rows (the BOM removed).
fn csv_rows(page: &Page) -> Vec<Vec<String>> {
    let text = page.body.strip_prefix('\u{feff}').expect("a BOM first");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect()
}

#[tokio::test]
async fn the_two_tables_of_a_month_hold_its_figures_counted_by_hand() {
    let app = TestApp::new();
    let (a, b) = december(&app);
    let client = office(&app).await;

    let page = client.get("/credit-office/reports/2026-12").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("校验通过"), "{}", page.body);
    assert!(page.body.contains("officer-a银行") && page.body.contains("officer-b银行"));

    let platform = csv_rows(&client.get("/credit-office/reports/2026-12/platform.csv").await);
    assert_eq!(platform[0], PLATFORM_HEADER);
    assert_eq!(platform.len(), 2, "one row for the platform");
    let cell = |name: &str| platform[1][PLATFORM_HEADER.iter().position(|h| h.starts_with(name)).unwrap()].clone();
    assert_eq!(cell("统计截止时间"), "2026-12-31");
    assert_eq!(cell("平台名称"), "云海市融资信用服务平台");
    assert_eq!(cell("入驻金融机构数"), "2");
    // Two approvals of 200 万元, both on 2026-11-23.
    assert_eq!((cell("授信企业数"), cell("授信总额"), cell("授信笔数")), ("2".into(), "400.00".into(), "2".into()));
    // 150 + 30 (A, credit only) + 80 (B, mortgage), all by the end of December.
    assert_eq!((cell("放款企业数"), cell("放款总额"), cell("放款笔数")), ("2".into(), "260.00".into(), "3".into()));
    assert_eq!(
        (cell("信用放款企业数"), cell("信用放款总额"), cell("信用放款笔数")),
        ("1".into(), "180.00".into(), "2".into())
    );
    assert_eq!(
        (cell("融资需求企业数"), cell("融资需求金额"), cell("融资需求笔数")),
        ("2".into(), "400.00".into(), "2".into())
    );
    // December alone: B's 80 and A's 30; A's is credit only; no need published in December.
    assert_eq!((cell("当月放款金额"), cell("当月放款笔数")), ("110.00".into(), "2".into()));
    assert_eq!((cell("当月信用放款金额"), cell("当月信用放款笔数")), ("30.00".into(), "1".into()));
    assert_eq!(cell("当月融资需求笔数"), "0");
    assert_eq!(cell("放款平均利率"), "4.00", "every loan at 4%");
    // Published 11-23; first drawn 11-23 (A, 0 days) and 12-05 (B, 12 days).
    assert_eq!(cell("全业务流程平均周期"), "6.00");
    assert_eq!(cell("授信平均周期"), "0.00");
    assert_eq!(cell("放款平均周期"), "6.00");
    assert_eq!(cell("信用放款平均周期"), "0.00");

    let institutions = csv_rows(&client.get("/credit-office/reports/2026-12/institutions.csv").await);
    assert_eq!(institutions[0], INSTITUTIONS_HEADER);
    let expected_a = [
        "2026-12-31".to_string(),
        "officer-a银行".into(),
        uscc_of(&app, a.institution),
        "银行".into(),
        "200.00".into(),
        "1".into(),
        "180.00".into(),
        "2".into(),
        "1".into(),
        "180.00".into(),
        "2".into(),
        "30.00".into(),
        "1".into(),
        "30.00".into(),
        "1".into(),
        "0".into(),
    ];
    let expected_b = [
        "2026-12-31".to_string(),
        "officer-b银行".into(),
        uscc_of(&app, b.institution),
        "银行".into(),
        "200.00".into(),
        "1".into(),
        "80.00".into(),
        "1".into(),
        "1".into(),
        "0.00".into(),
        "0".into(),
        "80.00".into(),
        "1".into(),
        "0.00".into(),
        "0".into(),
        "0".into(),
    ];
    assert_eq!(institutions[1..], [expected_a.to_vec(), expected_b.to_vec()]);
    app.run_jobs().await;
}

/// The raw bytes of a GET as `client` (the workbook is binary).
async fn bytes_of(app: &TestApp, client: &Client<'_>, path: &str) -> (StatusCode, String, Vec<u8>) {
    use axum::body::Body;
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = axum::http::Request::get(path).header("cookie", client.cookie()).body(Body::empty()).unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let kind = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (response.status(), kind, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[tokio::test]
async fn the_workbook_is_a_real_xlsx_with_both_sheets_in_the_documented_order() {
    let app = TestApp::new();
    december(&app);
    let client = office(&app).await;
    let (status, kind, bytes) = bytes_of(&app, &client, "/credit-office/reports/2026-12.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("a workbook");
    assert_eq!(workbook.sheet_names(), ["平台融资统计", "金融机构融资统计"]);

    let platform = workbook.worksheet_range("平台融资统计").unwrap();
    let rows: Vec<_> = platform.rows().collect();
    assert_eq!(rows[0].iter().map(text).collect::<Vec<_>>(), PLATFORM_HEADER);
    let at = |name: &str| PLATFORM_HEADER.iter().position(|h| h.starts_with(name)).unwrap();
    assert_eq!(rows[1][at("统计截止时间")], Data::String("2026-12-31".into()));
    assert_eq!(rows[1][at("放款总额")], Data::Float(260.0), "a figure is a number, not text");
    assert_eq!(rows[1][at("当月信用放款金额")], Data::Float(30.0));

    let banks = workbook.worksheet_range("金融机构融资统计").unwrap();
    let rows: Vec<_> = banks.rows().collect();
    assert_eq!(rows[0].iter().map(text).collect::<Vec<_>>(), INSTITUTIONS_HEADER);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[1][1], Data::String("officer-a银行".into()));
    assert_eq!(rows[2][6], Data::Float(80.0), "B's 放款总额");
    app.run_jobs().await;
}

/// Every download of `month` is refused with the page of failures, each named in `expected`.
async fn downloads_refused(app: &TestApp, client: &Client<'_>, month: &str, expected: &[&str]) {
    for file in [format!("{month}.xlsx"), format!("{month}/platform.csv"), format!("{month}/institutions.csv")] {
        let (status, kind, bytes) = bytes_of(app, client, &format!("/credit-office/reports/{file}")).await;
        assert_eq!(status, StatusCode::CONFLICT, "{file}");
        assert!(kind.starts_with("text/html"), "{file}: the page, never a file ({kind})");
        let body = String::from_utf8(bytes).unwrap();
        assert!(body.contains("校验未通过，不能导出"), "{file}");
        for text in expected {
            assert!(body.contains(text), "{file} names {text}");
        }
    }
}

#[tokio::test]
async fn an_institution_with_an_invalid_code_is_named_and_blocks_every_download() {
    let app = TestApp::new();
    let client = office(&app).await;
    // The credit office's form checks every code; a row written around it carries a wrong check character.
    let joined = day(2026, 10, 5).and_hms_opt(2, 0, 0).unwrap();
    diesel::insert_into(institutions::table)
        .values((
            institutions::name.eq("云海错码银行"),
            institutions::kind.eq("bank"),
            institutions::uscc.eq("91990102MB000000X"),
            institutions::created_at.eq(joined),
        ))
        .execute(&mut *app.conn())
        .unwrap();

    let page = client.get("/credit-office/reports/2026-10").await;
    assert_eq!(page.status, StatusCode::OK, "the page shows the failures");
    assert!(!page.body.contains("校验通过"));
    assert!(page.body.contains("金融机构融资统计 · 云海错码银行"));
    assert!(page.body.contains("统一社会信用代码“91990102MB000000X”不符合 GB 32100-2015"));
    assert!(!page.body.contains("2026-10.xlsx"), "no download is offered");
    downloads_refused(&app, &client, "2026-10", &["云海错码银行", "统一社会信用代码有效"]).await;
    app.run_jobs().await;
}

#[tokio::test]
async fn institutions_that_do_not_add_up_to_the_platform_block_every_download() {
    let app = TestApp::new();
    let (_, b) = december(&app);
    // A direct update dates bank B's onboarding after the month's end: the report
    // leaves it out of 金融机构融资统计 (institutions onboarded by 12-31), while its
    // approval (200 万元) and its drawdown (80 万元) stay in the platform's totals.
    let later = day(2027, 1, 2).and_hms_opt(2, 0, 0).unwrap();
    diesel::update(institutions::table.find(b.institution))
        .set(institutions::created_at.eq(later))
        .execute(&mut *app.conn())
        .unwrap();
    let client = office(&app).await;

    let page = client.get("/credit-office/reports/2026-12").await;
    assert!(page.body.contains("金融机构融资统计（1 家）"));
    assert!(page.body.contains("各机构授信总额之和 = 平台融资统计 授信总额"));
    assert!(page.body.contains("各机构之和 200.00 万元，平台融资统计 400.00 万元"));
    assert!(page.body.contains("各机构放款总额之和 = 平台融资统计 放款总额"));
    assert!(page.body.contains("各机构之和 180.00 万元，平台融资统计 260.00 万元"));
    assert!(!page.body.contains("各机构信用放款总额之和"), "B lent nothing credit-only: that sum holds");
    downloads_refused(&app, &client, "2026-12", &["各机构合计", "各机构放款总额之和"]).await;
    app.run_jobs().await;
}

#[tokio::test]
async fn the_office_chooses_among_complete_months_the_last_one_first() {
    let app = TestApp::new();
    let client = office(&app).await;
    // The clock reads 2026-11-23: October is the last complete month.
    let page = client.get("/credit-office/reports").await;
    assert_eq!(page.status, StatusCode::OK);
    let first = page.body.find("<option").unwrap();
    assert!(page.body[first..].starts_with("<option value=\"2026-10\" selected>2026年10月</option>"));
    assert!(!page.body.contains("value=\"2026-11\""), "November has not ended");
    let chosen = client.get("/credit-office/reports?month=2026-09").await;
    assert_eq!(chosen.location(), Some("/credit-office/reports/2026-09"));
    for open in ["2026-11", "2026-11.xlsx", "2026-Q3", "2026-13", "today"] {
        let page = client.get(&format!("/credit-office/reports/{open}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{open}");
    }
    let page = client.get("/credit-office/reports/2026-10").await;
    assert!(page.body.contains("校验通过") && page.body.contains("统计截止时间 2026-10-31"));
    app.run_jobs().await;
}
