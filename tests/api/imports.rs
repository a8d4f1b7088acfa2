//! Department imports end to end: upload through the form, the job runs,
//! rejected rows are reported, valid rows stored once, evaluations recomputed.

use axum::http::StatusCode;
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
    browser.upload("utilities", "供电公司", "2024-01-31", "水电气.csv", &sample("utilities_2024_gbk.csv")).await;
    app.run_jobs().await;
    let status: String = import_batches::table.select(import_batches::status).first(&mut *app.conn()).unwrap();
    assert_eq!(status, "done");
    assert!(count!(app, xinyidai::schema::utility_records) >= 3);
}

#[tokio::test]
async fn a_broken_file_leaves_nothing_behind() {
    let app = TestApp::new();
    let browser = office(&app).await;
    let mut file = sample("tax_2024_utf8.csv");
    file.extend_from_slice(b"91990102MA1HX00010,2023,\"A,never closed\n");
    file.extend(std::iter::repeat_n(b'x', 1_100_000));
    browser.upload("tax", "税务局", "2024-12-31", "broken.csv", &file).await;
    app.run_jobs().await;
    let (status, error): (String, Option<String>) =
        import_batches::table.select((import_batches::status, import_batches::error)).first(&mut *app.conn()).unwrap();
    assert_eq!(status, "failed");
    assert!(error.is_some());
    assert_eq!(count!(app, xinyidai::schema::tax_records), 0, "no row of a failed file is kept");
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
