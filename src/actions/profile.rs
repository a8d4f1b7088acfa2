//! What each side of a deal gives of itself: an enterprise account's contact
//! (person, mobile, email) and an officer's name and phone. Each change is
//! audited: the other side of a deal relies on them.

use crate::actions::{Ctx, Outcome, Refusal, guarded};
use crate::db::DbConn;
use crate::models::contact::{EnterpriseContact, OfficerContact};

/// Sets the acting enterprise account's contact.
pub fn set_enterprise_contact(conn: &mut DbConn, ctx: &Ctx, contact: &EnterpriseContact) -> Outcome<()> {
    let Some(user_id) = ctx.actor.user_id else { return Ok(Err(Refusal::NotFound("账号"))) };
    guarded(conn, |c| {
        contact.set(c, user_id)?;
        ctx.audit(c, "contact_changed", &format!("user:{user_id}"))?;
        Ok(())
    })
}

/// An officer's name and phone as the officer typed them, already checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficerProfile {
    pub name: String,
    pub phone: String,
}

/// Sets the acting officer's name and phone.
pub fn set_officer_profile(conn: &mut DbConn, ctx: &Ctx, profile: &OfficerProfile) -> Outcome<()> {
    let Some(user_id) = ctx.actor.user_id else { return Ok(Err(Refusal::NotFound("账号"))) };
    guarded(conn, |c| {
        OfficerContact::set(c, user_id, &profile.name, &profile.phone)?;
        ctx.audit(c, "profile_changed", &format!("user:{user_id}"))?;
        Ok(())
    })
}
