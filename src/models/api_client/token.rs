//! Bearer tokens (`api_tokens`): only each token's SHA-256 is stored, so a
//! leaked database hands out no live token.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ApiClient;
use crate::db::DbConn;
use crate::schema::{api_clients, api_tokens};

/// Stores the digest of a new token of the client, valid until `expires_at`.
pub fn insert(
    conn: &mut DbConn,
    client: i64,
    token_sha256: &str,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::api_client_id.eq(client),
            api_tokens::token_sha256.eq(token_sha256),
            api_tokens::expires_at.eq(expires_at),
            api_tokens::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The client whose token has this digest, and when the token expires.
pub fn holder(conn: &mut DbConn, token_sha256: &str) -> QueryResult<Option<(ApiClient, NaiveDateTime)>> {
    api_tokens::table
        .inner_join(api_clients::table)
        .filter(api_tokens::token_sha256.eq(token_sha256))
        .select((ApiClient::as_select(), api_tokens::expires_at))
        .first(conn)
        .optional()
}

/// Drops tokens that expired more than a day ago; run by the worker's housekeeping.
pub fn purge(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(api_tokens::table.filter(api_tokens::expires_at.lt(now - chrono::Duration::days(1)))).execute(conn)
}
