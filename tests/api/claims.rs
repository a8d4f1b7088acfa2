//! Claiming an enterprise: a registered account may act for the enterprise
//! only after it proves control, by a code sent to the registry's contact
//! email or by an authorization letter the credit office approves; the credit
//! office can unbind a wrong claim.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use diesel::prelude::*;
use xinyidai::domain::Role;
use xinyidai::models::enterprise::Enterprise;
use xinyidai::models::user::User;
use xinyidai::schema::{audit_log, authorizations, claim_codes, claim_letters, needs, users};

use crate::helpers::{BASE_URL, Client, PASSWORD, Page, TestApp, link_in};

const NAME: &str = "云海晨光精密机械有限公司";
const ACCOUNT: &str = "finance@chenguang.example";
const CONTACT: &str = "registry-contact@chenguang.example";
const ACCOUNT_PASSWORD: &str = "晨光机械-2026年";

/// An enterprise on record with the given registry contact, and a signed-in
/// account that registered for it and verified its email.
async fn claimant<'a>(app: &'a TestApp, email: Option<&str>, mobile: Option<&str>) -> (Client<'a>, i64) {
    let (uscc, id) = app.enterprise_on_record(NAME, "李建国");
    Enterprise::set_registry_contact(&mut app.conn(), id, email, mobile).unwrap();
    let form = [
        ("uscc", uscc.as_str()),
        ("name", NAME),
        ("legal_representative", "李建国"),
        ("email", ACCOUNT),
        ("password", ACCOUNT_PASSWORD),
        ("password_confirm", ACCOUNT_PASSWORD),
        ("contact_person", "王丽"),
        ("mobile", "13912345678"),
        ("consent", "on"),
    ];
    app.client().submit("/register", "/register", &form).await;
    let mail = app.emails_to(ACCOUNT).await.pop().expect("verification email");
    app.client().get(&link_in(&mail, &format!("{BASE_URL}/verify-email/"))).await;
    let browser = app.client();
    browser.login(ACCOUNT, ACCOUNT_PASSWORD).await;
    (browser, id)
}

fn code_in(text: &str) -> String {
    let start = text.find("验证码：").expect("a code in the email") + "验证码：".len();
    text[start..].chars().take(6).collect()
}

async fn send_code(browser: &Client<'_>) -> Page {
    browser.submit("/enterprise/claim", "/enterprise/claim/code", &[]).await
}

async fn type_code(browser: &Client<'_>, code: &str) -> Page {
    browser.submit("/enterprise/claim", "/enterprise/claim/code/verify", &[("code", code)]).await
}

/// Uploads an authorization letter through the claim page's form.
async fn upload_letter(browser: &Client<'_>, file_name: &str, bytes: &[u8]) -> Page {
    let token = browser.get("/enterprise/claim").await.csrf();
    let boundary = "----claim-letter-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"letter\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    let request = Request::builder()
        .method("POST")
        .uri("/enterprise/claim/letter")
        .header("x-forwarded-for", "198.51.100.7")
        .header(header::COOKIE, browser.cookie())
        .header(header::ORIGIN, BASE_URL)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    browser.send(request).await
}

fn holder(app: &TestApp, enterprise_id: i64) -> Option<i64> {
    User::holder_of(&mut app.conn(), enterprise_id).unwrap().map(|u| u.id)
}

#[tokio::test]
async fn the_portrait_and_publishing_stay_closed_until_control_is_proven() {
    let app = TestApp::new();
    let (browser, enterprise_id) = claimant(&app, Some(CONTACT), None).await;
    for path in [
        "/enterprise",
        "/enterprise/portrait",
        "/enterprise/needs",
        "/enterprise/needs/new",
        "/enterprise/authorizations",
    ] {
        assert_eq!(browser.get(path).await.location(), Some("/enterprise/claim"), "{path}");
    }
    let token = browser.get("/enterprise/claim").await.csrf();
    let publish = browser
        .post(
            "/enterprise/needs/publish",
            &[("csrf", &token), ("amount", "200"), ("term_months", "12"), ("purpose", "采购原料")],
        )
        .await;
    assert_eq!(publish.location(), Some("/enterprise/claim"));
    let published: i64 = needs::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(published, 0);
    assert_eq!(holder(&app, enterprise_id), None);
}

#[tokio::test]
async fn a_code_sent_to_the_registry_contact_proves_control() {
    let app = TestApp::new();
    let (browser, enterprise_id) = claimant(&app, Some(CONTACT), None).await;
    let page = browser.get("/enterprise/claim").await;
    assert!(page.body.contains("r******@chenguang.example"), "the contact is shown masked");
    assert!(!page.body.contains(CONTACT));

    assert_eq!(send_code(&browser).await.location(), Some("/enterprise/claim?notice=code_sent"));
    let mail = app.emails_to(CONTACT).await.pop().expect("the code goes to the registry's contact");
    assert!(app.emails_to(ACCOUNT).await.iter().all(|m| !m.text.contains("验证码：")), "not to the account");
    let code = code_in(&mail.text);
    assert!(code.chars().all(|c| c.is_ascii_digit()) && code.len() == 6);
    let stored: String = claim_codes::table.select(claim_codes::code_hash).first(&mut *app.conn()).unwrap();
    assert!(!stored.contains(&code) && stored.len() == 64, "hashed at rest");

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = type_code(&browser, wrong).await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(refused.body.contains("验证码不正确，该验证码还可尝试 4 次"), "{}", refused.body);
    assert!(refused.body.contains(&format!("value=\"{wrong}\"")), "what was typed is kept");
    assert_eq!(type_code(&browser, &code).await.location(), Some("/enterprise?notice=claimed"));
    assert_eq!(browser.get("/enterprise/portrait").await.status, StatusCode::OK);
    assert!(holder(&app, enterprise_id).is_some());
    let proven: i64 =
        audit_log::table.filter(audit_log::event.eq("claim_proven")).count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(proven, 1);
}

#[tokio::test]
async fn codes_expire_after_fifteen_minutes_and_die_after_five_wrong_tries() {
    let app = TestApp::new();
    let (browser, enterprise_id) = claimant(&app, Some(CONTACT), None).await;
    send_code(&browser).await;
    let first = code_in(&app.emails_to(CONTACT).await.pop().unwrap().text);
    let again = send_code(&browser).await;
    assert!(again.body.contains("验证码刚刚发出，请 60 秒后再重新获取"), "{}", again.body);
    app.clock.advance(chrono::Duration::minutes(15));
    assert!(type_code(&browser, &first).await.body.contains("验证码已过期或已失效"));

    send_code(&browser).await;
    let second = code_in(&app.emails_to(CONTACT).await.pop().unwrap().text);
    let wrong = if second == "000000" { "111111" } else { "000000" };
    for left in (0..5).rev() {
        let page = type_code(&browser, wrong).await;
        if left > 0 {
            assert!(page.body.contains(&format!("还可尝试 {left} 次")), "{left}: {}", page.body);
        } else {
            assert!(page.body.contains("该验证码已失效，请重新获取"));
        }
    }
    assert!(type_code(&browser, &second).await.body.contains("验证码已过期或已失效"), "out of tries");
    assert_eq!(holder(&app, enterprise_id), None);
}

#[tokio::test]
async fn a_mobile_only_registry_entry_is_sent_to_the_letter() {
    let app = TestApp::new();
    let (browser, _) = claimant(&app, None, Some("13920261122")).await;
    let page = browser.get("/enterprise/claim").await;
    assert!(page.body.contains("139****1122") && page.body.contains("暂不支持短信验证码"), "{}", page.body);
    assert!(!page.body.contains("发送验证码"));
    let refused = send_code(&browser).await;
    assert!(refused.body.contains("登记信息中没有联系邮箱，请使用授权书方式"));
    assert_eq!(claim_codes::table.count().get_result::<i64>(&mut *app.conn()).unwrap(), 0);
}

#[tokio::test]
async fn the_credit_office_approves_or_rejects_an_authorization_letter() {
    let app = TestApp::new();
    let (browser, enterprise_id) = claimant(&app, None, None).await;
    let refused = upload_letter(&browser, "授权书.pdf", b"<html><script>alert(1)</script>").await;
    assert!(refused.body.contains("仅支持 PDF、JPG、PNG 格式的授权书"), "{}", refused.body);
    let huge = [b"%PDF-1.7\n".as_slice(), &vec![b'0'; 5 * 1024 * 1024]].concat();
    assert!(upload_letter(&browser, "big.pdf", &huge).await.body.contains("文件超过 5 MB"));
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
    let sent = upload_letter(&browser, "../../etc/授权书.pdf", pdf).await;
    assert_eq!(sent.location(), Some("/enterprise/claim?notice=letter_sent"));
    assert!(browser.get("/enterprise/claim").await.body.contains("信用办审核中"));
    assert!(upload_letter(&browser, "again.pdf", pdf).await.body.contains("已有一份授权书在审核中"));

    app.user(Role::CreditOffice, "clerk");
    let office = app.client();
    office.login("clerk", PASSWORD).await;
    let queue = office.get("/credit-office/claims").await;
    assert!(queue.body.contains("待审核的授权书（1）") && queue.body.contains(NAME) && queue.body.contains(ACCOUNT));
    assert!(queue.body.contains("授权书.pdf") && !queue.body.contains("../"), "only the last part of the name is kept");
    let letter: i64 = claim_letters::table.select(claim_letters::id).first(&mut *app.conn()).unwrap();
    let file = office.get(&format!("/credit-office/claims/{letter}/letter")).await;
    assert_eq!(file.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(
        file.headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"claim-letter-{letter}.pdf\"")
    );
    assert_eq!(file.body.as_bytes(), pdf);
    assert_eq!(browser.get(&format!("/credit-office/claims/{letter}/letter")).await.status, StatusCode::FORBIDDEN);

    let action = format!("/credit-office/claims/{letter}");
    let no_reason = office.submit("/credit-office/claims", &action, &[("decision", "reject"), ("reason", "")]).await;
    assert!(no_reason.body.contains("驳回时请填写理由"));
    let rejected = office
        .submit("/credit-office/claims", &action, &[("decision", "reject"), ("reason", "授权书未加盖公章")])
        .await;
    assert_eq!(rejected.location(), Some("/credit-office/claims?notice=claim_decided"));
    let mail = app.emails_to(ACCOUNT).await.pop().unwrap();
    assert!(mail.subject.contains("授权书未通过审核") && mail.text.contains("授权书未加盖公章"));
    assert!(browser.get("/enterprise/claim").await.body.contains("上次提交的授权书未通过审核：授权书未加盖公章"));
    assert_eq!(holder(&app, enterprise_id), None);

    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    upload_letter(&browser, "盖章授权书.png", png).await;
    let second: i64 =
        claim_letters::table.select(claim_letters::id).order(claim_letters::id.desc()).first(&mut *app.conn()).unwrap();
    let image = office.get(&format!("/credit-office/claims/{second}/letter")).await;
    assert_eq!(image.headers[header::CONTENT_TYPE], "image/png");
    let approved = office
        .submit("/credit-office/claims", &format!("/credit-office/claims/{second}"), &[("decision", "approve")])
        .await;
    assert_eq!(approved.location(), Some("/credit-office/claims?notice=claim_decided"));
    assert!(app.emails_to(ACCOUNT).await.pop().unwrap().subject.contains("授权书已通过审核"));
    assert_eq!(browser.get("/enterprise/portrait").await.status, StatusCode::OK);
    assert!(holder(&app, enterprise_id).is_some());
}

#[tokio::test]
async fn the_credit_office_unbinds_a_wrong_claim_and_the_real_enterprise_registers() {
    let app = TestApp::new();
    let impostor = app.user(Role::Enterprise, "impostor");
    let enterprise_id = User::find(&mut app.conn(), impostor).unwrap().enterprise_id.unwrap();
    let (institution, _) = app.institution("云海银行");
    xinyidai::models::authorization::Authorization::grant(
        &mut app.conn(),
        enterprise_id,
        institution,
        "授信审查",
        chrono::Duration::days(30),
        crate::helpers::start(),
    )
    .unwrap();
    let impostor_browser = app.client();
    impostor_browser.login("impostor", PASSWORD).await;
    app.user(Role::CreditOffice, "clerk");
    let office = app.client();
    office.login("clerk", PASSWORD).await;

    let uscc = Enterprise::find(&mut app.conn(), enterprise_id).unwrap().row.uscc;
    let lookup = format!("/credit-office/claims?uscc={uscc}");
    assert!(office.get(&lookup).await.body.contains("已认证（代表企业）"));
    let action = format!("/credit-office/accounts/{impostor}/unbind");
    let unconfirmed = office.submit(&lookup, &action, &[("reason", "企业持营业执照和公章到场核实")]).await;
    assert!(unconfirmed.body.contains("请勾选确认"), "{}", unconfirmed.body);
    let done = office.submit(&lookup, &action, &[("reason", "企业持营业执照和公章到场核实"), ("confirm", "yes")]).await;
    assert_eq!(done.location().map(|l| l.ends_with("&notice=unbound")), Some(true));

    assert_eq!(holder(&app, enterprise_id), None);
    assert_eq!(
        impostor_browser.get("/enterprise").await.location().map(|l| l.starts_with("/login")),
        Some(true),
        "signed out"
    );
    assert_eq!(app.client().login("impostor", PASSWORD).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let open: i64 = authorizations::table
        .filter(authorizations::enterprise_id.eq(enterprise_id))
        .filter(authorizations::revoked_at.is_null())
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(open, 0, "what the wrong claim authorized ends with it");
    let audited: Vec<(Option<i64>, Option<String>, String)> = audit_log::table
        .filter(audit_log::event.eq("claim_unbound"))
        .select((audit_log::user_id, audit_log::object, audit_log::outcome))
        .load(&mut *app.conn())
        .unwrap();
    let clerk: i64 =
        users::table.filter(users::username.eq("clerk")).select(users::id).first(&mut *app.conn()).unwrap();
    assert_eq!(audited, [(Some(clerk), Some(format!("user:{impostor}")), "ok; 1 authorizations ended".to_string())]);
    assert!(
        app.emails_to("impostor@example.com").await.iter().any(|m| m.text.contains("企业持营业执照和公章到场核实"))
    );

    // The real enterprise now registers as any enterprise would.
    let name = Enterprise::find(&mut app.conn(), enterprise_id).unwrap().row.name;
    let form = [
        ("uscc", uscc.as_str()),
        ("name", name.as_str()),
        ("legal_representative", "张三"),
        ("email", ACCOUNT),
        ("password", ACCOUNT_PASSWORD),
        ("password_confirm", ACCOUNT_PASSWORD),
        ("contact_person", "王丽"),
        ("mobile", "13912345678"),
        ("consent", "on"),
    ];
    app.client().submit("/register", "/register", &form).await;
    let mail = app.emails_to(ACCOUNT).await.pop().unwrap();
    assert!(mail.subject.contains("请验证您的邮箱"), "{}", mail.subject);
}
