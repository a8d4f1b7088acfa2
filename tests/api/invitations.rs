//! Onboarding an institution: the credit office invites the first bank admin,
//! who invites officers. Every email goes through the job queue.

use axum::http::StatusCode;
use chrono::Duration;
use xinyidai::domain::Role;

use crate::helpers::{PASSWORD, TestApp};

fn link_in(text: &str) -> String {
    let start = text.find("http://xinyidai.test/invitations/").expect("invitation link");
    text[start..].split_whitespace().next().unwrap().to_string()
}

#[tokio::test]
async fn an_invitation_email_goes_out_through_the_job_queue_and_its_link_opens_an_account() {
    let app = TestApp::new();
    app.user(Role::CreditOffice, "clerk");
    let office = app.client();
    office.login("clerk", PASSWORD).await;
    let uscc = xinyidai::domain::Uscc::with_check_character("91990102MD0000001").unwrap().to_string();
    let page = office
        .submit(
            "/credit-office/institutions/new",
            "/credit-office/institutions",
            &[
                ("name", "海港银行"),
                ("kind", "bank"),
                ("uscc", &uscc),
                ("region", "990102"),
                ("admin_email", "admin@haigang.example"),
            ],
        )
        .await;
    assert_eq!(page.location(), Some("/credit-office/institutions?notice=institution_created"));
    assert!(office.get("/credit-office/institutions").await.body.contains("海港银行"));

    assert!(app.sent_emails().is_empty(), "nothing is sent from the request itself");
    assert_eq!(app.run_jobs().await, 1);
    let emails = app.sent_emails();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].to, "admin@haigang.example");
    assert!(emails[0].subject.contains("海港银行"));
    assert!(emails[0].html.contains("接受邀请"));
    let link = link_in(&emails[0].text);
    let path = link.trim_start_matches("http://xinyidai.test");

    let admin = app.client();
    let form = admin.get(path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("海港银行"));
    let token = form.csrf();
    let page = admin
        .post(
            path,
            &[("csrf", &token), ("display_name", "钱行长"), ("password", PASSWORD), ("password_confirm", PASSWORD)],
        )
        .await;
    assert_eq!(page.location(), Some("/bank-admin?notice=welcome"));
    assert!(admin.get("/bank-admin").await.body.contains("钱行长"));

    // The link works once.
    let again = app.client().get(path).await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(again.body.contains("邀请链接已失效"));
}

#[tokio::test]
async fn a_bank_admin_invites_an_officer_and_the_link_expires_after_72_hours() {
    let app = TestApp::new();
    app.user(Role::BankAdmin, "admin");
    let admin = app.client();
    admin.login("admin", PASSWORD).await;
    let page = admin.get("/bank-admin").await;
    let select = page.body.split("name=\"branch_id\"").nth(1).unwrap();
    let branch = select.split("<option value=\"").nth(2).unwrap().split('"').next().unwrap().to_string();
    let sent = admin
        .submit("/bank-admin", "/bank-admin/invitations", &[("email", "officer@example.com"), ("branch_id", &branch)])
        .await;
    assert_eq!(sent.location(), Some("/bank-admin?notice=invited"));
    app.run_jobs().await;
    let link = link_in(&app.sent_emails()[0].text);
    let path = link.trim_start_matches("http://xinyidai.test").to_string();

    app.clock.advance(Duration::hours(72) + Duration::minutes(1));
    assert_eq!(app.client().get(&path).await.status, StatusCode::GONE);
}

#[tokio::test]
async fn bad_institution_input_is_explained_and_kept() {
    let app = TestApp::new();
    app.user(Role::CreditOffice, "clerk");
    let office = app.client();
    office.login("clerk", PASSWORD).await;
    let page = office
        .submit(
            "/credit-office/institutions/new",
            "/credit-office/institutions",
            &[
                ("name", "海港银行"),
                ("kind", "bank"),
                ("uscc", "91990102MD00000010"),
                ("region", "990102"),
                ("admin_email", "not-an-email"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("校验位不正确"));
    assert!(page.body.contains("请输入机构管理员的有效邮箱"));
    assert!(page.body.contains("value=\"海港银行\""));
    app.run_jobs().await;
    assert!(app.sent_emails().is_empty());
}
