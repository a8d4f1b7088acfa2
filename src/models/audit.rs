//! The audit log: append-only, each row chained to the one before by a SHA-256
//! hash, so that an edited or deleted row is found by `verify`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConn;
use crate::schema::audit_log;

/// Who did it and from where; built once per request from the signed-in user.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub role: Option<String>,
    pub institution_id: Option<i64>,
    pub ip: Option<String>,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i64,
    pub at: NaiveDateTime,
    pub user_id: Option<i64>,
    pub role: Option<String>,
    pub institution_id: Option<i64>,
    pub ip: Option<String>,
    pub event: String,
    pub object: Option<String>,
    pub outcome: String,
    pub prev_hash: String,
    pub hash: String,
}

impl Actor {
    pub fn of(user: Option<&crate::models::user::User>, ip: Option<String>) -> Actor {
        Actor {
            user_id: user.map(|u| u.id),
            role: user.map(|u| u.role.to_string()),
            institution_id: user.and_then(|u| u.institution_id),
            ip,
        }
    }
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn chain_hash(
    prev: &str,
    at: NaiveDateTime,
    actor: &Actor,
    event: &str,
    object: Option<&str>,
    outcome: &str,
) -> String {
    let line = format!(
        "{prev}|{}|{}|{}|{}|{}|{event}|{}|{outcome}",
        at.and_utc().timestamp_micros(),
        actor.user_id.map_or(String::new(), |v| v.to_string()),
        actor.role.as_deref().unwrap_or(""),
        actor.institution_id.map_or(String::new(), |v| v.to_string()),
        actor.ip.as_deref().unwrap_or(""),
        object.unwrap_or(""),
    );
    hex::encode(Sha256::digest(line.as_bytes()))
}

/// Appends one event. Call inside the transaction of the change it records.
pub fn record(
    conn: &mut DbConn,
    actor: &Actor,
    event: &str,
    object: Option<&str>,
    outcome: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    // Appends are serialised so the chain never forks.
    crate::locks::AUDIT_CHAIN.take(conn)?;
    let prev: Option<String> =
        audit_log::table.order(audit_log::id.desc()).select(audit_log::hash).first(conn).optional()?;
    let prev = prev.unwrap_or_else(|| GENESIS.to_string());
    // Microsecond precision is what both backends store.
    let at = chrono::DateTime::from_timestamp_micros(now.and_utc().timestamp_micros()).map_or(now, |t| t.naive_utc());
    let hash = chain_hash(&prev, at, actor, event, object, outcome);
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(at),
            audit_log::user_id.eq(actor.user_id),
            audit_log::role.eq(&actor.role),
            audit_log::institution_id.eq(actor.institution_id),
            audit_log::ip.eq(&actor.ip),
            audit_log::event.eq(event),
            audit_log::object.eq(object),
            audit_log::outcome.eq(outcome),
            audit_log::prev_hash.eq(&prev),
            audit_log::hash.eq(&hash),
        ))
        .execute(conn)
        .map(drop)
}

/// Walks the whole chain; returns the number of rows, or the id of the first row that does not fit.
pub fn verify(conn: &mut DbConn) -> QueryResult<Result<usize, i64>> {
    let entries: Vec<AuditEntry> = audit_log::table.order(audit_log::id).select(AuditEntry::as_select()).load(conn)?;
    let mut prev = GENESIS.to_string();
    for entry in &entries {
        let actor = Actor {
            user_id: entry.user_id,
            role: entry.role.clone(),
            institution_id: entry.institution_id,
            ip: entry.ip.clone(),
        };
        let expected = chain_hash(&prev, entry.at, &actor, &entry.event, entry.object.as_deref(), &entry.outcome);
        if entry.prev_hash != prev || entry.hash != expected {
            return Ok(Err(entry.id));
        }
        prev = entry.hash.clone();
    }
    Ok(Ok(entries.len()))
}

/// The newest events of one kind, for tests and the credit office's views.
pub fn recent(conn: &mut DbConn, event: &str, limit: i64) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .filter(audit_log::event.eq(event))
        .order(audit_log::id.desc())
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)
}
