//! Answers the framework makes by itself (a path or query that does not parse,
//! a form missing a field, a wrong method or content type, a body over the
//! limit) get the Chinese error page, its reference id and every security
//! header; so do requests holding a NUL. A role refusal is audited.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use xinyidai::domain::Role;
use xinyidai::models::audit;

use crate::helpers::{BASE_URL, PASSWORD, Page, TestApp};

fn assert_error_page(page: &Page, status: StatusCode, title: &str, what: &str) {
    assert_eq!(page.status, status, "{what}");
    assert!(page.body.contains(title), "{what}: {}", page.body);
    assert!(page.body.contains("参考编号"), "{what}");
    for english in ["Cannot parse", "missing field", "Failed to", "length limit", "Content-Type"] {
        assert!(!page.body.contains(english), "{what} leaks {english:?}");
    }
    let h = |name: &str| page.headers.get(name).map(|v| v.to_str().unwrap().to_string());
    assert!(h("content-security-policy").is_some_and(|v| v.contains("frame-ancestors 'none'")), "{what}");
    assert_eq!(h("x-content-type-options").as_deref(), Some("nosniff"), "{what}");
    assert_eq!(h("x-frame-options").as_deref(), Some("DENY"), "{what}");
    assert_eq!(h("referrer-policy").as_deref(), Some("same-origin"), "{what}");
    assert_eq!(h("cache-control").as_deref(), Some("no-store"), "{what}");
    assert!(h("content-type").is_some_and(|v| v.starts_with("text/html")), "{what}");
}

#[tokio::test]
async fn parse_failures_of_path_query_and_form_render_the_error_page() {
    let app = TestApp::new();
    app.user(Role::CreditOffice, "clerk");
    let anonymous = app.client();
    assert_error_page(&anonymous.get("/products/abc").await, StatusCode::BAD_REQUEST, "请求有误", "path");

    let clerk = app.client();
    clerk.login("clerk", PASSWORD).await;
    let query = clerk.get("/credit-office/imports?page=abc").await;
    assert_error_page(&query, StatusCode::BAD_REQUEST, "请求有误", "query");

    let visitor = app.client();
    let token = visitor.get("/login").await.csrf();
    let missing = visitor.post("/login", &[("csrf", token.as_str()), ("login", "clerk")]).await;
    assert_error_page(&missing, StatusCode::UNPROCESSABLE_ENTITY, "提交的内容不完整", "form");
}

#[tokio::test]
async fn a_wrong_method_or_content_type_renders_the_error_page() {
    let app = TestApp::new();
    let visitor = app.client();
    let wrong_method = visitor.get("/logout").await;
    assert_error_page(&wrong_method, StatusCode::METHOD_NOT_ALLOWED, "操作方式不支持", "405");
    assert_eq!(wrong_method.headers.get(header::ALLOW).unwrap(), "POST");

    let token = visitor.get("/login").await.csrf();
    // The token where an upload carries it: the multipart body's first field.
    let request = Request::post("/login")
        .header(header::ORIGIN, BASE_URL)
        .header(header::COOKIE, visitor.cookie())
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
        .body(Body::from(format!("--x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n--x--\r\n")))
        .unwrap();
    let wrong_type = visitor.send(request).await;
    assert_error_page(&wrong_type, StatusCode::UNSUPPORTED_MEDIA_TYPE, "提交格式不支持", "415");
}

#[tokio::test]
async fn a_body_over_the_limit_gets_the_error_page_and_every_header() {
    let app = TestApp::new();
    let visitor = app.client();
    let request = Request::post("/credit-office/imports")
        .header(header::ORIGIN, BASE_URL)
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
        .header(header::CONTENT_LENGTH, (65 * 1024 * 1024).to_string())
        .body(Body::from("--x--\r\n"))
        .unwrap();
    let page = visitor.send(request).await;
    assert_error_page(&page, StatusCode::PAYLOAD_TOO_LARGE, "提交的内容过大", "413");
}

#[tokio::test]
async fn a_nul_in_a_form_or_query_is_a_bad_request_not_a_server_error() {
    let app = TestApp::new();
    app.user(Role::CreditOffice, "clerk");
    let visitor = app.client();
    let token = visitor.get("/login").await.csrf();
    let page = visitor.post("/login", &[("csrf", token.as_str()), ("login", "clerk\0"), ("password", PASSWORD)]).await;
    assert_error_page(&page, StatusCode::BAD_REQUEST, "请求有误", "NUL in a form");

    let clerk = app.client();
    clerk.login("clerk", PASSWORD).await;
    let page = clerk.get("/credit-office/enterprises?q=%00").await;
    assert_error_page(&page, StatusCode::BAD_REQUEST, "请求有误", "NUL in a query");
    assert_eq!(clerk.get("/credit-office/enterprises?q=%2500").await.status, StatusCode::OK, "a typed %00 is text");

    let page = app.client().get("/login?next=%2F%7F").await;
    assert_eq!(page.status, StatusCode::OK, "a DEL in next is ignored");
}

#[tokio::test]
async fn a_role_refusal_is_audited_with_user_role_route_and_address() {
    let app = TestApp::new();
    let officer = app.user(Role::Officer, "officer");
    let browser = app.client_from("192.0.2.77");
    browser.login("officer", PASSWORD).await;
    assert_eq!(browser.get("/credit-office/imports").await.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.get("/bank-admin/products").await.status, StatusCode::FORBIDDEN);

    let refusals = audit::recent(&mut app.conn(), "access_denied", 10).unwrap();
    let seen: Vec<_> = refusals
        .iter()
        .map(|e| (e.user_id, e.role.as_deref(), e.object.as_deref(), e.ip.as_deref(), e.outcome.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (Some(officer), Some("officer"), Some("route:GET /bank-admin/products"), Some("192.0.2.77"), "denied"),
            (Some(officer), Some("officer"), Some("route:GET /credit-office/imports"), Some("192.0.2.77"), "denied"),
        ]
    );
    assert_eq!(audit::verify(&mut app.conn()).unwrap().map(|_| ()), Ok(()), "the chain stays intact");

    // A failed CSRF check is a 403 too, but not a role refusal.
    assert_eq!(browser.post("/logout", &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(audit::recent(&mut app.conn(), "access_denied", 10).unwrap().len(), 2);
}
