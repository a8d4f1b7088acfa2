//! Onboarding an institution (金融机构): the credit office creates it with its
//! first branch and invites its first admin.

use diesel::QueryResult;

use super::Ctx;
use super::invitation::send_invitation;
use crate::db::{DbConn, write_tx};
use crate::domain::institution::InstitutionKind;
use crate::domain::{Role, Uscc};
use crate::models::institution::Institution;

/// A new institution as the credit office typed it (checked against the existing ones).
pub struct NewInstitution {
    pub name: String,
    pub kind: InstitutionKind,
    pub uscc: Uscc,
    /// Where its first branch (营业部) is.
    pub region: String,
    pub admin_email: String,
}

/// Creates the institution and its first branch, and invites its admin; returns its id.
pub fn create(conn: &mut DbConn, ctx: &Ctx, new: &NewInstitution) -> QueryResult<i64> {
    write_tx(conn, |c| {
        let (id, _) = Institution::create(c, &new.name, new.kind.as_str(), new.uscc.as_str(), &new.region, ctx.now)?;
        ctx.audit(c, "institution_created", &format!("institution:{id}"))?;
        let institution = Institution::find(c, id)?;
        send_invitation(c, ctx, &new.admin_email, Role::BankAdmin, &institution, None)?;
        Ok(id)
    })
}
