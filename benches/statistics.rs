//! Statistics benchmark: prints numbers, asserts nothing about time.
//!
//! ```sh
//! cargo bench --bench statistics                               # SQLite, 1,000,000 needs
//! BENCH_DATABASE_URL=postgres://xinyidai@127.0.0.1:55439/postgres cargo bench --bench statistics
//! BENCH_NEEDS=100000 cargo bench --bench statistics            # quick run
//! ```
//!
//! 1. Inserts the data set of `support::statistics` (BENCH_NEEDS needs over
//!    two years, BENCH_NEEDS / 10 enterprises, BENCH_INSTITUTIONS (1,000)
//!    institutions, ~1.5 offers a need, loans for 15 % of the needs, ~1.3
//!    drawdowns a loan), each table by one `INSERT … SELECT` over a series.
//! 2. The cold computation: `models::stats::load` alone, then
//!    `models::stats::statistics` for the last month with the snapshot cache
//!    cleared, for all and for one region; each with its peak memory (VmHWM,
//!    reset just before the step).
//! 3. The warm path, BENCH_REQUESTS (200) times each, p50 and p99:
//!    `models::stats::statistics` for the month (all, one region), as the
//!    credit office's dashboard reads it, and `GET /` (the landing page)
//!    through the real router (`tower::ServiceExt::oneshot`), signed in as
//!    a credit office account (a session row, as `POST /login` leaves one). The
//!    dashboard's and the scoreboard's routes are measured through the
//!    router too when this build has them (a 404 is reported as absent).
//! 4. The stale path: after a change and a minute, the same pages serve the
//!    kept figures and queue their refresh; then the refresh jobs run, timed
//!    with their peak memory.
//!
//! Everything (the app and the database server) shares this machine's cores.

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use chrono::{NaiveDate, NaiveDateTime};
use tower::ServiceExt;
use xinyidai::clock::TestClock;
use xinyidai::config::Config;
use xinyidai::db::{Db, write_tx};
use xinyidai::domain::stats::{Filter, Period};
use xinyidai::email::Mailer;
use xinyidai::jobs;
use xinyidai::models::audit;
use xinyidai::models::session::SessionRow;
use xinyidai::models::stats::{self, snapshot};
use xinyidai::state::AppState;

use support::database::BenchDb;
use support::statistics::{END, StatSizes, seed};
use support::{env_number, peak_rss_mb, reset_peak_rss};

struct Line {
    what: String,
    p50: Duration,
    p99: Duration,
    peak_mb: Option<f64>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// p50 and p99 of `runs` calls of `call`.
fn percentiles(runs: usize, mut call: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<(Duration, Duration)> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        call()?;
        times.push(start.elapsed());
    }
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    Ok((at(0.50), at(0.99)))
}

/// One measured step, with its time and peak memory.
fn once<T>(what: &str, step: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<(T, Line)> {
    reset_peak_rss();
    let start = Instant::now();
    let value = step()?;
    let took = start.elapsed();
    Ok((value, Line { what: what.to_string(), p50: took, p99: took, peak_mb: Some(peak_rss_mb()) }))
}

fn main() -> anyhow::Result<()> {
    let needs = env_number("BENCH_NEEDS", 1_000_000) as i64;
    let institutions = env_number("BENCH_INSTITUTIONS", 1_000) as i64;
    let requests = env_number("BENCH_REQUESTS", 200);
    let sizes = StatSizes { needs, enterprises: (needs / 10).max(1), institutions };
    let bench = BenchDb::new("statistics");
    let now: NaiveDateTime = format!("{END}T04:00:00").parse()?;
    let clock = Arc::new(TestClock::new(now));

    let started = Instant::now();
    let counts = write_tx(&mut *bench.db.get()?, |c| seed(c, &sizes))?;
    println!(
        "{}: {} needs, {} offers, {} loans, {} drawdowns, {} enterprises, {} institutions inserted in {:.1} s",
        bench.backend,
        counts.needs,
        counts.offers,
        counts.loans,
        counts.drawdowns,
        sizes.enterprises,
        institutions,
        started.elapsed().as_secs_f64()
    );

    let end: NaiveDate = END.parse()?;
    let month = Period::month_of(end);
    let region = Filter { region: Some("990105".into()), ..Filter::default() };
    let mut conn = bench.db.get()?;
    let mut lines = Vec::new();
    let (facts, line) = once("cold: models::stats::load (every fact)", || Ok(stats::load(&mut conn, now)?))?;
    println!(
        "facts: {} needs, {} offers, {} drawdowns in memory",
        facts.needs.len(),
        facts.offers.len(),
        facts.drawdowns.len()
    );
    drop(facts);
    lines.push(line);
    for (what, filter) in [("all", Filter::default()), ("region 990105", region.clone())] {
        snapshot::clear(&mut conn)?;
        let (_, line) = once(&format!("cold: statistics {} {what} (load + compute + store)", month.code()), || {
            Ok(stats::statistics(&mut conn, now, &month, &filter)?)
        })?;
        lines.push(line);
    }
    snapshot::clear(&mut conn)?;
    for (what, filter) in [("all", Filter::default()), ("region 990105", region)] {
        stats::statistics(&mut conn, now, &month, &filter)?;
        let (p50, p99) = percentiles(requests, || {
            stats::statistics(&mut conn, now, &month, &filter)?;
            Ok(())
        })?;
        lines.push(Line {
            what: format!("warm: statistics {} {what} (dashboard)", month.code()),
            p50,
            p99,
            peak_mb: None,
        });
    }
    drop(conn);

    let vars = HashMap::from([
        ("DATABASE_URL", bench.url.clone()),
        ("DATA_DIR", bench.data_dir().display().to_string()),
        ("BASE_URL", "http://xinyidai.bench".to_string()),
    ]);
    let config = Config::from_lookup(|key| vars.get(key).cloned())?;
    let state = AppState {
        db: Db::connect(&config)?,
        mailer: Mailer::memory(),
        clock: clock.clone(),
        config: Arc::new(config),
    };
    let state_db = state.db.clone();
    let office = support::statistics::credit_office(&mut *state.db.get()?, &sizes)?;
    let (token, _) = SessionRow::create(&mut *state.db.get()?, Some(office), Some("127.0.0.1"), now)?;
    let cookie = format!("{}={token}", xinyidai::auth::session::COOKIE);
    let app = xinyidai::app(state.clone());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let get = |path: &str| -> anyhow::Result<u16> {
        let request = Request::get(path)
            .header("x-forwarded-for", "198.51.100.7")
            .header("cookie", &cookie)
            .body(Body::empty())?;
        Ok(runtime.block_on(app.clone().oneshot(request))?.status().as_u16())
    };
    for path in ["/", "/credit-office/statistics", "/scoreboard"] {
        let status = get(path)?;
        if status == 404 {
            println!("GET {path}: not in this build (404)");
            continue;
        }
        let (p50, p99) = percentiles(requests, || {
            let status = get(path)?;
            anyhow::ensure!(status < 500, "GET {path} answered {status}");
            Ok(())
        })?;
        lines.push(Line { what: format!("warm: GET {path} (status {status})"), p50, p99, peak_mb: None });
    }

    // A change (its audit row) and a minute later: the kept figures no longer
    // hold. Each page serves them as kept and queues one refresh per subject.
    write_tx(&mut *state_db.get()?, |c| {
        audit::record(c, &audit::Actor::of(None, None), "bench_change", None, "ok", now)
    })?;
    clock.advance(snapshot::FRESH + chrono::Duration::seconds(1));
    for path in ["/", "/credit-office/statistics", "/scoreboard"] {
        let (p50, p99) = percentiles(requests, || {
            let status = get(path)?;
            anyhow::ensure!(status < 500, "GET {path} answered {status}");
            Ok(())
        })?;
        lines.push(Line {
            what: format!("stale: GET {path} (served as kept, refresh queued)"),
            p50,
            p99,
            peak_mb: None,
        });
    }
    let (ran, line) = once("refresh jobs (every queued subject, one after another)", || {
        Ok(runtime.block_on(jobs::run_due_in(&state, "bench", jobs::STATISTICS_LANE))?)
    })?;
    println!("refresh jobs run: {ran}");
    lines.push(line);

    println!();
    println!("| {} at {} needs | p50 ms | p99 ms | peak RSS MB |", bench.backend, counts.needs);
    println!("|---|---:|---:|---:|");
    for line in &lines {
        let peak = line.peak_mb.map_or("".to_string(), |mb| format!("{mb:.0}"));
        println!("| {} | {:.1} | {:.1} | {peak} |", line.what, ms(line.p50), ms(line.p99));
    }
    Ok(())
}
