//! A bank admin's changes to the institution's people and branches: invite
//! an officer into a branch, disable, re-enable or move an officer, add a
//! branch. Only the admin's own institution's, whatever id is asked for.

use super::invitation::send_invitation;
use super::{Ctx, Outcome, Refusal, guarded, refuse};
use crate::db::DbConn;
use crate::domain::Role;
use crate::models::institution::{Branch, Institution};
use crate::models::user::User;

/// Refused when the branch is not one of the institution's (beside the branch field).
pub const UNKNOWN_BRANCH: &str = "unknown_branch";
/// Refused when the email already has an account (beside the email field).
pub const EMAIL_TAKEN: &str = "email_taken";
/// Refused when the institution has a branch of that name (beside the name field).
pub const BRANCH_EXISTS: &str = "branch_exists";

/// An officer to invite into one of the institution's branches.
pub struct InviteOfficer {
    pub institution_id: i64,
    /// Trimmed and lower-cased, a valid address.
    pub email: String,
    pub branch_id: i64,
}

/// Sends the invitation (its email enqueued); returns its id.
pub fn invite_officer(conn: &mut DbConn, ctx: &Ctx, input: InviteOfficer) -> Outcome<i64> {
    guarded(conn, |c| {
        let branches = Branch::of_institution(c, input.institution_id)?;
        if !branches.iter().any(|b| b.id == input.branch_id) {
            return refuse(Refusal::rule(UNKNOWN_BRANCH, "请选择客户经理所属支行"));
        }
        if User::email_taken(c, &input.email)? {
            return refuse(Refusal::rule(EMAIL_TAKEN, "该邮箱已有账号"));
        }
        let institution = Institution::find(c, input.institution_id)?;
        Ok(send_invitation(c, ctx, &input.email, Role::Officer, &institution, Some(input.branch_id))?)
    })
}

/// What a bank admin does to one of its officers.
#[derive(Clone, Copy, Debug)]
pub enum OfficerChange {
    Disable,
    Enable,
    /// To this branch of the institution.
    Move(i64),
}

/// One of the institution's officers, and the change.
pub struct ChangeOfficer {
    pub institution_id: i64,
    pub officer_id: i64,
    pub change: OfficerChange,
}

/// Disables (ending its open password reset links), re-enables or moves the officer; not found when the officer or
/// the branch is not the institution's.
pub fn change_officer(conn: &mut DbConn, ctx: &Ctx, input: ChangeOfficer) -> Outcome<()> {
    let ChangeOfficer { institution_id, officer_id: id, change } = input;
    guarded(conn, |c| {
        let (done, event) = match change {
            OfficerChange::Disable => (User::set_disabled(c, id, institution_id, true)?, "officer_disabled"),
            OfficerChange::Enable => (User::set_disabled(c, id, institution_id, false)?, "officer_enabled"),
            OfficerChange::Move(branch) => {
                let own = Branch::of_institution(c, institution_id)?.iter().any(|b| b.id == branch);
                (own && User::move_to_branch(c, id, institution_id, branch)?, "officer_moved")
            }
        };
        if !done {
            return refuse(Refusal::NotFound("客户经理"));
        }
        if matches!(change, OfficerChange::Disable) {
            // A link asked for before the disabling must not outlive it.
            crate::models::password_reset::end_all(c, id, ctx.now)?;
        }
        ctx.audit(c, event, &format!("user:{id}"))?;
        Ok(())
    })
}

/// A branch to add to the institution.
pub struct NewBranch {
    pub institution_id: i64,
    /// Trimmed, 2 to 30 characters.
    pub name: String,
    /// A known region code.
    pub region: String,
}

/// Adds the branch; returns its id.
pub fn add_branch(conn: &mut DbConn, ctx: &Ctx, input: NewBranch) -> Outcome<i64> {
    guarded(conn, |c| {
        if Branch::of_institution(c, input.institution_id)?.iter().any(|b| b.name == input.name) {
            return refuse(Refusal::rule(BRANCH_EXISTS, "已有同名支行"));
        }
        let id = Branch::create(c, input.institution_id, &input.name, &input.region, ctx.now)?;
        ctx.audit(c, "branch_created", &format!("branch:{id}"))?;
        Ok(id)
    })
}
