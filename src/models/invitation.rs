//! Invitations: a one-time link, valid for 72 hours, that lets a bank admin or
//! officer choose a password and join an institution.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{new_token, token_digest};
use crate::db::DbConn;
use crate::domain::Role;
use crate::schema::invitations;

pub const INVITATION_VALIDITY: Duration = Duration::hours(72);

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: i64,
    pub token_hash: String,
    pub email: String,
    /// A stored code that is not a role fails the read: never a default role.
    #[diesel(deserialize_as = String)]
    pub role: Role,
    pub institution_id: i64,
    pub branch_id: Option<i64>,
    pub invited_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
}

impl Invitation {
    /// Records an invitation and returns its id and the token for the emailed link.
    pub fn create(
        conn: &mut DbConn,
        email: &str,
        role: Role,
        institution_id: i64,
        branch_id: Option<i64>,
        invited_by: Option<i64>,
        now: NaiveDateTime,
    ) -> QueryResult<(i64, String)> {
        let (token, digest) = new_token();
        let id = diesel::insert_into(invitations::table)
            .values((
                invitations::token_hash.eq(digest),
                invitations::email.eq(email.trim().to_lowercase()),
                invitations::role.eq(role.as_str()),
                invitations::institution_id.eq(institution_id),
                invitations::branch_id.eq(branch_id),
                invitations::invited_by.eq(invited_by),
                invitations::created_at.eq(now),
                invitations::expires_at.eq(now + INVITATION_VALIDITY),
            ))
            .returning(invitations::id)
            .get_result(conn)?;
        Ok((id, token))
    }

    /// The invitation behind a link, if it is unused and not expired.
    pub fn find_open(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> QueryResult<Option<Invitation>> {
        invitations::table
            .filter(invitations::token_hash.eq(token_digest(token)))
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::expires_at.gt(now))
            .select(Invitation::as_select())
            .first(conn)
            .optional()
    }

    /// Marks it used; false when someone else used it first.
    pub fn mark_accepted(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
        let changed = diesel::update(invitations::table.find(id).filter(invitations::accepted_at.is_null()))
            .set(invitations::accepted_at.eq(now))
            .execute(conn)?;
        Ok(changed == 1)
    }

    pub fn pending_of_institution(
        conn: &mut DbConn,
        institution_id: i64,
        now: NaiveDateTime,
    ) -> QueryResult<Vec<Invitation>> {
        invitations::table
            .filter(invitations::institution_id.eq(institution_id))
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::expires_at.gt(now))
            .order(invitations::created_at.desc())
            .select(Invitation::as_select())
            .load(conn)
    }

    pub fn role(&self) -> Role {
        self.role
    }
}
