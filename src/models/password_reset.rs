//! Password reset links: a one-time token, valid for an hour, stored as its
//! digest like the email verification links. Setting a new password through
//! one, or changing the password when signed in, ends every other open link
//! of the account.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{new_token, token_digest};
use crate::db::DbConn;
use crate::schema::password_resets;

pub const RESET_VALIDITY: Duration = Duration::hours(1);

/// Records a link for `user_id` and returns the token that goes into it.
pub fn create(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> QueryResult<String> {
    let (token, digest) = new_token();
    diesel::insert_into(password_resets::table)
        .values((
            password_resets::token_hash.eq(digest),
            password_resets::user_id.eq(user_id),
            password_resets::created_at.eq(now),
            password_resets::expires_at.eq(now + RESET_VALIDITY),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The account of a link still unused and valid, without using it (the form's page).
pub fn open(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> QueryResult<Option<i64>> {
    password_resets::table
        .find(token_digest(token))
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(now))
        .select(password_resets::user_id)
        .first(conn)
        .optional()
}

/// Uses the link: the account it resets, once, while it is valid; every other
/// open link of that account ends with it.
pub fn redeem(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> QueryResult<Option<i64>> {
    let Some(user_id) = open(conn, token, now)? else { return Ok(None) };
    let used = diesel::update(password_resets::table.find(token_digest(token)))
        .filter(password_resets::used_at.is_null())
        .set(password_resets::used_at.eq(now))
        .execute(conn)?;
    if used != 1 {
        return Ok(None);
    }
    end_all(conn, user_id, now)?;
    Ok(Some(user_id))
}

/// Ends every open link of the account: its password was set another way, or
/// one link was used.
pub fn end_all(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(password_resets::table)
        .filter(password_resets::user_id.eq(user_id))
        .filter(password_resets::used_at.is_null())
        .set(password_resets::used_at.eq(now))
        .execute(conn)
        .map(drop)
}
