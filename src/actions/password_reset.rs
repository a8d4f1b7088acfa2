//! Password reset by email: asking for a one-time link (the same answer
//! whether or not the account exists), and setting a new password through it,
//! which ends every session of the account and every other open link.

use diesel::QueryResult;

use super::emails::{self, PasswordResetEmail};
use super::{Ctx, Outcome, Refusal, guarded, refuse};
use crate::db::{DbConn, write_tx};
use crate::models::audit::{self, Actor};
use crate::models::password_reset;
use crate::models::rate_limit::{self, PASSWORD_RESET_ACCOUNT};
use crate::models::session::SessionRow;
use crate::models::user::User;

/// What a request did; the visitor is told the same whichever it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResetRequested {
    /// The link went to the account's email.
    Sent,
    /// No account has that name or email.
    UnknownAccount,
    /// The account is disabled: no email.
    Disabled,
    /// The account had its allowance of reset emails this hour.
    Limited,
}

impl ResetRequested {
    /// The outcome in the log and the audit row.
    pub fn as_str(self) -> &'static str {
        match self {
            ResetRequested::Sent => "sent",
            ResetRequested::UnknownAccount => "unknown_account",
            ResetRequested::Disabled => "disabled",
            ResetRequested::Limited => "limited",
        }
    }
}

/// Sends a reset link to the account named by `login` (its user name or
/// email), at most [`PASSWORD_RESET_ACCOUNT`] an hour; nothing for an unknown
/// or disabled account. Audited whatever happened.
pub fn request_reset(conn: &mut DbConn, ctx: &Ctx, login: &str) -> QueryResult<ResetRequested> {
    let now = ctx.now;
    write_tx(conn, |c| {
        let user = User::find_by_login(c, login)?;
        let object = user.as_ref().map(|u| format!("user:{}", u.id));
        let outcome = match &user {
            None => ResetRequested::UnknownAccount,
            Some(user) if user.disabled => ResetRequested::Disabled,
            Some(user) => {
                let key = format!("password_reset_account:{}", user.id);
                if rate_limit::hit(c, &key, PASSWORD_RESET_ACCOUNT, now)?.is_err() {
                    ResetRequested::Limited
                } else {
                    let token = password_reset::create(c, user.id, now)?;
                    let mail = PasswordResetEmail::new(&user.display_name, &token, &ctx.base_url, now);
                    emails::send(c, &user.email, &mail, now)?;
                    ResetRequested::Sent
                }
            }
        };
        audit::record(c, &ctx.actor, "password_reset_requested", object.as_deref(), outcome.as_str(), now)?;
        Ok(outcome)
    })
}

/// Sets the new password (already hashed) through the emailed link, once,
/// while it is valid: every session of the account ends, the link and every
/// other open link die, and the account is told. Returns the account's id.
pub fn reset_password(conn: &mut DbConn, ctx: &Ctx, token: &str, password_hash: &str) -> Outcome<i64> {
    guarded(conn, |c| {
        let user = match password_reset::redeem(c, token, ctx.now)? {
            Some(user_id) => Some(User::find(c, user_id)?).filter(|u| !u.disabled),
            None => None,
        };
        let Some(user) = user else {
            return refuse(Refusal::rule("link_invalid", "重置链接无效、已使用或已过期"));
        };
        User::set_password(c, user.id, password_hash)?;
        SessionRow::delete_for_user(c, user.id)?;
        let actor = Actor::of(Some(&user), ctx.actor.ip.clone());
        audit::record(c, &actor, "password_reset", Some(&format!("user:{}", user.id)), "ok", ctx.now)?;
        emails::send(c, &user.email, &emails::password_was_reset(&ctx.base_url, ctx.now), ctx.now)?;
        Ok(user.id)
    })
}
