//! Keys the server makes for itself, kept in the database so that every app
//! instance signs and checks with the same one. Made on first use.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::server_secrets;

/// The key that signs the CSRF token of forms shown to anonymous visitors.
pub const FORM_KEY: &str = "anonymous_form_csrf";

/// The 32-byte key named `name`, made now if there is none yet. Call outside a
/// transaction: when two instances race to make it, the loser's insert fails on
/// the primary key and both read the winner's key.
pub fn get_or_create(conn: &mut DbConn, name: &str, now: NaiveDateTime) -> QueryResult<Vec<u8>> {
    if let Some(key) = find(conn, name)? {
        return Ok(key);
    }
    let made = diesel::insert_into(server_secrets::table)
        .values((
            server_secrets::name.eq(name),
            server_secrets::value.eq(hex::encode(rand::random::<[u8; 32]>())),
            server_secrets::created_at.eq(now),
        ))
        .execute(conn);
    match made {
        Ok(_) | Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {}
        Err(error) => return Err(error),
    }
    find(conn, name)?.ok_or(diesel::result::Error::NotFound)
}

fn find(conn: &mut DbConn, name: &str) -> QueryResult<Option<Vec<u8>>> {
    let value: Option<String> =
        server_secrets::table.find(name).select(server_secrets::value).first(conn).optional()?;
    Ok(value.and_then(|v| hex::decode(v).ok()))
}
