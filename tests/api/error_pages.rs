//! Error pages carry the menu of whoever is signed in, as every other page does.

use axum::http::StatusCode;
use xinyidai::domain::Role;

use crate::helpers::{PASSWORD, TestApp};

/// A link only an officer's menu has.
const OFFICER_LINK: &str = "href=\"/officer/hall\"";

#[tokio::test]
async fn a_signed_in_officers_404_shows_the_officers_menu_and_an_anonymous_one_does_not() {
    let app = TestApp::new();
    app.user(Role::Officer, "officer");
    let officer = app.client();
    officer.login("officer", PASSWORD).await;
    for path in ["/officer/offers/999999", "/products/999999", "/no-such-page"] {
        let page = officer.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("页面不存在"), "{path}");
        assert!(page.body.contains(OFFICER_LINK), "{path}: the officer's menu");
        assert!(page.body.contains("客户经理"), "{path}: who is signed in");
        assert!(page.body.contains("参考编号"), "{path}: the reference id stays");

        if path.starts_with("/officer/") {
            continue; // a visitor is sent to sign in first
        }
        let anonymous = app.client().get(path).await;
        assert_eq!(anonymous.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!anonymous.body.contains(OFFICER_LINK), "{path}: no officer's menu for a visitor");
        assert!(anonymous.body.contains("href=\"/login\""), "{path}: the visitor's menu");
    }
}

#[tokio::test]
async fn a_refused_page_and_an_expired_form_show_the_signed_in_users_menu() {
    let app = TestApp::new();
    app.user(Role::Officer, "officer");
    let officer = app.client();
    officer.login("officer", PASSWORD).await;

    let refused = officer.get("/credit-office").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("无权访问") && refused.body.contains(OFFICER_LINK));

    let expired = officer.post("/officer/subscriptions", &[("name", "无令牌")]).await;
    assert_eq!(expired.status, StatusCode::FORBIDDEN);
    assert!(expired.body.contains("页面已过期") && expired.body.contains(OFFICER_LINK));
}
