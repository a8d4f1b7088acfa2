//! Demo needs at every stage of their life, made through the same functions
//! the pages call, at earlier times: open needs in the hall (some grabbed),
//! needs awaiting a choice, matched needs waiting for a decision (one of them
//! overdue), granted, declined, expired and cancelled ones. The demo
//! enterprise and the demo officer each have something to act on.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;
use rand::rngs::StdRng;

use crate::actions::Ctx as Change;
use crate::actions::need::{Accept, OwnNeed, accept_offer, cancel_need};
use crate::actions::offer::{
    Approval, Contact, Decide, Decision, Grab, OwnOffer, grab_need, record_contact, record_decision,
};
use crate::clock::TestClock;
use crate::db::DbConn;
use crate::domain::contact::ContactMethod;
use crate::domain::{Guarantee, Money, Rate};
use crate::jobs::deadlines;
use crate::models::audit::Actor;
use crate::models::hall::FitRules;
use crate::models::need::{Need, NewNeed};
use crate::models::offer::OfferTerms;
use crate::models::product::Product;
use crate::schema::{credit_evaluations, enterprises, users};

const PURPOSES: [&str; 6] =
    ["采购原材料", "支付供应商货款", "补充流动资金", "购置生产设备", "扩建仓储设施", "支付工程进度款"];
const GUARANTEES: [Guarantee; 4] = [Guarantee::Credit, Guarantee::Guarantee, Guarantee::Mortgage, Guarantee::Credit];

/// The demo officers by institution: (username, institution id, user id).
pub(super) fn officers(conn: &mut DbConn) -> QueryResult<Vec<(String, i64, i64)>> {
    let rows: Vec<(String, Option<i64>, i64)> = users::table
        .filter(users::role.eq("officer"))
        .order(users::id)
        .select((users::username, users::institution_id, users::id))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(u, i, id)| Some((u, i?, id))).collect())
}

pub(super) fn actor(officer: &(String, i64, i64)) -> Actor {
    Actor { user_id: Some(officer.2), role: Some("officer".into()), institution_id: Some(officer.1), ip: None }
}

fn publish(conn: &mut DbConn, rng: &mut StdRng, enterprise: i64, window: i32, at: NaiveDateTime) -> QueryResult<i64> {
    let amount = [50, 80, 100, 150, 200, 300, 500][rng.random_range(0..7)];
    let need = NewNeed {
        amount: Money::from_yuan(amount * 10_000),
        term_months: [6, 12, 12, 24, 36][rng.random_range(0..5)],
        purpose: PURPOSES[rng.random_range(0..PURPOSES.len())].into(),
        guarantee: GUARANTEES[rng.random_range(0..GUARANTEES.len())],
        max_rate: Rate::from_units([42_000, 45_000, 50_000, 60_000][rng.random_range(0..4)]),
        window_hours: window,
        slots: 3,
        product_id: None,
        institution_id: None,
    };
    Need::publish(conn, enterprise, &need, at)
}

/// An officer grabs `need` at `at` with a rate a little under the cap; returns the offer.
pub(super) fn offer(
    conn: &mut DbConn,
    rng: &mut StdRng,
    base_url: &str,
    need: i64,
    officer: &(String, i64, i64),
    at: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    let n = Need::find(conn, need)?.ok_or(diesel::result::Error::NotFound)?;
    // One of the methods the bank's products offer for the need, as the grab
    // form allows, spread so that the demo enterprise's two offers differ.
    let methods = Product::methods_for_need(conn, officer.1, need)?;
    let terms = OfferTerms {
        amount: n.amount,
        rate: Rate::from_units(n.max_rate.units() - rng.random_range(1..8) * 1_000),
        term_months: n.term_months,
        repayment_method: methods[(need + officer.1 + 2) as usize % methods.len()],
        guarantee: n.guarantee,
        conditions: ["需开立本行结算账户", "需提供近一年纳税证明", "无"][rng.random_range(0..3)].into(),
        valid_until: n.deadline.unwrap_or(at) + Duration::days(10),
    };
    let change = Change { actor: actor(officer), now: at, base_url: base_url.into() };
    let grab = Grab { need_id: need, institution_id: officer.1, officer_id: officer.2, terms };
    Ok(grab_need(conn, &change, &grab, &TestClock::new(at))?.ok())
}

/// The first of `officers`, counting from `start`, whose bank has a published
/// product that fits `need`: a grab by any other would be refused.
pub(super) fn fitting(
    conn: &mut DbConn,
    need: i64,
    officers: &[(String, i64, i64)],
    start: usize,
) -> QueryResult<Option<(String, i64, i64)>> {
    for k in 0..officers.len() {
        let officer = &officers[(start + k) % officers.len()];
        if FitRules::published(conn, officer.1)?.fit_need(conn, need)? {
            return Ok(Some(officer.clone()));
        }
    }
    Ok(None)
}

pub(super) fn at(base_url: &str, change_now: NaiveDateTime, officer: Option<&(String, i64, i64)>) -> Change {
    let actor = officer.map_or_else(|| Actor { role: Some("enterprise".into()), ..Actor::default() }, actor);
    Change { actor, now: change_now, base_url: base_url.into() }
}

pub(super) fn refuse(reason: crate::actions::Refusal) -> anyhow::Error {
    anyhow::anyhow!(reason.to_string())
}

/// The demo officer records a call to the enterprise on its offer, made as it records it.
fn contact(conn: &mut DbConn, change: &Change, officer: &(String, i64, i64), offer: i64) -> anyhow::Result<()> {
    let offer = OwnOffer { institution_id: officer.1, offer_id: offer };
    record_contact(conn, change, Contact { offer, method: ContactMethod::Phone, at: change.now })?.map_err(refuse)
}

/// The enterprise accepts the offer of its need.
pub(super) fn accept(conn: &mut DbConn, change: &Change, enterprise: i64, need: i64, offer: i64) -> anyhow::Result<()> {
    accept_offer(conn, change, Accept { enterprise_id: enterprise, need_id: need, offer_id: offer })?.map_err(refuse)
}

/// The demo officer records its decision on the accepted offer.
pub(super) fn decide(
    conn: &mut DbConn,
    change: &Change,
    officer: &(String, i64, i64),
    offer: i64,
    decision: Decision,
) -> anyhow::Result<()> {
    let offer = OwnOffer { institution_id: officer.1, offer_id: offer };
    record_decision(conn, change, Decide { offer, decision })?.map_err(refuse)
}

/// Adds the demo needs; `demo_enterprise` gets one open and one awaiting a
/// choice. The links in their emails point at `base_url` (the site's BASE_URL).
pub fn add(
    conn: &mut DbConn,
    rng: &mut StdRng,
    demo_enterprise: i64,
    now: NaiveDateTime,
    base_url: &str,
) -> anyhow::Result<()> {
    let at = |change_now: NaiveDateTime, officer: Option<&(String, i64, i64)>| at(base_url, change_now, officer);
    let officers = officers(conn)?;
    let by_name = |name: &str| officers.iter().find(|o| o.0 == name).cloned().expect("demo officer");
    let demo_officer = by_name("demo-officer");
    let others: Vec<_> = officers.iter().filter(|o| o.1 != demo_officer.1).cloned().collect();
    let dishonest: Vec<String> = credit_evaluations::table
        .filter(credit_evaluations::dishonest.eq(true))
        .select(credit_evaluations::uscc)
        .load(conn)?;
    let mut pool: Vec<i64> = enterprises::table
        .filter(enterprises::id.ne(demo_enterprise))
        .filter(enterprises::uscc.ne_all(dishonest))
        .select(enterprises::id)
        .load(conn)?;
    pool.retain(|_| rng.random_bool(0.5));
    let mut next = pool.into_iter();
    let mut enterprise = || next.next().expect("enough demo enterprises");

    // The demo enterprise: an open need with one offer, and one whose window ended with two.
    let no_bank = || anyhow::anyhow!("no other demo bank has a product for the demo enterprise's need");
    let open = publish(conn, rng, demo_enterprise, 72, now - Duration::hours(20))?;
    let first = fitting(conn, open, &others, 0)?.ok_or_else(no_bank)?;
    offer(conn, rng, base_url, open, &first, now - Duration::hours(18))?;
    let choosing = publish(conn, rng, demo_enterprise, 72, now - Duration::hours(80))?;
    let mine = offer(conn, rng, base_url, choosing, &demo_officer, now - Duration::hours(78))?;
    let second = fitting(conn, choosing, &others, 1)?.ok_or_else(no_bank)?;
    let theirs = offer(conn, rng, base_url, choosing, &second, now - Duration::hours(70))?;
    for (offer, officer) in [(mine, &demo_officer), (theirs, &second)] {
        if let Some(offer) = offer {
            contact(conn, &at(now - Duration::hours(60), Some(officer)), officer, offer)?;
        }
    }
    // The demo enterprise's history: granted by the demo bank months ago.
    let granted = publish(conn, rng, demo_enterprise, 168, now - Duration::days(120))?;
    if let Some(won) = offer(conn, rng, base_url, granted, &demo_officer, now - Duration::days(119))? {
        let e = at(now - Duration::days(117), None);
        accept(conn, &e, demo_enterprise, granted, won)?;
        let approval = Approval {
            amount: Need::find(conn, granted)?.map_or(Money::from_yuan(1_000_000), |n| n.amount),
            rate: Rate::from_units(38_500),
            term_months: 12,
            date: crate::clock::beijing(now - Duration::days(110)).date_naive(),
        };
        decide(
            conn,
            &at(now - Duration::days(110), Some(&demo_officer)),
            &demo_officer,
            won,
            Decision::Approve(approval),
        )?;
    }

    // The hall: open needs of other enterprises, some already grabbed.
    for i in 0..40 {
        let published = now - Duration::hours(rng.random_range(1..60));
        let need = publish(conn, rng, enterprise(), [72, 168, 168, 24][i % 4], published)?;
        if i % 3 == 0
            && let Some(officer) = fitting(conn, need, &others, i % others.len())?
            && let Some(grabbed) = offer(conn, rng, base_url, need, &officer, published + Duration::minutes(30))?
        {
            contact(conn, &at(published + Duration::hours(1), Some(&officer)), &officer, grabbed)?;
        }
    }
    // Matched needs waiting for the demo bank's decision; the oldest is overdue.
    for days_ago in [2, 6, 16] {
        let e = enterprise();
        let need = publish(conn, rng, e, 24, now - Duration::days(days_ago + 2))?;
        if let Some(won) =
            offer(conn, rng, base_url, need, &demo_officer, now - Duration::days(days_ago + 2) + Duration::hours(2))?
        {
            let contacted = now - Duration::days(days_ago + 1);
            contact(conn, &at(contacted, Some(&demo_officer)), &demo_officer, won)?;
            accept(conn, &at(now - Duration::days(days_ago), None), e, need, won)?;
        }
    }
    // A need the demo bank declined, an expired one and a cancelled one.
    let e = enterprise();
    let declined = publish(conn, rng, e, 24, now - Duration::days(9))?;
    if let Some(won) =
        offer(conn, rng, base_url, declined, &demo_officer, now - Duration::days(9) + Duration::hours(1))?
    {
        contact(conn, &at(now - Duration::days(8), Some(&demo_officer)), &demo_officer, won)?;
        accept(conn, &at(now - Duration::days(7), None), e, declined, won)?;
        let decline = Decision::Decline {
            reason: "collateral".into(), note: "申请金额较大，需追加房产抵押。".into()
        };
        decide(conn, &at(now - Duration::days(5), Some(&demo_officer)), &demo_officer, won, decline)?;
    }
    publish(conn, rng, enterprise(), 24, now - Duration::days(20))?;
    let e = enterprise();
    let withdrawn = publish(conn, rng, e, 72, now - Duration::days(12))?;
    let own = OwnNeed { enterprise_id: e, need_id: withdrawn };
    cancel_need(conn, &at(now - Duration::days(11), None), own)?.map_err(refuse)?;

    // Let the clock catch up: windows end, the overdue decision is flagged.
    deadlines::sweep(conn, base_url, now)?;
    Ok(())
}
