//! Authorizations (授权): an enterprise lets one institution see its portrait,
//! for a purpose, until it expires or is revoked. Revoking takes effect at once.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::authorization::AuthorizationStatus;
use crate::schema::{authorizations, institutions};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = authorizations)]
pub struct Authorization {
    pub id: i64,
    pub enterprise_id: i64,
    pub institution_id: i64,
    pub purpose: String,
    pub granted_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

impl Authorization {
    pub fn grant(
        conn: &mut DbConn,
        enterprise_id: i64,
        institution_id: i64,
        purpose: &str,
        valid_for: Duration,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(authorizations::table)
            .values((
                authorizations::enterprise_id.eq(enterprise_id),
                authorizations::institution_id.eq(institution_id),
                authorizations::purpose.eq(purpose),
                authorizations::granted_at.eq(now),
                authorizations::expires_at.eq(now + valid_for),
            ))
            .returning(authorizations::id)
            .get_result(conn)
    }

    /// The authorization under which `institution_id` may see the portrait now, if any.
    pub fn active(
        conn: &mut DbConn,
        enterprise_id: i64,
        institution_id: i64,
        now: NaiveDateTime,
    ) -> QueryResult<Option<Authorization>> {
        authorizations::table
            .filter(authorizations::enterprise_id.eq(enterprise_id))
            .filter(authorizations::institution_id.eq(institution_id))
            .filter(authorizations::revoked_at.is_null())
            .filter(authorizations::expires_at.gt(now))
            .order(authorizations::expires_at.desc())
            .select(Authorization::as_select())
            .first(conn)
            .optional()
    }

    /// Revokes one of the enterprise's own authorizations and every other one
    /// still running for the same institution, since revoking ends that
    /// institution's access at once. Returns the ids revoked: empty when `id`
    /// was not theirs or was already revoked.
    pub fn revoke(conn: &mut DbConn, id: i64, enterprise_id: i64, now: NaiveDateTime) -> QueryResult<Vec<i64>> {
        let institution: Option<i64> = authorizations::table
            .find(id)
            .filter(authorizations::enterprise_id.eq(enterprise_id))
            .filter(authorizations::revoked_at.is_null())
            .select(authorizations::institution_id)
            .first(conn)
            .optional()?;
        let Some(institution) = institution else { return Ok(Vec::new()) };
        let ended = diesel::update(
            authorizations::table
                .filter(authorizations::enterprise_id.eq(enterprise_id))
                .filter(authorizations::institution_id.eq(institution))
                .filter(authorizations::revoked_at.is_null())
                .filter(authorizations::expires_at.gt(now).or(authorizations::id.eq(id))),
        )
        .set(authorizations::revoked_at.eq(now))
        .returning(authorizations::id)
        .get_results(conn)?;
        Ok(ended)
    }

    /// Ends every authorization of the enterprise now (a wrong claim was
    /// unbound: whatever it authorized ends with it). Returns how many ended.
    pub fn revoke_all_of_enterprise(conn: &mut DbConn, enterprise_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::update(
            authorizations::table
                .filter(authorizations::enterprise_id.eq(enterprise_id))
                .filter(authorizations::revoked_at.is_null()),
        )
        .set(authorizations::revoked_at.eq(now))
        .execute(conn)
    }

    /// The enterprise's authorizations with the institution's name, newest first.
    pub fn of_enterprise(conn: &mut DbConn, enterprise_id: i64) -> QueryResult<Vec<(Authorization, String)>> {
        authorizations::table
            .inner_join(institutions::table)
            .filter(authorizations::enterprise_id.eq(enterprise_id))
            .order(authorizations::granted_at.desc())
            .select((Authorization::as_select(), institutions::name))
            .load(conn)
    }

    /// One page of the enterprise's authorizations with the institution's name, newest first.
    pub fn page_of_enterprise(
        conn: &mut DbConn,
        enterprise_id: i64,
        page: Option<i64>,
        per_page: i64,
    ) -> QueryResult<(Vec<(Authorization, String)>, crate::models::page::Pager)> {
        let total =
            authorizations::table.filter(authorizations::enterprise_id.eq(enterprise_id)).count().get_result(conn)?;
        let pager = crate::models::page::Pager::new(page, per_page, total);
        let rows = authorizations::table
            .inner_join(institutions::table)
            .filter(authorizations::enterprise_id.eq(enterprise_id))
            .order((authorizations::granted_at.desc(), authorizations::id.desc()))
            .offset(pager.offset())
            .limit(pager.per_page)
            .select((Authorization::as_select(), institutions::name))
            .load(conn)?;
        Ok((rows, pager))
    }

    /// Where it stands at `now`: active, expired or revoked.
    pub fn status(&self, now: &NaiveDateTime) -> AuthorizationStatus {
        AuthorizationStatus::at(self.expires_at, self.revoked_at, *now)
    }

    pub fn is_active(&self, now: &NaiveDateTime) -> bool {
        self.status(now).is_active()
    }
}
