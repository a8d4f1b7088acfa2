//! Session rows are made only at sign-in: the forms anonymous visitors see
//! carry a CSRF token signed over a cookie instead, and sign-ins per address
//! are limited.

use axum::http::StatusCode;
use chrono::Duration;
use diesel::prelude::*;
use xinyidai::domain::Role;
use xinyidai::models::audit;
use xinyidai::models::invitation::Invitation;
use xinyidai::schema::sessions;

use crate::helpers::{PASSWORD, TestApp, start};

fn session_rows(app: &TestApp) -> i64 {
    sessions::table.count().get_result(&mut *app.conn()).unwrap()
}

#[tokio::test]
async fn cookieless_visits_to_the_anonymous_forms_write_no_session_row() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let (institution, branch) = app.institution("云海银行");
    let (_, invitation) =
        Invitation::create(&mut app.conn(), "new@example.com", Role::Officer, institution, Some(branch), None, start())
            .unwrap();
    let invitation_page = format!("/invitations/{invitation}");
    for path in ["/login", "/register", invitation_page.as_str()] {
        for _ in 0..200 {
            let page = app.client().get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}");
            assert!(!page.csrf().is_empty(), "{path} still carries a CSRF token");
        }
    }
    assert_eq!(session_rows(&app), 0);

    let browser = app.client();
    assert_eq!(browser.login("ent", PASSWORD).await.location(), Some("/enterprise"));
    assert_eq!(browser.get("/enterprise").await.status, StatusCode::OK);
    assert_eq!(session_rows(&app), 1, "the sign-in made the first row");
}

#[tokio::test]
async fn the_login_form_still_refuses_a_post_without_its_token() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let fields = [("login", "ent"), ("password", PASSWORD)];

    let browser = app.client();
    browser.get("/login").await;
    let missing = browser.post("/login", &fields).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("页面已过期"));

    let forged = browser.post("/login", &[("csrf", "0123456789abcdef0123456789abcdef"), fields[0], fields[1]]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // A token is worth nothing beside another visitor's cookie.
    let other_token = app.client().get("/login").await.csrf();
    let borrowed = browser.post("/login", &[("csrf", other_token.as_str()), fields[0], fields[1]]).await;
    assert_eq!(borrowed.status, StatusCode::FORBIDDEN);

    let cookieless = app.client().post("/login", &[("csrf", other_token.as_str()), fields[0], fields[1]]).await;
    assert_eq!(cookieless.status, StatusCode::FORBIDDEN);
    assert_eq!(session_rows(&app), 0);
    assert!(browser.get("/enterprise").await.location().unwrap().starts_with("/login"), "still signed out");

    assert_eq!(browser.login("ent", PASSWORD).await.location(), Some("/enterprise"));
}

#[tokio::test]
async fn a_failed_login_keeps_a_working_form() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let browser = app.client();
    let failed = browser.login("ent", "wrong-password-1").await;
    assert_eq!(failed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let token = failed.csrf();
    let page = browser.post("/login", &[("csrf", token.as_str()), ("login", "ent"), ("password", PASSWORD)]).await;
    assert_eq!(page.location(), Some("/enterprise"));
    assert_eq!(session_rows(&app), 1);
}

#[tokio::test]
async fn sign_ins_from_one_address_are_limited_to_sixty_an_hour() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    // The login limit allows 30 attempts per 10 minutes; spread 60 sign-ins
    // over 20 minutes of the same hour so that only the session limit binds.
    for round in 0..2 {
        for _ in 0..30 {
            let page = app.client_from("192.0.2.80").login("ent", PASSWORD).await;
            assert_eq!(page.location(), Some("/enterprise"), "round {round}");
        }
        app.clock.advance(Duration::minutes(10));
    }
    assert_eq!(session_rows(&app), 60);

    let refused = app.client_from("192.0.2.80").login("ent", PASSWORD).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.body.contains("操作过于频繁"));
    let retry: i64 = refused.headers.get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert_eq!(retry, 10 * 60, "the hour's window ends at 02:00, ten minutes after 01:50");
    assert_eq!(session_rows(&app), 60, "no row for the refused sign-in");
    assert_eq!(audit::recent(&mut app.conn(), "login", 100).unwrap().len(), 60, "nor a login in the audit log");

    assert_eq!(app.client_from("192.0.2.81").login("ent", PASSWORD).await.location(), Some("/enterprise"));
    app.clock.advance(Duration::minutes(10));
    assert_eq!(app.client_from("192.0.2.80").login("ent", PASSWORD).await.location(), Some("/enterprise"));
}
