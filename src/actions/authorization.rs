//! Authorizations (授权): an enterprise lets an institution see its portrait,
//! and takes it back.

use diesel::OptionalExtension;

use super::{Ctx, Outcome, Refusal, guarded, refuse};
use crate::db::DbConn;
use crate::domain::authorization::Term;
use crate::models::authorization::Authorization;
use crate::models::institution::Institution;

/// What the enterprise grants: which institution, why, for how long.
pub struct Grant {
    pub enterprise_id: i64,
    pub institution_id: i64,
    pub purpose: String,
    pub term: Term,
}

/// Grants the authorization; returns its id.
pub fn grant(conn: &mut DbConn, ctx: &Ctx, grant: Grant) -> Outcome<i64> {
    guarded(conn, |c| {
        if Institution::find(c, grant.institution_id).optional()?.is_none() {
            return refuse(Refusal::NotFound("金融机构"));
        }
        let Grant { enterprise_id, institution_id, purpose, term } = &grant;
        let id = Authorization::grant(c, *enterprise_id, *institution_id, purpose, term.duration(), ctx.now)?;
        ctx.audit(c, "authorization_granted", &format!("authorization:{id}"))?;
        Ok(id)
    })
}

/// Revokes one of the enterprise's authorizations and, since revoking ends
/// that institution's access at once, every other one still running for the
/// same institution. Returns the ids revoked; refused when `authorization_id`
/// is not the enterprise's or was revoked already.
pub fn revoke(conn: &mut DbConn, ctx: &Ctx, enterprise_id: i64, authorization_id: i64) -> Outcome<Vec<i64>> {
    guarded(conn, |c| {
        let revoked = Authorization::revoke(c, authorization_id, enterprise_id, ctx.now)?;
        if revoked.is_empty() {
            return refuse(Refusal::NotFound("授权"));
        }
        for ended in &revoked {
            ctx.audit(c, "authorization_revoked", &format!("authorization:{ended}"))?;
        }
        Ok(revoked)
    })
}
