//! Contact across a deal: after a grab the bank sees the enterprise's contact
//! person, mobile and email on its offer, and the enterprise sees the
//! grabbing officer's name, branch and phone beside the offer; nobody else
//! sees either. Recording contact says how and when, judged by when it
//! happened. The suite starts on Monday 2026-11-23 at 09:30 Beijing time.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use xinyidai::models::need::Need;
use xinyidai::schema::offers;

use crate::helpers::{Client, TestApp, start};
use crate::market_setup::{bank_with_product, grab, new_need, offer_id, signed_in};
use crate::portrait::enterprise_with_records;

const PERSON: &str = "王丽华";
const MOBILE: &str = "13987654321";
const EMAIL: &str = "wanglihua@chenguang.example";

/// The enterprise `ent` with its contact saved through its contact page, and an open need.
async fn enterprise_with_contact(app: &TestApp) -> (Client<'_>, i64) {
    let (enterprise, _) = enterprise_with_records(app, "ent");
    let client = signed_in(app, "ent").await;
    let saved = client
        .submit(
            "/enterprise/contact",
            "/enterprise/contact",
            &[("contact_person", PERSON), ("mobile", "139-8765-4321"), ("email", EMAIL)],
        )
        .await;
    assert_eq!(saved.location(), Some("/enterprise/contact?notice=contact_saved"), "{}", saved.body);
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    (client, need)
}

fn shows_no_contact(body: &str, what: &str) {
    for secret in [PERSON, MOBILE, EMAIL] {
        assert!(!body.contains(secret), "{what} shows {secret}");
    }
}

#[tokio::test]
async fn the_enterprises_contact_is_shown_only_to_the_bank_that_grabbed() {
    let app = TestApp::new();
    let (_, need) = enterprise_with_contact(&app).await;
    bank_with_product(&app, "mine");
    bank_with_product(&app, "theirs");
    let mine = signed_in(&app, "mine").await;
    shows_no_contact(&mine.get("/officer/hall").await.body, "the hall before the grab");
    shows_no_contact(&mine.get(&format!("/officer/hall/{need}")).await.body, "the grab page before the grab");

    let offer = offer_id(&grab(&mine, need).await);
    let page = mine.get(&format!("/officer/offers/{offer}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for shown in [PERSON, MOBILE, EMAIL] {
        assert!(page.body.contains(shown), "the grabbing bank sees {shown}: {}", page.body);
    }

    let theirs = signed_in(&app, "theirs").await;
    shows_no_contact(&theirs.get("/officer/hall").await.body, "another bank's hall");
    shows_no_contact(&theirs.get(&format!("/officer/hall/{need}")).await.body, "another bank's grab page");
    let other_offer = theirs.get(&format!("/officer/offers/{offer}")).await;
    assert_eq!(other_offer.status, StatusCode::NOT_FOUND);
    shows_no_contact(&other_offer.body, "another bank's view of the offer");
    shows_no_contact(&theirs.get("/officer/offers?all=1").await.body, "another bank's offers");
    let public = app.client();
    for path in ["/", "/products", "/officer/hall"] {
        shows_no_contact(&public.get(path).await.body, path);
    }
    app.run_jobs().await;
}

#[tokio::test]
async fn a_bank_out_of_the_deal_no_longer_sees_the_contact() {
    let app = TestApp::new();
    let (owner, need) = enterprise_with_contact(&app).await;
    bank_with_product(&app, "lost");
    bank_with_product(&app, "chosen");
    let lost = signed_in(&app, "lost").await;
    let offer = offer_id(&grab(&lost, need).await);
    let chosen = signed_in(&app, "chosen").await;
    let won = offer_id(&grab(&chosen, need).await);
    let accept = format!("/enterprise/needs/{need}/offers/{won}/accept");
    let accepted = owner.submit(&accept, &accept, &[]).await;
    assert_eq!(accepted.location(), Some(format!("/enterprise/needs/{need}?notice=accepted").as_str()));

    let page = lost.get(&format!("/officer/offers/{offer}")).await;
    assert_eq!(page.status, StatusCode::OK, "the bank still sees its own offer");
    shows_no_contact(&page.body, "an offer not selected");
    assert!(page.body.contains("已不在对接中"), "{}", page.body);
    let kept = chosen.get(&format!("/officer/offers/{won}")).await;
    assert!(kept.body.contains(MOBILE), "the chosen bank keeps the contact");
    app.run_jobs().await;
}

#[tokio::test]
async fn the_enterprise_sees_the_grabbing_officers_name_branch_and_phone() {
    let app = TestApp::new();
    let (enterprise, need) = enterprise_with_contact(&app).await;
    bank_with_product(&app, "mine");
    bank_with_product(&app, "quiet");
    let mine = signed_in(&app, "mine").await;
    let refused = mine.submit("/officer/profile", "/officer/profile", &[("name", "赵敏"), ("phone", "12345")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"phone-error\""), "the error is beside the phone: {}", refused.body);
    assert!(refused.body.contains("value=\"赵敏\""), "what was typed is kept");
    let saved =
        mine.submit("/officer/profile", "/officer/profile", &[("name", "赵敏"), ("phone", "0871-65321234")]).await;
    assert_eq!(saved.location(), Some("/officer/profile?notice=profile_saved"));
    let profile = mine.get("/officer/profile").await;
    assert!(profile.body.contains("营业部") && profile.body.contains("0871-65321234"), "{}", profile.body);
    grab(&mine, need).await;
    // An officer who left no phone: the enterprise is told so.
    grab(&signed_in(&app, "quiet").await, need).await;

    let page = enterprise.get(&format!("/enterprise/needs/{need}")).await;
    assert!(page.body.contains("赵敏"), "{}", page.body);
    assert!(page.body.contains("营业部"));
    assert!(page.body.contains("0871-65321234"));
    assert!(page.body.contains("未留电话"), "the officer without a phone");
    app.run_jobs().await;
}

/// The contact form's fields.
fn contact_at(method: &str, local: &str) -> [(&'static str, String); 2] {
    [("method", method.to_string()), ("contacted_at", local.to_string())]
}

fn contact_row(app: &TestApp, offer: i64) -> (Option<NaiveDateTime>, Option<String>, Option<NaiveDateTime>) {
    offers::table
        .find(offer)
        .select((offers::contacted_at, offers::contact_method, offers::contact_recorded_at))
        .first(&mut *app.conn())
        .unwrap()
}

async fn record(officer: &Client<'_>, offer: i64, fields: &[(&'static str, String); 2]) -> crate::helpers::Page {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    officer.submit(&format!("/officer/offers/{offer}"), &format!("/officer/offers/{offer}/contact"), &fields).await
}

#[tokio::test]
async fn contact_is_recorded_with_how_and_when_and_a_time_in_the_future_is_refused() {
    let app = TestApp::new();
    let (_, need) = enterprise_with_contact(&app).await;
    bank_with_product(&app, "mine");
    let mine = signed_in(&app, "mine").await;
    let offer = offer_id(&grab(&mine, need).await);
    app.clock.advance(Duration::hours(2));
    // A bank session lapses after 15 idle minutes: the officer signs in again.
    let mine = signed_in(&app, "mine").await;
    let enterprise = signed_in(&app, "ent").await;

    let future = record(&mine, offer, &contact_at("visit", "2026-11-23T12:30")).await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(future.body.contains("id=\"contacted_at-error\">联系时间不能晚于现在"), "{}", future.body);
    assert!(future.body.contains("value=\"2026-11-23T12:30\""), "what was typed is kept");
    let early = record(&mine, offer, &contact_at("visit", "2026-11-23T09:00")).await;
    assert!(early.body.contains("联系时间不能早于抢单时间"), "{}", early.body);
    let no_method = record(&mine, offer, &contact_at("", "2026-11-23T10:30")).await;
    assert!(no_method.body.contains("id=\"method-error\">请选择联系方式"), "{}", no_method.body);
    assert_eq!(contact_row(&app, offer), (None, None, None), "nothing recorded");

    let done = record(&mine, offer, &contact_at("visit", "2026-11-23T10:30")).await;
    assert_eq!(done.location(), Some(format!("/officer/offers/{offer}?notice=contacted").as_str()));
    let at = start() + Duration::hours(1);
    assert_eq!(contact_row(&app, offer), (Some(at), Some("visit".into()), Some(start() + Duration::hours(2))));
    let page = mine.get(&format!("/officer/offers/{offer}")).await;
    assert!(page.body.contains("上门联系于 2026年11月23日 10:30"), "{}", page.body);
    assert!(page.body.contains("2026年11月23日 11:30 录入"));
    let seen = enterprise.get(&format!("/enterprise/needs/{need}")).await;
    assert!(seen.body.contains("以上门方式联系您"), "{}", seen.body);
    app.run_jobs().await;
}

#[tokio::test]
async fn the_contact_time_is_judged_by_when_the_contact_happened() {
    let app = TestApp::new();
    let (_, need) = enterprise_with_contact(&app).await;
    bank_with_product(&app, "mine");
    let mine = signed_in(&app, "mine").await;
    let offer = offer_id(&grab(&mine, need).await);
    // Due Wednesday 09:30; typed in at 09:35, before the sweep has run.
    app.clock.advance(Duration::days(2) + Duration::minutes(5));
    let mine = signed_in(&app, "mine").await;

    let late = record(&mine, offer, &contact_at("phone", "2026-11-25T09:32")).await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(late.body.contains("联系时间晚于联系时限"), "{}", late.body);
    let in_time = record(&mine, offer, &contact_at("phone", "2026-11-25T09:00")).await;
    assert_eq!(in_time.location(), Some(format!("/officer/offers/{offer}?notice=contacted").as_str()));

    xinyidai::jobs::deadlines(&app.state).await.unwrap();
    let status: String = offers::table.find(offer).select(offers::status).first(&mut *app.conn()).unwrap();
    assert_eq!(status, "active", "a call made in time keeps the slot");
    app.run_jobs().await;
}
