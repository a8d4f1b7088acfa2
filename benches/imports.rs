//! Import and recompute benchmark: prints numbers, asserts nothing about time.
//!
//! ```sh
//! cargo bench --bench imports                                  # SQLite, 1,000,000 rows
//! BENCH_DATABASE_URL=postgres://user@127.0.0.1:5432/postgres cargo bench --bench imports
//! BENCH_ROWS=100000 BENCH_ENTERPRISES=10000 cargo bench --bench imports   # quick run
//! ```
//!
//! 1. Writes a registry file and a utilities file of BENCH_ROWS rows (36 months
//!    of bills for BENCH_ROWS / 36 enterprises, one broken row in 3,000) to a
//!    temporary folder, row by row, before any database work.
//! 2. Imports the registry, then the utilities file twice (the second import
//!    must change nothing) through `jobs::import::run`, in this process.
//! 3. Inserts BENCH_ENTERPRISES enterprises with a few records each into a
//!    fresh database and times `credit::recompute_all`.
//!
//! Peak memory is this process's VmHWM, reset (via /proc/self/clear_refs)
//! just before each measured step, so it covers that step only; the files are
//! generated beforehand and never held in memory. It includes pages of the
//! SQLite file mapped by `mmap_size`. On PostgreSQL the server's memory is not counted.

mod support;

use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;
use xinyidai::clock::{Clock, TestClock};
use xinyidai::db::write_tx;
use xinyidai::domain::records::RecordKind;
use xinyidai::jobs::import::{Timings, run_timed};
use xinyidai::models::import_batch::{ImportBatch, NewBatch};

use support::database::BenchDb;
use support::{env_number, generate, peak_rss_mb, reset_peak_rss, rss_split_mb};

/// One line of the summary table.
struct Line {
    step: String,
    rows: i64,
    changed: i64,
    seconds: f64,
    timings: Option<Timings>,
    peak_mb: f64,
}

fn main() -> anyhow::Result<()> {
    let rows = env_number("BENCH_ROWS", 1_000_000);
    let recompute_enterprises = env_number("BENCH_ENTERPRISES", 100_000);
    let clock = TestClock::new(NaiveDate::from_ymd_opt(2026, 6, 15).unwrap().and_hms_opt(2, 0, 0).unwrap());
    let last_month = generate::month_before(xinyidai::clock::beijing(clock.now()).date_naive(), 1);

    let files = tempfile::tempdir()?;
    let (registry, utilities) = (files.path().join("registry.csv"), files.path().join("utilities.csv"));
    let started = Instant::now();
    let (enterprises, bad) = generate::utilities_csv(&utilities, rows, last_month)?;
    generate::registry_csv(&registry, enterprises)?;
    let size_mb = std::fs::metadata(&utilities)?.len() as f64 / 1e6;
    println!(
        "generated {rows} utility rows ({bad} broken, {size_mb:.0} MB) for {enterprises} enterprises in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let bench = BenchDb::new("imports");
    let backend = bench.backend;
    println!("backend: {backend}");
    let mut lines = vec![import(&bench, &clock, RecordKind::Registry, &registry, "registry")?];
    lines.push(import(&bench, &clock, RecordKind::Utilities, &utilities, "utilities, first import")?);
    lines.push(import(&bench, &clock, RecordKind::Utilities, &utilities, "utilities, same file again")?);
    anyhow::ensure!(lines[2].changed == 0, "the second import changed {} rows", lines[2].changed);
    drop(bench);

    let bench = BenchDb::new("recompute");
    let started = Instant::now();
    let stored = support::records::seed(&bench.db, recompute_enterprises, last_month, clock.now())?;
    println!("inserted {stored} rows for the recompute benchmark in {:.1} s", started.elapsed().as_secs_f64());
    reset_peak_rss();
    let started = Instant::now();
    let evaluated = xinyidai::credit::recompute_all(&bench.db, &clock)?;
    let seconds = started.elapsed().as_secs_f64();
    lines.push(Line {
        step: "recompute_all (enterprises)".into(),
        rows: evaluated as i64,
        changed: evaluated as i64,
        seconds,
        timings: None,
        peak_mb: peak_rss_mb(),
    });
    drop(bench);

    print_table(backend, &lines);
    Ok(())
}

/// Stores `path` as an import batch, then runs the import and measures it.
fn import(bench: &BenchDb, clock: &TestClock, kind: RecordKind, path: &Path, step: &str) -> anyhow::Result<Line> {
    // As `xinyidai import` does: a connection that keeps little of the file in its cache.
    let mut conn = bench.db.get_streaming()?;
    let new = NewBatch {
        kind,
        department: kind.default_department(),
        as_of: NaiveDate::from_ymd_opt(2026, 5, 31).unwrap(),
        file_name: "bench.csv",
        uploaded_by: None,
    };
    let id = ImportBatch::begin(&mut conn, &new, clock.now())?;
    let bytes = ImportBatch::store_file(&mut conn, id, std::io::BufReader::new(std::fs::File::open(path)?), clock)?;
    write_tx(&mut conn, |c| ImportBatch::queue(c, id, bytes))?;
    drop(conn);

    reset_peak_rss();
    let started = Instant::now();
    let timings = run_timed(&bench.db, clock, id)?;
    let seconds = started.elapsed().as_secs_f64();
    let peak_mb = peak_rss_mb();
    let (anon_mb, file_mb) = rss_split_mb();
    let batch = ImportBatch::find(&mut *bench.db.get()?, id)?;
    anyhow::ensure!(batch.is_written(), "import of {step} ended {}: {:?}", batch.status, batch.error);
    println!(
        "{step}: {} rows, {} changed, {} unchanged, {} rejected in {seconds:.1} s \
         (validate {:.1} s, write {:.1} s, recompute {:.1} s), \
         peak RSS {peak_mb:.0} MB (at the end: heap {anon_mb:.0} MB, mapped files {file_mb:.0} MB)",
        batch.rows_total,
        batch.rows_changed,
        batch.rows_unchanged,
        batch.rows_rejected,
        timings.validate.as_secs_f64(),
        timings.write.as_secs_f64(),
        timings.recompute.as_secs_f64(),
    );
    for error in ImportBatch::errors(&mut *bench.db.get()?, id, 0, 2)? {
        println!("  e.g. row {} {}“{}”: {}", error.row_no, error.field, error.value, error.reason);
    }
    Ok(Line {
        step: step.into(),
        rows: batch.rows_total,
        changed: batch.rows_changed,
        seconds,
        timings: Some(timings),
        peak_mb,
    })
}

fn print_table(backend: &str, lines: &[Line]) {
    println!();
    println!(
        "| backend | step | rows | changed | seconds | rows/s | validate s | write s | recompute s | peak RSS MB |"
    );
    println!("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|");
    for line in lines {
        let stage = |f: fn(&Timings) -> std::time::Duration| {
            line.timings.as_ref().map_or("".to_string(), |t| format!("{:.1}", f(t).as_secs_f64()))
        };
        println!(
            "| {backend} | {} | {} | {} | {:.1} | {:.0} | {} | {} | {} | {:.0} |",
            line.step,
            line.rows,
            line.changed,
            line.seconds,
            line.rows as f64 / line.seconds.max(1e-9),
            stage(|t| t.validate),
            stage(|t| t.write),
            stage(|t| t.recompute),
            line.peak_mb,
        );
    }
}
