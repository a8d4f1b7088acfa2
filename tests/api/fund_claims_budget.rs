//! The budget under concurrency, on whichever backend the suite runs on:
//! two approvals at the same instant against a nearly spent budget (each
//! thread with its own connection, released together by a barrier) never
//! pass it; two decisions of one claim decide it once.

use std::sync::{Arc, Barrier};

use xinyidai::actions::fund_claim::review::{Decision, decide};
use xinyidai::actions::fund_claim::{Draft, attach, submit};
use xinyidai::actions::{Ctx, Outcome};
use xinyidai::domain::fund::{ClaimStatus, FileKind, Rules};
use xinyidai::models::fund::budget;
use xinyidai::models::fund::claim::Claim;

use crate::fund_claims_setup::{PDF, WAN, admin, bad_loan, bank, fund, office};
use crate::helpers::TestApp;

/// A submitted claim with its dossier on a drawdown of its own; its id.
fn claim_of(app: &TestApp, fund: i64, bank: crate::fund_claims_setup::Bank, who: &str, loss: i64) -> i64 {
    let ctx = admin(app, bank);
    let reg = bad_loan(app, bank, who, (100 * WAN, 100 * WAN), false);
    let id = submit(&mut app.conn(), &ctx, bank.institution, &Draft { fund_id: fund, losses: vec![(reg, loss)] })
        .unwrap()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for kind in [FileKind::Application, FileKind::Contract, FileKind::LossStatement] {
        attach(&mut app.conn(), &ctx, bank.institution, (id, kind), dir.path(), PDF).unwrap().unwrap();
    }
    id
}

/// Runs each decision in its own thread with its own connection, all released at once.
fn at_once(app: &TestApp, ctx: &Ctx, decisions: Vec<(i64, Decision)>) -> Vec<Outcome<ClaimStatus>> {
    let barrier = Arc::new(Barrier::new(decisions.len()));
    std::thread::scope(|scope| {
        let handles: Vec<_> = decisions
            .into_iter()
            .map(|(id, decision)| {
                let (barrier, ctx, db) = (barrier.clone(), ctx.clone(), app.state.db.clone());
                scope.spawn(move || {
                    let mut conn = db.connect_one().unwrap();
                    barrier.wait();
                    decide(&mut conn, &ctx, (id, 1), &decision)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[tokio::test]
async fn two_approvals_at_once_against_a_nearly_spent_budget_never_pass_it() {
    let app = TestApp::new();
    // A budget of 1万: each claim's payout (2万 × 45 % = 9,000 元) fits alone, not both.
    let fund = fund(&app, "小额风补", 1, &Rules::guangzhou());
    let (a, b) = (bank(&app, "a"), bank(&app, "b"));
    let first = claim_of(&app, fund, a, "甲", 2 * WAN);
    let second = claim_of(&app, fund, b, "乙", 2 * WAN);
    let outcomes = at_once(&app, &office(&app), vec![(first, Decision::Approve), (second, Decision::Approve)]);
    let refusals: Vec<String> = outcomes.into_iter().filter_map(|o| o.unwrap().err()).map(|r| r.to_string()).collect();
    assert_eq!(refusals, ["本年度预算余额不足：剩余 0.10 万元，本次需 0.90 万元"], "exactly one approval stands");
    let used = budget::of_year(&mut app.conn(), fund, 2026, WAN).unwrap();
    assert_eq!(used.used_fen, 900_000);
    let statuses: Vec<ClaimStatus> =
        [first, second].iter().map(|id| Claim::find(&mut app.conn(), *id).unwrap().unwrap().status).collect();
    assert!(statuses.contains(&ClaimStatus::Approved) && statuses.contains(&ClaimStatus::Submitted), "{statuses:?}");
    app.run_jobs().await;
}

#[tokio::test]
async fn two_decisions_of_one_claim_at_once_decide_it_once() {
    let app = TestApp::new();
    let fund = fund(&app, "广州风补", 5_000, &Rules::guangzhou());
    let a = bank(&app, "a");
    let id = claim_of(&app, fund, a, "甲", 2 * WAN);
    let outcomes =
        at_once(&app, &office(&app), vec![(id, Decision::Approve), (id, Decision::Reject("不符合条件".into()))]);
    let done: Vec<_> = outcomes.into_iter().map(|o| o.unwrap()).collect();
    assert_eq!(done.iter().filter(|o| o.is_ok()).count(), 1, "{done:?}");
    assert!(done.iter().any(|o| o.as_ref().err().is_some_and(|r| r.code() == "changed")));
    let claim = Claim::find(&mut app.conn(), id).unwrap().unwrap();
    let used = budget::of_year(&mut app.conn(), fund, 2026, 5_000 * WAN).unwrap().used_fen;
    match claim.status {
        ClaimStatus::Approved => assert_eq!(used, 900_000),
        ClaimStatus::Rejected => assert_eq!(used, 0),
        other => panic!("decided as {other:?}"),
    }
    app.run_jobs().await;
}
