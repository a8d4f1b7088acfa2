//! Background work: the job queue, what each kind of job does, and the worker
//! loop that runs inside `serve` or alone as `xinyidai worker`.

pub mod deadlines;
pub mod import;
pub mod queue;

use std::time::Duration;

use crate::db::write_tx;
use crate::email::Email;
use crate::error::AppError;
use crate::models::{rate_limit, session::SessionRow};
use crate::state::AppState;

pub const SEND_EMAIL: &str = "send_email";

/// How long an email is retried (every hour at most, once the backoff is
/// capped) before it is marked failed and listed for the credit office to resend.
pub const MAIL_RETRY_HORIZON: chrono::Duration = chrono::Duration::days(3);

/// The mail lane: sends only, so that a slow mail server holds up nothing else.
pub const MAIL_LANE: queue::Lane = queue::Lane::Only(&[SEND_EMAIL]);
/// Every other kind of job (imports, recomputes).
pub const WORK_LANE: queue::Lane = queue::Lane::Except(&[SEND_EMAIL]);

/// Enqueues an email, retried for [`MAIL_RETRY_HORIZON`]; call inside the
/// transaction of the change it reports.
pub fn enqueue_email(
    conn: &mut crate::db::DbConn,
    email: &Email,
    now: chrono::NaiveDateTime,
) -> diesel::QueryResult<i64> {
    queue::enqueue_with(conn, SEND_EMAIL, email, now, now, queue::Retry::Until(now + MAIL_RETRY_HORIZON))
}

/// Enqueues an email that a deadline depends on: retried until it is sent,
/// however long the mail server is away.
pub fn enqueue_deadline_email(
    conn: &mut crate::db::DbConn,
    email: &Email,
    now: chrono::NaiveDateTime,
) -> diesel::QueryResult<i64> {
    queue::enqueue_with(conn, SEND_EMAIL, email, now, now, queue::Retry::Forever)
}

/// Claims and runs one due job of any kind. Returns false when nothing was due.
pub async fn run_one(state: &AppState, worker: &str) -> Result<bool, AppError> {
    run_one_in(state, worker, queue::Lane::Any).await
}

/// Claims and runs one due job of `lane`.
pub async fn run_one_in(state: &AppState, worker: &str, lane: queue::Lane) -> Result<bool, AppError> {
    let now = state.clock.now();
    let name = worker.to_string();
    let Some(job) = state.db.run(move |conn| Ok(queue::claim_in(conn, &name, lane, now)?)).await? else {
        return Ok(false);
    };
    let outcome = execute(state, &job).await;
    let now = state.clock.now();
    match outcome {
        Ok(()) => state.db.run(move |conn| Ok(queue::complete(conn, job.id, now)?)).await?,
        Err(error) => {
            tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, error = %error, "job failed");
            let message = error.to_string();
            state.db.run(move |conn| Ok(queue::fail(conn, &job, &message, now)?)).await?
        }
    }
    Ok(true)
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
        other => anyhow::bail!("unknown job kind {other}"),
    }
}

/// Runs every due job, then returns how many ran (tests and the command line).
pub async fn run_due(state: &AppState, worker: &str) -> Result<usize, AppError> {
    run_due_in(state, worker, queue::Lane::Any).await
}

/// Runs every due job of `lane`.
pub async fn run_due_in(state: &AppState, worker: &str, lane: queue::Lane) -> Result<usize, AppError> {
    let mut ran = 0;
    while run_one_in(state, worker, lane).await? {
        ran += 1;
    }
    Ok(ran)
}

/// Deletes what has expired (sessions, old rate-limit windows) and refreshes the
/// planner's statistics. Safe on every instance at once.
pub async fn housekeeping(state: &AppState) -> Result<(), AppError> {
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                SessionRow::purge_expired(conn, now)?;
                rate_limit::purge(conn, now)?;
                Ok::<_, AppError>(())
            })?;
            Ok(crate::db::refresh_statistics(conn)?)
        })
        .await
}

/// Sends the subscription digests that are due (at most one per officer per hour).
pub async fn digests(state: &AppState) -> Result<usize, AppError> {
    let (now, base) = (state.clock.now(), state.config.base_url.clone());
    state.db.run(move |conn| Ok(crate::models::subscription::send_digests(conn, &base, now)?)).await
}

/// Moves needs and offers whose time has come, and sends the reminders due.
pub async fn deadlines(state: &AppState) -> Result<deadlines::Swept, AppError> {
    let (now, base) = (state.clock.now(), state.config.base_url.clone());
    state.db.run(move |conn| Ok(deadlines::sweep(conn, &base, now)?)).await
}

/// Ends the imports whose process was killed (their lease lapsed).
pub async fn reap_imports(state: &AppState) -> Result<usize, AppError> {
    let now = state.clock.now();
    state.db.run(move |conn| Ok(import::reap(conn, now)?)).await
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
    for (name, lane) in [("mail", MAIL_LANE), ("work", WORK_LANE)] {
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

type Tick = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>> + Send>>;

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
