//! Loans through the actions: a loan on an approval, drawdowns within the
//! line also when they race, repayments covering the schedule, the status
//! following them.

use std::sync::{Arc, Barrier};

use chrono::{Duration, NaiveDate};
use xinyidai::actions::Refusal;
use xinyidai::actions::loan::{record_drawdown, record_repayment};
use xinyidai::domain::Money;
use xinyidai::domain::loan::LoanStatus;
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::models::loan::repayment::NewRepayment;
use xinyidai::models::loan::{Drawdown, Instalment, Loan};

use crate::helpers::TestApp;
use crate::loan_setup::{approved, loan, officer_ctx};

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn drawdown(iou: &str, yuan: i64, on: &str, months: i32) -> NewDrawdown {
    NewDrawdown { iou_no: iou.into(), amount: Money::from_yuan(yuan), value_date: day(on), term_months: months }
}

#[test]
fn twenty_concurrent_drawdowns_never_pass_the_line() {
    let app = TestApp::new();
    let approved = approved(&app, "ent", "officer");
    app.clock.advance(Duration::days(3));
    for round in 0..10 {
        // A fresh approval each round: the line is 200 万元, each drawdown 15 万元, so 13 fit.
        let approved = if round == 0 {
            approved
        } else {
            crate::loan_setup::approved(&app, &format!("ent{round}"), &format!("officer{round}"))
        };
        let (own, ctx) = (loan(&app, &approved), officer_ctx(&app, &approved));
        let barrier = Arc::new(Barrier::new(20));
        let outcomes: Vec<Result<i64, Refusal>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..20)
                .map(|i| {
                    let (barrier, ctx, db) = (barrier.clone(), ctx.clone(), app.state.db.clone());
                    scope.spawn(move || {
                        let mut conn = db.connect_one().unwrap();
                        barrier.wait();
                        let new = drawdown(&format!("JJ-{i}"), 150_000, "2026-11-23", 12);
                        record_drawdown(&mut conn, &ctx, own, new).unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let done = outcomes.iter().filter(|o| o.is_ok()).count();
        assert_eq!(done, 13, "round {round}: {outcomes:?}");
        for refused in outcomes.iter().filter_map(|o| o.as_ref().err()) {
            assert_eq!(refused.code(), "over_line", "round {round}");
        }
        let row = Loan::find(&mut app.conn(), own.loan_id).unwrap().unwrap();
        assert_eq!(row.drawn, Money::from_yuan(13 * 150_000), "round {round}");
        assert_eq!(Drawdown::of_loan(&mut app.conn(), own.loan_id).unwrap().len(), 13, "round {round}");
    }
    app.run_jobs_blocking();
}

#[test]
fn repayments_cover_the_schedule_and_the_last_one_settles_the_loan() {
    let app = TestApp::new();
    let approved = approved(&app, "ent", "officer");
    app.clock.advance(Duration::days(3));
    let own = loan(&app, &approved);
    let ctx = officer_ctx(&app, &approved);
    let id =
        record_drawdown(&mut app.conn(), &ctx, own, drawdown("JJ-1", 1_200_000, "2026-11-23", 12)).unwrap().unwrap();
    let schedule = Instalment::of_drawdown(&mut app.conn(), id).unwrap();
    assert_eq!(schedule.len(), 12);
    assert_eq!(schedule[0].due_on, day("2026-12-23"));
    // Everything repaid on 2026-11-26, early: the loan is settled.
    let repay = NewRepayment {
        drawdown_id: id,
        paid_on: day("2026-11-26"),
        principal: Money::from_yuan(1_200_000),
        interest: Money::from_fen(26_667),
        penalty: Money::from_fen(0),
    };
    record_repayment(&mut app.conn(), &ctx, own, repay).unwrap().unwrap();
    let row = Loan::find(&mut app.conn(), own.loan_id).unwrap().unwrap();
    assert_eq!(
        (row.status, row.outstanding, row.status_on),
        (LoanStatus::Settled, Money::from_fen(0), day("2026-11-26"))
    );
    let again = record_drawdown(&mut app.conn(), &ctx, own, drawdown("JJ-2", 1, "2026-11-26", 1)).unwrap();
    assert_eq!(again.unwrap_err().to_string(), "该贷款已结清，不能放款");
    app.run_jobs_blocking();
}

#[test]
fn a_loan_with_interest_due_unpaid_is_not_settled_by_its_principal_alone() {
    let app = TestApp::new();
    let approved = approved(&app, "ent", "officer");
    let own = loan(&app, &approved);
    // 1,200,000 元 drawn on 11-23 at 4%: the first instalment, due 12-23, owes 1,200,000 × 4% / 12 = 4,000.00 元 interest.
    let ctx = officer_ctx(&app, &approved);
    let id =
        record_drawdown(&mut app.conn(), &ctx, own, drawdown("JJ-1", 1_200_000, "2026-11-23", 12)).unwrap().unwrap();
    app.clock.advance(Duration::days(32));
    let ctx = officer_ctx(&app, &approved);
    let principal_only = NewRepayment {
        drawdown_id: id,
        paid_on: day("2026-12-25"),
        principal: Money::from_yuan(1_200_000),
        interest: Money::from_fen(0),
        penalty: Money::from_fen(0),
    };
    record_repayment(&mut app.conn(), &ctx, own, principal_only).unwrap().unwrap();
    let row = Loan::find(&mut app.conn(), own.loan_id).unwrap().unwrap();
    assert_eq!((row.status, row.outstanding), (LoanStatus::Overdue, Money::from_fen(0)));
    let interest = NewRepayment { interest: Money::from_yuan(4_000), principal: Money::from_fen(0), ..principal_only };
    record_repayment(&mut app.conn(), &ctx, own, interest).unwrap().unwrap();
    let row = Loan::find(&mut app.conn(), own.loan_id).unwrap().unwrap();
    assert_eq!((row.status, row.status_on), (LoanStatus::Settled, day("2026-12-25")));
    app.run_jobs_blocking();
}
