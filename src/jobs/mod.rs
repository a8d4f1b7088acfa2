//! Background work: the job queue, what each kind of job does, and the worker
//! loop that runs inside `serve` or alone as `xinyidai worker`.

pub mod deadlines;
pub mod digest;
pub mod import;
pub mod queue;

use std::time::Duration;

use crate::db::{DbError, write_tx};
use crate::email::Email;
use crate::models::stats::snapshot::{self, REFRESH_SNAPSHOT};
use crate::models::{rate_limit, session::SessionRow};
use crate::notify::SEND_EMAIL;
use crate::state::AppState;

/// The mail lane: sends only, so that a slow mail server holds up nothing else.
pub const MAIL_LANE: queue::Lane = queue::Lane::Only(&[SEND_EMAIL]);
/// The statistics lane: a computation over every fact never holds up an import.
pub const STATISTICS_LANE: queue::Lane = queue::Lane::Only(&[REFRESH_SNAPSHOT]);
/// Every other kind of job (imports, recomputes).
pub const WORK_LANE: queue::Lane = queue::Lane::Except(&[SEND_EMAIL, REFRESH_SNAPSHOT]);

/// Claims and runs one due job of any kind. Returns false when nothing was due.
pub async fn run_one(state: &AppState, worker: &str) -> Result<bool, DbError> {
    run_one_in(state, worker, queue::Lane::Any).await
}

/// Claims and runs one due job of `lane`.
pub async fn run_one_in(state: &AppState, worker: &str, lane: queue::Lane) -> Result<bool, DbError> {
    let now = state.clock.now();
    let name = worker.to_string();
    let Some(job) = state.db.query(move |conn| queue::claim_in(conn, &name, lane, now)).await? else {
        return Ok(false);
    };
    let outcome = execute(state, &job).await;
    let now = state.clock.now();
    match outcome {
        Ok(()) => match sent_record(&job) {
            Some(kept) => state.db.query(move |conn| queue::complete_keeping(conn, job.id, &kept, now)).await?,
            None => state.db.query(move |conn| queue::complete(conn, job.id, now)).await?,
        },
        Err(error) => {
            tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, error = %error, "job failed");
            let message = error.to_string();
            state.db.query(move |conn| queue::fail(conn, &job, &message, now)).await?
        }
    }
    Ok(true)
}

/// What a sent email's job keeps: its address and subject. The body goes, since
/// it may carry a one-time link or code that the database must not keep readable.
fn sent_record(job: &queue::Job) -> Option<String> {
    if job.kind != SEND_EMAIL {
        return None;
    }
    let email: Email = serde_json::from_str(&job.payload).ok()?;
    serde_json::to_string(&Email { text: String::new(), html: String::new(), ..email }).ok()
}

async fn execute(state: &AppState, job: &queue::Job) -> anyhow::Result<()> {
    match job.kind.as_str() {
        SEND_EMAIL => {
            let email: Email = serde_json::from_str(&job.payload)?;
            state.mailer.send(&email, &format!("job-{}", job.id)).await
        }
        import::IMPORT_BATCH => {
            let job: import::ImportJob = serde_json::from_str(&job.payload)?;
            let (db, clock) = (state.db.clone(), state.clock.clone());
            tokio::task::spawn_blocking(move || import::run(&db, clock.as_ref(), job.batch_id)).await?
        }
        import::RECOMPUTE_BATCH => {
            let job: import::ImportJob = serde_json::from_str(&job.payload)?;
            let (db, clock) = (state.db.clone(), state.clock.clone());
            tokio::task::spawn_blocking(move || import::recompute_batch(&db, clock.as_ref(), job.batch_id)).await?
        }
        REFRESH_SNAPSHOT => {
            let subject: snapshot::Subject = serde_json::from_str(&job.payload)?;
            let (db, now) = (state.db.clone(), state.clock.now());
            tokio::task::spawn_blocking(move || Ok(snapshot::refresh(&mut *db.get()?, &subject, now)?)).await?
        }
        other => anyhow::bail!("unknown job kind {other}"),
    }
}

/// Runs every due job, then returns how many ran (tests and the command line).
pub async fn run_due(state: &AppState, worker: &str) -> Result<usize, DbError> {
    run_due_in(state, worker, queue::Lane::Any).await
}

/// Runs every due job of `lane`.
pub async fn run_due_in(state: &AppState, worker: &str, lane: queue::Lane) -> Result<usize, DbError> {
    let mut ran = 0;
    while run_one_in(state, worker, lane).await? {
        ran += 1;
    }
    Ok(ran)
}

/// Deletes what has expired (sessions, old rate-limit windows, API tokens) and refreshes the
/// planner's statistics. Safe on every instance at once.
pub async fn housekeeping(state: &AppState) -> Result<(), DbError> {
    let now = state.clock.now();
    state
        .db
        .query(move |conn| {
            write_tx(conn, |conn| {
                SessionRow::purge_expired(conn, now)?;
                crate::models::api_client::token::purge(conn, now)?;
                rate_limit::purge(conn, now).map(drop)
            })?;
            crate::db::refresh_statistics(conn)
        })
        .await
}

/// Sends the subscription digests that are due (at most one per officer per hour).
pub async fn digests(state: &AppState) -> Result<usize, DbError> {
    let (now, base) = (state.clock.now(), state.config.base_url.clone());
    state.db.query(move |conn| digest::send_digests(conn, &base, now)).await
}

/// Moves needs and offers whose time has come, and sends the reminders due.
pub async fn deadlines(state: &AppState) -> Result<deadlines::Swept, DbError> {
    let (now, base) = (state.clock.now(), state.config.base_url.clone());
    state.db.query(move |conn| deadlines::sweep(conn, &base, now)).await
}

/// Ends the imports whose process was killed (their lease lapsed).
pub async fn reap_imports(state: &AppState) -> Result<usize, DbError> {
    let now = state.clock.now();
    state.db.query(move |conn| import::reap(conn, now)).await
}

/// How often the worker's loops run.
#[derive(Clone, Copy, Debug)]
pub struct Cadence {
    /// Each lane looks for due jobs this often when it found none.
    pub poll: Duration,
    /// The deadline sweep, the digests and the import reaper.
    pub sweep: Duration,
    pub housekeeping: Duration,
}

impl Default for Cadence {
    fn default() -> Cadence {
        Cadence { poll: Duration::from_secs(1), sweep: Duration::from_secs(60), housekeeping: Duration::from_secs(600) }
    }
}

/// The worker at the default cadence: see [`work`].
pub async fn work_forever(state: AppState) {
    work(state, Cadence::default()).await
}

/// The worker: each kind of work on its own loop, so that none waits on
/// another (a mail server that never answers holds up only the mail lane, and
/// the deadline sweep runs every minute whatever the jobs do). Every loop
/// keeps going through database outages. Dropping the future stops them all.
pub async fn work(state: AppState, cadence: Cadence) {
    let worker = format!("{}-{}", hostname(), std::process::id());
    tracing::info!(%worker, "job worker started");
    let mut loops = tokio::task::JoinSet::new();
    for (name, lane) in [("mail", MAIL_LANE), ("work", WORK_LANE), ("statistics", STATISTICS_LANE)] {
        let (state, worker) = (state.clone(), format!("{worker}-{name}"));
        loops.spawn(async move {
            loop {
                if let Err(e) = run_due_in(&state, &worker, lane).await {
                    tracing::warn!(lane = name, error = %e, "job lane could not reach the database");
                }
                tokio::time::sleep(cadence.poll).await;
            }
        });
    }
    every(&mut loops, &state, cadence.sweep, "deadline sweep", |s| {
        Box::pin(async move { deadlines(&s).await.map(drop) })
    });
    every(&mut loops, &state, cadence.sweep, "subscription digests", |s| {
        Box::pin(async move { digests(&s).await.map(drop) })
    });
    every(&mut loops, &state, cadence.sweep, "import reaper", |s| {
        Box::pin(async move { reap_imports(&s).await.map(drop) })
    });
    every(&mut loops, &state, cadence.housekeeping, "housekeeping", |s| {
        Box::pin(async move { housekeeping(&s).await })
    });
    while loops.join_next().await.is_some() {
        tracing::error!("a worker loop ended");
    }
}

type Tick = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), DbError>> + Send>>;

/// Runs `tick` now and then every `period` on a loop of its own.
fn every(
    loops: &mut tokio::task::JoinSet<()>,
    state: &AppState,
    period: Duration,
    name: &'static str,
    tick: fn(AppState) -> Tick,
) {
    let state = state.clone();
    loops.spawn(async move {
        let mut interval = tokio::time::interval(period);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            if let Err(e) = tick(state.clone()).await {
                tracing::warn!(error = %e, "{name} failed");
            }
        }
    });
}

fn hostname() -> String {
    std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".into())
}
