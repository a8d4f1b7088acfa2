//! The credit office's 统计 dashboard through the real router: two deals of
//! two banks in two regions, counted by hand, on the page, under its
//! filters and in every download (CSV and a real .xlsx read back).

use std::io::Cursor;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use diesel::prelude::*;
use http_body_util::BodyExt;
use tower::ServiceExt;
use xinyidai::actions::loan::record_drawdown;
use xinyidai::domain::{Money, Role};
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::schema::{enterprises, institutions, regions};

use crate::helpers::{Client, TestApp};
use crate::loan_setup::{Approved, approved, approved_by, loan, officer_ctx, user_id};
use crate::market_setup::{bank_with_product, signed_in};
use crate::portrait::enterprise_with_records;

/// 云海银行 (bank "tjbank") lends 150 万 to an enterprise of 东湖区 (990102);
/// "=1+1银行" lends 50 万 to one of 西山区 (990103), industry F. Both needs
/// of 200 万 were published, grabbed, accepted and approved for 200 万 in
/// November 2026, both drawn on 2026-11-23.
struct World {
    first: Approved,
    second: Approved,
}

fn draw(app: &TestApp, deal: &Approved, iou: &str, wan: i64) {
    let own = loan(app, deal);
    let value_date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let new = NewDrawdown { iou_no: iou.into(), amount: Money::from_yuan(wan * 10_000), value_date, term_months: 6 };
    record_drawdown(&mut app.conn(), &officer_ctx(app, deal), own, new).unwrap().unwrap();
}

fn world(app: &TestApp) -> World {
    let first = approved(app, "tjent1", "tjbank");
    // A bank whose name a spreadsheet would read as a formula.
    let institution = bank_with_product(app, "tjbank2");
    let officer = user_id(app, "tjbank2");
    {
        let conn = &mut *app.conn();
        diesel::update(institutions::table.find(institution))
            .set(institutions::name.eq("=1+1银行"))
            .execute(conn)
            .unwrap();
        diesel::insert_into(regions::table)
            .values((regions::code.eq("990103"), regions::name.eq("西山区")))
            .execute(conn)
            .unwrap();
    }
    let (enterprise, _) = enterprise_with_records(app, "tjent2");
    diesel::update(enterprises::table.find(enterprise))
        .set((enterprises::region.eq("990103"), enterprises::industry.eq("F")))
        .execute(&mut *app.conn())
        .unwrap();
    let second = approved_by(app, enterprise, (institution, officer));
    draw(app, &first, "JJ-1", 150);
    draw(app, &second, "JJ-2", 50);
    World { first, second }
}

/// The cells of the table row whose first cell is `name`, tags stripped.
fn row_of(body: &str, marker: &str) -> Vec<String> {
    let at = body.find(marker).unwrap_or_else(|| panic!("no row {marker}"));
    let start = body[..at].rfind("<tr").unwrap();
    let row = &body[start..start + body[start..].find("</tr>").unwrap()];
    row.split("<td")
        .skip(1)
        .map(|cell| cell.split_once('>').unwrap().1.split("</td>").next().unwrap().to_string())
        .collect()
}

/// 累计, 本期, 近一年 of a national indicator on the page.
fn national(body: &str, name: &str) -> Vec<String> {
    row_of(body, &format!("<td data-label=\"指标\">{name}</td>"))[2..].to_vec()
}

/// A breakdown's row (by its code), the label first.
fn breakdown_row(body: &str, table: &str, code: &str) -> Vec<String> {
    let table_at = body.find(&format!("data-table=\"{table}\"")).unwrap_or_else(|| panic!("no table {table}"));
    let rest = &body[table_at..];
    let rest = &rest[..rest.find("</table>").unwrap()];
    row_of(rest, &format!("data-row=\"{code}\""))
}

async fn office(app: &TestApp) -> Client<'_> {
    app.user(Role::CreditOffice, "tjoffice");
    signed_in(app, "tjoffice").await
}

/// A download's status, headers and raw bytes.
async fn download(client: &Client<'_>, path: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let request = Request::builder().uri(path).header(header::COOKIE, client.cookie()).body(Body::empty()).unwrap();
    let response = client.app.router.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

fn csv_lines(bytes: &[u8]) -> Vec<Vec<String>> {
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "one BOM first");
    assert!(!bytes[3..].starts_with(b"\xEF\xBB\xBF"), "only one BOM");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&bytes[3..]);
    reader.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect()
}

/// A sheet's cells as the CSV would write them: numbers to the CSV's decimals.
fn sheet_lines(bytes: Vec<u8>, sheet: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("a real workbook");
    let formulas = book.worksheet_formula(sheet).unwrap();
    assert!(formulas.used_cells().all(|(.., f)| f.is_empty()), "no formula in {sheet}");
    let range = book.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => format!("{f}"),
                    Data::Int(i) => i.to_string(),
                    Data::Empty => String::new(),
                    other => panic!("unexpected cell {other:?}"),
                })
                .collect()
        })
        .collect()
}

/// "150.00" and "150" are the same number.
fn same(csv: &str, sheet: &str) -> bool {
    csv == sheet || matches!((csv.parse::<f64>(), sheet.parse::<f64>()), (Ok(a), Ok(b)) if (a - b).abs() < 1e-9)
}

#[tokio::test]
async fn the_dashboard_shows_the_figures_counted_by_hand_and_the_filters_change_them() {
    let app = TestApp::new();
    let world = world(&app);
    let office = office(&app).await;

    let page = office.get("/credit-office/statistics").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("<strong>2026年11月</strong> · 全部"), "the default is this Beijing month, no filter");
    assert!(body.contains("数据截至 2026-11-23 09:30"));
    assert_eq!(national(body, "融资需求笔数"), ["2", "2", "2"]);
    assert_eq!(national(body, "融资需求金额"), ["400.00", "400.00", "400.00"]);
    assert_eq!(national(body, "授信金额"), ["400.00", "400.00", "400.00"]);
    assert_eq!(national(body, "放款金额"), ["200.00", "200.00", "200.00"]);
    assert_eq!(national(body, "放款笔数"), ["2", "2", "2"]);
    assert_eq!(national(body, "放款平均利率"), ["4.00", "4.00", "4.00"]);
    assert_eq!(breakdown_row(body, "by_region", "990103")[..7], ["西山区", "1", "200.00", "1", "200.00", "1", "50.00"]);
    let bank = world.first.institution.to_string();
    assert_eq!(breakdown_row(body, "by_institution", &bank)[5], "150.00");
    assert!(body.contains("<td data-label=\"阶段\">获得放款</td><td data-label=\"笔数\" class=\"num\">2</td>"));
    assert!(body.contains("data-key=\"outstanding\"><span class=\"figure-value\">200.00<small> 万元"));

    let west = office.get("/credit-office/statistics?kind=month&month=2026-11&region=990103").await.body;
    assert!(west.contains("<strong>2026年11月</strong> · 地区 西山区"));
    assert_eq!(national(&west, "融资需求笔数"), ["1", "1", "1"]);
    assert_eq!(national(&west, "放款金额"), ["50.00", "50.00", "50.00"]);
    assert!(west.contains("<option value=\"990103\" selected>西山区</option>"), "the form keeps the region");

    let of_bank = office.get(&format!("/credit-office/statistics?institution={bank}")).await.body;
    assert!(of_bank.contains("· 机构 tjbank银行"));
    assert_eq!(national(&of_bank, "放款金额"), ["150.00", "150.00", "150.00"]);
    assert_eq!(national(&of_bank, "授信金额"), ["200.00", "200.00", "200.00"]);

    let october = office.get("/credit-office/statistics?kind=month&month=2026-10").await.body;
    assert_eq!(national(&october, "放款金额"), ["0.00", "0.00", "0.00"]);
    let year = office.get("/credit-office/statistics?kind=year&year=2026").await.body;
    assert!(year.contains("<strong>2026年</strong>"));
    assert_eq!(national(&year, "放款金额")[1], "200.00");
    let _ = world.second;
    app.run_jobs().await;
}

#[tokio::test]
async fn a_bad_period_is_named_beside_its_field_and_the_other_values_are_kept() {
    let app = TestApp::new();
    world(&app);
    let office = office(&app).await;

    let page = office.get("/credit-office/statistics?kind=month&month=2026-13&region=990103").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    let field = body.split("<div class=\"field period-month has-error\">").nth(1).expect("the month field marked");
    let field = field.split("</div>").next().unwrap();
    assert!(field.contains("value=\"2026-13\""), "the typed month is kept: {field}");
    assert!(field.contains("<p class=\"error\" id=\"month-error\">月份无效"), "{field}");
    assert!(body.contains("<option value=\"990103\" selected>西山区</option>"));
    assert!(body.contains("<strong>2026年11月</strong> · 地区 西山区"), "the default month meanwhile, the filter kept");
    assert_eq!(national(body, "放款金额")[1], "50.00");

    let backwards = office.get("/credit-office/statistics?kind=custom&from=2026-11-30&to=2026-11-01").await.body;
    assert!(backwards.contains("<p class=\"error\" id=\"to-error\">结束日期不能早于开始日期</p>"));
    assert!(backwards.contains("value=\"2026-11-30\"") && backwards.contains("value=\"2026-11-01\""));
    let custom = office.get("/credit-office/statistics?kind=custom&from=2026-11-23&to=2026-11-23").await.body;
    assert!(custom.contains("<strong>2026-11-23 至 2026-11-23</strong>"));
    assert_eq!(national(&custom, "放款金额")[1], "200.00");

    let unknown = office.get("/credit-office/statistics?institution=999999&size=huge").await.body;
    assert!(unknown.contains("id=\"institution-error\">没有这个金融机构"));
    assert!(unknown.contains("id=\"size-error\">请选择微型、小型或中型"));
    assert!(unknown.contains("· 全部 ·"));
    app.run_jobs().await;
}

#[tokio::test]
async fn every_table_downloads_as_csv_and_as_a_real_workbook_under_the_filters() {
    let app = TestApp::new();
    let world = world(&app);
    let office = office(&app).await;
    let query = "kind=month&month=2026-11";

    let (status, headers, bytes) = download(&office, &format!("/credit-office/statistics/by_region.csv?{query}")).await;
    assert_eq!(status, StatusCode::OK);
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.contains("filename*=UTF-8''%E7%BB%9F%E8%AE%A1-2026-11-by_region.csv"), "{disposition}");
    let lines = csv_lines(&bytes);
    assert_eq!(lines[0][..3], ["", "融资需求笔数（笔）", "融资需求金额（万元）"]);
    let west = lines.iter().find(|l| l[0] == "西山区").unwrap();
    assert_eq!(west[1..], ["1", "200.00", "1", "200.00", "1", "50.00", "1"]);

    let (status, headers, bytes) =
        download(&office, &format!("/credit-office/statistics/by_region.xlsx?{query}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().contains("spreadsheetml"));
    let sheet = sheet_lines(bytes, "按地区");
    assert!(sheet[0][0].starts_with("按地区 · 2026年11月 · 全部 · 数据截至 2026-11-23 09:30"), "{:?}", sheet[0]);
    assert_eq!(sheet[1], lines[0], "the header row");
    for (csv, cells) in lines[1..].iter().zip(&sheet[2..]) {
        assert!(csv.iter().zip(cells).all(|(a, b)| same(a, b)), "{csv:?} against {cells:?}");
    }

    // A name a spreadsheet would run is neutralised in the CSV and text in the workbook.
    let (_, _, bytes) = download(&office, &format!("/credit-office/statistics/by_institution.csv?{query}")).await;
    let lines = csv_lines(&bytes);
    assert!(lines.iter().any(|l| l[0] == "'=1+1银行" && l[5] == "50.00"), "{lines:?}");
    let (_, _, bytes) = download(&office, &format!("/credit-office/statistics/by_institution.xlsx?{query}")).await;
    assert!(sheet_lines(bytes, "按金融机构").iter().any(|l| l[0] == "=1+1银行" && same("50", &l[5])));

    // The filters hold in every download.
    let bank = world.first.institution;
    let (_, _, bytes) =
        download(&office, &format!("/credit-office/statistics/national.csv?{query}&institution={bank}")).await;
    let lines = csv_lines(&bytes);
    assert_eq!(lines[0], ["指标", "单位", "累计", "本期", "近一年"]);
    assert!(lines.contains(&["放款金额", "万元", "150.00", "150.00", "150.00"].map(String::from).to_vec()));
    let (_, headers, bytes) = download(&office, &format!("/credit-office/statistics.csv?{query}&region=990103")).await;
    assert!(headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("-2026-11.csv"));
    let lines = csv_lines(&bytes);
    assert_eq!(lines[0], xinyidai::domain::stats::export::HEADER.map(String::from).to_vec());
    let line = ["2026-11", "national", "", "", "", "loan_amount", "放款金额", "万元", "period", "50.00"];
    assert!(lines.contains(&line.map(String::from).to_vec()), "the flat form under the region");
    let (status, _, bytes) = download(&office, &format!("/credit-office/statistics.xlsx?{query}&region=990103")).await;
    assert_eq!(status, StatusCode::OK);
    let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    let names = book.sheet_names();
    assert_eq!(names[0], "全国指标");
    for name in ["当月", "当前", "需求转化", "按行业", "按地区", "按金融机构", "拒绝原因", "按月走势"]
    {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }
    let national = sheet_lines(bytes, "全国指标");
    assert!(national[0][0].contains("地区 西山区"));
    let loans = national.iter().find(|l| l[0] == "放款金额").unwrap();
    assert!(same("50.00", &loans[3]), "{loans:?}");

    for missing in ["nope.csv", "by_region.pdf", "by_region", "national.xlsx.csv"] {
        let (status, _, _) = download(&office, &format!("/credit-office/statistics/{missing}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    }
    app.run_jobs().await;
}
