//! The transaction helpers: one write transaction that makes SQLite take its
//! write lock up front, and one read-only transaction over a single snapshot.

use diesel::QueryResult;
use diesel::connection::{AnsiTransactionManager, TransactionManager};

use super::DbConn;

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

/// Runs `work` in one read-only transaction that sees a single snapshot of
/// the database, so that several queries agree with each other (the
/// statistics read every table). SQLite in WAL mode keeps the snapshot of
/// the first read until the end of a deferred transaction; PostgreSQL needs
/// REPEATABLE READ for it.
pub fn read_tx<T, F>(conn: &mut DbConn, work: F) -> QueryResult<T>
where
    F: FnOnce(&mut DbConn) -> QueryResult<T>,
{
    let depth = match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()?,
        DbConn::Postgres(c) => AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()?,
    };
    if depth.is_some() {
        // Inside a transaction already: its snapshot (or its writes) is what to read.
        return work(conn);
    }
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN DEFERRED")?,
        DbConn::Postgres(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?
        }
    }
    let outcome = work(conn);
    let end = match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::commit_transaction(c),
        DbConn::Postgres(c) => AnsiTransactionManager::commit_transaction(c),
    };
    let value = outcome?;
    end?;
    Ok(value)
}
