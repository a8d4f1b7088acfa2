//! The bank API's credentials and errors: the token exchange (form and HTTP
//! Basic), each way a client or a token is refused with its status and
//! problem code, the rate limit, and no secret or token in the audit log or
//! the tracing output. Every answer is checked against the OpenAPI document.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine;
use diesel::prelude::*;
use xinyidai::domain::Role;
use xinyidai::schema::audit_log;

use crate::api_setup::{api_client, conforms, json_of, problem, system, token_from, token_request};
use crate::helpers::{PASSWORD, TestApp};
use crate::market_setup::bank_with_product;

const HALL: &str = "/api/v1/hall";
const TOKEN: &str = "/api/v1/token";

/// A bank with a published product, its admin, and the admin's id.
fn bank(app: &TestApp) -> (i64, i64) {
    let institution = bank_with_product(app, "officer");
    let admin = app.user(Role::BankAdmin, "admin");
    diesel::update(xinyidai::schema::users::table.find(admin))
        .set(xinyidai::schema::users::institution_id.eq(institution))
        .execute(&mut *app.conn())
        .unwrap();
    (institution, admin)
}

#[tokio::test]
async fn a_client_gets_a_token_with_its_credentials_in_the_form_or_in_basic() {
    let app = TestApp::new();
    let (institution, admin) = bank(&app);
    let (id, secret) = api_client(&app, admin, institution, "offers:write hall:read", "");

    let page = token_request(&app.client(), &id, &secret).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    conforms("post", TOKEN, &page);
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    let body = json_of(&page);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 7200);
    assert_eq!(body["scope"], "hall:read offers:write");
    assert_eq!(body["access_token"].as_str().unwrap().len(), 64);

    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    let request = Request::post(TOKEN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::AUTHORIZATION, format!("Basic {basic}"))
        .body(Body::from("grant_type=client_credentials"))
        .unwrap();
    let page = app.client().send(request).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    conforms("post", TOKEN, &page);
    let token = json_of(&page)["access_token"].as_str().unwrap().to_string();
    let hall = app.client().with_bearer(&token).get(HALL).await;
    assert_eq!(hall.status, StatusCode::OK, "{}", hall.body);
    conforms("get", HALL, &hall);
    // Only the token's digest is stored.
    let stored: Vec<String> = xinyidai::schema::api_tokens::table
        .select(xinyidai::schema::api_tokens::token_sha256)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(stored.len(), 2);
    assert!(!stored.contains(&token));
}

#[tokio::test]
async fn a_wrong_secret_an_unknown_client_and_a_wrong_grant_are_refused() {
    let app = TestApp::new();
    let (institution, admin) = bank(&app);
    let (id, _) = api_client(&app, admin, institution, "hall:read", "");
    let page = token_request(&app.client(), &id, "0123456789abcdef").await;
    assert_eq!(problem("post", TOKEN, &page, StatusCode::UNAUTHORIZED), "invalid_client");
    assert!(page.headers[header::WWW_AUTHENTICATE].to_str().unwrap().starts_with("Basic"));
    let page = token_request(&app.client(), "xyd_0000000000000000", "whatever").await;
    assert_eq!(problem("post", TOKEN, &page, StatusCode::UNAUTHORIZED), "invalid_client");

    let request = Request::post(TOKEN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("grant_type=password&client_id=a&client_secret=b"))
        .unwrap();
    let page = app.client().send(request).await;
    assert_eq!(problem("post", TOKEN, &page, StatusCode::BAD_REQUEST), "unsupported_grant_type");
    let request = Request::post(TOKEN).header(header::CONTENT_TYPE, "application/json").body(Body::from("{}")).unwrap();
    let page = app.client().send(request).await;
    assert_eq!(problem("post", TOKEN, &page, StatusCode::BAD_REQUEST), "invalid_request");
}

#[tokio::test]
async fn a_revoked_client_gets_no_token_and_its_tokens_stop_at_once() {
    let app = TestApp::new();
    let (institution, admin) = bank(&app);
    let (id, secret) = api_client(&app, admin, institution, "hall:read", "");
    let token = token_from(&app, "198.51.100.7", &id, &secret).await;
    let system = app.client().with_bearer(&token);
    assert_eq!(system.get(HALL).await.status, StatusCode::OK);

    let browser = app.client();
    browser.login("admin", PASSWORD).await;
    let client_row: i64 =
        xinyidai::schema::api_clients::table.select(xinyidai::schema::api_clients::id).first(&mut *app.conn()).unwrap();
    let confirm = format!("/bank/api-clients/{client_row}/revoke");
    let page = browser.get(&confirm).await;
    assert!(page.body.contains("确认停用"), "{}", page.body);
    let done = browser.submit(&confirm, &confirm, &[]).await;
    assert_eq!(done.location(), Some("/bank/api-clients?notice=api_client_revoked"));

    let page = system.get(HALL).await;
    assert_eq!(problem("get", HALL, &page, StatusCode::UNAUTHORIZED), "client_revoked");
    let page = token_request(&app.client(), &id, &secret).await;
    assert_eq!(problem("post", TOKEN, &page, StatusCode::UNAUTHORIZED), "client_revoked");
}

#[tokio::test]
async fn a_call_from_outside_the_allowed_ranges_is_refused() {
    let app = TestApp::new();
    let (institution, admin) = bank(&app);
    let (id, secret) = api_client(&app, admin, institution, "hall:read", "203.0.113.0/24");
    let page = token_request(&app.client_from("198.51.100.7"), &id, &secret).await;
    assert_eq!(problem("post", TOKEN, &page, StatusCode::FORBIDDEN), "ip_not_allowed");

    let token = token_from(&app, "203.0.113.9", &id, &secret).await;
    assert_eq!(app.client_from("203.0.113.200").with_bearer(&token).get(HALL).await.status, StatusCode::OK);
    let page = app.client_from("198.51.100.7").with_bearer(&token).get(HALL).await;
    assert_eq!(problem("get", HALL, &page, StatusCode::FORBIDDEN), "ip_not_allowed");
}

#[tokio::test]
async fn a_token_lives_two_hours() {
    let app = TestApp::new();
    let (institution, admin) = bank(&app);
    let system = system(&app, admin, institution, "hall:read").await;
    app.clock.advance(chrono::Duration::seconds(7199));
    assert_eq!(system.get(HALL).await.status, StatusCode::OK);
    app.clock.advance(chrono::Duration::seconds(1));
    let page = system.get(HALL).await;
    assert_eq!(problem("get", HALL, &page, StatusCode::UNAUTHORIZED), "token_expired");
    assert!(page.headers[header::WWW_AUTHENTICATE].to_str().unwrap().contains("invalid_token"));
}

#[tokio::test]
async fn a_call_without_a_token_or_with_a_session_only_is_refused() {
    let app = TestApp::new();
    bank(&app);
    let page = app.client().get(HALL).await;
    assert_eq!(problem("get", HALL, &page, StatusCode::UNAUTHORIZED), "missing_token");
    assert!(page.headers.contains_key(header::CONTENT_SECURITY_POLICY), "the security headers apply");
    let officer = app.client();
    officer.login("officer", PASSWORD).await;
    let page = officer.get(HALL).await;
    assert_eq!(problem("get", HALL, &page, StatusCode::UNAUTHORIZED), "missing_token");
    let page = app.client().with_bearer("not-a-token").get(HALL).await;
    assert_eq!(problem("get", HALL, &page, StatusCode::UNAUTHORIZED), "invalid_token");
}

#[tokio::test]
async fn a_client_without_the_operations_scope_is_refused() {
    let app = TestApp::new();
    let (institution, admin) = bank(&app);
    let system = system(&app, admin, institution, "offers:write loans:write").await;
    let page = system.get(HALL).await;
    assert_eq!(problem("get", HALL, &page, StatusCode::FORBIDDEN), "insufficient_scope");
    let refused: i64 = audit_log::table
        .filter(audit_log::event.eq("api_call_refused"))
        .filter(audit_log::outcome.eq("insufficient_scope"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(refused, 1, "the refusal is audited with the client");
}

#[tokio::test]
async fn a_client_past_its_rate_limit_is_told_when_to_come_back() {
    let app = TestApp::new();
    let (institution, admin) = bank(&app);
    let system = system(&app, admin, institution, "hall:read").await;
    // The window is one minute from the minute's start; the test clock stands at 01:30:00.
    for n in 0..120 {
        assert_eq!(system.get(HALL).await.status, StatusCode::OK, "call {n}");
    }
    let page = system.get(HALL).await;
    assert_eq!(problem("get", HALL, &page, StatusCode::TOO_MANY_REQUESTS), "rate_limited");
    assert_eq!(page.headers[header::RETRY_AFTER], "60");
    app.clock.advance(chrono::Duration::seconds(60));
    assert_eq!(system.get(HALL).await.status, StatusCode::OK);
}

/// Everything the tracing subscriber writes, from every test of this binary.
fn traced() -> Arc<Mutex<Vec<u8>>> {
    static OUTPUT: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    OUTPUT
        .get_or_init(|| {
            let output = Arc::new(Mutex::new(Vec::new()));
            let writer = output.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::TRACE)
                .with_ansi(false)
                .with_writer(move || Sink(writer.clone()))
                .finish();
            tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
            output
        })
        .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_or_token_reaches_the_audit_log_or_the_traces() {
    let output = traced();
    let app = TestApp::new();
    let (institution, _) = bank(&app);
    let browser = app.client();
    browser.login("admin", PASSWORD).await;
    let created = browser
        .submit("/bank/api-clients/new", "/bank/api-clients/new", &[("name", "核心系统"), ("scopes", "hall:read")])
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let secret_at = created.body.find("class=\"secret\">").unwrap() + "class=\"secret\">".len();
    let secret = created.body[secret_at..secret_at + 64].to_string();
    let id_at = created.body.find("<code>xyd_").unwrap() + "<code>".len();
    let id = created.body[id_at..id_at + 20].to_string();

    let token = token_from(&app, "198.51.100.7", &id, &secret).await;
    let wrong = token_request(&app.client(), &id, &format!("{secret}x")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let mistaken = token_request(&app.client(), &secret, &secret).await;
    assert_eq!(mistaken.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.client().with_bearer(&token).get(HALL).await.status, StatusCode::OK);
    app.clock.advance(chrono::Duration::hours(3));
    assert_eq!(app.client().with_bearer(&token).get(HALL).await.status, StatusCode::UNAUTHORIZED);

    let rows: Vec<(String, Option<String>, String, Option<i64>)> = audit_log::table
        .filter(audit_log::event.like("api_%"))
        .select((audit_log::event, audit_log::object, audit_log::outcome, audit_log::institution_id))
        .load(&mut *app.conn())
        .unwrap();
    let events: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        events,
        [
            "api_client_created",
            "api_token_issued",
            "api_token_refused",
            "api_token_refused",
            "api_call",
            "api_call_refused"
        ]
    );
    for (event, object, outcome, at) in &rows {
        let text = format!("{event} {object:?} {outcome}");
        assert!(!text.contains(&secret) && !text.contains(&token), "a secret in the audit log: {text}");
        if event != "api_token_refused" || outcome == "client_revoked" {
            assert_eq!(*at, Some(institution), "{text}");
            assert!(object.as_deref().unwrap().contains(&id), "{text}");
        }
    }
    let traces = String::from_utf8_lossy(&output.lock().unwrap()).into_owned();
    assert!(traces.contains("/api/v1/token"), "the requests were traced");
    assert!(!traces.contains(&secret) && !traces.contains(&token), "a secret in the traces");
}
