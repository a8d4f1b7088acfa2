//! The connection pool over one `MultiConnection` (SQLite or PostgreSQL, picked
//! by the URL scheme), the embedded migrations of each backend, and the one
//! write-transaction helper that makes SQLite take its write lock up front.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::R2D2Connection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::time::Duration;

use crate::config::{Backend, Config};
use crate::error::AppError;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<Manager>;

/// The diesel backend of `DbConn`, for boxed queries.
pub type DbBackend = <DbConn as diesel::Connection>::Backend;
/// Page cache and memory-mapped I/O of a SQLite connection in the pool:
/// 64 MiB of cache and up to 256 MiB of the file mapped.
const SQLITE_MEMORY: &str = "PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456;";
/// The same for a connection that streams through far more data than it
/// reads twice (an import, a recompute of every enterprise): 16 MiB of cache
/// and no mapping, so that its memory stays flat whatever the size of the file.
const SQLITE_STREAMING_MEMORY: &str = "PRAGMA cache_size = -16384; PRAGMA mmap_size = 0;";

/// Opens connections of the configured backend; never guesses from the URL by trial.
#[derive(Clone, Debug)]
pub struct Manager {
    backend: Backend,
    url: String,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = ConnectionError;

    fn connect(&self) -> Result<DbConn, ConnectionError> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.url).map(DbConn::Postgres),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.url)?;
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                )
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                conn.batch_execute(SQLITE_MEMORY).map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), ConnectionError> {
        conn.ping().map_err(ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

/// The pool plus the backend it talks to; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pub pool: Pool,
    pub backend: Backend,
    manager: Manager,
}

impl Db {
    /// Builds the pool. The SQLite file's folder is created and WAL mode set once,
    /// before the pool exists (setting it per connection causes lock errors).
    pub fn connect(config: &Config) -> anyhow::Result<Db> {
        let url = match config.backend {
            Backend::Sqlite => {
                let path = sqlite_path(&config.database_url);
                if let Some(dir) = std::path::Path::new(path).parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let mut conn = SqliteConnection::establish(path)?;
                conn.batch_execute("PRAGMA journal_mode = WAL;")?;
                path.to_string()
            }
            Backend::Postgres => config.database_url.clone(),
        };
        let manager = Manager { backend: config.backend, url };
        let pool = r2d2::Pool::builder()
            .max_size(config.pool_size)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(3))
            .test_on_check_out(false)
            .build_unchecked(manager.clone());
        Ok(Db { pool, backend: config.backend, manager })
    }

    /// Runs blocking database work off the async threads. A pool that cannot
    /// hand out a connection means the database is down: 503, not a panic.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(|e| AppError::Unavailable(e.to_string()))?;
            work(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("database task failed: {e}")))?
    }

    /// A connection of its own, outside the pool (contention tests, benchmarks).
    pub fn connect_one(&self) -> anyhow::Result<DbConn> {
        use r2d2::ManageConnection;
        Ok(self.manager.connect()?)
    }

    /// Blocking access for the command line and the worker threads.
    pub fn get(&self) -> anyhow::Result<r2d2::PooledConnection<Manager>> {
        Ok(self.pool.get()?)
    }

    /// A connection for bulk work (blocking): on SQLite its page cache is
    /// small and the file is not memory-mapped until it goes back to the pool.
    pub fn get_streaming(&self) -> anyhow::Result<StreamingConn> {
        let mut conn = self.pool.get()?;
        if let DbConn::Sqlite(c) = &mut *conn {
            c.batch_execute(SQLITE_STREAMING_MEMORY)?;
        }
        Ok(StreamingConn(conn))
    }
}

/// A pooled connection set up by [`Db::get_streaming`]; the pool's settings
/// are restored when it is dropped.
pub struct StreamingConn(r2d2::PooledConnection<Manager>);

impl std::ops::Deref for StreamingConn {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        &self.0
    }
}

impl std::ops::DerefMut for StreamingConn {
    fn deref_mut(&mut self) -> &mut DbConn {
        &mut self.0
    }
}

impl Drop for StreamingConn {
    fn drop(&mut self) {
        if let DbConn::Sqlite(c) = &mut *self.0
            && let Err(error) = c.batch_execute(SQLITE_MEMORY)
        {
            tracing::warn!(%error, "could not restore the connection's cache settings");
        }
    }
}

fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url)
}

/// Runs a statement on the backend's own connection (`$c` is a
/// `SqliteConnection` in one arm, a `PgConnection` in the other): diesel's
/// `MultiConnection` cannot run a multi-row INSERT.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite($c) => $body,
            $crate::db::DbConn::Postgres($c) => $body,
        }
    };
}
pub(crate) use on_backend;

/// Applies every pending migration of the connection's backend, then loads
/// the shipped holiday schedules of years not loaded yet.
pub fn migrate(conn: &mut DbConn) -> anyhow::Result<()> {
    let applied = match conn {
        DbConn::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    for version in applied {
        tracing::info!(%version, "applied migration");
    }
    // The statutory holiday schedules are data every database starts with.
    for year in crate::models::holiday::load_shipped(conn, chrono::Utc::now().naive_utc())? {
        tracing::info!(year, "loaded the shipped holiday schedule");
    }
    Ok(())
}

/// Lets the query planner know the tables' shapes. SQLite keeps no statistics
/// unless asked (without them the hall walks every open need); `optimize`
/// analyses only the tables that changed enough, with a bounded sample.
/// PostgreSQL's autovacuum does this by itself.
pub fn refresh_statistics(conn: &mut DbConn) -> QueryResult<()> {
    if let DbConn::Sqlite(c) = conn {
        c.batch_execute("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")?;
    }
    Ok(())
}

/// The newest applied migration version, for the health check.
pub fn migration_version(conn: &mut DbConn) -> anyhow::Result<Option<String>> {
    let versions = match conn {
        DbConn::Postgres(c) => c.applied_migrations(),
        DbConn::Sqlite(c) => c.applied_migrations(),
    }
    .map_err(|e| anyhow::anyhow!("cannot read migrations: {e}"))?;
    Ok(versions.into_iter().map(|v| v.to_string()).max())
}

/// Runs `work` in one write transaction. On SQLite the transaction starts with
/// `BEGIN IMMEDIATE` so that a read followed by a write waits for the lock
/// instead of failing at once with SQLITE_BUSY.
pub fn write_tx<T, E, F>(conn: &mut DbConn, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Postgres(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match work(conn) {
        Ok(value) => {
            match conn {
                DbConn::Sqlite(c) => AnsiTransactionManager::commit_transaction(c)?,
                DbConn::Postgres(c) => AnsiTransactionManager::commit_transaction(c)?,
            }
            Ok(value)
        }
        Err(error) => {
            let rollback = match conn {
                DbConn::Sqlite(c) => AnsiTransactionManager::rollback_transaction(c),
                DbConn::Postgres(c) => AnsiTransactionManager::rollback_transaction(c),
            };
            if let Err(e) = rollback {
                tracing::error!(error = %e, "rollback failed");
            }
            Err(error)
        }
    }
}
