//! The bank API's setup: a client of an institution made through the
//! action, a token through `POST /api/v1/token`, and the check of an answer
//! against the generated OpenAPI document (the schema its operation names for
//! that status and content type, `$ref`s resolved in the document).

use std::sync::LazyLock;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use xinyidai::actions::Ctx;
use xinyidai::actions::api_client::{self, NewClient};
use xinyidai::models::audit::Actor;

use crate::helpers::{BASE_URL, Client, Page, TestApp};

/// A client of `institution` with `scopes` (space-separated) and `ranges`,
/// made by the bank admin `admin`; returns its client id and secret.
pub fn api_client(app: &TestApp, admin: i64, institution: i64, scopes: &str, ranges: &str) -> (String, String) {
    let codes: Vec<String> = scopes.split_whitespace().map(str::to_string).collect();
    let client = NewClient::parse("测试系统", &codes, ranges).expect("a valid client");
    let (client_id, secret) = api_client::new_credentials();
    let hash = xinyidai::auth::password::hash(&secret).unwrap();
    let actor =
        Actor { user_id: Some(admin), role: Some("bank_admin".into()), institution_id: Some(institution), ip: None };
    let ctx = Ctx { actor, now: xinyidai::clock::Clock::now(&*app.clock), base_url: BASE_URL.into() };
    api_client::create(&mut app.conn(), &ctx, &client, &client_id, &hash).unwrap().unwrap();
    (client_id, secret)
}

/// `POST /api/v1/token` with the credentials in the form.
pub async fn token_request(client: &Client<'_>, client_id: &str, secret: &str) -> Page {
    let body = serde_urlencoded::to_string([
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", secret),
    ])
    .unwrap();
    let request = Request::post("/api/v1/token")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-forwarded-for", client.ip())
        .body(Body::from(body))
        .unwrap();
    client.send(request).await
}

/// A token for the client, from `ip`.
pub async fn token_from(app: &TestApp, ip: &str, client_id: &str, secret: &str) -> String {
    let page = token_request(&app.client_from(ip), client_id, secret).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    json_of(&page)["access_token"].as_str().unwrap().to_string()
}

/// A bank's system: a client of `institution` with `scopes`, calling with a fresh token.
pub async fn system<'a>(app: &'a TestApp, admin: i64, institution: i64, scopes: &str) -> Client<'a> {
    let (id, secret) = api_client(app, admin, institution, scopes, "");
    app.client().with_bearer(&token_from(app, "198.51.100.7", &id, &secret).await)
}

pub fn json_of(page: &Page) -> Value {
    serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", page.body))
}

/// The generated document, as the API serves it.
pub static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    use utoipa::OpenApi;
    serde_json::to_value(xinyidai::handlers::api::openapi::ApiDoc::openapi()).unwrap()
});

/// Fails unless the answer is one the document gives the operation
/// (`method` and `path` as written there): its status is listed, with this
/// content type, and the body validates against the schema named for it.
pub fn conforms(method: &str, path: &str, page: &Page) {
    let operation = &DOCUMENT["paths"][path][method];
    assert!(operation.is_object(), "{method} {path} is not in the document");
    let response = &operation["responses"][page.status.as_str()];
    assert!(response.is_object(), "{method} {path}: status {} is not documented", page.status);
    let content_type = page.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let media = &response["content"][content_type];
    assert!(media.is_object(), "{method} {path} {}: content type {content_type} is not documented", page.status);
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [media["schema"].clone()],
        "components": DOCUMENT["components"].clone(),
    });
    let validator = jsonschema::validator_for(&schema).expect("the document's schema compiles");
    let body = json_of(page);
    let errors: Vec<String> = validator.iter_errors(&body).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{method} {path} {}: {errors:?}\n{}", page.status, page.body);
}

/// The problem code of an answer that must be a problem document of `status`.
pub fn problem(method: &str, path: &str, page: &Page, status: StatusCode) -> String {
    assert_eq!(page.status, status, "{}", page.body);
    conforms(method, path, page);
    let body = json_of(page);
    let code = body["code"].as_str().unwrap().to_string();
    assert_eq!(body["type"], format!("https://xinyidai.example/problems/{code}"));
    assert_eq!(body["status"], status.as_u16());
    assert!(body["title"].as_str().unwrap().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "a Chinese title");
    code
}
