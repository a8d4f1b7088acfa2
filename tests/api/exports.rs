//! The credit office's lists as CSV: the file holds the rows the filtered
//! page lists, page after page, in the page's order; one BOM; no cell that
//! a spreadsheet would run as a formula.

use axum::http::StatusCode;
use diesel::prelude::*;
use xinyidai::domain::Role;
use xinyidai::schema::{credit_evaluations as ce, enterprises};

use crate::helpers::{Client, PASSWORD, TestApp, start};

/// The texts between `open` and the next `close`, in order.
fn between(body: &str, open: &str, close: &str) -> Vec<String> {
    body.split(open).skip(1).filter_map(|rest| rest.split_once(close)).map(|(cell, _)| cell.to_string()).collect()
}

/// Every page of a list (`base` ends with `?` or `&`), `cells` picking each row's key.
async fn all_pages(client: &Client<'_>, base: &str, cells: impl Fn(&str) -> Vec<String>) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    for page in 1..=50 {
        let body = client.get(&format!("{base}page={page}")).await.body;
        let found = cells(&body);
        if found.is_empty() || rows.ends_with(&found) {
            break;
        }
        rows.extend(found);
    }
    rows
}

/// The CSV's records after checking that it is a download with exactly one BOM.
async fn csv_records(client: &Client<'_>, path: &str) -> Vec<Vec<String>> {
    let page = client.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    assert!(page.headers["content-type"].to_str().unwrap().starts_with("text/csv"), "{path}");
    assert!(page.headers["content-disposition"].to_str().unwrap().starts_with("attachment;"), "{path}");
    let body = page.body.strip_prefix('\u{feff}').expect("the file starts with a BOM");
    assert!(!body.starts_with('\u{feff}'), "{path}: one BOM, not two");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(body.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}

fn column(records: &[Vec<String>], index: usize) -> Vec<String> {
    records[1..].iter().map(|r| r[index].clone()).collect()
}

fn evaluate(app: &TestApp, uscc: &str, grade: &str, whitelisted: bool) {
    diesel::insert_into(ce::table)
        .values((
            ce::uscc.eq(uscc),
            ce::model_version.eq("test"),
            ce::score.eq(700),
            ce::grade.eq(grade),
            ce::risk_level.eq("low"),
            ce::dishonest.eq(false),
            ce::factors.eq("[]"),
            ce::computed_at.eq(start()),
            ce::whitelisted.eq(whitelisted),
        ))
        .execute(&mut *app.conn())
        .unwrap();
}

#[tokio::test]
async fn the_directory_export_holds_every_row_of_the_filtered_pages_and_no_formula() {
    let app = TestApp::new();
    // 41 whitelisted A (more than the page's 30), 5 whitelisted AA, 5 A off the list, 3 unrated.
    let mut expected = Vec::new();
    for i in 0..54 {
        let name = if i == 0 { "=SUM(A1)".to_string() } else { format!("导出测试{i:02}有限公司") };
        let (uscc, _) = app.enterprise_on_record(&name, "李四");
        match i {
            0..41 => {
                evaluate(&app, &uscc, "A", true);
                expected.push(uscc);
            }
            41..46 => evaluate(&app, &uscc, "AA", true),
            46..51 => evaluate(&app, &uscc, "A", false),
            _ => {}
        }
    }
    app.user(Role::CreditOffice, "clerk");
    let office = app.client();
    office.login("clerk", PASSWORD).await;

    let page = office.get("/credit-office/enterprises?list=whitelist&grade=A").await;
    assert!(
        page.body.contains("href=\"/credit-office/enterprises.csv?q=&#38;list=whitelist&#38;grade=A\""),
        "the page's export link carries its filters"
    );
    let listed = all_pages(&office, "/credit-office/enterprises?q=&list=whitelist&grade=A&", |body| {
        between(body, "<code>", "</code>")
    })
    .await;
    assert_eq!(listed.len(), 41, "the page lists the 41 across two pages");
    let records = csv_records(&office, "/credit-office/enterprises.csv?q=&list=whitelist&grade=A").await;
    assert_eq!(records[0], ["企业名称", "统一社会信用代码", "评分", "信用等级", "名单"]);
    assert_eq!(column(&records, 1), listed, "the export's rows are the page's rows, in its order");
    let mut sorted = expected.clone();
    sorted.sort();
    let mut exported = column(&records, 1);
    exported.sort();
    assert_eq!(exported, sorted);
    assert_eq!(records[1][0], "'=SUM(A1)", "a formula-looking name is neutralised");
    assert!(records[1..].iter().all(|r| r[3] == "A" && r[4] == "白名单"));

    // The whitelist's own export is the directory's 白名单 tab.
    let whitelist = csv_records(&office, "/credit-office/whitelist.csv").await;
    assert_eq!(whitelist.len() - 1, 46, "41 A and 5 AA");
    assert!(office.get("/credit-office/whitelist").await.body.contains("href=\"/credit-office/whitelist.csv\""));

    // A search narrows the export as it narrows the page.
    let one = csv_records(&office, "/credit-office/enterprises.csv?q=导出测试07&list=&grade=").await;
    assert_eq!(column(&one, 0), ["导出测试07有限公司"]);
    let count: i64 = enterprises::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(csv_records(&office, "/credit-office/enterprises.csv").await.len() as i64 - 1, count);
}

#[tokio::test]
async fn the_market_disputes_institutions_and_imports_export_what_their_pages_list() {
    let app = TestApp::new();
    xinyidai::seed::demo(&mut app.conn(), start(), (crate::helpers::BASE_URL, app.db.dir.path())).unwrap();
    app.user(Role::CreditOffice, "clerk");
    let office = app.client();
    office.login("clerk", PASSWORD).await;

    let need_ids = |body: &str| between(body, "<td data-label=\"需求\">#", "</td>");
    for show in ["", "open", "matched", "overdue"] {
        let page = office.get(&format!("/credit-office/needs?show={show}")).await;
        assert!(page.body.contains(&format!("href=\"/credit-office/needs.csv?show={show}\"")), "{show}");
        let listed = all_pages(&office, &format!("/credit-office/needs?show={show}&"), need_ids).await;
        let records = csv_records(&office, &format!("/credit-office/needs.csv?show={show}")).await;
        assert_eq!(column(&records, 0), listed, "tab {show:?}");
        if show.is_empty() {
            assert!(listed.len() > 30, "the demo's needs fill more than a page");
        }
        if show == "overdue" {
            assert!(!listed.is_empty() && records[1..].iter().all(|r| r[5] == "是"));
        }
    }

    let disputes = csv_records(&office, "/credit-office/disputes.csv").await;
    let listed = all_pages(&office, "/credit-office/disputes?", |body| {
        between(body, "<td data-label=\"异议内容\" class=\"wrap\">", "</td>")
    })
    .await;
    assert_eq!(column(&disputes, 2), listed);

    let institutions = csv_records(&office, "/credit-office/institutions.csv").await;
    let page = office.get("/credit-office/institutions").await;
    assert_eq!(column(&institutions, 2), between(&page.body, "<code>", "</code>"));
    assert!(institutions.len() > 5);

    let imports = csv_records(&office, "/credit-office/imports.csv").await;
    let listed = all_pages(&office, "/credit-office/imports?", |body| {
        between(body, "<td data-label=\"编号\"><a href=\"/credit-office/imports/", "\"")
    })
    .await;
    assert_eq!(column(&imports, 0), listed);
    app.run_jobs().await; // the demo's market emails
}
