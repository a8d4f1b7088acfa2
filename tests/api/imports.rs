//! Department imports end to end: upload through the form, the job runs,
//! rejected rows are reported, valid rows stored once, evaluations recomputed.

use axum::http::StatusCode;
use chrono::NaiveDate;
use diesel::prelude::*;
use xinyidai::domain::Role;
use xinyidai::schema::{credit_evaluations, import_batches};

use crate::helpers::{PASSWORD, TestApp};

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/docs/samples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

macro_rules! count {
    ($app:expr, $table:path) => {{
        use $table as table;
        table::table.count().get_result::<i64>(&mut *$app.conn()).unwrap()
    }};
}

async fn office(app: &TestApp) -> crate::helpers::Client<'_> {
    app.user(Role::CreditOffice, "clerk");
    let browser = app.client();
    browser.login("clerk", PASSWORD).await;
    browser
}

const REGISTRY: &str = "统一社会信用代码,企业名称,法定代表人,注册资本（万元）,成立日期,行政区划,行业,企业规模,住所\n\
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
    assert!(report.body.contains("<dt>状态</dt><dd>失败</dd>"), "{}", report.body);
    let told = format!("导入失败：第 {broken_row} 行起的一条记录超过 1 MB，可能是引号没有配对，请检查该行");
    assert!(report.body.contains(&told), "{}", report.body);
    assert!(!report.body.contains("新增或更新"), "a failed file reports no stored rows");
    assert_eq!(count!(app, xinyidai::schema::tax_records), 0, "no row of a failed file is kept");
    let list = browser.get("/credit-office/imports").await;
    assert!(list.body.contains("broken.csv") && list.body.contains("失败"), "{}", list.body);
}

#[tokio::test]
async fn bad_form_input_is_explained_and_nothing_is_queued() {
    let app = TestApp::new();
    let browser = office(&app).await;
    let page = browser.upload("tax", "", "31/12/2024", "tax.csv", b"x").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("请填写数据来源部门"));
    assert!(page.body.contains("请填写数据截止日期"));
    assert_eq!(count!(app, xinyidai::schema::import_batches), 0);
}

#[tokio::test]
async fn evaluations_are_recomputed_for_the_enterprises_an_import_touched() {
    let app = TestApp::new();
    let (untouched, _) = app.enterprise_on_record("云海旁观者有限公司", "赵六");
    let browser = office(&app).await;
    browser.upload("registry", "市场监督管理局", "2024-12-31", "registry.csv", REGISTRY.as_bytes()).await;
    app.run_jobs().await;
    let evaluated: Vec<String> = credit_evaluations::table
        .select(credit_evaluations::uscc)
        .order(credit_evaluations::uscc)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(evaluated, vec!["91990102MA1HX00010", "91990103MA1HX0002H"]);
    assert!(!evaluated.contains(&untouched));

    let before: i32 = credit_evaluations::table
        .find("91990102MA1HX00010")
        .select(credit_evaluations::score)
        .first(&mut *app.conn())
        .unwrap();
    browser.upload("tax", "税务局", "2024-12-31", "tax.csv", &sample("tax_2024_utf8.csv")).await;
    app.run_jobs().await;
    let after: i32 = credit_evaluations::table
        .find("91990102MA1HX00010")
        .select(credit_evaluations::score)
        .first(&mut *app.conn())
        .unwrap();
    assert!(after > before, "an A tax grade raises the score ({before} -> {after})");
}

/// The import report's figure under `label` ("文件行数", "被拒绝" ...).
fn figure(body: &str, label: &str) -> String {
    let end = body.find(&format!("<span class=\"figure-label\">{label}</span>")).expect(label);
    let start = body[..end].rfind("\">").unwrap() + 2;
    body[start..end].trim_end_matches("</span>").to_string()
}

#[tokio::test]
async fn a_gbk_file_whose_first_100000_rows_are_ascii_is_read_as_gbk_from_first_byte_to_last() {
    let app = TestApp::new();
    let browser = office(&app).await;
    let (ascii, chinese) = (
        xinyidai::domain::Uscc::with_check_character("91990102MA1HX0001").unwrap(),
        xinyidai::domain::Uscc::with_check_character("91990102MA1HX0002").unwrap(),
    );
    let mut text = String::from("uscc,certificate_no,kind,area,assessed_value,mortgaged\n");
    for n in 0..100_000 {
        text.push_str(&format!("{ascii},C-{n},factory,100,1000,N\n"));
    }
    // 住宅 in GBK is also valid UTF-8 ("סլ"); 是 and 厂房 are not.
    text.push_str(&format!("{chinese},苏(2024)云海市不动产权第1号,住宅,88.5,\"1,200,000\",是\n"));
    text.push_str(&format!("{chinese},苏(2024)云海市不动产权第2号,厂房,300,\"2,500,000\",否\n"));
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(bytes[..64 * 1024].is_ascii() && bytes.len() > 4_000_000);
    let page = browser.upload("property", "自然资源和规划局", "2024-12-31", "不动产.csv", &bytes).await;
    let report_path = page.location().unwrap().to_string();
    app.run_jobs().await;

    let report = browser.get(&report_path).await;
    assert!(report.body.contains("已完成"), "{}", report.body);
    assert_eq!(figure(&report.body, "文件行数"), "100002");
    assert_eq!(figure(&report.body, "新增或更新"), "100002");
    assert_eq!(figure(&report.body, "被拒绝"), "0");
    use xinyidai::schema::property_records as p;
    let stored: Vec<(String, String, bool)> = p::table
        .filter(p::uscc.eq(chinese.as_str()))
        .order(p::certificate_no)
        .select((p::certificate_no, p::kind, p::mortgaged))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(
        stored,
        vec![
            ("苏(2024)云海市不动产权第1号".to_string(), "住宅".to_string(), true),
            ("苏(2024)云海市不动产权第2号".to_string(), "厂房".to_string(), false),
        ]
    );
}

#[tokio::test]
async fn a_file_that_decodes_in_no_encoding_is_refused_whole_with_the_line_named() {
    let app = TestApp::new();
    let browser = office(&app).await;
    let mut bytes = sample("tax_2024_utf8.csv");
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    bytes.extend_from_slice(b"91990102MA1HX00010,2023,A,\xFF100,1000\n");
    let page = browser.upload("tax", "税务局", "2024-12-31", "tax.csv", &bytes).await;
    let report_path = page.location().unwrap().to_string();
    app.run_jobs().await;
    let report = browser.get(&report_path).await;
    assert!(report.body.contains("导入失败"), "{}", report.body);
    assert!(
        report.body.contains(&format!(
            "既不是有效的 UTF-8 也不是有效的 GBK 编码：按 UTF-8 读取，第 {} 行有无法识别的字节，整份文件未导入",
            lines + 1
        )),
        "{}",
        report.body
    );
    assert_eq!(count!(app, xinyidai::schema::tax_records), 0, "no row of a refused file is kept");
}

#[tokio::test]
async fn codes_beside_invisible_characters_or_pasted_in_groups_are_accepted() {
    let app = TestApp::new();
    let browser = office(&app).await;
    let codes: Vec<String> = (1..=6)
        .map(|n| xinyidai::domain::Uscc::with_check_character(&format!("91990102MA1HX000{n}")).unwrap().to_string())
        .collect();
    let grouped = |c: &str, sep: &str| {
        c.as_bytes().chunks(4).map(|g| std::str::from_utf8(g).unwrap()).collect::<Vec<_>>().join(sep)
    };
    let cells = [
        format!("\u{200B}{}", codes[0]),
        format!("{}\u{FEFF}", codes[1]),
        format!("\u{2060}{}\u{2060}", codes[2]),
        grouped(&codes[3], " "),
        grouped(&codes[4], "-"),
        // A letter in the region code (positions 3-8), with a right check character.
        xinyidai::domain::Uscc::with_check_character("9199A102MA1HX0007").unwrap().to_string(),
    ];
    let mut file = String::from("统一社会信用代码,年度,纳税信用等级,纳税额,营业收入\n");
    for cell in &cells {
        file.push_str(&format!("{cell},2024,A,100,1000\n"));
    }
    let page = browser.upload("tax", "税务局", "2024-12-31", "tax.csv", file.as_bytes()).await;
    let report_path = page.location().unwrap().to_string();
    app.run_jobs().await;
    let report = browser.get(&report_path).await;
    assert_eq!(figure(&report.body, "新增或更新"), "5", "{}", report.body);
    assert_eq!(figure(&report.body, "被拒绝"), "1");
    assert!(report.body.contains("<td data-label=\"行号\">7</td>"));
    assert!(report.body.contains("第 5 位的「A」应为数字"), "{}", report.body);
    use xinyidai::schema::tax_records as t;
    let stored: Vec<String> = t::table.order(t::uscc).select(t::uscc).load(&mut *app.conn()).unwrap();
    assert_eq!(stored, codes[..5].to_vec());
}

/// A request body sent in 1 MiB pieces with no length given, as a browser's
/// chunked upload arrives over the network (each piece after a wait): the
/// head, `filler` bytes of CSV rows, the tail.
struct Chunked {
    head: Option<Vec<u8>>,
    filler: usize,
    tail: Option<Vec<u8>>,
    waited: bool,
}

impl http_body::Body for Chunked {
    type Data = axum::body::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        self.waited = !self.waited;
        if self.waited {
            cx.waker().wake_by_ref();
            return std::task::Poll::Pending;
        }
        let piece = match self.head.take() {
            Some(head) => Some(head),
            None if self.filler > 0 => {
                let n = self.filler.min(1 << 20);
                self.filler -= n;
                Some(b"91990102MA1HX00010,1\n".iter().copied().cycle().take(n).collect())
            }
            None => self.tail.take(),
        };
        std::task::Poll::Ready(piece.map(|bytes| Ok(http_body::Frame::data(bytes.into()))))
    }
}

#[tokio::test]
async fn a_chunked_upload_over_the_limit_is_refused_and_leaves_nothing_behind() {
    use axum::body::Body;
    use axum::http::{Request, header};
    use xinyidai::schema::import_chunks;
    let app = TestApp::new();
    let browser = office(&app).await;
    let token = browser.get("/credit-office/imports").await.csrf();
    let boundary = "----xinyidai-chunked";
    let mut head = Vec::new();
    for (name, value) in [("kind", "utilities"), ("department", "云海水务集团"), ("as_of", "2026-10-31")] {
        head.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    head.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n").bytes(),
    );
    let body = Chunked {
        head: Some(head),
        filler: 65 * 1024 * 1024,
        tail: Some(format!("\r\n--{boundary}--\r\n").into_bytes()),
        waited: false,
    };
    let request = Request::post(format!("/credit-office/imports?csrf={token}"))
        .header(header::ORIGIN, crate::helpers::BASE_URL)
        .header(header::COOKIE, browser.cookie())
        .header("x-forwarded-for", "198.51.100.7")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::new(body))
        .unwrap();
    assert!(request.headers().get(header::CONTENT_LENGTH).is_none());
    let page = browser.send(request).await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.body.contains("文件超过 64 MB"), "{}", page.body);
    assert!(page.body.contains("云海水务集团"), "what was typed is kept");
    assert_eq!(page.headers.get("x-frame-options").unwrap(), "DENY");
    assert_eq!(count!(app, xinyidai::schema::import_batches), 0, "no batch left 上传中");
    assert_eq!(count!(app, import_chunks), 0, "no stored chunk left");
    assert!(!browser.get("/credit-office/imports").await.body.contains("上传中"));
}

#[tokio::test]
async fn a_nul_in_the_file_name_or_department_is_not_a_server_error() {
    let app = TestApp::new();
    let browser = office(&app).await;
    let page = browser.upload("registry", "市场监督管理局", "2026-10-31", "名录\0.csv", REGISTRY.as_bytes()).await;
    assert!(!page.status.is_server_error(), "{}", page.status);
    let page = browser.upload("registry", "市场\0监督管理局", "2026-10-31", "名录.csv", REGISTRY.as_bytes()).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("部门名称含有无法识别的字符"));
    let names: Vec<String> = import_batches::table.select(import_batches::file_name).load(&mut *app.conn()).unwrap();
    assert!(names.iter().all(|n| !n.contains('\0')), "{names:?}");
}
