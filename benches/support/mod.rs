//! Helpers of the benchmarks: file generation, a throwaway database, direct
//! inserts for the recompute and the hall data sets, and peak memory.

// Each benchmark uses only some of the helpers.
#![allow(dead_code)]

/// A multi-row INSERT: diesel's `MultiConnection` cannot run one, so the
/// statement goes to the backend's own connection.
macro_rules! insert_many {
    ($conn:expr, $table:path, $rows:expr) => {
        match $conn {
            xinyidai::db::DbConn::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
            xinyidai::db::DbConn::Postgres(c) => diesel::insert_into($table).values($rows).execute(c),
        }
    };
}

pub mod database;
pub mod generate;
pub mod market;
pub mod records;
pub mod statistics;

/// Rows per INSERT statement (under SQLite's and PostgreSQL's bind limits).
pub const ROWS_PER_INSERT: usize = 1000;

/// A number from the environment (`1_000` or `1000`), or `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(default)
}

/// Peak resident set size of this process since the last [`reset_peak_rss`], in MB (VmHWM).
pub fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    kb(&status, "VmHWM:") / 1024.0
}

/// The current resident set split into anonymous memory (heap) and mapped
/// files (the SQLite file under `mmap_size`), in MB.
pub fn rss_split_mb() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    (kb(&status, "RssAnon:") / 1024.0, kb(&status, "RssFile:") / 1024.0)
}

/// Starts a new peak: VmHWM drops to the current RSS (Linux 4.0 and later).
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn kb(status: &str, field: &str) -> f64 {
    let value = status.lines().find_map(|line| line.strip_prefix(field));
    value.and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).unwrap_or(f64::NAN)
}
