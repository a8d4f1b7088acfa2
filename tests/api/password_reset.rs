//! Password reset by email: the same answer whether or not the account
//! exists, a one-time link valid for an hour, every session ended after the
//! reset, and the per-address and per-account limits.

use axum::http::StatusCode;
use chrono::Duration;
use diesel::prelude::*;
use xinyidai::domain::Role;
use xinyidai::schema::{messages, users};

use crate::helpers::{BASE_URL, PASSWORD, TestApp, link_in};

const NEW_PASSWORD: &str = "云海新密码-Reset42";
const SAME_ANSWER: &str = "若该账号存在，我们已向其登记的邮箱发送重置链接";

/// Asks for a reset link for `login` through the form.
async fn ask(client: &crate::helpers::Client<'_>, login: &str) -> crate::helpers::Page {
    client.submit("/password-reset", "/password-reset", &[("login", login)]).await
}

/// The reset link in the one reset email `to` got.
async fn reset_link(app: &TestApp, to: &str) -> String {
    let mails: Vec<_> =
        app.emails_to(to).await.into_iter().filter(|e| e.subject.contains("重置您的登录密码")).collect();
    assert_eq!(mails.len(), 1, "one reset email");
    link_in(&mails[0], &format!("{BASE_URL}/password-reset/"))
}

/// Posts `password` to the reset link, with the CSRF token of the request form
/// (so that it also works once the link's own page no longer shows a form).
async fn set_password(client: &crate::helpers::Client<'_>, link: &str, password: &str) -> crate::helpers::Page {
    client.submit("/password-reset", link, &[("password", password), ("password_confirm", password)]).await
}

#[tokio::test]
async fn a_reset_by_email_sets_the_new_password_and_ends_every_session() {
    let app = TestApp::new();
    app.user(Role::Officer, "officer-li");
    let elsewhere = app.client_from("203.0.113.9");
    assert_eq!(elsewhere.login("officer-li", PASSWORD).await.status, StatusCode::SEE_OTHER);
    assert_eq!(elsewhere.get("/officer").await.status, StatusCode::OK);

    let login_page = app.client().get("/login").await;
    assert!(login_page.body.contains("href=\"/password-reset\"") && login_page.body.contains("忘记密码？"));
    let browser = app.client();
    let asked = ask(&browser, "officer-li").await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(asked.body.contains(SAME_ANSWER));

    let link = reset_link(&app, "officer-li@example.com").await;
    let token = link.rsplit('/').next().unwrap().to_string();
    let kept: Vec<String> =
        xinyidai::schema::jobs::table.select(xinyidai::schema::jobs::payload).load(&mut *app.conn()).unwrap();
    assert!(kept.iter().any(|p| p.contains("重置您的登录密码")), "the sent email's record stays: {kept:?}");
    assert!(!kept.iter().any(|p| p.contains(&token)), "the sent link is not kept readable in the outbox");
    let form = browser.get(&link).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("设置新密码"));
    let weak = set_password(&browser, &link, "short").await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY, "the password rules hold");
    let mismatch =
        browser.submit(&link, &link, &[("password", NEW_PASSWORD), ("password_confirm", "云海新密码-Other42")]).await;
    assert!(mismatch.body.contains("两次输入的新密码不一致"));

    let done = set_password(&browser, &link, NEW_PASSWORD).await;
    assert_eq!(done.location(), Some("/login?notice=password_reset"));
    assert!(browser.get("/login?notice=password_reset").await.body.contains("密码已重置，请用新密码登录"));
    assert_eq!(elsewhere.get("/officer").await.status, StatusCode::SEE_OTHER, "the other session ended");
    assert_eq!(app.client().login("officer-li", PASSWORD).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.client().login("officer-li", NEW_PASSWORD).await.location(), Some("/officer"));

    let used = browser.get(&link).await;
    assert_eq!(used.status, StatusCode::GONE, "the used link is dead");
    assert!(used.body.contains("链接已失效") && used.body.contains("href=\"/password-reset\""));
    assert_eq!(set_password(&browser, &link, "云海第三个密码-99").await.status, StatusCode::GONE);
    assert_eq!(app.client().login("officer-li", NEW_PASSWORD).await.status, StatusCode::SEE_OTHER);

    let told = app.emails_to("officer-li@example.com").await;
    assert!(told.iter().any(|e| e.subject.contains("您的密码已重置")), "the account is told");
    let conn = &mut *app.conn();
    let events: Vec<String> =
        xinyidai::schema::audit_log::table.select(xinyidai::schema::audit_log::event).load(conn).unwrap();
    assert!(events.iter().any(|e| e == "password_reset_requested") && events.iter().any(|e| e == "password_reset"));
    // The link is a secret: the reset email makes no copy in the messages, the notice of the reset does.
    let subjects: Vec<String> = messages::table.select(messages::subject).load(conn).unwrap();
    assert_eq!(subjects, vec!["您的密码已重置".to_string()]);
}

#[tokio::test]
async fn a_link_an_hour_old_is_refused_with_a_way_to_ask_again() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let browser = app.client();
    ask(&browser, "ent@example.com").await;
    let link = reset_link(&app, "ent@example.com").await;
    app.clock.advance(Duration::minutes(59));
    assert_eq!(browser.get(&link).await.status, StatusCode::OK);
    app.clock.advance(Duration::minutes(2));
    let expired = browser.get(&link).await;
    assert_eq!(expired.status, StatusCode::GONE);
    assert!(expired.body.contains("链接已失效") && expired.body.contains("重新申请重置链接"));
    assert_eq!(set_password(&browser, &link, NEW_PASSWORD).await.status, StatusCode::GONE);
    assert_eq!(app.client().login("ent", PASSWORD).await.status, StatusCode::SEE_OTHER, "the password is unchanged");
}

#[tokio::test]
async fn an_unknown_or_disabled_account_gets_the_same_page_and_no_email() {
    let app = TestApp::new();
    let disabled = app.user(Role::Officer, "gone");
    diesel::update(users::table.find(disabled)).set(users::disabled.eq(true)).execute(&mut *app.conn()).unwrap();
    app.user(Role::Officer, "here");

    let known = ask(&app.client(), "here").await;
    let unknown = ask(&app.client(), "nobody@example.com").await;
    let off = ask(&app.client(), "gone").await;
    for page in [&known, &unknown, &off] {
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(SAME_ANSWER));
    }
    app.run_jobs().await;
    let sent: Vec<String> = app.sent_emails().into_iter().map(|e| e.to).collect();
    assert_eq!(sent, vec!["here@example.com".to_string()], "only the existing, enabled account gets the link");
}

#[tokio::test]
async fn reset_requests_are_limited_per_address_and_per_account() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    // Per account: three emails an hour, then the same answer and no email.
    for n in 0..5 {
        let page = ask(&app.client_from(&format!("203.0.113.{n}")), "ent").await;
        assert!(page.body.contains(SAME_ANSWER));
    }
    assert_eq!(app.emails_to("ent@example.com").await.len(), 3);

    // Per address: ten requests an hour, then 429 with Retry-After.
    let browser = app.client();
    for _ in 0..10 {
        assert_eq!(ask(&browser, "nobody").await.status, StatusCode::OK);
    }
    let spent = ask(&browser, "nobody").await;
    assert_eq!(spent.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(spent.headers.contains_key("retry-after"));
    app.run_jobs().await;
}

#[tokio::test]
async fn a_password_changed_another_way_ends_the_open_links_and_a_reset_lifts_a_lockout() {
    let app = TestApp::new();
    app.user(Role::Officer, "officer-wu");
    assert_eq!(ask(&app.client(), "officer-wu").await.status, StatusCode::OK);
    let link = reset_link(&app, "officer-wu@example.com").await;
    let signed = app.client();
    signed.login("officer-wu", PASSWORD).await;
    let changed = signed
        .submit(
            "/account/password",
            "/account/password",
            &[("current", PASSWORD), ("password", NEW_PASSWORD), ("password_confirm", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(app.client().get(&link).await.status, StatusCode::GONE, "the link asked for before the change is dead");

    // Five wrong passwords lock the account; a reset through the mailbox lifts the lock.
    for _ in 0..5 {
        app.client().login("officer-wu", "不是这个密码-Wrong1").await;
    }
    assert_eq!(app.client().login("officer-wu", NEW_PASSWORD).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let browser = app.client();
    assert_eq!(ask(&browser, "officer-wu").await.status, StatusCode::OK);
    let mails: Vec<_> = app
        .emails_to("officer-wu@example.com")
        .await
        .into_iter()
        .filter(|e| e.subject.contains("重置您的登录密码"))
        .collect();
    let second = link_in(mails.last().expect("a second reset email"), &format!("{BASE_URL}/password-reset/"));
    let third = "云海第三个密码-Lock77";
    assert_eq!(set_password(&browser, &second, third).await.location(), Some("/login?notice=password_reset"));
    assert_eq!(
        app.client().login("officer-wu", third).await.location(),
        Some("/officer"),
        "the lock ended with the reset"
    );
    app.run_jobs().await;
}
