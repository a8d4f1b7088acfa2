//! Email verification links: a one-time token, valid for 48 hours, that
//! proves the registering person reads the email they gave.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{new_token, token_digest};
use crate::db::DbConn;
use crate::schema::email_verifications;

pub const VERIFICATION_VALIDITY: Duration = Duration::hours(48);
/// A new link may be asked for once a minute.
pub const RESEND_AFTER: Duration = Duration::seconds(60);

/// Records a link for `user_id` and returns the token that goes into it.
pub fn create(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> QueryResult<String> {
    let (token, digest) = new_token();
    diesel::insert_into(email_verifications::table)
        .values((
            email_verifications::token_hash.eq(digest),
            email_verifications::user_id.eq(user_id),
            email_verifications::created_at.eq(now),
            email_verifications::expires_at.eq(now + VERIFICATION_VALIDITY),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Whether a new link may be sent now (none sent in the last minute).
pub fn may_resend(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let recent = email_verifications::table
        .filter(email_verifications::user_id.eq(user_id))
        .filter(email_verifications::created_at.gt(now - RESEND_AFTER));
    Ok(!diesel::select(diesel::dsl::exists(recent)).get_result::<bool>(conn)?)
}

/// Uses the link: the account it verifies, once, while it is valid.
pub fn redeem(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> QueryResult<Option<i64>> {
    let digest = token_digest(token);
    let open = email_verifications::table
        .find(&digest)
        .filter(email_verifications::used_at.is_null())
        .filter(email_verifications::expires_at.gt(now));
    let user_id: Option<i64> = open.select(email_verifications::user_id).first(conn).optional()?;
    let Some(user_id) = user_id else { return Ok(None) };
    let used = diesel::update(open).set(email_verifications::used_at.eq(now)).execute(conn)?;
    Ok((used == 1).then_some(user_id))
}
