//! The snapshot cache (`models::stats::snapshot`): what it serves equals a
//! rebuild from scratch after changes made through the actions, it serves
//! the figures it kept while nothing it can see has changed, and figures
//! that no longer hold are served as kept until the refresh job ran.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use rust_decimal::Decimal;
use xinyidai::actions::loan::{OwnLoan, record_drawdown};
use xinyidai::clock::Clock;
use xinyidai::domain::Money;
use xinyidai::domain::stats::{Filter, Period, Statistics};
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::models::stats::{self, snapshot};
use xinyidai::schema::{drawdowns, jobs};

use crate::helpers::TestApp;
use crate::loan_setup::{Approved, approved, loan, officer_ctx};

fn november() -> Period {
    Period::month(2026, 11).unwrap()
}

/// The figures as a page reads them, through the cache, at the app's clock.
fn read(app: &TestApp) -> Statistics {
    stats::statistics(&mut app.conn(), app.clock.now(), &november(), &Filter::default()).unwrap().0
}

/// The figures once they no longer hold: the first read serves them as kept
/// and queues their refresh, the refresh job computes them, the next read
/// serves what it computed.
fn refreshed(app: &TestApp) -> Statistics {
    read(app);
    assert!(app.run_jobs_blocking() >= 1, "the refresh ran");
    read(app)
}

/// Refreshes queued and not yet run.
fn waiting_refreshes(app: &TestApp) -> i64 {
    jobs::table
        .filter(jobs::kind.eq(snapshot::REFRESH_SNAPSHOT))
        .filter(jobs::finished_at.is_null())
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

/// The figures computed from scratch, the cache emptied first.
fn rebuilt(app: &TestApp) -> Statistics {
    snapshot::clear(&mut app.conn()).unwrap();
    read(app)
}

fn json(s: &Statistics) -> serde_json::Value {
    serde_json::to_value(s).unwrap()
}

fn period(s: &Statistics, key: &str) -> Option<Decimal> {
    s.indicator(key).unwrap().period
}

fn wan(text: &str) -> Option<Decimal> {
    Some(text.parse().unwrap())
}

fn draw(app: &TestApp, deal: &Approved, own: OwnLoan, iou: &str, yuan: i64) {
    let value_date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let new = NewDrawdown { iou_no: iou.into(), amount: Money::from_yuan(yuan), value_date, term_months: 6 };
    record_drawdown(&mut app.conn(), &officer_ctx(app, deal), own, new).unwrap().unwrap();
}

/// Past the time figures are served whatever happened.
fn after_fresh(app: &TestApp) {
    app.clock.advance(snapshot::FRESH + Duration::seconds(1));
}

#[test]
fn the_cached_figures_equal_a_rebuild_after_each_change() {
    let app = TestApp::new();
    assert_eq!(period(&read(&app), "need_count"), wan("0"));

    // A need published, grabbed, accepted and approved: each step writes an audit row.
    let deal = approved(&app, "tongji", "officer");
    after_fresh(&app);
    assert_eq!(period(&read(&app), "need_count"), wan("0"), "served as kept until the refresh ran");
    app.run_jobs_blocking();
    let cached = read(&app);
    assert_eq!(period(&cached, "need_count"), wan("1"));
    assert_eq!(period(&cached, "credit_amount"), wan("200.00"));
    assert_eq!(json(&cached), json(&rebuilt(&app)));

    let own = loan(&app, &deal);
    after_fresh(&app);
    let cached = refreshed(&app);
    assert_eq!(json(&cached), json(&rebuilt(&app)));

    draw(&app, &deal, own, "JJ-1", 1_500_000);
    after_fresh(&app);
    let cached = refreshed(&app);
    assert_eq!(period(&cached, "loan_amount"), wan("150.00"));
    assert_eq!(json(&cached), json(&rebuilt(&app)));

    draw(&app, &deal, own, "JJ-2", 300_000);
    after_fresh(&app);
    let cached = refreshed(&app);
    assert_eq!(period(&cached, "loan_count"), wan("2"));
    assert_eq!(period(&cached, "loan_amount"), wan("180.00"));
    assert_eq!(json(&cached), json(&rebuilt(&app)));
    app.run_jobs_blocking();
}

#[test]
fn figures_are_served_from_the_cache_while_nothing_changed() {
    let app = TestApp::new();
    let deal = approved(&app, "tongji", "officer");
    let own = loan(&app, &deal);
    draw(&app, &deal, own, "JJ-1", 1_500_000);
    let read_at = app.clock.now();
    assert_eq!(period(&read(&app), "loan_amount"), wan("150.00"));

    // A row changed behind the audit log's back (150 → 160 万元).
    diesel::update(drawdowns::table.filter(drawdowns::iou_no.eq("JJ-1")))
        .set(drawdowns::amount_fen.eq(160_000_000_i64))
        .execute(&mut *app.conn())
        .unwrap();
    app.clock.advance(Duration::seconds(30));
    assert_eq!(period(&read(&app), "loan_amount"), wan("150.00"), "within FRESH: the kept figures");
    after_fresh(&app);
    let (kept, at) = stats::statistics(&mut app.conn(), app.clock.now(), &november(), &Filter::default()).unwrap();
    assert_eq!(period(&kept, "loan_amount"), wan("150.00"), "the log has not moved: kept up to STILL");
    assert_eq!(at, read_at, "the page says when its figures were read");
    app.clock.advance(snapshot::STILL - snapshot::FRESH);
    assert_eq!(period(&read(&app), "loan_amount"), wan("150.00"), "after STILL: served as kept, refresh queued");
    assert_eq!(period(&read(&app), "loan_amount"), wan("150.00"), "a second reader before the refresh ran");
    assert_eq!(waiting_refreshes(&app), 1, "one refresh queued for both readers");
    app.run_jobs_blocking();
    assert_eq!(period(&read(&app), "loan_amount"), wan("160.00"), "after STILL: read again");

    // An action moves the log: served as kept within FRESH, read again after it.
    draw(&app, &deal, own, "JJ-2", 300_000);
    app.clock.advance(Duration::seconds(10));
    assert_eq!(period(&read(&app), "loan_amount"), wan("160.00"));
    after_fresh(&app);
    assert_eq!(period(&refreshed(&app), "loan_amount"), wan("190.00"));
    app.run_jobs_blocking();
}

#[test]
fn one_refresh_computes_every_waiting_subject_from_one_read() {
    let app = TestApp::new();
    let quarter = Period::quarter(2026, 4).unwrap();
    let read_quarter =
        |app: &TestApp| stats::statistics(&mut app.conn(), app.clock.now(), &quarter, &Filter::default()).unwrap().0;
    read(&app);
    read_quarter(&app);
    approved(&app, "tongji", "officer");
    app.run_jobs_blocking();
    after_fresh(&app);
    assert_eq!(period(&read(&app), "need_count"), wan("0"));
    assert_eq!(period(&read_quarter(&app), "need_count"), wan("0"));
    assert_eq!(waiting_refreshes(&app), 2, "a refresh queued for each subject");

    // The first refresh job computes both from its one read; the second finds its figures holding.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    assert!(runtime.block_on(xinyidai::jobs::run_one_in(&app.state, "w", xinyidai::jobs::STATISTICS_LANE)).unwrap());
    assert_eq!(period(&read(&app), "need_count"), wan("1"));
    assert_eq!(period(&read_quarter(&app), "need_count"), wan("1"));
    app.run_jobs_blocking();
}
