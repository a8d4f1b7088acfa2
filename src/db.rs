//! The connection pool over one `MultiConnection` (SQLite or PostgreSQL, picked
//! by the URL scheme) and the embedded migrations of each backend; the
//! transaction helpers are in `db/tx`.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::R2D2Connection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::config::{Backend, Config};

mod tx;
pub use tx::{read_tx, write_tx};

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
                // synchronous = FULL: in WAL mode a commit is on disk before it returns,
                // so a power loss cannot take back a grab or an acceptance the user saw
                // succeed (NORMAL survives a crash of the process but not of the machine).
                conn.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
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

/// How long a request waits for a connection while the database answers.
pub const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long it waits while the database is known to be down: long enough to
/// notice that it is back, short enough to answer 503 at once.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(250);

/// Whether this process could open a connection to the database the last
/// time it tried: down from a failed attempt, up again at the next success.
/// A pool that is merely busy is not down. Per process by nature (each
/// instance finds out for itself), so kept in memory; it only shortens the
/// wait for a connection, it decides nothing.
#[derive(Debug)]
pub struct Health {
    epoch: Instant,
    /// Milliseconds after `epoch` at which the outage began; 0 while up.
    down_since: AtomicU64,
}

impl Default for Health {
    fn default() -> Health {
        Health { epoch: Instant::now(), down_since: AtomicU64::new(0) }
    }
}

impl Health {
    pub fn is_down(&self) -> bool {
        self.down_since.load(Ordering::Acquire) != 0
    }

    /// Records a failed connection attempt; true when it starts an outage.
    pub fn failed(&self) -> bool {
        let now = (self.epoch.elapsed().as_millis() as u64).max(1);
        self.down_since.compare_exchange(0, now, Ordering::AcqRel, Ordering::Acquire).is_ok()
    }

    /// Records a connection opened; how long the outage lasted when it ends one.
    pub fn recovered(&self) -> Option<Duration> {
        if !self.is_down() {
            return None;
        }
        let since = self.down_since.swap(0, Ordering::AcqRel);
        (since != 0).then(|| self.epoch.elapsed().saturating_sub(Duration::from_millis(since)))
    }
}

/// Tells [`Health`] of every connection attempt of the pool, and logs the start
/// and the end of an outage once each (the attempts repeat all through it).
#[derive(Debug)]
struct Watch(Arc<Health>);

impl r2d2::HandleError<ConnectionError> for Watch {
    fn handle_error(&self, error: ConnectionError) {
        if self.0.failed() {
            tracing::error!(%error, "database unreachable: requests answer 503 until it is back");
        }
    }
}

impl r2d2::CustomizeConnection<DbConn, ConnectionError> for Watch {
    fn on_acquire(&self, _: &mut DbConn) -> Result<(), ConnectionError> {
        if let Some(outage) = self.0.recovered() {
            tracing::warn!(outage_secs = outage.as_secs_f64(), "database reachable again after {outage:.1?}");
        }
        Ok(())
    }
}

/// What can go wrong with database work, below any face: the database is
/// unreachable, a statement failed, or the blocking task died.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    #[error("database task failed: {0}")]
    Task(String),
}

/// The pool plus the backend it talks to; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pub pool: Pool,
    pub backend: Backend,
    manager: Manager,
    health: Arc<Health>,
    checkout_timeout: Duration,
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
        let health = Arc::new(Health::default());
        let pool = r2d2::Pool::builder()
            .max_size(config.pool_size)
            .min_idle(Some(0))
            .connection_timeout(CHECKOUT_TIMEOUT)
            .test_on_check_out(false)
            .error_handler(Box::new(Watch(health.clone())))
            .connection_customizer(Box::new(Watch(health.clone())))
            .build_unchecked(manager.clone());
        Ok(Db { pool, backend: config.backend, manager, health, checkout_timeout: CHECKOUT_TIMEOUT })
    }

    /// The same database with another wait for a connection while it answers (tests).
    pub fn with_checkout_timeout(mut self, timeout: Duration) -> Db {
        self.checkout_timeout = timeout;
        self
    }

    /// Whether the database is known to be down (this process's last attempt to connect failed).
    pub fn is_down(&self) -> bool {
        self.health.is_down()
    }

    /// A connection from the pool; while the database is known down, after
    /// waiting only [`PROBE_TIMEOUT`] (long enough to get a connection the pool
    /// opens as soon as the database is back).
    fn checkout(&self) -> Result<r2d2::PooledConnection<Manager>, r2d2::Error> {
        let timeout = if self.health.is_down() { PROBE_TIMEOUT } else { self.checkout_timeout };
        self.pool.get_timeout(timeout)
    }

    /// Runs blocking database work off the async threads, with the caller's
    /// error type (anything a [`DbError`] converts into). A pool that cannot
    /// hand out a connection means the database is down: `DbError::Unavailable`
    /// (a 503 on a page), not a panic.
    pub async fn blocking<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, E> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = db.checkout().map_err(|e| DbError::Unavailable(e.to_string()))?;
            work(&mut conn)
        })
        .await
        .map_err(|e| DbError::Task(e.to_string()))?
    }

    /// [`Db::blocking`] for work that only queries: `db.query(|c| Need::find(c, id)).await?`.
    pub async fn query<T, F>(&self, work: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConn) -> QueryResult<T> + Send + 'static,
    {
        self.blocking(move |c| work(c).map_err(DbError::from)).await
    }

    /// A connection of its own, outside the pool (contention tests, benchmarks).
    pub fn connect_one(&self) -> anyhow::Result<DbConn> {
        use r2d2::ManageConnection;
        Ok(self.manager.connect()?)
    }

    /// Blocking access for the command line and the worker threads.
    pub fn get(&self) -> anyhow::Result<r2d2::PooledConnection<Manager>> {
        Ok(self.checkout()?)
    }

    /// A connection for bulk work (blocking): on SQLite its page cache is
    /// small and the file is not memory-mapped until it goes back to the pool.
    pub fn get_streaming(&self) -> anyhow::Result<StreamingConn> {
        let mut conn = self.checkout()?;
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

#[cfg(test)]
mod tests {
    use super::Health;

    #[test]
    fn an_outage_starts_once_and_ends_once() {
        let health = Health::default();
        assert!(health.recovered().is_none(), "no outage to end");
        assert!(health.failed(), "the first failure starts the outage");
        assert!(!health.failed(), "later failures are the same outage");
        assert!(health.is_down());
        assert!(health.recovered().is_some(), "the first success ends it");
        assert!(!health.is_down());
        assert!(health.recovered().is_none(), "and only once");
    }
}
