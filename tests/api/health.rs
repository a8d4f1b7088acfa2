//! The health check names the backend and the migration version.

use axum::http::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn healthz_reports_backend_and_migration() {
    let app = TestApp::new();
    let page = app.client().get("/healthz").await;
    assert_eq!(page.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["database"], if app.db.is_postgres() { "postgres" } else { "sqlite" });
    let newest = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().split('_').next().unwrap().replace('-', ""))
        .max()
        .unwrap();
    assert_eq!(json["migration"], newest.as_str());
}

#[tokio::test]
async fn healthz_answers_503_while_the_database_is_unreachable() {
    use std::collections::HashMap;
    use std::sync::Arc;
    let dir = tempfile::tempdir().unwrap();
    let vars: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none?connect_timeout=1".to_string()),
        ("DATA_DIR", dir.path().display().to_string()),
    ]);
    let config = xinyidai::config::Config::from_lookup(|k| vars.get(k).cloned()).unwrap();
    let state = xinyidai::state::AppState {
        db: xinyidai::db::Db::connect(&config).unwrap(),
        mailer: xinyidai::email::Mailer::memory(),
        clock: Arc::new(xinyidai::clock::SystemClock),
        config: Arc::new(config),
    };
    use tower::ServiceExt;
    let router = xinyidai::app(state);
    let get = |path: &str| axum::http::Request::get(path).body(axum::body::Body::empty()).unwrap();
    let health = router.clone().oneshot(get("/healthz")).await.unwrap();
    assert_eq!(health.status(), StatusCode::SERVICE_UNAVAILABLE);
    let page = router.oneshot(get("/")).await.unwrap();
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = http_body_util::BodyExt::collect(page.into_body()).await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("服务暂时不可用"));
}
