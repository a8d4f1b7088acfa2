//! Invitations: sending one (the credit office invites an institution's first
//! bank admin, a bank admin invites officers) and accepting one by choosing a
//! name and password, which creates the account.

use askama::Template;
use diesel::QueryResult;

use super::{Ctx, Refusal};
use crate::clock::datetime_text;
use crate::db::{DbConn, write_tx};
use crate::domain::Role;
use crate::email::EmailTemplate;
use crate::models::audit::Actor;
use crate::models::institution::Institution;
use crate::models::invitation::{INVITATION_VALIDITY, Invitation};
use crate::models::user::{NewUser, User};

#[derive(Template)]
#[template(path = "emails/invitation.txt", blocks = ["subject", "body"])]
pub struct InvitationEmail {
    pub institution: String,
    pub role: &'static str,
    pub link: String,
    pub expires: String,
}

impl EmailTemplate for InvitationEmail {
    fn subject(&self) -> askama::Result<String> {
        self.as_subject().render()
    }

    fn body(&self) -> askama::Result<String> {
        self.as_body().render()
    }

    fn action(&self) -> Option<(&str, &str)> {
        Some(("接受邀请", &self.link))
    }

    /// The link opens an account: no copy in an existing account's 消息中心.
    fn secret(&self) -> bool {
        true
    }
}

/// Records an invitation, enqueues its email and audits it, in the caller's
/// transaction (an action's: inviting an officer, or creating an institution
/// with its first admin). Returns the invitation's id.
pub fn send_invitation(
    conn: &mut DbConn,
    ctx: &Ctx,
    email: &str,
    role: Role,
    institution: &Institution,
    branch_id: Option<i64>,
) -> QueryResult<i64> {
    let (id, token) = Invitation::create(conn, email, role, institution.id, branch_id, ctx.actor.user_id, ctx.now)?;
    let message = InvitationEmail {
        institution: institution.name.clone(),
        role: role.label(),
        link: format!("{}/invitations/{token}", ctx.base_url),
        expires: datetime_text(&(ctx.now + INVITATION_VALIDITY)),
    };
    super::emails::send(conn, email, &message, ctx.now)?;
    ctx.audit(conn, "invitation_sent", &format!("invitation:{id}"))?;
    Ok(id)
}

/// The account an accepted invitation creates.
pub struct AcceptInvitation {
    pub invitation: Invitation,
    pub display_name: String,
    pub password_hash: String,
}

/// The account just created.
#[derive(Clone, Copy, Debug)]
pub struct Joined {
    pub user_id: i64,
    pub role: Role,
}

/// What stops the acceptance: a refusal, or the error of the caller's own step.
enum Halt<E> {
    Refused(Refusal),
    Failed(E),
}

impl<E: From<diesel::result::Error>> From<diesel::result::Error> for Halt<E> {
    fn from(e: diesel::result::Error) -> Self {
        Halt::Failed(E::from(e))
    }
}

/// Uses the invitation and creates its account, audited as the new user;
/// then, in the same transaction, runs `then` on it (the web face signs the
/// new user in there: a step of its own, so that this action names no web
/// type, and its failure rolls the account back). Refused when the link was
/// used meanwhile or the email has an account by now.
pub fn accept_invitation<T, E: From<diesel::result::Error>>(
    conn: &mut DbConn,
    ctx: &Ctx,
    input: AcceptInvitation,
    then: impl FnOnce(&mut DbConn, Joined) -> Result<T, E>,
) -> Result<Result<T, Refusal>, E> {
    let AcceptInvitation { invitation, display_name, password_hash } = input;
    let outcome = write_tx(conn, |c| -> Result<T, Halt<E>> {
        if !Invitation::mark_accepted(c, invitation.id, ctx.now)? || User::email_taken(c, &invitation.email)? {
            return Err(Halt::Refused(Refusal::NotFound("邀请")));
        }
        let role = invitation.role();
        let user_id = User::insert(
            c,
            &NewUser {
                username: &invitation.email,
                email: &invitation.email,
                display_name: &display_name,
                password_hash: &password_hash,
                role,
                enterprise_id: None,
                institution_id: Some(invitation.institution_id),
                branch_id: invitation.branch_id,
                must_change_password: false,
                created_at: ctx.now,
            },
        )?;
        let actor = Actor {
            user_id: Some(user_id),
            role: Some(role.as_str().into()),
            institution_id: Some(invitation.institution_id),
            ip: ctx.actor.ip.clone(),
        };
        let joined = Ctx { actor, ..ctx.clone() };
        joined.audit(c, "invitation_accepted", &format!("invitation:{}", invitation.id))?;
        then(c, Joined { user_id, role }).map_err(Halt::Failed)
    });
    match outcome {
        Ok(value) => Ok(Ok(value)),
        Err(Halt::Refused(refusal)) => Ok(Err(refusal)),
        Err(Halt::Failed(e)) => Err(e),
    }
}
