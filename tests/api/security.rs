//! CSRF and Origin checks, security headers, error pages, the audit chain.

use axum::http::StatusCode;
use xinyidai::domain::Role;
use xinyidai::models::audit;

use crate::helpers::{PASSWORD, TestApp};

#[tokio::test]
async fn a_post_without_a_valid_csrf_token_changes_nothing() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let browser = app.client();
    browser.login("ent", PASSWORD).await;
    let new_password = "另一个-Strong-9";
    let fields = [("current", PASSWORD), ("password", new_password), ("password_confirm", new_password)];

    let missing = browser.post("/account/password", &fields).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("页面已过期"));
    let mut forged = vec![("csrf", "0123456789abcdef0123456789abcdef")];
    forged.extend(fields);
    assert_eq!(browser.post("/account/password", &forged).await.status, StatusCode::FORBIDDEN);

    assert_eq!(app.client().login("ent", PASSWORD).await.status, StatusCode::SEE_OTHER, "old password still works");
    assert_eq!(app.client().login("ent", new_password).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_post_from_another_origin_is_refused_even_with_the_token() {
    use axum::body::Body;
    use axum::http::{Request, header};
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let browser = app.client();
    let token = browser.get("/login").await.csrf();
    let body =
        serde_urlencoded::to_string([("csrf", token.as_str()), ("login", "ent"), ("password", PASSWORD)]).unwrap();
    let request = Request::post("/login")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, browser.cookie())
        .body(Body::from(body))
        .unwrap();
    let page = browser.send(request).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(!browser.get("/enterprise").await.status.is_success());
}

#[tokio::test]
async fn security_headers_are_on_every_response_including_a_404() {
    let app = TestApp::new();
    for path in ["/no-such-page", "/", "/login", "/static/app.css", "/healthz"] {
        let page = app.client().get(path).await;
        let h = |name: &str| page.headers.get(name).map(|v| v.to_str().unwrap().to_string());
        assert!(h("content-security-policy").unwrap().contains("script-src 'self'"), "{path}");
        assert_eq!(h("x-content-type-options").as_deref(), Some("nosniff"), "{path}");
        assert_eq!(h("x-frame-options").as_deref(), Some("DENY"), "{path}");
        assert_eq!(h("referrer-policy").as_deref(), Some("same-origin"), "{path}");
    }
    let missing = app.client().get("/no-such-page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("页面不存在"));
    assert!(missing.body.contains("参考编号"));
    assert_eq!(missing.headers.get("cache-control").unwrap(), "no-store");
}

#[tokio::test]
async fn the_session_cookie_is_httponly_and_samesite_and_rotates_at_login() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    app.user(Role::Enterprise, "other");
    let browser = app.client();
    let form = browser.get("/login").await;
    let anonymous = form.headers.get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(anonymous.starts_with("xyd_form="), "an anonymous visitor gets a form cookie, not a session");
    assert!(anonymous.contains("HttpOnly") && anonymous.contains("SameSite=Lax"));
    let token = form.csrf();
    let page = browser.post("/login", &[("csrf", &token), ("login", "ent"), ("password", PASSWORD)]).await;
    let signed_in = page.headers.get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(signed_in.starts_with("xyd_session="));
    assert!(signed_in.contains("HttpOnly") && signed_in.contains("SameSite=Lax"));

    // Signing in again, over a live session, gives a new id and ends the old one.
    let old = browser.cookie();
    let page = browser.submit("/enterprise", "/login", &[("login", "other"), ("password", PASSWORD)]).await;
    let again = page.headers.get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert_ne!(signed_in.split(';').next(), again.split(';').next(), "a new id at login");
    let replay = axum::http::Request::get("/enterprise")
        .header(axum::http::header::COOKIE, old)
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(app.client().send(replay).await.status, StatusCode::SEE_OTHER, "the old id is dead");
}

#[tokio::test]
async fn account_events_form_an_intact_hash_chain() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let browser = app.client();
    browser.login("ent", "wrong-password-1").await;
    browser.login("ent", PASSWORD).await;
    let token = browser.get("/enterprise").await.csrf();
    browser.post("/logout", &[("csrf", &token)]).await;

    let conn = &mut *app.conn();
    assert_eq!(audit::verify(conn).unwrap(), Ok(3));
    for event in ["login_failed", "login", "logout"] {
        assert_eq!(audit::recent(conn, event, 5).unwrap().len(), 1, "{event}");
    }
    // Tampering with a row breaks the chain at that row.
    use diesel::prelude::*;
    use xinyidai::schema::audit_log;
    let first: i64 = audit_log::table.select(audit_log::id).order(audit_log::id).first(conn).unwrap();
    diesel::update(audit_log::table.find(first)).set(audit_log::outcome.eq("ok")).execute(conn).unwrap();
    assert_eq!(audit::verify(conn).unwrap(), Err(first));
}

#[tokio::test]
async fn login_is_rate_limited_per_address_with_retry_after() {
    let app = TestApp::new();
    let browser = app.client_from("192.0.2.50");
    let mut statuses = Vec::new();
    for _ in 0..31 {
        statuses.push(browser.login("nobody", "wrong-password-1").await);
    }
    let last = statuses.pop().unwrap();
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: i64 = last.headers.get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry));
    assert!(statuses.iter().all(|p| p.status == StatusCode::UNPROCESSABLE_ENTITY));
}
