//! Behind a trusted proxy the client is the address the proxy appended to
//! X-Forwarded-For, never an entry the client wrote itself.

use axum::http::StatusCode;
use xinyidai::models::audit;

use crate::helpers::TestApp;

#[tokio::test]
async fn a_forged_leftmost_entry_neither_escapes_the_login_limit_nor_reaches_the_audit_log() {
    let app = TestApp::new();
    let mut statuses = Vec::new();
    for i in 0..31 {
        // Each attempt claims another origin; the proxy appended the real one.
        let browser = app.client_from(&format!("10.66.{i}.1, 192.0.2.50"));
        statuses.push(browser.login("nobody", "wrong-password-1").await.status);
    }
    assert!(statuses[..30].iter().all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY));
    assert_eq!(statuses[30], StatusCode::TOO_MANY_REQUESTS, "the 31st attempt from 192.0.2.50 is limited");

    let failures = audit::recent(&mut app.conn(), "login_failed", 100).unwrap();
    assert_eq!(failures.len(), 30);
    assert!(failures.iter().all(|entry| entry.ip.as_deref() == Some("192.0.2.50")), "{:?}", failures[0].ip);

    let neighbour = app.client_from("10.66.0.1, 192.0.2.51").login("nobody", "wrong-password-1").await;
    assert_eq!(neighbour.status, StatusCode::UNPROCESSABLE_ENTITY, "another real address has its own allowance");
}
