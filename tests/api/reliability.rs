//! What the app does when parts of it fail: a mail server that never answers,
//! an import or a recompute whose process is killed, a mail outage of days,
//! a database that is down. Each fault is made for real (a silent TCP server,
//! a closed port, a batch left as a killed process leaves it).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use axum::http::StatusCode;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use xinyidai::clock::Clock;
use xinyidai::config::Config;
use xinyidai::domain::Role;
use xinyidai::domain::records::RecordKind;
use xinyidai::email::{Email, Mailer};
use xinyidai::jobs::{self, import, queue};
use xinyidai::models::import_batch::{ImportBatch, LEASE, NewBatch};
use xinyidai::models::need::Need;
use xinyidai::notify;
use xinyidai::schema::{credit_evaluations, enterprises, jobs as job_rows};

use crate::helpers::{BASE_URL, PASSWORD, TestApp, TestDb, start};
use crate::market_setup::new_need;
use crate::portrait::enterprise_with_records;

const REGISTRY: &str = "统一社会信用代码,企业名称,法定代表人,注册资本（万元）,成立日期,行政区划,行业,企业规模,住所\n\
91990102MA1HX00010,云海样本甲有限公司,王一,500,2015-03-01,990102,C,小型,云海市东湖区一路1号\n\
91990103MA1HX0002H,云海样本乙有限公司,王二,100,2021/6/1,990103,F,微型,云海市西山区二路2号\n";

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/docs/samples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn email(subject: &str) -> Email {
    Email {
        to: "boss@example.com".into(),
        subject: subject.into(),
        text: "t".into(),
        html: "<p>t</p>".into(),
        inbox: Default::default(),
    }
}

/// A mailer that talks SMTP to `127.0.0.1:port`, each send bounded by `bound`.
fn smtp_mailer(port: u16, bound: StdDuration) -> Mailer {
    let dir = tempfile::tempdir().unwrap();
    let vars: HashMap<&str, String> = HashMap::from([
        ("SMTP_URL", format!("smtp://127.0.0.1:{port}")),
        ("DATA_DIR", dir.path().display().to_string()),
    ]);
    let config = Config::from_lookup(|k| vars.get(k).cloned()).unwrap();
    Mailer::with_send_timeout(&config, bound).unwrap()
}

/// A loopback "mail server" that accepts every connection and never says a
/// word. Returns its port and a receiver told of each accepted connection.
fn silent_smtp_server() -> (u16, std::sync::mpsc::Receiver<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (told, accepted) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
            if told.send(()).is_err() {
                break;
            }
        }
    });
    (port, accepted)
}

/// A port on which nothing listens: every connection is refused at once.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn office(app: &TestApp) -> crate::helpers::Client<'_> {
    app.user(Role::CreditOffice, "clerk");
    let browser = app.client();
    browser.login("clerk", PASSWORD).await;
    browser
}

fn batch(app: &TestApp, id: i64) -> ImportBatch {
    ImportBatch::find(&mut app.conn(), id).unwrap()
}

/// The id in `/credit-office/imports/{id}`.
fn batch_id(page: &crate::helpers::Page) -> i64 {
    page.location().unwrap().rsplit('/').next().unwrap().parse().unwrap()
}

/// Stores `bytes` as a batch the way `xinyidai import` does, up to (not
/// including) running it.
fn stored_batch(app: &TestApp, kind: RecordKind, bytes: &[u8]) -> i64 {
    let conn = &mut *app.conn();
    let new = NewBatch {
        kind,
        department: kind.default_department(),
        as_of: chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
        file_name: "file.csv",
        uploaded_by: None,
    };
    let id = ImportBatch::begin(conn, &new, app.clock.now()).unwrap();
    ImportBatch::store_file(conn, id, bytes, app.clock.as_ref()).unwrap();
    id
}

fn score(app: &TestApp, uscc: &str) -> Option<(i32, NaiveDateTime)> {
    credit_evaluations::table
        .find(uscc)
        .select((credit_evaluations::score, credit_evaluations::computed_at))
        .first(&mut *app.conn())
        .optional()
        .unwrap()
}

/// Waits (polling) until `done` holds; fails the test after a minute.
async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let waited = tokio::time::timeout(StdDuration::from_secs(60), async {
        while !done() {
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "{what} did not happen");
}

#[tokio::test]
async fn a_send_to_a_mail_server_that_never_answers_ends_in_an_error() {
    let (port, accepted) = silent_smtp_server();
    let mailer = smtp_mailer(port, StdDuration::from_secs(1));
    // Unbounded, lettre would wait for the greeting for minutes; the guard only
    // keeps a regression from hanging the suite.
    let sent = tokio::time::timeout(StdDuration::from_secs(30), mailer.send(&email("通知"), "job-1")).await;
    let error = sent.expect("the send is bounded").expect_err("nothing was sent");
    assert!(error.to_string().contains("did not finish"), "{error}");
    assert!(accepted.try_recv().is_ok(), "the server did accept the connection");
}

#[tokio::test]
async fn a_hung_mail_send_holds_up_neither_the_deadline_sweep_nor_imports() {
    let (port, accepted) = silent_smtp_server();
    // A bound far beyond the test: the send stays hung throughout.
    let app = TestApp::with_mailer(smtp_mailer(port, StdDuration::from_secs(3600)));
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(100, 24), start()).unwrap();
    let mail = notify::enqueue_email(&mut app.conn(), &email("先到的邮件"), start()).unwrap();

    let cadence = jobs::Cadence {
        poll: StdDuration::from_millis(20),
        sweep: StdDuration::from_millis(50),
        housekeeping: StdDuration::from_secs(3600),
    };
    let worker = tokio::spawn(jobs::work(app.state.clone(), cadence));
    tokio::task::spawn_blocking(move || accepted.recv_timeout(StdDuration::from_secs(30)))
        .await
        .unwrap()
        .expect("the worker is talking to the silent server");

    // While that send hangs, the window ends and a file is uploaded.
    app.clock.advance(Duration::hours(24));
    let browser = office(&app).await;
    let page = browser.upload("registry", "市场监督管理局", "2024-12-31", "registry.csv", REGISTRY.as_bytes()).await;
    let id = batch_id(&page);
    eventually("the deadline sweep", || {
        Need::find(&mut app.conn(), need).unwrap().unwrap().status.as_str() == "expired"
    })
    .await;
    eventually("the import", || batch(&app, id).is_finished()).await;
    worker.abort();

    assert_eq!(batch(&app, id).status.as_str(), "done");
    assert!(score(&app, "91990102MA1HX00010").is_some(), "the import's evaluations were computed");
    let finished: Option<NaiveDateTime> =
        job_rows::table.find(mail).select(job_rows::finished_at).first(&mut *app.conn()).unwrap();
    assert_eq!(finished, None, "the first email is still being sent");
    // The point of the test: the mail lane is hung, so its emails stay in the queue.
    app.leaves_jobs_unrun();
}

#[tokio::test]
async fn a_killed_import_is_marked_failed_with_the_reason_and_the_credit_office_runs_it_again() {
    let app = TestApp::new();
    let browser = office(&app).await;
    // A process started the batch, then was killed: the batch says 运行中.
    let id = stored_batch(&app, RecordKind::Registry, REGISTRY.as_bytes());
    ImportBatch::queue(&mut app.conn(), id, REGISTRY.len() as i64).unwrap();
    assert!(ImportBatch::start(&mut app.conn(), id, app.clock.now()).unwrap());
    // And an upload that was cut off: 上传中.
    let cut = stored_batch(&app, RecordKind::Registry, &REGISTRY.as_bytes()[..40]);

    app.clock.advance(LEASE - Duration::seconds(1));
    assert_eq!(jobs::reap_imports(&app.state).await.unwrap(), 0, "a lease still running is left alone");
    app.clock.advance(Duration::seconds(2));
    assert_eq!(jobs::reap_imports(&app.state).await.unwrap(), 2);

    assert_eq!(
        (batch(&app, id).status.as_str(), batch(&app, id).error.as_deref()),
        ("failed", Some(import::RUN_ABANDONED))
    );
    assert_eq!(batch(&app, cut).error.as_deref(), Some(import::UPLOAD_ABANDONED));
    let page = browser.get(&format!("/credit-office/imports/{id}")).await;
    assert!(page.body.contains("导入中断") && page.body.contains(&format!("/credit-office/imports/{id}/rerun")));
    let page = browser.get(&format!("/credit-office/imports/{cut}")).await;
    assert!(page.body.contains("上传中断") && !page.body.contains("/rerun"), "an incomplete file cannot be re-run");

    let path = format!("/credit-office/imports/{id}");
    let rerun = browser.submit(&path, &format!("{path}/rerun"), &[]).await;
    assert_eq!(rerun.location(), Some(path.as_str()));
    app.run_jobs().await;
    let done = batch(&app, id);
    assert_eq!((done.status.as_str(), done.rows_total, done.rows_changed, done.error), ("done", 2, 2, None));
    let names: Vec<String> =
        enterprises::table.select(enterprises::name).order(enterprises::uscc).load(&mut *app.conn()).unwrap();
    assert!(names.contains(&"云海样本甲有限公司".to_string()) && names.contains(&"云海样本乙有限公司".to_string()));
    assert!(score(&app, "91990103MA1HX0002H").is_some());
    let again = browser.submit(&path, &format!("{path}/rerun"), &[]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "a finished batch is not run twice");
}

#[tokio::test]
async fn a_command_line_import_killed_half_way_is_resumed_by_a_worker() {
    let app = TestApp::new();
    let id = stored_batch(&app, RecordKind::Registry, REGISTRY.as_bytes());
    // As `xinyidai import` does before running the batch itself; then it dies.
    xinyidai::db::write_tx(&mut app.conn(), |c| import::enqueue_standby(c, id, REGISTRY.len() as i64, start()))
        .unwrap();
    assert!(ImportBatch::start(&mut app.conn(), id, app.clock.now()).unwrap());
    assert_eq!(app.run_jobs().await, 0, "the stand-by job waits while the process could be alive");

    app.clock.advance(LEASE + Duration::seconds(1));
    assert_eq!(jobs::reap_imports(&app.state).await.unwrap(), 0, "a job is there to resume it");
    app.run_jobs().await;
    let done = batch(&app, id);
    assert_eq!((done.status.as_str(), done.rows_changed), ("done", 2));
    assert!(done.recomputed_at.is_some());
    assert!(score(&app, "91990102MA1HX00010").is_some());
}

#[tokio::test]
async fn a_recompute_killed_after_the_commit_is_finished_after_the_restart() {
    let app = TestApp::new();
    let browser = office(&app).await;
    browser.upload("registry", "市场监督管理局", "2024-12-31", "registry.csv", REGISTRY.as_bytes()).await;
    app.run_jobs().await;
    let (before, _) = score(&app, "91990102MA1HX00010").unwrap();

    // The worker commits the tax file, then is killed before the recompute.
    let page = browser.upload("tax", "税务局", "2024-12-31", "tax.csv", &sample("tax_2024_utf8.csv")).await;
    let id = batch_id(&page);
    let job = queue::claim(&mut app.conn(), "doomed-worker", app.clock.now()).unwrap().unwrap();
    assert_eq!(job.kind, import::IMPORT_BATCH);
    let written = import::write(&app.state.db, app.clock.as_ref(), &batch(&app, id)).unwrap();
    assert!(matches!(written, import::Written::Rows(..)));
    assert_eq!(score(&app, "91990102MA1HX00010").unwrap().0, before, "the evaluation is on the old data");
    let page = browser.get(&format!("/credit-office/imports/{id}")).await;
    assert!(page.body.contains("重算评价中"), "{}", page.body);

    // After the restart (the leases lapse), a worker finishes the job.
    app.clock.advance(LEASE + Duration::minutes(1));
    app.run_jobs().await;
    let (after, computed_at) = score(&app, "91990102MA1HX00010").unwrap();
    assert!(after > before, "an A tax grade raises the score ({before} -> {after})");
    assert_eq!(computed_at, app.clock.now());
    assert!(batch(&app, id).is_finished());
    assert!(queue::pending(&mut app.conn()).unwrap().is_empty(), "both the import and the recompute job are done");
    let page = browser.get(&format!("/credit-office/imports/{id}")).await;
    assert!(page.body.contains("已完成"));
}

/// A clock one second later at each reading, to tell apart moments the code reads.
struct Ticking(Mutex<NaiveDateTime>);

impl Clock for Ticking {
    fn now(&self) -> NaiveDateTime {
        let mut now = self.0.lock().unwrap();
        *now += Duration::seconds(1);
        *now
    }
}

#[tokio::test]
async fn an_import_finishes_when_its_rows_are_written_not_when_writing_began() {
    let db = TestDb::new();
    let clock = Arc::new(Ticking(Mutex::new(start())));
    let state = crate::helpers::test_state(&db, clock.clone(), Mailer::memory(), BASE_URL);
    let conn = &mut *state.db.get().unwrap();
    use xinyidai::schema::regions;
    for (code, name) in [("990102", "东湖区"), ("990103", "西山区")] {
        diesel::insert_into(regions::table)
            .values((regions::code.eq(code), regions::name.eq(name)))
            .execute(conn)
            .unwrap();
    }
    let new = NewBatch {
        kind: RecordKind::Registry,
        department: "市场监督管理局",
        as_of: chrono::NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(),
        file_name: "registry.csv",
        uploaded_by: None,
    };
    let id = ImportBatch::begin(conn, &new, clock.now()).unwrap();
    let bytes = ImportBatch::store_file(conn, id, REGISTRY.as_bytes(), clock.as_ref()).unwrap();
    ImportBatch::queue(conn, id, bytes).unwrap();
    import::run(&state.db, clock.as_ref(), id).unwrap();

    let written: Vec<NaiveDateTime> =
        enterprises::table.filter(enterprises::batch_id.eq(id)).select(enterprises::updated_at).load(conn).unwrap();
    assert_eq!(written.len(), 2);
    let finished = ImportBatch::find(conn, id).unwrap().finished_at.unwrap();
    assert!(written.iter().all(|at| *at < finished), "finished {finished}, rows written at {written:?}");
}

#[tokio::test]
async fn a_mail_outage_of_days_loses_no_mail() {
    let app = TestApp::with_mailer(smtp_mailer(closed_port(), StdDuration::from_secs(10)));
    let ordinary = notify::enqueue_email(&mut app.conn(), &email("账号邀请"), start()).unwrap();
    let notice = notify::enqueue_deadline_email(&mut app.conn(), &email("请尽快联系企业"), start()).unwrap();
    let job = |id: i64| {
        job_rows::table
            .find(id)
            .select((job_rows::failed, job_rows::finished_at, job_rows::attempts))
            .first::<(bool, Option<NaiveDateTime>, i32)>(&mut *app.conn())
            .unwrap()
    };

    // The mail server is away for four days; the worker tries whenever a retry is due.
    let mut hours = 0;
    while hours < 4 * 24 {
        app.run_jobs().await;
        if hours == 71 {
            assert_eq!(job(ordinary).1, None, "still retried just before three days are up");
        }
        app.clock.advance(Duration::hours(1));
        hours += 1;
    }
    let (failed, finished, attempts) = job(ordinary);
    assert!(failed && finished.is_some(), "given up after three days");
    // 30 s, 1, 2, 4, 8, 16, 32 min, then hourly: one attempt every hour the test stepped, to 72 h.
    assert_eq!(attempts, 73);
    assert_eq!(job(notice).1, None, "a notice a deadline depends on is never given up");

    let browser = office(&app).await;
    let page = browser.get("/credit-office/mail").await;
    assert!(page.body.contains("发送失败（1）") && page.body.contains("账号邀请"), "{}", page.body);
    assert!(page.body.contains("正在重试（1）") && page.body.contains("时限通知"));
    let resent = browser.submit("/credit-office/mail", &format!("/credit-office/mail/{ordinary}/resend"), &[]).await;
    assert_eq!(resent.location(), Some("/credit-office/mail?notice=mail_resent"));
    assert_eq!(job(ordinary), (false, None, 0));

    // The mail server is back: both go out, once each.
    let back = xinyidai::state::AppState { mailer: Mailer::memory(), ..app.state.clone() };
    assert_eq!(jobs::run_due(&back, "worker").await.unwrap(), 2);
    let mut subjects: Vec<String> = back.mailer.sent().into_iter().map(|e| e.subject).collect();
    subjects.sort();
    assert_eq!(subjects, vec!["请尽快联系企业", "账号邀请"]);
    assert!(browser.get("/credit-office/mail").await.body.contains("没有发送失败的邮件"));
}

#[tokio::test]
async fn while_the_database_is_known_down_requests_answer_503_without_waiting_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let vars: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none?connect_timeout=1".to_string()),
        ("DATA_DIR", dir.path().display().to_string()),
    ]);
    let config = Config::from_lookup(|k| vars.get(k).cloned()).unwrap();
    // A request that does not know yet waits this long for a connection.
    let wait = StdDuration::from_secs(4);
    let state = xinyidai::state::AppState {
        db: xinyidai::db::Db::connect(&config).unwrap().with_checkout_timeout(wait),
        mailer: Mailer::memory(),
        clock: Arc::new(xinyidai::clock::SystemClock),
        config: Arc::new(config),
    };
    let router = xinyidai::app(state.clone());
    let get = |path: &str| axum::http::Request::get(path).body(axum::body::Body::empty()).unwrap();
    use tower::ServiceExt;
    let first = router.clone().oneshot(get("/")).await.unwrap();
    assert_eq!(first.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(state.db.is_down());
    // Three more requests answer, all three, before one full wait could have ended.
    let answered = tokio::time::timeout(wait, async {
        let mut statuses = Vec::new();
        for path in ["/", "/login", "/healthz"] {
            statuses.push(router.clone().oneshot(get(path)).await.unwrap().status());
        }
        statuses
    })
    .await
    .expect("answered without waiting out the pool timeout");
    assert_eq!(answered, vec![StatusCode::SERVICE_UNAVAILABLE; 3]);
}
