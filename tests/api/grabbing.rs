//! Grab exactness under contention, on whichever backend the suite runs.

use std::sync::{Arc, Barrier};

use chrono::Duration;
use diesel::prelude::*;
use xinyidai::actions::Ctx as Change;
use xinyidai::actions::Refusal;
use xinyidai::domain::need::GrabRefusal;
use xinyidai::domain::{Money, Rate};
use xinyidai::models::need::{Need, NewNeed};
use xinyidai::models::offer::OfferTerms;
use xinyidai::schema::{needs, offers, users};

use crate::helpers::{BASE_URL, TestApp, start};
use crate::market_setup::{bank_with_product, grab_as};
use crate::portrait::enterprise_with_records;

fn open_need(app: &TestApp, enterprise: i64, slots: i32) -> i64 {
    let need = NewNeed {
        amount: Money::from_yuan(2_000_000),
        term_months: 12,
        purpose: "采购原材料".into(),
        guarantee: xinyidai::domain::Guarantee::Credit,
        max_rate: Rate::from_units(45_000),
        window_hours: 72,
        slots,
        product_id: None,
        institution_id: None,
    };
    Need::publish(&mut app.conn(), enterprise, &need, start()).unwrap()
}

fn terms() -> OfferTerms {
    OfferTerms {
        amount: Money::from_yuan(2_000_000),
        rate: Rate::from_units(38_500),
        term_months: 12,
        repayment_method: xinyidai::domain::repayment::RepaymentMethod::InterestOnly,
        guarantee: xinyidai::domain::Guarantee::Credit,
        conditions: "无".into(),
        valid_until: start() + Duration::days(10),
    }
}

/// `count` institutions, each with an officer and a product that fits the
/// needs here; returns (institution, officer) pairs.
fn banks(app: &TestApp, count: usize) -> Vec<(i64, i64)> {
    (0..count)
        .map(|i| {
            let username = format!("officer-{i}");
            let institution = bank_with_product(app, &username);
            let officer: i64 =
                users::table.filter(users::username.eq(&username)).select(users::id).first(&mut *app.conn()).unwrap();
            (institution, officer)
        })
        .collect()
}

/// Runs every grab at the same instant, each on its own connection and thread.
fn grab_all(
    app: &TestApp,
    need: i64,
    grabbers: &[(i64, i64)],
    now: chrono::NaiveDateTime,
) -> Vec<Result<i64, Refusal>> {
    let barrier = Arc::new(Barrier::new(grabbers.len()));
    let threads: Vec<_> = grabbers
        .iter()
        .map(|&(institution, officer)| {
            let (db, barrier) = (app.state.db.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut conn = db.connect_one().expect("a connection");
                barrier.wait();
                grab_as(&mut conn, (need, institution, officer), &terms(), &Change::system(now, BASE_URL))
                    .expect("no database error")
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().expect("no panic")).collect()
}

#[tokio::test]
async fn a_hundred_banks_grabbing_a_three_slot_need_get_exactly_three_offers_every_time() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    let grabbers = banks(&app, 100);
    for round in 0..20 {
        let need = open_need(&app, enterprise, 3);
        let results = grab_all(&app, need, &grabbers, start() + Duration::minutes(1));
        let won: Vec<i64> = results.iter().filter_map(|r| r.as_ref().ok().copied()).collect();
        assert_eq!(won.len(), 3, "round {round}");
        assert!(
            results.iter().filter_map(|r| r.as_ref().err()).all(|r| *r == GrabRefusal::Full.into()),
            "round {round}: the others are told it is full"
        );
        let institutions: Vec<i64> = offers::table
            .filter(offers::need_id.eq(need))
            .select(offers::institution_id)
            .load(&mut *app.conn())
            .unwrap();
        let mut distinct = institutions.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!((institutions.len(), distinct.len()), (3, 3), "round {round}: three offers from three banks");
        let taken: i32 = needs::table.find(need).select(needs::slots_taken).first(&mut *app.conn()).unwrap();
        assert_eq!(taken, 3);
        diesel::update(needs::table.find(need)).set(needs::status.eq("expired")).execute(&mut *app.conn()).unwrap();
    }
}

#[tokio::test]
async fn twenty_identical_grabs_from_one_officer_make_one_offer() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    let bank = banks(&app, 1)[0];
    let need = open_need(&app, enterprise, 3);
    let results = grab_all(&app, need, &vec![bank; 20], start() + Duration::minutes(1));
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(results.iter().filter_map(|r| r.as_ref().err()).all(|r| *r == GrabRefusal::AlreadyOffered.into()));
    let taken: i32 = needs::table.find(need).select(needs::slots_taken).first(&mut *app.conn()).unwrap();
    assert_eq!(taken, 1, "refused grabs leave the slot count alone");
}

#[tokio::test]
async fn grabs_at_the_deadline_boundary() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    let grabbers = banks(&app, 2);
    let need = open_need(&app, enterprise, 3);
    let deadline = start() + Duration::hours(72);
    let just_before = grab_all(&app, need, &grabbers[..1], deadline - Duration::milliseconds(1));
    assert!(just_before[0].is_ok(), "a grab one millisecond before the deadline counts");
    let at = grab_all(&app, need, &grabbers[1..], deadline);
    assert_eq!(at[0], Err(GrabRefusal::WindowClosed.into()), "at the deadline the window is closed");
    let count: i64 = offers::table.filter(offers::need_id.eq(need)).count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_need_for_one_product_can_only_be_grabbed_by_its_bank() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    let grabbers = banks(&app, 2);
    let need = open_need(&app, enterprise, 1);
    diesel::update(needs::table.find(need))
        .set(needs::institution_id.eq(grabbers[0].0))
        .execute(&mut *app.conn())
        .unwrap();
    let outsider = grab_all(&app, need, &grabbers[1..], start() + Duration::minutes(1));
    assert_eq!(outsider[0], Err(GrabRefusal::NotForYou.into()));
    let owner = grab_all(&app, need, &grabbers[..1], start() + Duration::minutes(1));
    assert!(owner[0].is_ok());
    // The grabbing bank may now see the portrait.
    let authorized: i64 = xinyidai::schema::authorizations::table
        .filter(xinyidai::schema::authorizations::institution_id.eq(grabbers[0].0))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(authorized, 1);
}
