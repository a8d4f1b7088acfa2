//! A throwaway database for one benchmark run: a SQLite file in a temporary
//! folder, or, when BENCH_DATABASE_URL names a PostgreSQL server, a database
//! created on it and dropped afterwards (as tests/common does).

use std::collections::HashMap;

use diesel::prelude::*;
use xinyidai::config::Config;
use xinyidai::db::{self, Db};

pub struct BenchDb {
    pub db: Db,
    pub backend: &'static str,
    /// The database's URL, for a second pool over it (the app's own, in the hall benchmark).
    pub url: String,
    dir: tempfile::TempDir,
    admin_url: Option<String>,
    name: String,
}

impl BenchDb {
    pub fn new(label: &str) -> BenchDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let name = format!("xyd_bench_{label}_{}", std::process::id());
        let admin_url = std::env::var("BENCH_DATABASE_URL").ok().filter(|u| !u.is_empty());
        let url = match &admin_url {
            Some(admin_url) => {
                let mut admin = PgConnection::establish(admin_url).expect("connect to BENCH_DATABASE_URL");
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin).unwrap();
                diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).expect("create database");
                let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
                format!("{base}/{name}")
            }
            None => format!("sqlite://{}", dir.path().join("bench.db").display()),
        };
        let vars = HashMap::from([
            ("DATABASE_URL", url.clone()),
            ("DATA_DIR", dir.path().display().to_string()),
            ("DATABASE_POOL_SIZE", "4".to_string()),
        ]);
        let config = Config::from_lookup(|key| vars.get(key).cloned()).expect("config");
        let db = Db::connect(&config).expect("pool");
        db::migrate(&mut db.get().expect("connection")).expect("migrations");
        let backend = if admin_url.is_some() { "PostgreSQL" } else { "SQLite" };
        BenchDb { db, backend, url, dir, admin_url, name }
    }

    /// The temporary folder (the SQLite file, the mail folder).
    pub fn data_dir(&self) -> &std::path::Path {
        self.dir.path()
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        if let Some(admin_url) = &self.admin_url
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ =
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).execute(&mut admin);
        }
    }
}
