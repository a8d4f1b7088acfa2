//! At most one open dispute per record: a second submit, quick or late, is
//! shown the first; the database refuses a second open row whoever writes it.

use std::sync::{Arc, Barrier};

use diesel::prelude::*;
use xinyidai::db::write_tx;
use xinyidai::domain::Role;
use xinyidai::domain::records::RecordKind;
use xinyidai::models::dispute::{Dispute, NewDispute};
use xinyidai::schema::{disputes, penalty_records, users};

use crate::helpers::{PASSWORD, TestApp, start};
use crate::portrait::enterprise_with_records;

fn open_disputes(app: &TestApp) -> Vec<i64> {
    disputes::table
        .filter(disputes::status.eq("open"))
        .select(disputes::id)
        .order(disputes::id)
        .load(&mut *app.conn())
        .unwrap()
}

fn the_penalty(app: &TestApp) -> i64 {
    penalty_records::table.select(penalty_records::id).first(&mut *app.conn()).unwrap()
}

#[tokio::test]
async fn a_second_submit_of_a_dispute_is_shown_the_first() {
    let app = TestApp::new();
    enterprise_with_records(&app, "ent");
    app.user(Role::CreditOffice, "clerk");
    let penalty = the_penalty(&app).to_string();
    let enterprise = app.client();
    enterprise.login("ent", PASSWORD).await;
    let form = format!("/enterprise/disputes/new?kind=penalties&id={penalty}");
    let token = enterprise.get(&form).await.csrf();
    let fields = [
        ("csrf", token.as_str()),
        ("kind", "penalties"),
        ("id", penalty.as_str()),
        ("reason", "罚款已于2026年4月缴清并完成整改"),
    ];
    // A double click: the same form sent twice.
    let first = enterprise.post("/enterprise/disputes", &fields).await;
    let second = enterprise.post("/enterprise/disputes", &fields).await;
    assert_eq!(first.location(), Some("/enterprise/portrait?notice=dispute_opened#disputes"));
    let open = open_disputes(&app);
    assert_eq!(open.len(), 1, "one dispute is open");
    let shown_first = format!("/enterprise/portrait?notice=dispute_pending#dispute-{}", open[0]);
    assert_eq!(second.location(), Some(shown_first.as_str()));
    let portrait = enterprise.get(&shown_first).await;
    assert!(portrait.body.contains("该记录已有一项正在处理的异议"), "{}", portrait.body);
    assert!(portrait.body.contains(&format!("<tr id=\"dispute-{}\">", open[0])));
    assert_eq!(portrait.body.matches("罚款已于2026年4月缴清并完成整改").count(), 1, "listed once");

    // Coming back to the form later shows the open dispute too.
    assert_eq!(enterprise.get(&form).await.location(), Some(shown_first.as_str()));
    app.run_jobs().await;
    let told: Vec<String> = app.sent_emails().into_iter().map(|e| e.to).collect();
    assert_eq!(told, ["clerk@example.com"], "the credit office is told once");
    let opened: i64 = xinyidai::schema::audit_log::table
        .filter(xinyidai::schema::audit_log::event.eq("dispute_opened"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(opened, 1, "one dispute opened in the audit log");
}

#[tokio::test]
async fn the_database_keeps_one_open_dispute_per_record_and_a_new_one_once_it_is_answered() {
    let app = TestApp::new();
    let (enterprise_id, _) = enterprise_with_records(&app, "ent");
    let user: i64 = users::table.filter(users::username.eq("ent")).select(users::id).first(&mut *app.conn()).unwrap();
    let penalty = the_penalty(&app);
    let row = |reason: &'static str| {
        (
            disputes::enterprise_id.eq(enterprise_id),
            disputes::record_kind.eq("penalties"),
            disputes::record_id.eq(penalty),
            disputes::record_summary.eq("云海市生态环境局"),
            disputes::reason.eq(reason),
            disputes::status.eq("open"),
            disputes::created_by.eq(user),
            disputes::created_at.eq(start()),
            disputes::due_at.eq(start()),
        )
    };
    diesel::insert_into(disputes::table).values(row("第一次提交的理由")).execute(&mut *app.conn()).unwrap();
    let twin = diesel::insert_into(disputes::table).values(row("第二次提交的理由")).execute(&mut *app.conn());
    assert!(twin.is_err(), "a second open dispute of one record is refused by the database");
    let first = open_disputes(&app)[0];
    assert!(
        Dispute::answer(
            &mut app.conn(),
            first,
            xinyidai::domain::dispute::DisputeOutcome::Upheld,
            "维持",
            user,
            start()
        )
        .unwrap()
    );
    diesel::insert_into(disputes::table).values(row("答复后再次提出")).execute(&mut *app.conn()).unwrap();
    assert_eq!(open_disputes(&app).len(), 1, "an answered dispute does not block a new one");
}

#[tokio::test]
async fn concurrent_submits_of_one_dispute_open_one_and_each_is_told_which() {
    let app = TestApp::new();
    let (enterprise_id, _) = enterprise_with_records(&app, "ent");
    let user: i64 = users::table.filter(users::username.eq("ent")).select(users::id).first(&mut *app.conn()).unwrap();
    let penalty = the_penalty(&app);
    for round in 0..10 {
        let barrier = Arc::new(Barrier::new(6));
        let threads: Vec<_> = (0..6)
            .map(|_| {
                let (db, barrier) = (app.state.db.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let mut conn = db.connect_one().expect("a connection");
                    let new = NewDispute {
                        enterprise_id,
                        kind: xinyidai::domain::dispute::Subject::Record(RecordKind::Penalties),
                        record_id: penalty,
                        summary: "云海市生态环境局",
                        reason: "罚款已缴清",
                        user_id: user,
                    };
                    barrier.wait();
                    write_tx(&mut conn, |c| Dispute::open(c, &new, start())).expect("no database error")
                })
            })
            .collect();
        let outcomes: Vec<Result<i64, i64>> = threads.into_iter().map(|t| t.join().expect("no panic")).collect();
        let open = open_disputes(&app);
        assert_eq!(open.len(), 1, "round {round}: one open dispute");
        assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1, "round {round}: one submit opened it");
        assert!(outcomes.iter().all(|o| *o == Ok(open[0]) || *o == Err(open[0])), "round {round}: {outcomes:?}");
        let outcome = xinyidai::domain::dispute::DisputeOutcome::Upheld;
        assert!(Dispute::answer(&mut app.conn(), open[0], outcome, "维持原记录", user, start()).unwrap());
    }
    assert_eq!(disputes::table.count().get_result::<i64>(&mut *app.conn()).unwrap(), 10);
}
