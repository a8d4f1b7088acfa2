//! The durable job queue: exactly one worker runs a job; failures retry later.

use std::sync::{Arc, Barrier};

use chrono::Duration;
use xinyidai::email::Email;
use xinyidai::jobs::queue;

use crate::helpers::{TestApp, start};

fn email() -> Email {
    Email {
        to: "a@example.com".into(),
        subject: "s".into(),
        text: "t".into(),
        html: "<p>t</p>".into(),
        inbox: Default::default(),
    }
}

#[tokio::test]
async fn a_job_is_claimed_by_only_one_of_two_concurrent_workers() {
    let app = TestApp::new();
    for round in 0..10 {
        let id = queue::enqueue(&mut app.conn(), "send_email", &email(), start(), start()).unwrap();
        let barrier = Arc::new(Barrier::new(2));
        let claims: Vec<_> = (0..2)
            .map(|worker| {
                let (db, barrier) = (app.state.db.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let mut conn = db.get().unwrap();
                    barrier.wait();
                    queue::claim(&mut conn, &format!("worker-{worker}"), start()).unwrap()
                })
            })
            .collect();
        let won: Vec<i64> = claims.into_iter().filter_map(|t| t.join().unwrap()).map(|job| job.id).collect();
        assert_eq!(won, vec![id], "round {round}: exactly one worker holds the job");
        queue::complete(&mut app.conn(), id, start()).unwrap();
    }
}

#[tokio::test]
async fn a_claimed_job_is_not_claimed_again_until_its_lease_lapses() {
    let app = TestApp::new();
    let conn = &mut *app.conn();
    let id = queue::enqueue(conn, "send_email", &email(), start(), start()).unwrap();
    assert_eq!(queue::claim(conn, "a", start()).unwrap().map(|j| j.id), Some(id));
    assert!(queue::claim(conn, "b", start() + Duration::minutes(4)).unwrap().is_none());
    let retaken = queue::claim(conn, "b", start() + Duration::minutes(6)).unwrap().unwrap();
    assert_eq!((retaken.id, retaken.attempts), (id, 2), "a dead worker's job is taken over");
}

#[tokio::test]
async fn a_failed_job_is_retried_after_its_backoff() {
    let app = TestApp::new();
    queue::enqueue(&mut app.conn(), "no_such_kind", &email(), start(), start()).unwrap();
    assert_eq!(app.run_jobs().await, 1);
    let pending = queue::pending(&mut app.conn()).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].run_at, start() + Duration::seconds(30));
    assert!(pending[0].last_error.as_deref().unwrap().contains("unknown job kind"));
    assert_eq!(app.run_jobs().await, 0, "not before the backoff");
    app.clock.advance(Duration::seconds(31));
    assert_eq!(app.run_jobs().await, 1);
}
