//! Officers' subscriptions: matching needs are emailed, one digest an hour at most.

use chrono::Duration;
use xinyidai::domain::{Money, Rate, Role};
use xinyidai::models::need::{Need, NewNeed};

use crate::helpers::{PASSWORD, TestApp};
use crate::portrait::enterprise_with_records;

fn need(amount_wan: i64, institution_id: Option<i64>) -> NewNeed {
    NewNeed {
        amount: Money::from_yuan(amount_wan * 10_000),
        term_months: 12,
        purpose: "采购原材料".into(),
        guarantee: xinyidai::domain::Guarantee::Credit,
        max_rate: Rate::from_units(45_000),
        window_hours: 72,
        slots: 3,
        product_id: None,
        institution_id,
    }
}

#[tokio::test]
async fn matching_needs_reach_the_officer_in_one_digest_an_hour() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    app.user(Role::Officer, "officer");
    let officer = app.client();
    officer.login("officer", PASSWORD).await;
    let saved = officer
        .submit(
            "/officer/subscriptions",
            "/officer/subscriptions",
            &[("name", "东湖区百万以上"), ("amount_min", "100"), ("region", "990102"), ("min_grade", "")],
        )
        .await;
    assert_eq!(saved.location(), Some("/officer/subscriptions?notice=subscribed"));
    let (other_bank, _) = app.institution("别家银行");

    app.clock.advance(Duration::minutes(1));
    let now = app.clock.now();
    Need::publish(&mut app.conn(), enterprise, &need(200, None), now).unwrap();
    Need::publish(&mut app.conn(), enterprise, &need(50, None), now).unwrap();
    Need::publish(&mut app.conn(), enterprise, &need(300, Some(other_bank)), now).unwrap();
    app.clock.advance(Duration::minutes(1));
    assert_eq!(xinyidai::jobs::digests(&app.state).await.unwrap(), 1);
    app.run_jobs().await;
    let sent = app.sent_emails();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].subject.contains("有 1 笔新的融资需求"), "{}", sent[0].subject);
    assert!(sent[0].text.contains("200.00 万元"));
    assert!(!sent[0].text.contains("50.00 万元"), "below the subscription's minimum");
    assert!(!sent[0].text.contains("300.00 万元"), "aimed at another bank");
    assert!(sent[0].text.contains(&format!("{}/officer/hall\n", crate::helpers::BASE_URL)), "links to the hall");

    diesel::update(xinyidai::schema::needs::table)
        .set(xinyidai::schema::needs::status.eq("expired"))
        .execute(&mut *app.conn())
        .unwrap();
    app.clock.advance(Duration::minutes(5));
    Need::publish(&mut app.conn(), enterprise, &need(120, None), app.clock.now()).unwrap();
    app.clock.advance(Duration::minutes(1));
    assert_eq!(xinyidai::jobs::digests(&app.state).await.unwrap(), 0, "not twice within the hour");
    app.clock.advance(Duration::minutes(60));
    assert_eq!(xinyidai::jobs::digests(&app.state).await.unwrap(), 1);
    app.run_jobs().await;
    let sent = app.sent_emails();
    assert_eq!(sent.len(), 2);
    assert!(sent[1].text.contains("120.00 万元"));
    assert!(!sent[1].text.contains("200.00 万元"), "each need is sent once");
}

use diesel::prelude::*;
use xinyidai::clock::Clock;

#[tokio::test]
async fn an_officer_deletes_their_own_subscription_and_not_another_officers() {
    use axum::http::StatusCode;
    use xinyidai::schema::subscriptions;
    let app = TestApp::new();
    app.user(Role::Officer, "officer");
    app.user(Role::Officer, "other");
    let officer = app.client();
    officer.login("officer", PASSWORD).await;
    let other = app.client();
    other.login("other", PASSWORD).await;
    let saved = officer.submit("/officer/subscriptions", "/officer/subscriptions", &[("name", "高新区")]).await;
    assert_eq!(saved.location(), Some("/officer/subscriptions?notice=subscribed"));
    let id: i64 = subscriptions::table.select(subscriptions::id).first(&mut *app.conn()).unwrap();
    let count = || subscriptions::table.count().get_result::<i64>(&mut *app.conn()).unwrap();

    let token = other.get("/officer/subscriptions").await.csrf();
    let refused = other.post(&format!("/officer/subscriptions/{id}/delete"), &[("csrf", &token)]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "another officer's filter does not exist for them");
    assert_eq!(count(), 1);

    let token = officer.get("/officer/subscriptions").await.csrf();
    let deleted = officer.post(&format!("/officer/subscriptions/{id}/delete"), &[("csrf", &token)]).await;
    assert_eq!(deleted.location(), Some("/officer/subscriptions?notice=unsubscribed"));
    assert_eq!(count(), 0);
    let again = officer.post(&format!("/officer/subscriptions/{id}/delete"), &[("csrf", &token)]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "deleted once");
}
