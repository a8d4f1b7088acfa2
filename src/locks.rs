//! The PostgreSQL advisory locks, each id named once with what it serialises.
//! SQLite needs none: `write_tx` already holds the database's one write lock.

use diesel::RunQueryDsl;
use diesel::sql_types::BigInt;

use crate::db::DbConn;

/// A transaction-scoped advisory lock on PostgreSQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lock(i64);

/// Appends to the audit log: one at a time, so the hash chain never forks.
pub const AUDIT_CHAIN: Lock = Lock(7100);
/// The write pass of an import: one batch at a time, so two batches' natural-key
/// checks cannot race and insert the same record twice.
pub const IMPORT_WRITE: Lock = Lock(7200);

impl Lock {
    pub fn id(self) -> i64 {
        self.0
    }

    /// Takes the lock until the end of the current transaction (PostgreSQL
    /// only; a no-op on SQLite).
    pub fn take(self, conn: &mut DbConn) -> diesel::QueryResult<()> {
        if let DbConn::Postgres(pg) = conn {
            diesel::sql_query("SELECT pg_advisory_xact_lock($1)").bind::<BigInt, _>(self.0).execute(pg)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lock_has_its_own_id() {
        assert_ne!(AUDIT_CHAIN.id(), IMPORT_WRITE.id());
    }
}
