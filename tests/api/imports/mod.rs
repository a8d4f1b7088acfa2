//! Department imports end to end: upload through the form, the job runs,
//! rejected rows are reported, valid rows stored once, evaluations recomputed.
//! Encodings and codes (`encodings`), refused forms and uploads (`uploads`),
//! recomputed evaluations (`recompute`), registry rows as enterprises (`registry`).

use axum::http::StatusCode;
use chrono::NaiveDate;
use diesel::prelude::*;
use xinyidai::domain::Role;
use xinyidai::schema::import_batches;

use crate::helpers::{PASSWORD, TestApp};

pub(super) fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/docs/samples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

macro_rules! count {
    ($app:expr, $table:path) => {{
        use $table as table;
        table::table.count().get_result::<i64>(&mut *$app.conn()).unwrap()
    }};
}

// After `count!`, which they use.
mod encodings;
mod recompute;
mod registry;
mod templates;
mod uploads;

pub(super) async fn office(app: &TestApp) -> crate::helpers::Client<'_> {
    app.user(Role::CreditOffice, "clerk");
    let browser = app.client();
    browser.login("clerk", PASSWORD).await;
    browser
}

pub(super) const REGISTRY: &str = "统一社会信用代码,企业名称,法定代表人,注册资本（万元）,成立日期,行政区划,行业,企业规模,住所\n\
91990102MA1HX00010,云海样本甲有限公司,王一,500,2015-03-01,990102,C,小型,云海市东湖区一路1号\n\
91990103MA1HX0002H,云海样本乙有限公司,王二,100,2021/6/1,990103,F,微型,云海市西山区二路2号\n";

#[tokio::test]
async fn an_upload_is_imported_by_the_worker_and_reports_every_rejected_row() {
    let app = TestApp::new();
    let browser = office(&app).await;
    let page = browser
        .upload(
            "social_security",
            "人力资源和社会保障局",
            "2024-03-31",
            "社保.csv",
            &sample("social_security_with_errors.csv"),
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let batch_page = page.location().unwrap().to_string();
    assert!(browser.get(&batch_page).await.body.contains("排队中"));

    app.run_jobs().await;
    let report = browser.get(&batch_page).await;
    assert!(report.body.contains("已完成"), "{}", report.body);
    assert!(!report.body.contains("http-equiv=\"refresh\""), "a finished import stops refreshing");
    for (row, reason) in [("4", "校验位"), ("5", "2024-02-30"), ("6", "-800"), ("8", "2024-13")] {
        assert!(report.body.contains(&format!("<td data-label=\"行号\">{row}</td>")), "row {row} reported");
        assert!(report.body.contains(reason), "{reason}");
    }
    let batch: (i64, i64, i64) = import_batches::table
        .select((import_batches::rows_total, import_batches::rows_changed, import_batches::rows_rejected))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(batch, (7, 3, 4));
    assert_eq!(count!(app, xinyidai::schema::social_security_records), 3);

    let csv = browser.get(&format!("{batch_page}/errors.csv")).await;
    assert_eq!(csv.headers.get("content-type").unwrap(), "text/csv; charset=utf-8");
    assert!(csv.body.contains("行号,字段,值,原因"));
    assert!(csv.body.contains("'-800"), "a cell that starts with - is neutralised");
}

#[tokio::test]
async fn the_same_file_imported_twice_adds_nothing() {
    let app = TestApp::new();
    let browser = office(&app).await;
    let file = sample("tax_2024_utf8.csv");
    browser.upload("tax", "税务局", "2024-12-31", "tax.csv", &file).await;
    app.run_jobs().await;
    let stored = count!(app, xinyidai::schema::tax_records);
    assert!(stored > 0);
    browser.upload("tax", "税务局", "2024-12-31", "tax.csv", &file).await;
    app.run_jobs().await;
    assert_eq!(count!(app, xinyidai::schema::tax_records), stored);
    let second: (i64, i64) = import_batches::table
        .order(import_batches::id.desc())
        .select((import_batches::rows_changed, import_batches::rows_unchanged))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(second, (0, stored));
}

#[tokio::test]
async fn a_key_repeated_in_one_file_is_stored_once_with_its_last_values() {
    // Rows are stored a thousand at a time: repeats inside one chunk must come
    // out as they would row by row (insert, then update, then nothing).
    let app = TestApp::new();
    let browser = office(&app).await;
    let file = "统一社会信用代码,年度,纳税信用等级,纳税额（元）,营业收入（元）\n\
                91990102MA1HX00010,2024,B,100,1000\n\
                91990102MA1HX00010,2024,A,200,2000\n\
                91990102MA1HX00010,2024,A,200,2000\n";
    browser.upload("tax", "税务局", "2024-12-31", "tax.csv", file.as_bytes()).await;
    app.run_jobs().await;
    let counts: (i64, i64) = import_batches::table
        .select((import_batches::rows_changed, import_batches::rows_unchanged))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(counts, (2, 1));
    let stored: Vec<(String, i64)> = xinyidai::schema::tax_records::table
        .select((xinyidai::schema::tax_records::tax_grade, xinyidai::schema::tax_records::tax_paid_fen))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(stored, vec![("A".to_string(), 20_000)]);
}

#[tokio::test]
async fn a_gbk_file_is_read_as_chinese() {
    let app = TestApp::new();
    let browser = office(&app).await;
    let uploaded =
        browser.upload("utilities", "供电公司", "2024-01-31", "水电气.csv", &sample("utilities_2024_gbk.csv")).await;
    app.run_jobs().await;
    // The GBK words decoded: 电, 水 and 燃气 are vocabulary a mis-decoded file
    // would reject, and 2024年1月 is a month only when read as Chinese.
    use xinyidai::schema::utility_records as u;
    let stored: Vec<(String, NaiveDate, String, i64, i64)> = u::table
        .order((u::uscc, u::utility))
        .select((u::uscc, u::month, u::utility, u::billed_fen, u::arrears_fen))
        .load(&mut *app.conn())
        .unwrap();
    let january = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    assert_eq!(
        stored,
        [
            ("91990102MA1HX00010".to_string(), january, "electricity".to_string(), 9_876_543, 0),
            ("91990102MA1HX00010".to_string(), january, "water".to_string(), 1_123_500, 0),
            ("91990103MA1HX0002H".to_string(), january, "gas".to_string(), 301_088, 0),
            ("91990121MA1HX00060".to_string(), january, "electricity".to_string(), 3_510_000, 120_000),
        ]
    );
    let report = browser.get(uploaded.location().unwrap()).await;
    assert!(report.body.contains("已完成"));
    assert!(
        report.body.contains("<span class=\"figure-value\">4</span><span class=\"figure-label\">新增或更新</span>")
    );
    assert!(
        report
            .body
            .contains("<span class=\"figure-value danger-text\">0</span><span class=\"figure-label\">被拒绝</span>")
    );
}

#[tokio::test]
async fn a_broken_file_leaves_nothing_behind() {
    let app = TestApp::new();
    let browser = office(&app).await;
    let mut file = sample("tax_2024_utf8.csv");
    // The header is row 1; the unclosed quote opens the row after the sample's last.
    let broken_row = file.iter().filter(|b| **b == b'\n').count() + 1;
    file.extend_from_slice(b"91990102MA1HX00010,2023,\"A,never closed\n");
    file.extend(std::iter::repeat_n(b'x', 1_100_000));
    let uploaded = browser.upload("tax", "税务局", "2024-12-31", "broken.csv", &file).await;
    app.run_jobs().await;
    let report = browser.get(uploaded.location().unwrap()).await;
    assert!(report.body.contains("<dt>状态</dt><dd><span class=\"badge danger\">失败</span></dd>"), "{}", report.body);
    let told = format!("导入失败：第 {broken_row} 行起的一条记录超过 1 MB，可能是引号没有配对，请检查该行");
    assert!(report.body.contains(&told), "{}", report.body);
    assert!(!report.body.contains("新增或更新"), "a failed file reports no stored rows");
    assert_eq!(count!(app, xinyidai::schema::tax_records), 0, "no row of a failed file is kept");
    let list = browser.get("/credit-office/imports").await;
    assert!(list.body.contains("broken.csv") && list.body.contains("失败"), "{}", list.body);
}

/// The import report's figure under `label` ("文件行数", "被拒绝" ...).
pub(super) fn figure(body: &str, label: &str) -> String {
    let end = body.find(&format!("<span class=\"figure-label\">{label}</span>")).expect(label);
    let start = body[..end].rfind("\">").unwrap() + 2;
    body[start..end].trim_end_matches("</span>").to_string()
}
