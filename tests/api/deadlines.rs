//! What the clock does to needs and offers, with time moved instead of waited
//! for; and the choices after a decline. The suite starts on Monday
//! 2026-11-23 at 09:30 Beijing time.

use std::sync::{Arc, Barrier};

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use xinyidai::actions::Ctx as Change;
use xinyidai::actions::need::{Accept, accept_offer};
use xinyidai::clock::Clock;
use xinyidai::domain::Role;
use xinyidai::jobs::deadlines::Swept;
use xinyidai::models::need::Need;
use xinyidai::schema::{needs, offers};

use crate::helpers::{BASE_URL, PASSWORD, TestApp, start};
use crate::market_setup::{bank_with_product, new_need};
use crate::portrait::enterprise_with_records;

async fn sweep(app: &TestApp) -> Swept {
    let swept = xinyidai::jobs::deadlines(&app.state).await.unwrap();
    app.run_jobs().await;
    swept
}

/// Grabs through the form as `officer`; returns the offer id.
async fn grab(app: &TestApp, officer: &str, need: i64) -> i64 {
    let client = app.client();
    client.login(officer, PASSWORD).await;
    let form = format!("/officer/hall/{need}");
    let page = client
        .submit(
            &form,
            &form,
            &[
                ("amount", "200"),
                ("rate", "4"),
                ("term", "12"),
                ("repayment_method", "annuity"),
                ("guarantee", "credit"),
                ("valid_until", "2026-12-04"),
            ],
        )
        .await;
    let location = page.location().unwrap_or_else(|| panic!("{}", page.body));
    location.trim_start_matches("/officer/offers/").split('?').next().unwrap().parse().unwrap()
}

/// A call recorded as made at the suite's start (Beijing time), when the grabs happen.
const CALLED_AT_START: [(&str, &str); 2] = [("method", "phone"), ("contacted_at", "2026-11-23T09:30")];

fn subjects(app: &TestApp, to: &str) -> Vec<String> {
    app.sent_emails().into_iter().filter(|e| e.to == to).map(|e| e.subject).collect()
}

fn need_row(app: &TestApp, need: i64) -> Need {
    Need::find(&mut app.conn(), need).unwrap().unwrap()
}

fn offer_status(app: &TestApp, offer: i64) -> String {
    offers::table.find(offer).select(offers::status).first(&mut *app.conn()).unwrap()
}

#[tokio::test]
async fn a_bank_that_does_not_record_contact_in_time_loses_the_slot_to_the_hall() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_product(&app, "idle");
    bank_with_product(&app, "other");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 168), start()).unwrap();
    let offer = grab(&app, "idle", need).await;
    assert_eq!(need_row(&app, need).slots_taken, 1);

    // Due Wednesday 09:30: a reminder a day before, once.
    app.clock.advance(Duration::days(1) + Duration::minutes(1));
    assert_eq!(sweep(&app).await.reminders, 1);
    assert_eq!(sweep(&app).await.reminders, 0);
    assert!(subjects(&app, "idle@example.com").iter().any(|s| s.contains("请尽快联系企业")));
    assert_eq!(offer_status(&app, offer), "active");

    app.clock.advance(Duration::days(1));
    assert_eq!(sweep(&app).await.slots_released, 1);
    assert_eq!(offer_status(&app, offer), "released");
    assert_eq!(need_row(&app, need).slots_taken, 0, "the slot is back in the hall");
    assert!(subjects(&app, "ent@example.com").iter().any(|s| s.contains("抢单名额已释放")));
    assert!(subjects(&app, "idle@example.com").iter().any(|s| s.contains("抢单名额已释放")));
    let other = app.client();
    other.login("other", PASSWORD).await;
    assert!(other.get("/officer/hall").await.body.contains("200.00 万元"));
    let again = app.client();
    again.login("idle", PASSWORD).await;
    assert!(!again.get("/officer/hall").await.body.contains("200.00 万元"), "the idle bank does not get it back");
}

#[tokio::test]
async fn recorded_contact_keeps_the_slot() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_product(&app, "officer");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 168), start()).unwrap();
    let offer = grab(&app, "officer", need).await;
    let client = app.client();
    client.login("officer", PASSWORD).await;
    let page = client
        .submit(&format!("/officer/offers/{offer}"), &format!("/officer/offers/{offer}/contact"), &CALLED_AT_START)
        .await;
    assert_eq!(page.location(), Some(format!("/officer/offers/{offer}?notice=contacted").as_str()));
    app.clock.advance(Duration::days(5));
    assert_eq!(sweep(&app).await.slots_released, 0);
    assert_eq!(offer_status(&app, offer), "active");
}

#[tokio::test]
async fn the_window_ends_and_then_the_offers_lapse() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_product(&app, "officer");
    let with_offer = Need::publish(&mut app.conn(), enterprise, &new_need(200, 24), start()).unwrap();
    let without = Need::publish(&mut app.conn(), enterprise, &new_need(100, 24), start()).unwrap();
    let offer = grab(&app, "officer", with_offer).await;
    let client = app.client();
    client.login("officer", PASSWORD).await;
    client
        .submit(&format!("/officer/offers/{offer}"), &format!("/officer/offers/{offer}/contact"), &CALLED_AT_START)
        .await;

    app.clock.advance(Duration::hours(24) - Duration::seconds(1));
    assert_eq!(sweep(&app).await.windows_ended, 0);
    app.clock.advance(Duration::seconds(1));
    assert_eq!(sweep(&app).await.windows_ended, 2);
    assert_eq!(need_row(&app, with_offer).status.as_str(), "awaiting_choice");
    assert_eq!(need_row(&app, without).status.as_str(), "expired");
    let told = subjects(&app, "ent@example.com");
    assert!(told.iter().any(|s| s.contains("抢单已截止，共有 1 家银行报价")), "{told:?}");
    assert!(told.iter().any(|s| s.contains("暂无银行报价")));

    // Valid through 2026-12-04 (Beijing): a reminder the day before, then it lapses.
    let end_of_valid = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap().and_hms_opt(15, 59, 59).unwrap();
    app.clock.advance(end_of_valid - app.clock.now() - Duration::hours(12));
    assert_eq!(sweep(&app).await.reminders, 1);
    assert!(subjects(&app, "ent@example.com").iter().any(|s| s.contains("报价即将失效")));
    app.clock.advance(Duration::hours(12));
    assert_eq!(sweep(&app).await.offers_lapsed, 1);
    assert_eq!(offer_status(&app, offer), "lapsed");
    assert_eq!(need_row(&app, with_offer).status.as_str(), "expired");
}

#[tokio::test]
async fn a_late_decision_is_flagged_to_the_credit_office_counting_its_holidays() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_product(&app, "officer");
    app.user(Role::CreditOffice, "office");
    let office = app.client();
    office.login("office", PASSWORD).await;
    let saved = office
        .submit(
            "/credit-office/holidays",
            "/credit-office/holidays",
            &[("day", "2026-12-01"), ("name", "测试假日"), ("kind", "holiday")],
        )
        .await;
    assert_eq!(saved.location(), Some("/credit-office/holidays?notice=holiday_saved"));
    let bad = office
        .submit(
            "/credit-office/holidays",
            "/credit-office/holidays",
            &[("day", "明天"), ("name", ""), ("kind", "holiday")],
        )
        .await;
    assert_eq!(bad.status, axum::http::StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("请选择日期") && bad.body.contains("请填写名称"));

    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let offer = grab(&app, "officer", need).await;
    let change = Change::system(app.clock.now(), BASE_URL);
    accept_offer(&mut app.conn(), &change, Accept { enterprise_id: enterprise, need_id: need, offer_id: offer })
        .unwrap()
        .unwrap();
    // Ten working days from Monday 23 November, skipping two weekends and Tuesday 1 December.
    let due: Option<chrono::NaiveDateTime> =
        offers::table.find(offer).select(offers::decision_due).first(&mut *app.conn()).unwrap();
    let expected = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap().and_hms_opt(1, 30, 0).unwrap();
    assert_eq!(due, Some(expected));

    app.clock.advance(expected - app.clock.now() - Duration::hours(2));
    assert_eq!(sweep(&app).await.reminders, 1);
    assert!(subjects(&app, "officer@example.com").iter().any(|s| s.contains("授信决定即将到期")));
    assert!(!need_row(&app, need).overdue);
    app.clock.advance(Duration::hours(2));
    assert_eq!(sweep(&app).await.decisions_overdue, 1);
    assert_eq!(sweep(&app).await.decisions_overdue, 0);
    assert!(need_row(&app, need).overdue);
    assert!(subjects(&app, "officer@example.com").iter().any(|s| s.contains("授信决定已超时")));
    let office = app.client();
    office.login("office", PASSWORD).await;
    let board = office.get("/credit-office/needs?show=overdue").await;
    assert!(board.body.contains("ent有限公司") && board.body.contains("决定超时"), "{}", board.body);
}

#[tokio::test]
async fn after_a_decline_the_enterprise_accepts_another_offer_or_republishes_in_one_click() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_product(&app, "first");
    bank_with_product(&app, "second");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let (a, b) = (grab(&app, "first", need).await, grab(&app, "second", need).await);
    let browser = app.client();
    browser.login("ent", PASSWORD).await;
    let accept_path = |offer: i64| format!("/enterprise/needs/{need}/offers/{offer}/accept");
    browser.submit(&accept_path(a), &accept_path(a), &[]).await;
    let decline = |officer: &'static str, offer: i64| {
        let app = &app;
        async move {
            let client = app.client();
            client.login(officer, PASSWORD).await;
            let page = client
                .submit(
                    &format!("/officer/offers/{offer}"),
                    &format!("/officer/offers/{offer}/decision"),
                    &[("decision", "decline"), ("reason", "tax_arrears"), ("note", "系统显示存在欠税记录。")],
                )
                .await;
            assert_eq!(page.status, axum::http::StatusCode::SEE_OTHER, "{}", page.body);
        }
    };
    decline("first", a).await;
    assert_eq!(need_row(&app, need).status.as_str(), "declined");
    let page = browser.get(&format!("/enterprise/needs/{need}")).await;
    assert!(page.body.contains("银行未批准：存在欠税记录") && page.body.contains("提出异议"));
    assert!(page.body.contains(&accept_path(b)) && !page.body.contains(&accept_path(a)));

    let again = browser.submit(&accept_path(b), &accept_path(b), &[]).await;
    assert_eq!(again.location(), Some(format!("/enterprise/needs/{need}?notice=accepted").as_str()));
    assert_eq!(need_row(&app, need).accepted_offer_id, Some(b));
    decline("second", b).await;

    let path = format!("/enterprise/needs/{need}/republish");
    let republished = browser.submit(&format!("/enterprise/needs/{need}"), &path, &[]).await;
    let location = republished.location().unwrap().to_string();
    let new: i64 = location.trim_start_matches("/enterprise/needs/").split('?').next().unwrap().parse().unwrap();
    assert_eq!(need_row(&app, need).status.as_str(), "cancelled");
    let fresh = need_row(&app, new);
    assert_eq!(
        (fresh.status.as_str(), fresh.republished_from, fresh.amount.fen()),
        ("open", Some(need), 200 * 1_000_000)
    );
    assert_eq!(Need::active_count(&mut app.conn(), enterprise).unwrap(), 1);
    let first = app.client();
    first.login("first", PASSWORD).await;
    assert!(first.get("/officer/hall").await.body.contains(&format!("/officer/hall/{new}")), "every bank may grab it");
    app.run_jobs().await;
}

#[test]
fn concurrent_accepts_of_two_offers_leave_exactly_one_accepted() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    let banks = [bank_with_product(&app, "a"), bank_with_product(&app, "b")];
    let officers: Vec<i64> = ["a", "b"]
        .iter()
        .map(|u| {
            xinyidai::schema::users::table
                .filter(xinyidai::schema::users::username.eq(*u))
                .select(xinyidai::schema::users::id)
                .first(&mut *app.conn())
                .unwrap()
        })
        .collect();
    for round in 0..10 {
        let now = start() + Duration::minutes(round);
        let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), now).unwrap();
        let terms = xinyidai::models::offer::OfferTerms {
            amount: xinyidai::domain::Money::from_yuan(2_000_000),
            rate: xinyidai::domain::Rate::from_units(40_000),
            term_months: 12,
            repayment_method: xinyidai::domain::repayment::RepaymentMethod::Annuity,
            guarantee: xinyidai::domain::Guarantee::Credit,
            conditions: "无".into(),
            valid_until: now + Duration::days(10),
        };
        let change = Change::system(now, BASE_URL);
        let made: Vec<i64> = (0..2)
            .map(|i| {
                let grab =
                    crate::market_setup::grab_as(&mut app.conn(), (need, banks[i], officers[i]), &terms, &change);
                grab.unwrap().unwrap()
            })
            .collect();
        let barrier = Arc::new(Barrier::new(2));
        let winners: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = made
                .iter()
                .map(|offer| {
                    let (barrier, change, db, offer) = (barrier.clone(), change.clone(), app.state.db.clone(), *offer);
                    scope.spawn(move || {
                        let mut conn = db.connect_one().unwrap();
                        barrier.wait();
                        accept_offer(
                            &mut conn,
                            &change,
                            Accept { enterprise_id: enterprise, need_id: need, offer_id: offer },
                        )
                        .unwrap()
                        .is_ok()
                    })
                })
                .collect();
            handles.into_iter().map(|h| usize::from(h.join().unwrap())).sum()
        });
        assert_eq!(winners, 1, "round {round}");
        let statuses: Vec<String> = offers::table
            .filter(offers::need_id.eq(need))
            .order(offers::status)
            .select(offers::status)
            .load(&mut *app.conn())
            .unwrap();
        assert_eq!(statuses, ["accepted", "not_selected"], "round {round}");
        let status: String = needs::table.find(need).select(needs::status).first(&mut *app.conn()).unwrap();
        assert_eq!(status, "matched");
        // Back to none open, so the enterprise stays under its limit.
        diesel::update(needs::table.find(need)).set(needs::status.eq("granted")).execute(&mut *app.conn()).unwrap();
    }
    app.run_jobs_blocking();
}

#[tokio::test]
async fn a_bank_accepted_after_a_decline_gets_its_own_decision_time_and_can_read_the_portrait() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_product(&app, "late");
    bank_with_product(&app, "next");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let (a, b) = (grab(&app, "late", need).await, grab(&app, "next", need).await);
    for offer in [a, b] {
        let until = NaiveDate::from_ymd_opt(2027, 1, 20).unwrap().and_hms_opt(15, 0, 0).unwrap();
        diesel::update(offers::table.find(offer)).set(offers::valid_until.eq(until)).execute(&mut *app.conn()).unwrap();
    }
    let accept_now = |offer: i64| {
        let change = Change::system(app.clock.now(), BASE_URL);
        accept_offer(&mut app.conn(), &change, Accept { enterprise_id: enterprise, need_id: need, offer_id: offer })
            .unwrap()
            .unwrap();
    };
    accept_now(a);
    app.clock.advance(Duration::days(20));
    assert_eq!(sweep(&app).await.decisions_overdue, 1);
    let decline =
        xinyidai::actions::offer::Decision::Decline { reason: "other".into(), note: "资料不全。".into() };
    let institution: i64 = offers::table.find(a).select(offers::institution_id).first(&mut *app.conn()).unwrap();
    let change = Change::system(app.clock.now(), BASE_URL);
    let input = xinyidai::actions::offer::Decide {
        offer: xinyidai::actions::offer::OwnOffer { institution_id: institution, offer_id: a },
        decision: decline,
    };
    xinyidai::actions::offer::record_decision(&mut app.conn(), &change, input).unwrap().unwrap();

    // Forty days after the window closed, past the grab's own authorization.
    app.clock.advance(Duration::days(20));
    accept_now(b);
    assert!(!need_row(&app, need).overdue, "the next bank is not late yet");
    let next = app.client();
    next.login("next", PASSWORD).await;
    let portrait = next.get(&format!("/portraits/{enterprise}")).await;
    assert_eq!(portrait.status, axum::http::StatusCode::OK, "the deciding bank reads the portrait");
    app.clock.advance(Duration::days(15));
    assert_eq!(sweep(&app).await.decisions_overdue, 1, "and is flagged when it is late in turn");
    assert!(need_row(&app, need).overdue);
}
