//! Onboarding an institution (金融机构): the credit office creates it with its
//! first branch and invites its first admin.

use diesel::QueryResult;

use super::Ctx;
use super::emails::{self, InvitationEmail};
use crate::clock::datetime_text;
use crate::db::{DbConn, write_tx};
use crate::domain::institution::InstitutionKind;
use crate::domain::{Role, Uscc};
use crate::models::institution::Institution;
use crate::models::invitation::{INVITATION_VALIDITY, Invitation};

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
        invite_admin(c, ctx, &new.admin_email, &institution)?;
        Ok(id)
    })
}

/// Records the admin's invitation and enqueues its email.
fn invite_admin(conn: &mut DbConn, ctx: &Ctx, email: &str, institution: &Institution) -> QueryResult<i64> {
    let role = Role::BankAdmin;
    let (id, token) = Invitation::create(conn, email, role, institution.id, None, ctx.actor.user_id, ctx.now)?;
    let message = InvitationEmail {
        institution: institution.name.clone(),
        role: role.label(),
        link: format!("{}/invitations/{token}", ctx.base_url),
        expires: datetime_text(&(ctx.now + INVITATION_VALIDITY)),
    };
    emails::send(conn, email, &message, ctx.now)?;
    ctx.audit(conn, "invitation_sent", &format!("invitation:{id}"))?;
    Ok(id)
}
