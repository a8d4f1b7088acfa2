//! Accounts: registering an enterprise account, signing in and out, changing
//! the password, and opening the emailed verification link.

use diesel::QueryResult;

use super::emails;
use super::{Ctx, Outcome, Refusal, guarded, refuse};
use crate::db::{DbConn, write_tx};
use crate::domain::Role;
use crate::models::audit::{self, Actor};
use crate::models::contact::{EnterpriseContact, record_consent};
use crate::models::email_verification;
use crate::models::enterprise::Enterprise;
use crate::models::session::SessionRow;
use crate::models::user::{NewUser, User};

/// A registration that passed the form's checks, with the password already hashed.
pub struct Registration {
    pub enterprise: Enterprise,
    pub email: String,
    pub password_hash: String,
    /// Whom a bank calls after a grab, kept on the new account.
    pub contact: EnterpriseContact,
    /// The version of the 用户协议 and 隐私政策 the visitor accepted.
    pub terms_version: &'static str,
}

/// What a registration did; the visitor is told the same either way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registered {
    Created,
    /// The email has an account: its owner was told.
    EmailTaken,
    /// Another account holds the enterprise: the holder and the new address were told.
    EnterpriseTaken,
}

impl Registered {
    /// The outcome in the log and the audit row.
    pub fn as_str(self) -> &'static str {
        match self {
            Registered::Created => "created",
            Registered::EmailTaken => "email_taken",
            Registered::EnterpriseTaken => "enterprise_taken",
        }
    }
}

/// Creates the unverified account and sends its verification link, or, when
/// the email or the enterprise is taken, tells the owner instead.
pub fn register(conn: &mut DbConn, ctx: &Ctx, input: Registration) -> QueryResult<Registered> {
    let Registration { enterprise, email, password_hash, contact, terms_version } = input;
    let now = ctx.now;
    write_tx(conn, |c| {
        let object = format!("enterprise:{}", enterprise.id);
        if let Some(owner) = User::find_by_login(c, &email)? {
            // The owner hears of the attempt (with a fresh link while the account waits for verification).
            let mail = if owner.role() == Role::Enterprise && owner.email_verified_at.is_none() {
                emails::verification(c, owner.id, &owner.display_name, &ctx.base_url, now)?
            } else {
                emails::registration_attempt(&enterprise.name, &ctx.base_url)
            };
            emails::send(c, &owner.email, &mail, now)?;
            audit::record(c, &ctx.actor, "register", Some(&object), Registered::EmailTaken.as_str(), now)?;
            return Ok(Registered::EmailTaken);
        }
        if let Some(holder) = User::holder_of(c, enterprise.id)? {
            emails::send(c, &holder.email, &emails::holder_warning(&enterprise.name, &email), now)?;
            emails::send(c, &email, &emails::enterprise_held(&enterprise.name), now)?;
            audit::record(c, &ctx.actor, "register", Some(&object), Registered::EnterpriseTaken.as_str(), now)?;
            return Ok(Registered::EnterpriseTaken);
        }
        let user_id = User::insert(
            c,
            &NewUser {
                username: &email,
                email: &email,
                display_name: &enterprise.name,
                password_hash: &password_hash,
                role: Role::Enterprise,
                enterprise_id: Some(enterprise.id),
                institution_id: None,
                branch_id: None,
                must_change_password: false,
                created_at: now,
            },
        )?;
        contact.set(c, user_id)?;
        record_consent(c, user_id, terms_version, now)?;
        let actor = Actor { user_id: Some(user_id), role: Some(Role::Enterprise.as_str().into()), ..ctx.actor.clone() };
        audit::record(c, &actor, "register", Some(&object), "ok", now)?;
        audit::record(c, &actor, "terms_accepted", Some(&format!("terms:{terms_version}")), "ok", now)?;
        let mail = emails::verification(c, user_id, &enterprise.name, &ctx.base_url, now)?;
        emails::send(c, &email, &mail, now)?;
        Ok(Registered::Created)
    })
}

/// A sign-in whose password was right, by the visitor holding `previous` (a session id).
pub struct SignIn {
    pub user_id: i64,
    pub previous: Option<String>,
}

/// Records the sign-in and starts a new session (a new id at every sign-in, at
/// most `rate_limit::SESSION` per address); returns the cookie token.
pub fn sign_in(conn: &mut DbConn, ctx: &Ctx, input: SignIn) -> Outcome<String> {
    guarded(conn, |c| {
        User::record_success(c, input.user_id, ctx.now)?;
        audit::record(c, &ctx.actor, "login", None, "ok", ctx.now)?;
        let ip = ctx.actor.ip.as_deref();
        match SessionRow::sign_in(c, input.previous.as_deref(), input.user_id, ip, ctx.now)? {
            Ok(token) => Ok(token),
            Err(retry_after_secs) => refuse(Refusal::TooMany { retry_after_secs }),
        }
    })
}

/// Whom a failed sign-in named: nobody known, or an account (and whether it was locked).
#[derive(Clone, Copy, Debug)]
pub enum FailedLogin {
    UnknownUser,
    Account { user_id: i64, locked: bool },
}

/// Audits a failed sign-in; the fifth failure in a row locks the account.
pub fn fail_sign_in(conn: &mut DbConn, ctx: &Ctx, failed: FailedLogin) -> QueryResult<()> {
    let (actor, now) = (&ctx.actor, ctx.now);
    write_tx(conn, |c| {
        match failed {
            FailedLogin::Account { user_id, locked: false } => {
                audit::record(c, actor, "login_failed", None, "denied", now)?;
                if User::record_failure(c, user_id, now)? {
                    audit::record(c, actor, "lockout", None, "locked", now)?;
                }
            }
            FailedLogin::Account { locked: true, .. } => {
                audit::record(c, actor, "login_while_locked", None, "denied", now)?
            }
            FailedLogin::UnknownUser => audit::record(c, actor, "login_failed", None, "unknown_user", now)?,
        }
        Ok(())
    })
}

/// Ends the session `session_id`; a signed-in actor's sign-out is audited.
pub fn sign_out(conn: &mut DbConn, ctx: &Ctx, session_id: &str) -> QueryResult<()> {
    write_tx(conn, |c| {
        SessionRow::delete(c, session_id)?;
        if ctx.actor.user_id.is_some() {
            audit::record(c, &ctx.actor, "logout", None, "ok", ctx.now)?;
        }
        Ok(())
    })
}

/// Sets the actor's new password (already hashed): every session of the account
/// and every open reset link end, and a new session starts; returns its cookie token.
pub fn change_password(conn: &mut DbConn, ctx: &Ctx, password_hash: &str) -> Outcome<String> {
    let Some(user_id) = ctx.actor.user_id else { return Ok(Err(Refusal::NotFound("账号"))) };
    guarded(conn, |c| {
        User::set_password(c, user_id, password_hash)?;
        SessionRow::delete_for_user(c, user_id)?;
        crate::models::password_reset::end_all(c, user_id, ctx.now)?;
        audit::record(c, &ctx.actor, "password_changed", None, "ok", ctx.now)?;
        Ok(SessionRow::create(c, Some(user_id), ctx.actor.ip.as_deref(), ctx.now)?.0)
    })
}

/// The link in the verification email: marks the email verified, once, while
/// the link is valid; refused for a link unknown, used or expired.
pub fn verify_email(conn: &mut DbConn, ctx: &Ctx, token: &str) -> Outcome<()> {
    guarded(conn, |c| {
        let Some(user_id) = email_verification::redeem(c, token, ctx.now)? else {
            return refuse(Refusal::rule("link_invalid", "验证链接无效或已过期"));
        };
        User::verify_email(c, user_id, ctx.now)?;
        let actor = Actor {
            user_id: Some(user_id),
            role: Some(Role::Enterprise.as_str().into()),
            institution_id: None,
            ip: ctx.actor.ip.clone(),
        };
        audit::record(c, &actor, "email_verified", Some(&format!("user:{user_id}")), "ok", ctx.now)?;
        Ok(())
    })
}
