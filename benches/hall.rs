//! Hall and grab benchmark: prints numbers, asserts nothing about time.
//!
//! ```sh
//! apt-get install -y wrk                                       # the load generator (else the hall part is skipped)
//! cargo bench --bench hall                                     # SQLite, 100,000 open needs, 1,000 institutions
//! BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:55439/postgres cargo bench --bench hall
//! BENCH_NEEDS=20000 BENCH_INSTITUTIONS=200 BENCH_SECONDS=5 cargo bench --bench hall   # quick run
//! ```
//!
//! A throwaway PostgreSQL 15 for the second line, as root (as `.ci/run` does):
//!
//! ```sh
//! pg=/usr/lib/postgresql/15/bin; mkdir -p /tmp/pgsock /tmp/pgbench; chown postgres /tmp/pgsock /tmp/pgbench
//! su postgres -s /bin/sh -c "$pg/initdb -D /tmp/pgbench/data -U postgres --auth=trust -E UTF8"
//! su postgres -s /bin/sh -c "$pg/pg_ctl -D /tmp/pgbench/data -l /tmp/pgbench/log -w \
//!     -o '-p 55439 -k /tmp/pgsock -c listen_addresses=127.0.0.1 -c max_connections=300' start"
//! # afterwards: su postgres -s /bin/sh -c "$pg/pg_ctl -D /tmp/pgbench/data -m fast stop"; rm -rf /tmp/pgbench
//! ```
//!
//! 1. Inserts the market (multi-row inserts, one transaction): BENCH_NEEDS
//!    open needs (3 slots, 0–2 taken, with the offers that took them, the
//!    deadline within the next 24 h to 7 days) of BENCH_NEEDS / 3 enterprises
//!    spread over 12 regions, 20 industries and the grades AAA–D (a tenth
//!    ungraded), and BENCH_INSTITUTIONS institutions with an officer and 1–3
//!    published products each. On PostgreSQL the tables are then analysed,
//!    as autovacuum would within the minute; SQLite is left as the app leaves it.
//! 2. Serves the real router with the app's default pool (16 connections on
//!    SQLite, 8 on PostgreSQL; BENCH_POOL_SIZE to change it) on a loopback port,
//!    signs in the officer of the first institution (a session row, as
//!    `POST /login` leaves one), and drives
//!    `wrk -t2 -c64 -dBENCH_SECONDS --latency --timeout 30s` against
//!    `/officer/hall` and `/officer/hall?sort=amount&page=5` (BENCH_SECONDS
//!    defaults to 15). The timeout is raised from wrk's 2 s so that slow pages
//!    count in the latencies instead of as socket errors, and a small Lua
//!    script counts the responses by status (a 503 is the pool's 3 s
//!    checkout timeout: the app sheds load). Before each run it
//!    prints how many needs the page says it shows, and how long the hall
//!    query alone takes on one connection.
//! 3. Inserts BENCH_GRAB_NEEDS (default 500) fresh needs of 3 slots and lets
//!    BENCH_GRABBERS (default 64) threads, each a different institution with
//!    its own connection, grab every one of them in the same order through
//!    `actions::offer::grab_need`; then checks that each need ended with exactly
//!    3 offers from 3 institutions.
//!
//! Everything (app, database server, wrk) shares this machine's cores.

mod support;

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use xinyidai::actions::Ctx as Change;
use xinyidai::actions::offer::{Grab, grab_need};
use xinyidai::clock::TestClock;
use xinyidai::config::Config;
use xinyidai::db::{Db, DbConn};
use xinyidai::domain::{Money, Rate};
use xinyidai::email::Mailer;
use xinyidai::models::hall::{HallFilter, hall};
use xinyidai::models::offer::OfferTerms;
use xinyidai::models::session::SessionRow;
use xinyidai::schema::{needs, offers};
use xinyidai::state::AppState;

use support::database::BenchDb;
use support::env_number;
use support::market::{self, Bank, Market, SLOTS, Sizes};

const BASE_URL: &str = "http://xinyidai.bench";
/// The pages under load: the default hall, and the fifth page sorted by amount.
const PATHS: [&str; 2] = ["/officer/hall", "/officer/hall?sort=amount&page=5"];
const CONNECTIONS: usize = 64;
/// Counts the responses of each status in every wrk thread and prints the sums
/// at the end ("status 200 1234"); wrk itself only counts the non-2xx ones.
const STATUS_SCRIPT: &str = r#"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local sums = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do sums[status] = (sums[status] or 0) + n end
  end
  for status, n in pairs(sums) do io.write(string.format("status %d %d\n", status, n)) end
end
"#;

/// One wrk run, as parsed from its report.
struct HallRun {
    path: &'static str,
    /// The pager's total as the page shows it ("1000+" past the hall's count cap).
    shown: String,
    query_ms: f64,
    requests: u64,
    seconds: f64,
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    non_2xx: u64,
    /// "200 × 63, 503 × 120".
    statuses: String,
    socket_errors: u64,
}

struct GrabRun {
    grabbers: usize,
    needs: usize,
    attempts: usize,
    won: usize,
    seconds: f64,
    p50_ms: f64,
    p99_ms: f64,
    refusals: BTreeMap<String, usize>,
    errors: usize,
}

fn main() -> anyhow::Result<()> {
    let sizes =
        Sizes { needs: env_number("BENCH_NEEDS", 100_000), institutions: env_number("BENCH_INSTITUTIONS", 1_000) };
    let seconds = env_number("BENCH_SECONDS", 15);
    let grabbers = env_number("BENCH_GRABBERS", 64).min(sizes.institutions);
    let grab_count = env_number("BENCH_GRAB_NEEDS", 500);
    let now = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap().and_hms_opt(2, 0, 0).unwrap();

    let bench = BenchDb::new("hall");
    let backend = bench.backend;
    println!("backend: {backend}");
    let started = Instant::now();
    let market = market::seed(&bench.db, &sizes, now)?;
    // What the app's housekeeping does on SQLite, and autovacuum soon after a load on PostgreSQL.
    match &mut *bench.db.get()? {
        DbConn::Postgres(c) => drop(diesel::sql_query("ANALYZE").execute(c)?),
        sqlite => xinyidai::db::refresh_statistics(sqlite)?,
    }
    println!(
        "inserted {} enterprises ({} graded), {} open needs with {} offers, {} institutions with {} products in {:.1} s",
        market.enterprises.len(),
        market.evaluations,
        market.needs,
        market.offers,
        market.banks.len(),
        market.products,
        started.elapsed().as_secs_f64()
    );

    let runs = if Command::new("wrk").arg("--version").output().is_ok() {
        hall_load(&bench, &market, now, seconds)?
    } else {
        println!("wrk not found (apt-get install -y wrk): the hall part is skipped");
        Vec::new()
    };
    let grabs = grab_race(&bench, &market, now, grabbers, grab_count)?;
    print_tables(backend, &runs, &grabs);
    Ok(())
}

/// Serves the app, signs in an officer and puts each page under wrk's load.
fn hall_load(bench: &BenchDb, market: &Market, now: NaiveDateTime, seconds: usize) -> anyhow::Result<Vec<HallRun>> {
    let mut vars = HashMap::from([
        ("DATABASE_URL", bench.url.clone()),
        ("DATA_DIR", bench.data_dir().display().to_string()),
        ("BASE_URL", BASE_URL.to_string()),
    ]);
    if let Ok(size) = std::env::var("BENCH_POOL_SIZE") {
        vars.insert("DATABASE_POOL_SIZE", size);
    }
    let config = Config::from_lookup(|key| vars.get(key).cloned())?;
    println!("app pool: {} connections; wrk: {CONNECTIONS} connections for {seconds} s per page", config.pool_size);
    let state = AppState {
        db: Db::connect(&config)?,
        mailer: Mailer::memory(),
        clock: Arc::new(TestClock::new(now)),
        config: Arc::new(config),
    };
    let officer = market.banks[0];
    let (token, _) = SessionRow::create(&mut *state.db.get()?, Some(officer.officer), Some("127.0.0.1"), now)?;
    let cookie = format!("{}={token}", xinyidai::auth::session::COOKIE);

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let address = listener.local_addr()?;
    let app = xinyidai::router::router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    runtime.spawn(async move { axum::serve(listener, app).await });

    let mut runs = Vec::new();
    for path in PATHS {
        let (status, body) = get(address, path, &cookie)?;
        anyhow::ensure!(status == 200, "GET {path} answered {status}");
        let shown = shown_total(&body).ok_or_else(|| anyhow::anyhow!("GET {path}: no “共 N 笔需求” on the page"))?;
        let query_ms = hall_query_ms(&state.db, officer, path, now)?;
        println!("{path}: the hall shows {shown} needs to the officer; the hall query alone takes {query_ms:.0} ms");
        let run = wrk(address, path, &cookie, seconds)?;
        let run = HallRun { shown, query_ms, ..run };
        println!(
            "  {} requests in {:.1} s: {:.1} requests/s, p50 {:.0} ms, p99 {:.0} ms; statuses {}; {} socket errors",
            run.requests, run.seconds, run.rps, run.p50_ms, run.p99_ms, run.statuses, run.socket_errors
        );
        runs.push(run);
    }
    runtime.shutdown_timeout(Duration::from_secs(5));
    Ok(runs)
}

/// One GET over a fresh connection: the status and the body.
fn get(address: SocketAddr, path: &str, cookie: &str) -> anyhow::Result<(u16, String)> {
    let mut stream = TcpStream::connect(address)?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n")?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let response = String::from_utf8_lossy(&response);
    let status = response.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    Ok((status, body.to_string()))
}

/// The pager's total, from "共 N 笔需求".
fn shown_total(body: &str) -> Option<String> {
    let (_, rest) = body.split_once("共 ")?;
    let (total, tail) = rest.split_once(' ')?;
    tail.starts_with("笔需求").then(|| total.to_string())
}

/// The median time of `models::hall::hall` for the page at `path`, over 5 calls on one connection.
fn hall_query_ms(db: &Db, officer: Bank, path: &str, now: NaiveDateTime) -> anyhow::Result<f64> {
    let filter: HallFilter = serde_urlencoded::from_str(path.split_once('?').map_or("", |(_, q)| q))?;
    let mut conn = db.get()?;
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let started = Instant::now();
            hall(&mut conn, officer.institution, &filter, now).map(|_| started.elapsed().as_secs_f64() * 1e3)
        })
        .collect::<Result<_, _>>()?;
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}

fn wrk(address: SocketAddr, path: &'static str, cookie: &str, seconds: usize) -> anyhow::Result<HallRun> {
    let mut script = tempfile::Builder::new().suffix(".lua").tempfile()?;
    script.write_all(STATUS_SCRIPT.as_bytes())?;
    let output = Command::new("wrk")
        .args(["-t2", &format!("-c{CONNECTIONS}"), &format!("-d{seconds}s"), "--latency", "--timeout", "30s"])
        .args(["-s", &script.path().display().to_string()])
        .args(["-H", &format!("Cookie: {cookie}"), &format!("http://{address}{path}")])
        .output()?;
    let report = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(output.status.success(), "wrk failed: {report}{}", String::from_utf8_lossy(&output.stderr));
    let line = |prefix: &str| report.lines().map(str::trim).find_map(|l| l.strip_prefix(prefix)).map(str::trim);
    let number = |text: &str| text.trim_end_matches(',').parse::<f64>().ok();
    // "1234 requests in 15.01s, 56.78MB read"
    let (requests, seconds) = report
        .lines()
        .find_map(|l| {
            let (count, rest) = l.trim().split_once(" requests in ")?;
            Some((count.parse().ok()?, rest.split('s').next()?.parse().ok()?))
        })
        .ok_or_else(|| anyhow::anyhow!("no request count in wrk's report: {report}"))?;
    // "Socket errors: connect 0, read 0, write 0, timeout 0"
    let socket_errors =
        line("Socket errors:").map_or(0.0, |l| l.split_whitespace().filter_map(number).sum::<f64>()) as u64;
    let mut statuses: Vec<(u16, u64)> = report
        .lines()
        .filter_map(|l| {
            let mut words = l.strip_prefix("status ")?.split(' ');
            Some((words.next()?.parse().ok()?, words.next()?.parse().ok()?))
        })
        .collect();
    statuses.sort_unstable();
    let statuses: Vec<String> = statuses.iter().map(|(status, n)| format!("{status} × {n}")).collect();
    Ok(HallRun {
        path,
        shown: String::new(),
        query_ms: 0.0,
        requests,
        seconds,
        rps: line("Requests/sec:").and_then(number).unwrap_or(f64::NAN),
        p50_ms: line("50%").and_then(duration_ms).unwrap_or(f64::NAN),
        p99_ms: line("99%").and_then(duration_ms).unwrap_or(f64::NAN),
        non_2xx: line("Non-2xx or 3xx responses:").and_then(number).unwrap_or(0.0) as u64,
        statuses: statuses.join(", "),
        socket_errors,
    })
}

/// wrk's "812.34us", "45.67ms", "1.23s" or "1.05m", in milliseconds.
fn duration_ms(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (value, unit) = text.split_at(split);
    let value: f64 = value.parse().ok()?;
    let scale = match unit {
        "us" => 1e-3,
        "ms" => 1.0,
        "s" => 1e3,
        "m" => 60e3,
        "h" => 3600e3,
        _ => return None,
    };
    Some(value * scale)
}

/// `grabbers` banks, each on a connection of its own, grab `count` fresh
/// needs in the same order; the first three to each need win it.
fn grab_race(
    bench: &BenchDb,
    market: &Market,
    now: NaiveDateTime,
    grabbers: usize,
    count: usize,
) -> anyhow::Result<GrabRun> {
    let need_ids = Arc::new(market::grab_needs(&bench.db, market, grabbers, count, now)?);
    println!(
        "grabs: {grabbers} banks, each on its own connection, grab the same {count} needs of {SLOTS} slots in turn"
    );
    let barrier = Arc::new(Barrier::new(grabbers + 1));
    let threads: Vec<_> = market.banks[..grabbers]
        .iter()
        .map(|&bank| {
            let (db, barrier, need_ids) = (bench.db.clone(), barrier.clone(), need_ids.clone());
            std::thread::spawn(move || -> anyhow::Result<Grabber> {
                let mut conn = db.connect_one()?;
                let terms = terms(now);
                let (change, clock) = (Change::system(now, BASE_URL), TestClock::new(now));
                let mut grabber = Grabber::default();
                barrier.wait();
                for &need in need_ids.iter() {
                    let started = Instant::now();
                    let input = Grab {
                        need_id: need,
                        institution_id: bank.institution,
                        officer_id: bank.officer,
                        terms: terms.clone(),
                    };
                    let outcome = grab_need(&mut conn, &change, &input, &clock);
                    grabber.latencies.push(started.elapsed());
                    match outcome {
                        Ok(Ok(_)) => grabber.won += 1,
                        Ok(Err(refusal)) => *grabber.refusals.entry(refusal.code().to_string()).or_default() += 1,
                        Err(error) => {
                            if grabber.errors == 0 {
                                eprintln!("grab of need {need} by institution {}: {error}", bank.institution);
                            }
                            grabber.errors += 1;
                        }
                    }
                }
                Ok(grabber)
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let mut all = Grabber::default();
    for thread in threads {
        let grabber = thread.join().map_err(|_| anyhow::anyhow!("a grabbing thread panicked"))??;
        all.won += grabber.won;
        all.errors += grabber.errors;
        all.latencies.extend(grabber.latencies);
        for (reason, n) in grabber.refusals {
            *all.refusals.entry(reason).or_default() += n;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    check_offers(&bench.db, &need_ids, grabbers.min(SLOTS as usize), all.won)?;
    all.latencies.sort();
    let percentile = |p: usize| all.latencies[(all.latencies.len() - 1) * p / 100].as_secs_f64() * 1e3;
    Ok(GrabRun {
        grabbers,
        needs: need_ids.len(),
        attempts: all.latencies.len(),
        won: all.won,
        seconds,
        p50_ms: percentile(50),
        p99_ms: percentile(99),
        refusals: all.refusals,
        errors: all.errors,
    })
}

#[derive(Default)]
struct Grabber {
    won: usize,
    refusals: BTreeMap<String, usize>,
    errors: usize,
    latencies: Vec<Duration>,
}

fn terms(now: NaiveDateTime) -> OfferTerms {
    OfferTerms {
        amount: Money::from_yuan(2_000_000),
        rate: Rate::from_units(38_500),
        term_months: 12,
        repayment_method: xinyidai::domain::repayment::RepaymentMethod::InterestOnly,
        guarantee: xinyidai::domain::Guarantee::Credit,
        conditions: "无".into(),
        valid_until: now + chrono::Duration::days(10),
    }
}

/// Every need has exactly `expected` offers, from as many institutions, and
/// as many slots taken; the offers are the grabs that were told they won.
fn check_offers(db: &Db, need_ids: &[i64], expected: usize, won: usize) -> anyhow::Result<()> {
    let (first, last) = (need_ids[0], need_ids[need_ids.len() - 1]);
    let mut conn = db.get()?;
    let made: Vec<(i64, i64)> = offers::table
        .filter(offers::need_id.between(first, last))
        .select((offers::need_id, offers::institution_id))
        .load(&mut *conn)?;
    let taken: Vec<(i64, i32)> =
        needs::table.filter(needs::id.between(first, last)).select((needs::id, needs::slots_taken)).load(&mut *conn)?;
    let mut by_need: HashMap<i64, Vec<i64>> = HashMap::new();
    for (need, institution) in &made {
        by_need.entry(*need).or_default().push(*institution);
    }
    let wrong: Vec<String> = taken
        .iter()
        .filter_map(|(need, slots_taken)| {
            let mut banks = by_need.remove(need).unwrap_or_default();
            let offers = banks.len();
            banks.sort_unstable();
            banks.dedup();
            (offers != expected || banks.len() != expected || *slots_taken as usize != expected)
                .then(|| format!("need {need}: {offers} offers from {} banks, {slots_taken} slots taken", banks.len()))
        })
        .collect();
    anyhow::ensure!(
        wrong.is_empty(),
        "{} needs ended wrong, e.g. {}",
        wrong.len(),
        wrong[..wrong.len().min(5)].join("; ")
    );
    anyhow::ensure!(made.len() == won, "{} offers stored but {won} grabs were told they won", made.len());
    println!(
        "check: each of the {} needs ended with exactly {expected} offers from {expected} distinct institutions \
         and {expected} slots taken; {won} offers in all, one per winning grab",
        taken.len()
    );
    Ok(())
}

fn print_tables(backend: &str, runs: &[HallRun], grabs: &GrabRun) {
    println!();
    println!(
        "| backend | page | needs shown | query ms | requests | requests/s | 2xx/s | p50 ms | p99 ms | statuses | socket errors |"
    );
    println!("|---|---|--:|--:|--:|--:|--:|--:|--:|---|--:|");
    for run in runs {
        println!(
            "| {backend} | `{}` | {} | {:.0} | {} | {:.1} | {:.1} | {:.0} | {:.0} | {} | {} |",
            run.path,
            run.shown,
            run.query_ms,
            run.requests,
            run.rps,
            run.requests.saturating_sub(run.non_2xx) as f64 / run.seconds,
            run.p50_ms,
            run.p99_ms,
            run.statuses,
            run.socket_errors
        );
    }
    println!();
    println!(
        "| backend | banks | needs | attempts | attempts/s | successful | successful/s | p50 ms | p99 ms | refused | errors |"
    );
    println!("|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|");
    let refused: Vec<String> = grabs.refusals.iter().map(|(reason, n)| format!("{reason} {n}")).collect();
    println!(
        "| {backend} | {} | {} | {} | {:.0} | {} | {:.0} | {:.1} | {:.1} | {} | {} |",
        grabs.grabbers,
        grabs.needs,
        grabs.attempts,
        grabs.attempts as f64 / grabs.seconds,
        grabs.won,
        grabs.won as f64 / grabs.seconds,
        grabs.p50_ms,
        grabs.p99_ms,
        refused.join(", "),
        grabs.errors,
    );
}
