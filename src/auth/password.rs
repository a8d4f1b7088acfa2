//! Argon2id hashing. Both calls are slow on purpose: run them in `spawn_blocking`.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use std::sync::LazyLock;

/// Verified against when the account does not exist, so that an unknown user
/// name takes as long to refuse as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash("not-a-real-password").expect("hash"));

pub fn hash(password: &str) -> anyhow::Result<String> {
    let hashed = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))?;
    Ok(hashed.to_string())
}

/// True when `password` matches `stored`; `None` checks against a dummy hash and is always false.
pub fn verify(stored: Option<&str>, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored.unwrap_or(DUMMY_HASH.as_str())) else {
        return false;
    };
    let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
    matches && stored.is_some()
}

pub async fn hash_async(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash(&password)).await?
}

pub async fn verify_async(stored: Option<String>, password: String) -> bool {
    tokio::task::spawn_blocking(move || verify(stored.as_deref(), &password)).await.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_then_verify() {
        let stored = super::hash("云海晨光2026!").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(super::verify(Some(&stored), "云海晨光2026!"));
        assert!(!super::verify(Some(&stored), "云海晨光2026"));
        assert!(!super::verify(None, "not-a-real-password"));
    }
}
