//! Helpers of the import benchmark: file generation, a throwaway database,
//! direct inserts for the recompute data set, and peak memory.

pub mod database;
pub mod generate;
pub mod records;

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
