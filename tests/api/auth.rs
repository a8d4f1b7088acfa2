//! Signing in and out, lockout, timeouts, password changes.

use axum::http::StatusCode;
use chrono::Duration;
use xinyidai::domain::Role;
use xinyidai::models::audit;

use crate::helpers::{PASSWORD, TestApp};

#[tokio::test]
async fn login_lands_on_the_role_home_and_logout_ends_the_session() {
    let app = TestApp::new();
    app.user(Role::Officer, "officer-li");
    let browser = app.client();

    let page = browser.login("officer-li", PASSWORD).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), Some("/officer"));
    let home = browser.get("/officer").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("客户经理工作台"));

    let token = home.csrf();
    let out = browser.post("/logout", &[("csrf", &token)]).await;
    assert_eq!(out.location(), Some("/"));
    let after = browser.get("/officer").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(after.location(), Some("/login?next=%2Fofficer"));
}

#[tokio::test]
async fn login_by_email_is_case_insensitive() {
    let app = TestApp::new();
    app.user(Role::CreditOffice, "clerk");
    let page = app.client().login("Clerk@Example.com", PASSWORD).await;
    assert_eq!(page.location(), Some("/credit-office"));
}

#[tokio::test]
async fn unknown_user_and_wrong_password_get_the_same_answer() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let unknown = app.client().login("nobody", PASSWORD).await;
    let wrong = app.client().login("ent", "wrong-password-1").await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.body.contains("账号或密码错误"));
    assert!(wrong.body.contains("账号或密码错误"));
    assert!(wrong.body.contains("value=\"ent\""), "the typed login is kept");
}

#[tokio::test]
async fn five_failures_lock_the_account_for_fifteen_minutes() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let browser = app.client();
    for _ in 0..5 {
        assert_eq!(browser.login("ent", "wrong-password-1").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Locked: even the right password is refused.
    assert_eq!(browser.login("ent", PASSWORD).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.clock.advance(Duration::minutes(14));
    assert_eq!(browser.login("ent", PASSWORD).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    app.clock.advance(Duration::minutes(2));
    let page = browser.login("ent", PASSWORD).await;
    assert_eq!(page.location(), Some("/enterprise"));

    let lockouts = audit::recent(&mut app.conn(), "lockout", 10).unwrap();
    assert_eq!(lockouts.len(), 1);
}

#[tokio::test]
async fn a_success_resets_the_failure_count() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let browser = app.client();
    for _ in 0..4 {
        browser.login("ent", "wrong-password-1").await;
    }
    assert_eq!(browser.login("ent", PASSWORD).await.status, StatusCode::SEE_OTHER);
    let other = app.client();
    for _ in 0..4 {
        other.login("ent", "wrong-password-1").await;
    }
    assert_eq!(other.login("ent", PASSWORD).await.status, StatusCode::SEE_OTHER, "only 4 in a row since the success");
}

#[tokio::test]
async fn idle_sessions_end_after_the_role_timeout() {
    let app = TestApp::new();
    app.user(Role::Officer, "officer");
    app.user(Role::Enterprise, "ent");
    let officer = app.client();
    let enterprise = app.client();
    officer.login("officer", PASSWORD).await;
    enterprise.login("ent", PASSWORD).await;

    app.clock.advance(Duration::minutes(16));
    assert_eq!(officer.get("/officer").await.status, StatusCode::SEE_OTHER, "bank roles: 15 minutes");
    assert_eq!(enterprise.get("/enterprise").await.status, StatusCode::OK, "enterprises: 30 minutes");
    app.clock.advance(Duration::minutes(31));
    assert_eq!(enterprise.get("/enterprise").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sessions_end_after_twelve_hours_however_active() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let browser = app.client();
    browser.login("ent", PASSWORD).await;
    for _ in 0..(12 * 4 - 1) {
        app.clock.advance(Duration::minutes(15));
        assert_eq!(browser.get("/enterprise").await.status, StatusCode::OK);
    }
    app.clock.advance(Duration::minutes(15));
    assert_eq!(browser.get("/enterprise").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let phone = app.client();
    let laptop = app.client();
    phone.login("ent", PASSWORD).await;
    laptop.login("ent", PASSWORD).await;

    let new_password = "新的密码-Strong9";
    let page = laptop
        .submit(
            "/account/password",
            "/account/password",
            &[("current", PASSWORD), ("password", new_password), ("password_confirm", new_password)],
        )
        .await;
    assert_eq!(page.location(), Some("/enterprise?notice=password_changed"));
    assert_eq!(laptop.get("/enterprise").await.status, StatusCode::OK, "the changing session continues");
    assert_eq!(phone.get("/enterprise").await.status, StatusCode::SEE_OTHER, "other sessions end");
    assert_eq!(app.client().login("ent", PASSWORD).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.client().login("ent", new_password).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_weak_new_password_is_refused_beside_the_field() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let browser = app.client();
    browser.login("ent", PASSWORD).await;
    let page = browser
        .submit(
            "/account/password",
            "/account/password",
            &[("current", PASSWORD), ("password", "12345678"), ("password_confirm", "12345678")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("该密码过于常见"));
}

#[tokio::test]
async fn create_admin_gives_a_one_time_password_that_must_be_changed() {
    let app = TestApp::new();
    let one_time =
        xinyidai::seed::create_admin(&mut app.conn(), "chief", None, "信用办管理员", crate::helpers::start()).unwrap();
    let browser = app.client();
    let page = browser.login("chief", &one_time).await;
    assert_eq!(page.location(), Some("/account/password"));
    let blocked = browser.get("/credit-office").await;
    assert_eq!(blocked.location(), Some("/account/password"), "nothing else until the password is changed");
    let new_password = "信用办-Strong-2026";
    browser
        .submit(
            "/account/password",
            "/account/password",
            &[("current", &one_time), ("password", new_password), ("password_confirm", new_password)],
        )
        .await;
    assert_eq!(browser.get("/credit-office").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_demo_city_lets_every_role_sign_in() {
    let app = TestApp::new();
    assert!(
        xinyidai::seed::demo_if_empty(
            &mut app.conn(),
            crate::helpers::start(),
            (crate::helpers::BASE_URL, app.db.dir.path())
        )
        .unwrap()
    );
    assert!(
        !xinyidai::seed::demo_if_empty(
            &mut app.conn(),
            crate::helpers::start(),
            (crate::helpers::BASE_URL, app.db.dir.path())
        )
        .unwrap(),
        "loaded once"
    );
    for (username, home, heading) in [
        ("demo-enterprise", "/enterprise", "云海晨光精密机械有限公司"),
        ("demo-officer", "/officer", "高新支行"),
        ("demo-bank-admin", "/bank-admin", "云海银行"),
        ("demo-credit-office", "/credit-office", "信用办工作台"),
    ] {
        let browser = app.client();
        let page = browser.login(username, xinyidai::seed::DEMO_PASSWORD).await;
        assert_eq!(page.location(), Some(home), "{username}");
        let page = browser.get(home).await;
        assert!(page.body.contains(heading), "{username} sees {heading}");
    }
    let enterprises: i64 = {
        use diesel::prelude::*;
        xinyidai::schema::enterprises::table.count().get_result(&mut *app.conn()).unwrap()
    };
    assert_eq!(enterprises, 200);
    app.run_jobs().await;
}
