//! What both test binaries share: a fresh database per test on the backend the
//! environment names (SQLite by default; PostgreSQL when TEST_DATABASE_URL is
//! set to a server URL), and a migrated AppState over it.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::Arc;

use diesel::prelude::*;
use xinyidai::clock::Clock;
use xinyidai::config::Config;
use xinyidai::db::{self, Db};
use xinyidai::email::Mailer;
use xinyidai::state::AppState;

/// A throwaway database: a file in a temporary folder, or a PostgreSQL
/// database created for this test and dropped after it.
pub struct TestDb {
    pub dir: tempfile::TempDir,
    pub url: String,
    admin_url: Option<String>,
    name: String,
}

impl TestDb {
    pub fn new() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let name = format!("xyd_test_{}", hex_id());
        match std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
            Some(admin_url) => {
                let mut admin = PgConnection::establish(&admin_url).expect("connect to TEST_DATABASE_URL");
                diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).expect("create database");
                let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
                let url = format!("{base}/{name}");
                TestDb { dir, url, admin_url: Some(admin_url), name }
            }
            None => {
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                TestDb { dir, url, admin_url: None, name }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.admin_url.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(admin_url) = &self.admin_url
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ =
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).execute(&mut admin);
        }
    }
}

pub fn hex_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{}_{}_{n}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos()
    )
}

/// A migrated AppState on `test_db`, with the given clock, mailer and base URL.
pub fn state(test_db: &TestDb, clock: Arc<dyn Clock>, mailer: Mailer, base_url: &str) -> AppState {
    let vars: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", test_db.url.clone()),
        ("DATA_DIR", test_db.dir.path().display().to_string()),
        ("BASE_URL", base_url.to_string()),
        ("TRUST_PROXY", "true".to_string()),
        ("DATABASE_POOL_SIZE", "8".to_string()),
    ]);
    let config = Config::from_lookup(|key| vars.get(key).cloned()).expect("test config");
    let db = Db::connect(&config).expect("pool");
    db::migrate(&mut db.get().expect("connection")).expect("migrations");
    AppState { db, mailer, clock, config: Arc::new(config) }
}
