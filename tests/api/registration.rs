//! Enterprise self-registration against the credit office's record: the
//! account starts unverified, and the answer never tells whether the email or
//! the enterprise already has an account (the owner is told by email).

use axum::http::StatusCode;
use diesel::prelude::*;
use xinyidai::models::user::User;
use xinyidai::schema::users;

use crate::helpers::{BASE_URL, TestApp, link_in};

const PASSWORD: &str = "晨光机械-2026年";
const NAME: &str = "云海晨光精密机械有限公司";
/// The fields beside the enterprise's and the password: whom to call, and the consent.
const CONTACT_AND_CONSENT: [(&str, &str); 3] =
    [("contact_person", "王丽"), ("mobile", "139 1234 5678"), ("consent", "on")];

async fn register(app: &TestApp, fields: [(&str, &str); 4]) -> crate::helpers::Page {
    let mut all = fields.to_vec();
    all.extend([("password", PASSWORD), ("password_confirm", PASSWORD)]);
    all.extend(CONTACT_AND_CONSENT);
    app.client().submit("/register", "/register", &all).await
}

async fn register_as(app: &TestApp, uscc: &str, email: &str) -> crate::helpers::Page {
    register(app, [("uscc", uscc), ("name", NAME), ("legal_representative", "李建国"), ("email", email)]).await
}

fn account_count(app: &TestApp) -> i64 {
    users::table.count().get_result(&mut *app.conn()).unwrap()
}

#[tokio::test]
async fn a_matching_enterprise_registers_and_verifies_its_email_by_the_link() {
    let app = TestApp::new();
    let (uscc, _) = app.enterprise_on_record(NAME, "李建国");
    let browser = app.client();
    let page = browser
        .submit(
            "/register",
            "/register",
            &[
                ("uscc", &uscc.to_lowercase()),
                ("name", " 云海晨光精密机械有限公司 "),
                ("legal_representative", "李建国"),
                ("email", "Finance@ChenGuang.example"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
                CONTACT_AND_CONSENT[0],
                CONTACT_AND_CONSENT[1],
                CONTACT_AND_CONSENT[2],
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("请查收验证邮件") && page.body.contains("finance@chenguang.example"));

    // Signed in, the unverified account sees only the claim page.
    let signed = app.client();
    assert_eq!(signed.login("finance@chenguang.example", PASSWORD).await.status, StatusCode::SEE_OTHER);
    assert_eq!(signed.get("/enterprise").await.location(), Some("/enterprise/claim"));
    assert_eq!(signed.get("/enterprise/portrait").await.location(), Some("/enterprise/claim"));
    let claim = signed.get("/enterprise/claim").await;
    assert!(claim.body.contains("第一步：验证邮箱"), "{}", claim.body);

    let mails = app.emails_to("finance@chenguang.example").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].subject.contains("请验证您的邮箱"));
    let link = link_in(&mails[0], &format!("{BASE_URL}/verify-email/"));
    let verified = app.client().get(&link).await;
    assert!(verified.body.contains("邮箱已验证"), "{}", verified.body);
    assert!(app.client().get(&link).await.body.contains("链接已失效"), "the link works once");

    let claim = signed.get("/enterprise/claim").await;
    assert!(!claim.body.contains("第一步：验证邮箱"));
    assert!(claim.body.contains("方式二：上传授权书"));
    assert_eq!(
        signed.get("/enterprise/portrait").await.location(),
        Some("/enterprise/claim"),
        "control not proven yet"
    );
}

#[tokio::test]
async fn a_wrong_check_character_is_refused_with_the_reason() {
    let app = TestApp::new();
    let (uscc, _) = app.enterprise_on_record(NAME, "李建国");
    let last = uscc.chars().last().unwrap();
    let wrong = format!("{}{}", &uscc[..17], if last == '0' { '1' } else { '0' });
    let page = register_as(&app, &wrong, "a@example.com").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(&format!("第 18 位应为「{last}」")), "{}", page.body);
    assert!(page.body.contains("value=\"a@example.com\""), "what was typed is kept");
}

#[tokio::test]
async fn a_name_that_does_not_match_the_record_is_refused() {
    let app = TestApp::new();
    let (uscc, _) = app.enterprise_on_record(NAME, "李建国");
    let page = register(
        &app,
        [
            ("uscc", &uscc),
            ("name", "云海晨光机械有限公司"),
            ("legal_representative", "李建国"),
            ("email", "a@example.com"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("企业名称与登记信息不一致"));
    let page = register(
        &app,
        [("uscc", &uscc), ("name", NAME), ("legal_representative", "李建设"), ("email", "a@example.com")],
    )
    .await;
    assert!(page.body.contains("法定代表人与登记信息不一致"));
}

#[tokio::test]
async fn an_unknown_code_is_refused() {
    let app = TestApp::new();
    let unknown = xinyidai::domain::Uscc::with_check_character("91990102MC0000001").unwrap().to_string();
    let page = register(
        &app,
        [("uscc", &unknown), ("name", "随便有限公司"), ("legal_representative", "王五"), ("email", "b@example.com")],
    )
    .await;
    assert!(page.body.contains("信用办尚无该企业的登记信息"));
}

/// The page without the address typed into it, to compare two answers.
fn answer(page: &crate::helpers::Page, email: &str) -> (StatusCode, String) {
    (page.status, page.body.replace(email, "EMAIL"))
}

#[tokio::test]
async fn a_taken_email_or_enterprise_gets_the_same_answer_and_the_owner_is_told() {
    let app = TestApp::new();
    let (uscc, enterprise_id) = app.enterprise_on_record(NAME, "李建国");
    let (other_uscc, _) = app.enterprise_on_record("云海东湖商贸有限公司", "李建国");
    let other = [("uscc", other_uscc.as_str()), ("name", "云海东湖商贸有限公司"), ("legal_representative", "李建国")];
    let fresh = register(&app, [other[0], other[1], other[2], ("email", "new@dongfang.example")]).await;
    assert_eq!(account_count(&app), 1);

    // The enterprise's account that holds it.
    let holder = register_as(&app, &uscc, "holder@chenguang.example").await;
    assert_eq!(answer(&holder, "holder@chenguang.example"), answer(&fresh, "new@dongfang.example"));
    let holder_id: i64 = users::table
        .filter(users::email.eq("holder@chenguang.example"))
        .select(users::id)
        .first(&mut *app.conn())
        .unwrap();
    {
        let conn = &mut *app.conn();
        User::verify_email(conn, holder_id, crate::helpers::start()).unwrap();
        let user = User::find(conn, holder_id).unwrap();
        assert!(User::prove_control(conn, &user, "letter", crate::helpers::start()).unwrap());
    }
    app.emails_to("holder@chenguang.example").await;
    let before = app.sent_emails().len();

    // Someone else tries the same enterprise with a new address: same answer, no account.
    let squatter = register_as(&app, &uscc, "someone@else.example").await;
    assert_eq!(answer(&squatter, "someone@else.example"), answer(&fresh, "new@dongfang.example"));
    // And the holder's address for another enterprise: same answer again.
    let reuse = register(&app, [other[0], other[1], other[2], ("email", "holder@chenguang.example")]).await;
    assert_eq!(answer(&reuse, "holder@chenguang.example"), answer(&fresh, "new@dongfang.example"));
    assert_eq!(account_count(&app), 2, "neither attempt made an account");
    let login = app.client().login("someone@else.example", PASSWORD).await;
    assert_eq!(login.status, StatusCode::UNPROCESSABLE_ENTITY, "no such account");

    app.run_jobs().await;
    let sent: Vec<_> = app.sent_emails().into_iter().skip(before).collect();
    let to = |who: &str| sent.iter().filter(|e| e.to == who).map(|e| e.subject.clone()).collect::<Vec<_>>();
    assert_eq!(
        to("holder@chenguang.example"),
        ["【信易贷】有人尝试为贵企业注册新账号", "【信易贷】有人尝试用您的邮箱注册"]
    );
    assert_eq!(to("someone@else.example"), ["【信易贷】企业账号注册未完成"]);
    assert!(sent.iter().all(|e| !e.text.contains("/verify-email/")), "no link for an address that has no account");
    assert_eq!(User::holder_of(&mut app.conn(), enterprise_id).unwrap().map(|u| u.id), Some(holder_id));
}

#[tokio::test]
async fn registering_again_with_an_unverified_email_sends_a_fresh_link() {
    let app = TestApp::new();
    let (uscc, _) = app.enterprise_on_record(NAME, "李建国");
    register_as(&app, &uscc, "finance@chenguang.example").await;
    let again = register_as(&app, &uscc, "finance@chenguang.example").await;
    assert_eq!(again.status, StatusCode::OK);
    let mails = app.emails_to("finance@chenguang.example").await;
    assert_eq!(mails.len(), 2);
    let second = link_in(&mails[1], &format!("{BASE_URL}/verify-email/"));
    assert!(app.client().get(&second).await.body.contains("邮箱已验证"));
    assert_eq!(account_count(&app), 1);
}

#[tokio::test]
async fn a_breached_password_is_refused() {
    let app = TestApp::new();
    let (uscc, _) = app.enterprise_on_record(NAME, "李建国");
    for breached in ["qwerty12", "1q2w3e4r", "Zaq12wsx"] {
        let page = app
            .client()
            .submit(
                "/register",
                "/register",
                &[
                    ("uscc", &uscc),
                    ("name", NAME),
                    ("legal_representative", "李建国"),
                    ("email", "finance@chenguang.example"),
                    ("password", breached),
                    ("password_confirm", breached),
                    CONTACT_AND_CONSENT[0],
                    CONTACT_AND_CONSENT[1],
                    CONTACT_AND_CONSENT[2],
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{breached}");
        assert!(page.body.contains("该密码过于常见"), "{breached}");
    }
    assert_eq!(account_count(&app), 0);
}

#[tokio::test]
async fn registration_is_rate_limited_per_address() {
    let app = TestApp::new();
    let browser = app.client_from("203.0.113.9");
    let mut last = None;
    for _ in 0..11 {
        last = Some(browser.submit("/register", "/register", &[("uscc", "bad")]).await);
    }
    let page = last.unwrap();
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.headers.get("retry-after").is_some());
    let other = app.client_from("203.0.113.10").submit("/register", "/register", &[("uscc", "bad")]).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY, "another address is not limited");
}

#[tokio::test]
async fn a_code_pasted_in_groups_or_with_invisible_characters_is_accepted() {
    let app = TestApp::new();
    let (uscc, _) = app.enterprise_on_record("云海晨光精密机械有限公司", "李建国");
    let grouped: Vec<&str> = (0..uscc.len()).step_by(4).map(|i| &uscc[i..(i + 4).min(uscc.len())]).collect();
    let pasted = format!("\u{FEFF}{}\u{200B}", grouped.join(" - "));
    let page = register(
        &app,
        [
            ("uscc", &pasted),
            ("name", "云海晨光精密机械有限公司"),
            ("legal_representative", "李建国"),
            ("email", "finance@chenguang.example"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("请查收验证邮件"), "{}", page.body);
    assert_eq!(account_count(&app), 1, "the cleaned code found the enterprise on record");
    app.run_jobs().await;
}

#[tokio::test]
async fn registration_without_consent_is_refused_and_nothing_is_written() {
    let app = TestApp::new();
    let (uscc, _) = app.enterprise_on_record(NAME, "李建国");
    let page = app
        .client()
        .submit(
            "/register",
            "/register",
            &[
                ("uscc", &uscc),
                ("name", NAME),
                ("legal_representative", "李建国"),
                ("contact_person", "王丽"),
                ("mobile", "13912345678"),
                ("email", "finance@chenguang.example"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"consent-error\">请阅读并同意《用户协议》和《隐私政策》"), "{}", page.body);
    assert!(page.body.contains("value=\"王丽\""), "what was typed is kept");
    assert_eq!(account_count(&app), 0);
    app.run_jobs().await;
    assert!(app.sent_emails().is_empty(), "no email either");
}

#[tokio::test]
async fn registration_with_everything_missing_names_every_field() {
    let app = TestApp::new();
    let page = app.client().submit("/register", "/register", &[]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = [
        "uscc",
        "name",
        "legal_representative",
        "contact_person",
        "mobile",
        "email",
        "password",
        "password_confirm",
        "consent",
    ];
    for field in fields {
        assert!(page.body.contains(&format!("id=\"{field}-error\"")), "{field} is named: {}", page.body);
    }
    assert_eq!(account_count(&app), 0);
}

#[tokio::test]
async fn consent_is_recorded_with_its_time_and_the_contact_kept() {
    let app = TestApp::new();
    let (uscc, _) = app.enterprise_on_record(NAME, "李建国");
    let terms = app.client().get("/terms").await;
    assert!(terms.body.contains("用户协议") && terms.body.contains(xinyidai::domain::terms::TERMS_VERSION));
    let privacy = app.client().get("/privacy").await;
    assert!(privacy.body.contains("隐私政策") && privacy.body.contains("抢单的客户经理"), "{}", privacy.body);
    let form = app.client().get("/register").await;
    assert!(form.body.contains("href=\"/terms\"") && form.body.contains("href=\"/privacy\""));

    app.clock.advance(chrono::Duration::minutes(7));
    let page = register_as(&app, &uscc, "finance@chenguang.example").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    {
        let conn = &mut *app.conn();
        let id: i64 =
            users::table.filter(users::email.eq("finance@chenguang.example")).select(users::id).first(conn).unwrap();
        let consent = xinyidai::models::contact::consent_of(conn, id).unwrap();
        let at = crate::helpers::start() + chrono::Duration::minutes(7);
        assert_eq!(consent, Some((xinyidai::domain::terms::TERMS_VERSION.to_string(), at)));
        let contact = xinyidai::models::contact::EnterpriseContact::of_user(conn, id).unwrap();
        assert_eq!((contact.person.as_str(), contact.mobile.as_str()), ("王丽", "13912345678"));
        assert_eq!(contact.email, "finance@chenguang.example");
    }
    app.run_jobs().await;
}
