//! The password policy (ASVS level 2): at least 8 characters, at most 128, and
//! not one of the passwords attackers try first.

use std::collections::HashSet;
use std::sync::OnceLock;

/// The most common breached passwords, lowercased, one a line (40,098 entries):
/// the union of Django 5.2.19's `contrib/auth/common-passwords.txt.gz` (PyPI
/// `django`, BSD-3-Clause; Royce Williams' list of 20,000 from breach corpora)
/// and the `passwords` frequency list of PyPI `zxcvbn` 4.5.0 (MIT; the 30,000
/// most common of Xato's 10 million leaked passwords).
const BREACHED: &str = include_str!("common_passwords.txt");

/// Local favourites that the breach lists miss: the platform's own name and
/// numbers Chinese users pick.
const LOCAL: &[&str] = &["xinyidai", "xinyidai123", "xinyidai-demo", "admin888", "5201314520", "woaini520"];

fn common() -> &'static HashSet<&'static str> {
    static COMMON: OnceLock<HashSet<&'static str>> = OnceLock::new();
    COMMON.get_or_init(|| BREACHED.lines().chain(LOCAL.iter().copied()).collect())
}

/// Whether `password` (case-insensitively) is on the list of common passwords.
pub fn is_common(password: &str) -> bool {
    common().contains(password.to_lowercase().as_str())
}

/// Checks a new password; the error is shown beside the field.
pub fn check(password: &str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < 8 {
        return Err("密码至少 8 位");
    }
    if length > 128 {
        return Err("密码最多 128 位");
    }
    if is_common(password) {
        return Err("该密码过于常见，容易被猜中，请换一个");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn policy() {
        assert!(check("short").is_err());
        assert!(check("Password123").is_err());
        assert!(check("12345678").is_err());
        assert!(check(&"长".repeat(64)).is_ok());
        assert!(check("云海晨光2026!").is_ok());
        assert!(check(&"x".repeat(129)).is_err());
    }

    #[test]
    fn breached_passwords_are_refused() {
        for password in ["qwerty12", "1q2w3e4r", "Iloveyou1", "zaq12wsx", "passw0rd", "xinyidai-demo", "5201314520"] {
            assert_eq!(check(password), Err("该密码过于常见，容易被猜中，请换一个"), "{password}");
        }
        assert!(super::common().len() > 40_000);
    }
}
