//! One typed configuration read from the environment. Every variable has a
//! documented default so that `cargo run` works on a fresh machine; a bad
//! value stops the start with one clear line.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Which database the URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`: `postgres://...` or a SQLite file (`sqlite://data/x.db` or a plain path).
    pub database_url: String,
    pub backend: Backend,
    /// `DATABASE_POOL_SIZE`: connections per app instance (default 16 SQLite, 8 PostgreSQL).
    pub pool_size: u32,
    /// `BIND`: listen address (default 127.0.0.1:8080).
    pub bind: SocketAddr,
    /// `BASE_URL`: the public origin, used in emailed links and the Origin check.
    pub base_url: String,
    /// `SMTP_URL`: e.g. `smtps://user:pass@mail.example.com`; unset writes .eml files.
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`: sender of every email.
    pub mail_from: String,
    /// `DATA_DIR`: where the SQLite file and the mail folder live (default `data`).
    pub data_dir: PathBuf,
    /// `LOG_FORMAT`: `text` (default) or `json`.
    pub log_format: LogFormat,
    /// `TRUST_PROXY`: take the client address from X-Forwarded-For (default false).
    pub trust_proxy: bool,
    /// `TRUST_PROXY_HOPS`: how many trusted proxies append to X-Forwarded-For
    /// (default 1); the client is the entry that many places from the right,
    /// since everything left of it was written by the client itself.
    pub proxy_hops: usize,
    /// `RUN_WORKER`: run the job worker inside `serve` (default true).
    pub run_worker: bool,
}

#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(String);

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|key| std::env::var(key).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Builds the configuration from any key lookup (the environment, or a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let data_dir = PathBuf::from(get("DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url =
            get("DATABASE_URL").unwrap_or_else(|| format!("sqlite://{}", data_dir.join("xinyidai.db").display()));
        let backend = backend_of(&database_url)?;
        let bind_text = get("BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind: SocketAddr = bind_text
            .parse()
            .map_err(|_| ConfigError(format!("BIND must be an address like 127.0.0.1:8080, got {bind_text:?}")))?;
        let base_url = get("BASE_URL").unwrap_or_else(|| format!("http://{bind}")).trim_end_matches('/').to_string();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err(ConfigError(format!("BASE_URL must start with http:// or https://, got {base_url:?}")));
        }
        let smtp_url = get("SMTP_URL");
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(ConfigError("SMTP_URL must start with smtp:// or smtps://".into()));
        }
        let pool_size = match get("DATABASE_POOL_SIZE") {
            None if backend == Backend::Sqlite => 16,
            None => 8,
            Some(text) => text
                .parse()
                .ok()
                .filter(|n| (1..=256).contains(n))
                .ok_or_else(|| ConfigError(format!("DATABASE_POOL_SIZE must be 1 to 256, got {text:?}")))?,
        };
        let log_format = match get("LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(ConfigError(format!("LOG_FORMAT must be text or json, got {other:?}")));
            }
        };
        let proxy_hops = match get("TRUST_PROXY_HOPS") {
            None => 1,
            Some(text) => text
                .parse()
                .ok()
                .filter(|n| (1..=10).contains(n))
                .ok_or_else(|| ConfigError(format!("TRUST_PROXY_HOPS must be 1 to 10, got {text:?}")))?,
        };
        Ok(Config {
            database_url,
            backend,
            pool_size,
            bind,
            base_url,
            smtp_url,
            mail_from: get("MAIL_FROM").unwrap_or_else(|| "信易贷 <noreply@xinyidai.local>".into()),
            data_dir,
            log_format,
            trust_proxy: flag(&get, "TRUST_PROXY", false)?,
            proxy_hops,
            run_worker: flag(&get, "RUN_WORKER", true)?,
        })
    }

    /// Whether cookies get the Secure attribute (the site is served over TLS).
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }
}

fn backend_of(url: &str) -> Result<Backend, ConfigError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else if url.contains("://") && !url.starts_with("sqlite://") {
        Err(ConfigError(format!(
            "DATABASE_URL must be postgres://... or a SQLite file, got scheme {:?}",
            url.split("://").next().unwrap_or_default()
        )))
    } else {
        Ok(Backend::Sqlite)
    }
}

fn flag(get: &impl Fn(&str) -> Option<String>, key: &str, default: bool) -> Result<bool, ConfigError> {
    match get(key).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes") => Ok(true),
        Some("0" | "false" | "no") => Ok(false),
        Some(other) => Err(ConfigError(format!("{key} must be true or false, got {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|key| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn defaults_start_on_sqlite_on_localhost() {
        let config = config(&[]).unwrap();
        assert_eq!(config.backend, Backend::Sqlite);
        assert_eq!(config.database_url, "sqlite://data/xinyidai.db");
        assert_eq!(config.base_url, "http://127.0.0.1:8080");
        assert!(!config.secure_cookies());
    }

    #[test]
    fn postgres_is_chosen_by_the_url_scheme() {
        let config = config(&[("DATABASE_URL", "postgresql://u@h/db")]).unwrap();
        assert_eq!((config.backend, config.pool_size), (Backend::Postgres, 8));
    }

    #[test]
    fn bad_values_are_named_in_one_line() {
        for (key, value, words) in [
            ("BIND", "localhost", "BIND must be"),
            ("DATABASE_URL", "mysql://x", "DATABASE_URL must be"),
            ("BASE_URL", "example.com", "BASE_URL must start"),
            ("SMTP_URL", "mail.example.com", "SMTP_URL must start"),
            ("LOG_FORMAT", "xml", "LOG_FORMAT must be"),
            ("DATABASE_POOL_SIZE", "0", "DATABASE_POOL_SIZE must be"),
            ("TRUST_PROXY", "maybe", "TRUST_PROXY must be"),
            ("TRUST_PROXY_HOPS", "0", "TRUST_PROXY_HOPS must be"),
        ] {
            let error = config(&[(key, value)]).unwrap_err().to_string();
            assert!(error.contains(words), "{error}");
            assert!(!error.contains('\n'));
        }
    }
}
