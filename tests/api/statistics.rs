//! The statistics read from a real database on both backends: one need
//! grabbed, accepted, approved and drawn, counted by hand.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use xinyidai::actions::loan::record_drawdown;
use xinyidai::domain::Money;
use xinyidai::domain::stats::{Filter, Period, Statistics};
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::models::stats;

use crate::helpers::{TestApp, start};
use crate::loan_setup::{approved, loan, officer_ctx};

fn dec(text: &str) -> Option<Decimal> {
    Some(text.parse().unwrap())
}

#[test]
fn one_loan_is_counted_once_in_every_window() {
    let app = TestApp::new();
    let deal = approved(&app, "tongji", "officer");
    let own = loan(&app, &deal);
    let value_date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let new = NewDrawdown { iou_no: "JJ-1".into(), amount: Money::from_yuan(1_500_000), value_date, term_months: 6 };
    record_drawdown(&mut app.conn(), &officer_ctx(&app, &deal), own, new).unwrap().unwrap();

    let facts = stats::load(&mut app.conn(), start()).unwrap();
    let november = Period::month(2026, 11).unwrap();
    let figures = Statistics::compute(&facts, &november, &Filter::default());
    let indicator = |key: &str| figures.indicator(key).unwrap().period;
    assert_eq!(indicator("need_count"), dec("1"));
    assert_eq!(indicator("need_amount"), dec("200.00"));
    assert_eq!(indicator("credit_count"), dec("1"));
    assert_eq!(indicator("credit_amount"), dec("200.00"));
    assert_eq!(indicator("loan_count"), dec("1"));
    assert_eq!(indicator("loan_amount"), dec("150.00"));
    assert_eq!(indicator("credit_loan_amount"), dec("150.00"));
    assert_eq!(indicator("loan_rate_mean"), dec("4.00"));
    assert_eq!(figures.indicator("loan_amount").unwrap().cumulative, dec("150.00"));
    let october = Statistics::compute(&facts, &Period::month(2026, 10).unwrap(), &Filter::default());
    assert_eq!(october.indicator("loan_amount").unwrap().period, dec("0.00"));
    assert_eq!(figures.figure("funnel_loan").unwrap().value, dec("1"));
    app.run_jobs_blocking();
}
