//! The import templates and the upload form: one BOM, no row that imports as
//! data, and the form's token in its body rather than its URL.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use diesel::prelude::*;
use xinyidai::domain::records::RecordKind;

use super::office;
use crate::helpers::{BASE_URL, TestApp};

#[tokio::test]
async fn an_unedited_template_has_one_bom_and_imports_nothing_with_a_clear_message() {
    let app = TestApp::new();
    let browser = office(&app).await;
    for kind in RecordKind::ALL {
        let template = browser.get(&format!("/credit-office/imports/templates/{}.csv", kind.as_str())).await;
        assert_eq!(template.status, StatusCode::OK);
        let text = template.body.strip_prefix('\u{feff}').expect("a BOM");
        assert!(!text.starts_with('\u{feff}'), "{kind:?}: one BOM, not two");
        assert!(text.trim_start_matches('"').starts_with("填写说明：本行不会导入"), "{kind:?}");

        let page =
            browser.upload(kind.as_str(), "测试部门", "2024-12-31", "template.csv", template.body.as_bytes()).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{kind:?}");
        app.run_jobs().await;
        let report = browser.get(page.location().unwrap()).await;
        assert!(report.body.contains("已完成"), "{kind:?}");
        assert!(report.body.contains("文件中没有数据行，未导入任何记录"), "{kind:?}");
    }
    use xinyidai::schema as t;
    let stored = [
        count!(app, t::enterprises),
        count!(app, t::tax_records),
        count!(app, t::utility_records),
        count!(app, t::property_records),
        count!(app, t::social_security_records),
        count!(app, t::penalty_records),
        count!(app, t::honour_records),
    ];
    assert_eq!(stored, [0; 7], "the templates' examples are not data");
}

#[tokio::test]
async fn the_upload_form_carries_its_token_in_the_body_and_a_token_in_the_url_is_refused() {
    let app = TestApp::new();
    let browser = office(&app).await;
    let form = browser.get("/credit-office/imports").await;
    assert!(
        form.body.contains("<form method=\"post\" action=\"/credit-office/imports\" enctype=\"multipart/form-data\"")
    );
    assert!(!form.body.contains("csrf="), "no token in any URL of the page");
    let token = form.csrf();

    // The token in the URL only, as the old form sent it: refused, nothing stored.
    let boundary = "----xinyidai-url-token";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ntax\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"file\"; filename=\"t.csv\"\r\n\r\n统一社会信用代码,年度\r\n\r\n--{boundary}--\r\n"
    );
    let request = Request::post(format!("/credit-office/imports?csrf={token}"))
        .header(header::ORIGIN, BASE_URL)
        .header(header::COOKIE, browser.cookie())
        .header("x-forwarded-for", "198.51.100.7")
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let refused = browser.send(request).await;
    assert_ne!(refused.status, StatusCode::SEE_OTHER);
    assert!(refused.body.contains("页面已过期"), "{}", refused.body);
    assert_eq!(count!(app, xinyidai::schema::import_batches), 0);

    // The form's way (the token as the first field) uploads.
    let page =
        browser.upload("registry", "市场监督管理局", "2024-12-31", "registry.csv", super::REGISTRY.as_bytes()).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    app.run_jobs().await;
    assert_eq!(count!(app, xinyidai::schema::enterprises), 2);
}
