//! The bank API's clients (`api_clients`): a bank admin's credentials for the
//! institution's own systems. The row struct leaves the secret's hash out, so
//! no `Debug` or page can show it; `credentials` reads it for the token
//! exchange alone. Tokens live in `token`.

pub mod token;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::api::{IpRanges, Scopes};
use crate::models::page::Pager;
use crate::schema::api_clients;

/// Clients shown per page of the bank admin's list.
pub const PER_PAGE: i64 = 20;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = api_clients)]
pub struct ApiClient {
    pub id: i64,
    pub institution_id: i64,
    pub client_id: String,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub scopes: Scopes,
    #[diesel(deserialize_as = Option<String>)]
    pub allowed_ips: IpRanges,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl ApiClient {
    pub fn is_revoked(&self) -> bool {
        self.revoked_at.is_some()
    }
}

/// A client to insert, its secret already hashed.
pub struct NewApiClient<'a> {
    pub institution_id: i64,
    pub client_id: &'a str,
    pub secret_hash: &'a str,
    pub name: &'a str,
    pub scopes: &'a Scopes,
    pub allowed_ips: &'a IpRanges,
    pub created_by: i64,
}

pub fn insert(conn: &mut DbConn, new: &NewApiClient, now: NaiveDateTime) -> QueryResult<i64> {
    diesel::insert_into(api_clients::table)
        .values((
            api_clients::institution_id.eq(new.institution_id),
            api_clients::client_id.eq(new.client_id),
            api_clients::secret_hash.eq(new.secret_hash),
            api_clients::name.eq(new.name),
            api_clients::scopes.eq(new.scopes.codes()),
            api_clients::allowed_ips.eq(new.allowed_ips.stored()),
            api_clients::created_by.eq(new.created_by),
            api_clients::created_at.eq(now),
        ))
        .returning(api_clients::id)
        .get_result(conn)
}

/// How many clients the institution has.
pub fn count(conn: &mut DbConn, institution: i64) -> QueryResult<i64> {
    api_clients::table.filter(api_clients::institution_id.eq(institution)).count().get_result(conn)
}

/// One page of the institution's clients, newest first.
pub fn page(conn: &mut DbConn, institution: i64, pager: &Pager) -> QueryResult<Vec<ApiClient>> {
    api_clients::table
        .filter(api_clients::institution_id.eq(institution))
        .order(api_clients::id.desc())
        .limit(pager.per_page)
        .offset(pager.offset())
        .select(ApiClient::as_select())
        .load(conn)
}

/// The client `id` when it is the institution's; None for another bank's, as for a missing one.
pub fn find_own(conn: &mut DbConn, institution: i64, id: i64) -> QueryResult<Option<ApiClient>> {
    api_clients::table
        .filter(api_clients::id.eq(id))
        .filter(api_clients::institution_id.eq(institution))
        .select(ApiClient::as_select())
        .first(conn)
        .optional()
}

/// The client behind a client id, with its secret's hash: the token exchange's read.
pub fn credentials(conn: &mut DbConn, client_id: &str) -> QueryResult<Option<(ApiClient, String)>> {
    api_clients::table
        .filter(api_clients::client_id.eq(client_id))
        .select((ApiClient::as_select(), api_clients::secret_hash))
        .first(conn)
        .optional()
}

/// Revokes a live client: false when it was revoked already (or is not the institution's).
pub fn revoke(conn: &mut DbConn, institution: i64, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        api_clients::table
            .filter(api_clients::id.eq(id))
            .filter(api_clients::institution_id.eq(institution))
            .filter(api_clients::revoked_at.is_null()),
    )
    .set(api_clients::revoked_at.eq(now))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Marks the client used now (the list's 最近使用).
pub fn touch(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(api_clients::table.find(id)).set(api_clients::last_used_at.eq(now)).execute(conn).map(|_| ())
}
