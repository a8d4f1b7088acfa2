//! The 用户协议 and 隐私政策 an enterprise accepts at registration. One
//! version names both documents as they stand; a change of either text gets a
//! new version, and `users.terms_version` says which one an account accepted.

/// The version of the 用户协议 and 隐私政策 now shown at `/terms` and `/privacy`.
pub const TERMS_VERSION: &str = "2026-12-03";

/// The date the version took effect, as the pages show it.
pub const TERMS_EFFECTIVE: &str = "2026年12月3日";
