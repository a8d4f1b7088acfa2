//! Refused form input and uploads leave nothing behind.

use axum::http::StatusCode;
use diesel::prelude::*;
use xinyidai::schema::import_batches;

use super::*;
use crate::helpers::TestApp;

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
async fn a_chunked_upload_over_the_limit_is_refused_and_leaves_nothing_behind() {
    use axum::body::Body;
    use axum::http::{Request, header};
    use xinyidai::schema::import_chunks;
    let app = TestApp::new();
    let browser = office(&app).await;
    let token = browser.get("/credit-office/imports").await.csrf();
    let boundary = "----xinyidai-chunked";
    let mut head = Vec::new();
    for (name, value) in
        [("csrf", token.as_str()), ("kind", "utilities"), ("department", "云海水务集团"), ("as_of", "2026-10-31")]
    {
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
    let request = Request::post("/credit-office/imports")
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
