//! After sign-in the browser goes back only to a path on this site.

use axum::http::StatusCode;
use xinyidai::domain::Role;

use crate::helpers::{PASSWORD, TestApp};

#[tokio::test]
async fn a_next_that_is_not_a_plain_local_path_sends_the_user_home() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "/\u{7f}",
        "/ /evil.example",
    ] {
        let browser = app.client();
        let form = browser.get(&format!("/login?next={}", xinyidai::web::url_encode(next))).await;
        assert_eq!(form.status, StatusCode::OK, "{next:?}");
        assert!(form.body.contains("name=\"next\" value=\"\""), "{next:?} is not carried into the form");
        let token = form.csrf();
        let page = browser
            .post("/login", &[("csrf", token.as_str()), ("login", "ent"), ("password", PASSWORD), ("next", next)])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(page.location(), Some("/enterprise"), "{next:?}");
    }
}

#[tokio::test]
async fn a_nul_in_next_is_a_bad_request() {
    let app = TestApp::new();
    assert_eq!(app.client().get("/login?next=%2Fa%00b").await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_local_next_is_honoured() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let browser = app.client();
    let form = browser.get("/enterprise/needs").await;
    assert_eq!(form.location(), Some("/login?next=%2Fenterprise%2Fneeds"));
    let token = browser.get(form.location().unwrap()).await.csrf();
    let page = browser
        .post(
            "/login",
            &[("csrf", token.as_str()), ("login", "ent"), ("password", PASSWORD), ("next", "/enterprise/needs")],
        )
        .await;
    assert_eq!(page.location(), Some("/enterprise/needs"));
}
