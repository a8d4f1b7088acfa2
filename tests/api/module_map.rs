//! `lib.rs` opens with a map of the crate: every public module is on it.

#[test]
fn every_public_module_is_described_in_the_crate_map() {
    let lib = include_str!("../../src/lib.rs");
    let map: String = lib.lines().filter(|l| l.starts_with("//!")).collect::<Vec<_>>().join("\n");
    let modules: Vec<&str> =
        lib.lines().filter_map(|l| l.strip_prefix("pub mod ")).map(|l| l.trim_end_matches(';')).collect();
    assert!(modules.len() > 10, "found the modules: {modules:?}");
    let missing: Vec<&&str> = modules.iter().filter(|m| !map.contains(&format!("`{m}`"))).collect();
    assert!(missing.is_empty(), "lib.rs's map does not describe: {missing:?}");
}
