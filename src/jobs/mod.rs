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

/// Enqueues an email; call inside the transaction of the change it reports.
pub fn enqueue_email(
    conn: &mut crate::db::DbConn,
    email: &Email,
    now: chrono::NaiveDateTime,
) -> diesel::QueryResult<i64> {
    queue::enqueue(conn, SEND_EMAIL, email, now, now)
}

/// Claims and runs one due job. Returns false when nothing was due.
pub async fn run_one(state: &AppState, worker: &str) -> Result<bool, AppError> {
    let now = state.clock.now();
    let name = worker.to_string();
    let Some(job) = state.db.run(move |conn| Ok(queue::claim(conn, &name, now)?)).await? else {
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
        other => anyhow::bail!("unknown job kind {other}"),
    }
}

/// Runs every due job, then returns how many ran (tests and the command line).
pub async fn run_due(state: &AppState, worker: &str) -> Result<usize, AppError> {
    let mut ran = 0;
    while run_one(state, worker).await? {
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

/// The worker loop: polls for jobs every second, sweeps deadlines and sends
/// digests every minute,
/// tidies up every ten minutes, and keeps going through database outages.
pub async fn work_forever(state: AppState) {
    let worker = format!("{}-{}", hostname(), std::process::id());
    tracing::info!(%worker, "job worker started");
    let mut last_housekeeping = std::time::Instant::now() - Duration::from_secs(3600);
    let mut last_digest = last_housekeeping;
    loop {
        if last_digest.elapsed() > Duration::from_secs(60) {
            if let Err(e) = deadlines(&state).await {
                tracing::warn!(error = %e, "deadline sweep failed");
            }
            if let Err(e) = digests(&state).await {
                tracing::warn!(error = %e, "subscription digests failed");
            }
            last_digest = std::time::Instant::now();
        }
        if last_housekeeping.elapsed() > Duration::from_secs(600) {
            if let Err(e) = housekeeping(&state).await {
                tracing::warn!(error = %e, "housekeeping failed");
            }
            last_housekeeping = std::time::Instant::now();
        }
        match run_due(&state, &worker).await {
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "job worker could not reach the database"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn hostname() -> String {
    std::env::var("HOSTNAME").unwrap_or_else(|_| "worker".into())
}
