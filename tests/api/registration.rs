//! Enterprise self-registration against the credit office's record.

use axum::http::StatusCode;

use crate::helpers::TestApp;

const PASSWORD: &str = "晨光机械-2026年";

async fn register(app: &TestApp, fields: [(&str, &str); 4]) -> crate::helpers::Page {
    let mut all = fields.to_vec();
    all.extend([("password", PASSWORD), ("password_confirm", PASSWORD)]);
    app.client().submit("/register", "/register", &all).await
}

#[tokio::test]
async fn a_matching_enterprise_registers_and_lands_on_its_home() {
    let app = TestApp::new();
    let (uscc, _) = app.enterprise_on_record("云海晨光精密机械有限公司", "李建国");
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
            ],
        )
        .await;
    assert_eq!(page.location(), Some("/enterprise?notice=registered"));
    let home = browser.get("/enterprise?notice=registered").await;
    assert!(home.body.contains("注册成功"));
    assert!(home.body.contains(&uscc));
    assert_eq!(app.client().login("finance@chenguang.example", PASSWORD).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_wrong_check_character_is_refused_with_the_reason() {
    let app = TestApp::new();
    let (uscc, _) = app.enterprise_on_record("云海晨光精密机械有限公司", "李建国");
    let last = uscc.chars().last().unwrap();
    let wrong = format!("{}{}", &uscc[..17], if last == '0' { '1' } else { '0' });
    let page = register(
        &app,
        [
            ("uscc", &wrong),
            ("name", "云海晨光精密机械有限公司"),
            ("legal_representative", "李建国"),
            ("email", "a@example.com"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains(&format!("第 18 位应为「{last}」")), "{}", page.body);
    assert!(page.body.contains("value=\"a@example.com\""), "what was typed is kept");
}

#[tokio::test]
async fn a_name_that_does_not_match_the_record_is_refused() {
    let app = TestApp::new();
    let (uscc, _) = app.enterprise_on_record("云海晨光精密机械有限公司", "李建国");
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
        [
            ("uscc", &uscc),
            ("name", "云海晨光精密机械有限公司"),
            ("legal_representative", "李建设"),
            ("email", "a@example.com"),
        ],
    )
    .await;
    assert!(page.body.contains("法定代表人与登记信息不一致"));
}

#[tokio::test]
async fn an_unknown_code_and_a_second_account_are_refused() {
    let app = TestApp::new();
    let (uscc, _) = app.enterprise_on_record("云海晨光精密机械有限公司", "李建国");
    let unknown = xinyidai::domain::Uscc::with_check_character("91990102MC0000001").unwrap().to_string();
    let page = register(
        &app,
        [("uscc", &unknown), ("name", "随便有限公司"), ("legal_representative", "王五"), ("email", "b@example.com")],
    )
    .await;
    assert!(page.body.contains("信用办尚无该企业的登记信息"));

    let fields = [
        ("uscc", uscc.as_str()),
        ("name", "云海晨光精密机械有限公司"),
        ("legal_representative", "李建国"),
        ("email", "c@example.com"),
    ];
    assert_eq!(register(&app, fields).await.status, StatusCode::SEE_OTHER);
    let again = register(&app, [fields[0], fields[1], fields[2], ("email", "d@example.com")]).await;
    assert!(again.body.contains("该企业已注册账号"));
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
    assert_eq!(page.location(), Some("/enterprise?notice=registered"), "{}", page.body);
}
