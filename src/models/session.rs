//! Server-side sessions in the database, so that every app instance shares them.
//! The cookie holds a random token; the table holds only its digest.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{new_token, token_digest};
use crate::db::DbConn;
use crate::domain::role::{ANONYMOUS_IDLE, SESSION_ABSOLUTE};
use crate::models::rate_limit;
use crate::models::user::User;
use crate::schema::{sessions, users};

/// A session as stored; its `Debug` leaves out the id (the digest the cookie
/// is checked against) and the CSRF token.
#[derive(Queryable, Selectable, Clone)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: String,
    pub user_id: Option<i64>,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub ip: Option<String>,
}

impl std::fmt::Debug for SessionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionRow")
            .field("user_id", &self.user_id)
            .field("created_at", &self.created_at)
            .field("last_seen_at", &self.last_seen_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl SessionRow {
    /// Starts a session (anonymous when `user_id` is None) and returns the cookie token.
    pub fn create(
        conn: &mut DbConn,
        user_id: Option<i64>,
        ip: Option<&str>,
        now: NaiveDateTime,
    ) -> QueryResult<(String, SessionRow)> {
        let (token, id) = new_token();
        let row = SessionRow {
            id,
            user_id,
            csrf_token: new_token().0,
            created_at: now,
            last_seen_at: now,
            expires_at: now + SESSION_ABSOLUTE,
            ip: ip.map(str::to_string),
        };
        diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(&row.id),
                sessions::user_id.eq(row.user_id),
                sessions::csrf_token.eq(&row.csrf_token),
                sessions::created_at.eq(row.created_at),
                sessions::last_seen_at.eq(row.last_seen_at),
                sessions::expires_at.eq(row.expires_at),
                sessions::ip.eq(&row.ip),
            ))
            .execute(conn)?;
        Ok((token, row))
    }

    /// Loads a live session and its user; an expired one (idle, absolute, or a
    /// disabled account) is deleted and reported as absent.
    pub fn load(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> QueryResult<Option<(SessionRow, Option<User>)>> {
        let found = sessions::table
            .left_join(users::table)
            .filter(sessions::id.eq(token_digest(token)))
            .select((SessionRow::as_select(), Option::<User>::as_select()))
            .first::<(SessionRow, Option<User>)>(conn)
            .optional()?;
        let Some((row, user)) = found else {
            return Ok(None);
        };
        let idle = user.as_ref().map_or(ANONYMOUS_IDLE, |u| u.role().idle_timeout());
        let expired =
            row.expires_at <= now || row.last_seen_at + idle <= now || user.as_ref().is_some_and(|u| u.disabled);
        if expired {
            diesel::delete(sessions::table.find(&row.id)).execute(conn)?;
            return Ok(None);
        }
        if now - row.last_seen_at > chrono::Duration::seconds(60) {
            diesel::update(sessions::table.find(&row.id)).set(sessions::last_seen_at.eq(now)).execute(conn)?;
        }
        Ok(Some((row, user)))
    }

    /// Signs `user_id` in: a new session row in place of `previous`, at most
    /// [`rate_limit::SESSION`] a window from one address. Returns the cookie
    /// token, or the seconds to wait when the address has started too many.
    pub fn sign_in(
        conn: &mut DbConn,
        previous: Option<&str>,
        user_id: i64,
        ip: Option<&str>,
        now: NaiveDateTime,
    ) -> QueryResult<Result<String, i64>> {
        let key = format!("session:{}", ip.unwrap_or("unknown"));
        if let Err(retry_after_secs) = rate_limit::hit(conn, &key, rate_limit::SESSION, now)? {
            return Ok(Err(retry_after_secs));
        }
        if let Some(previous) = previous {
            SessionRow::delete(conn, previous)?;
        }
        Ok(Ok(SessionRow::create(conn, Some(user_id), ip, now)?.0))
    }

    pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<()> {
        diesel::delete(sessions::table.find(id)).execute(conn).map(drop)
    }

    /// Ends every session of a user (password change, disabling).
    pub fn delete_for_user(conn: &mut DbConn, user_id: i64) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
    }

    /// Removes sessions past any timeout; run periodically by the worker.
    pub fn purge_expired(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(
            sessions::expires_at.le(now).or(sessions::last_seen_at.le(now - crate::domain::role::ANONYMOUS_IDLE)),
        ))
        .execute(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_leaves_out_the_id_and_the_csrf_token() {
        let at = chrono::DateTime::from_timestamp(1_764_000_000, 0).expect("a valid time").naive_utc();
        let row = SessionRow {
            id: "digest-of-the-cookie-token".into(),
            user_id: Some(7),
            csrf_token: "the-csrf-token".into(),
            created_at: at,
            last_seen_at: at,
            expires_at: at + SESSION_ABSOLUTE,
            ip: None,
        };
        let printed = format!("{row:?}");
        assert!(printed.contains("user_id: Some(7)"), "{printed}");
        assert!(!printed.contains("digest-of") && !printed.contains("csrf-token"), "{printed}");
    }
}
