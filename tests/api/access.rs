//! Each role's pages are closed to the other roles and to anonymous visitors.

use axum::http::StatusCode;
use xinyidai::domain::Role;

use crate::helpers::{PASSWORD, TestApp};

const ROLE_PAGES: [(Role, &str); 13] = [
    (Role::Enterprise, "/enterprise"),
    (Role::Enterprise, "/enterprise/needs"),
    (Role::Officer, "/officer"),
    (Role::Officer, "/officer/hall"),
    (Role::Officer, "/officer/offers"),
    (Role::BankAdmin, "/bank-admin"),
    (Role::CreditOffice, "/credit-office"),
    (Role::CreditOffice, "/credit-office/institutions"),
    (Role::CreditOffice, "/credit-office/institutions/new"),
    (Role::CreditOffice, "/credit-office/imports"),
    (Role::CreditOffice, "/credit-office/imports/templates/tax.csv"),
    (Role::CreditOffice, "/credit-office/needs"),
    (Role::CreditOffice, "/credit-office/holidays"),
];

#[tokio::test]
async fn each_role_is_denied_the_other_roles_pages() {
    let app = TestApp::new();
    for role in Role::ALL {
        let username = format!("user-{}", role.as_str());
        app.user(role, &username);
        let browser = app.client();
        assert_eq!(browser.login(&username, PASSWORD).await.status, StatusCode::SEE_OTHER);
        for (owner, path) in ROLE_PAGES {
            let page = browser.get(path).await;
            let expected = if owner == role { StatusCode::OK } else { StatusCode::FORBIDDEN };
            assert_eq!(page.status, expected, "{} on {path}", role.as_str());
            if expected == StatusCode::FORBIDDEN {
                assert!(page.body.contains("无权访问"));
            }
        }
    }
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_login() {
    let app = TestApp::new();
    for (_, path) in ROLE_PAGES {
        let page = app.client().get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert!(page.location().unwrap().starts_with("/login?next="));
    }
}

#[tokio::test]
async fn a_bank_admin_cannot_invite_into_another_institutions_branch() {
    let app = TestApp::new();
    app.user(Role::BankAdmin, "admin-a");
    let (_, other_branch) = app.institution("别家银行");
    let browser = app.client();
    browser.login("admin-a", PASSWORD).await;
    let branch = other_branch.to_string();
    let page = browser
        .submit("/bank-admin", "/bank-admin/invitations", &[("email", "new@example.com"), ("branch_id", &branch)])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("请选择客户经理所属支行"));
    app.run_jobs().await;
    assert!(app.sent_emails().is_empty());
}
