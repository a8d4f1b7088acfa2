//! Email subscriptions to the bulletins: asking (the same answer whether or
//! not the address is subscribed), confirming through the emailed one-time
//! link, and unsubscribing through the signed link of every bulletin email.

use diesel::QueryResult;

use super::emails::ConfirmEmail;
use crate::actions::{Ctx, Outcome, Refusal, guarded, refuse};
use crate::db::{DbConn, write_tx};
use crate::models::bulletin::subscriber::{Subscriber, UNSUBSCRIBE_KEY};
use crate::models::rate_limit::{self, Limit};
use crate::models::server_secret;

/// Confirmation emails to one address: beyond it the request is answered the
/// same and no email goes out, so that nobody floods a mailbox.
pub const SUBSCRIBE_ADDRESS: Limit = Limit { max: 3, window: chrono::Duration::minutes(60) };

/// Subscription requests from one client address (429 beyond it).
pub const SUBSCRIBE_IP: Limit = Limit { max: 10, window: chrono::Duration::minutes(60) };

/// The longest address accepted (RFC 5321's path limit).
const EMAIL_MAX: usize = 254;

/// The unsubscribe link of a subscription's `token`.
pub fn unsubscribe_link(base_url: &str, token: &str) -> String {
    format!("{base_url}/bulletins/subscriptions/{token}/unsubscribe")
}

/// What a request did; the visitor is told the same whichever it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscribeRequested {
    /// A confirmation link went out.
    Sent,
    /// The address already gets the bulletins: nothing sent.
    AlreadyActive,
    /// The address had its allowance of confirmation emails this hour.
    Limited,
}

impl SubscribeRequested {
    pub fn as_str(self) -> &'static str {
        match self {
            SubscribeRequested::Sent => "sent",
            SubscribeRequested::AlreadyActive => "already_active",
            SubscribeRequested::Limited => "limited",
        }
    }
}

/// A well-formed address, lower-cased, or None.
pub fn address(typed: &str) -> Option<String> {
    let email = typed.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let fine = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= EMAIL_MAX
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
        && !domain.contains('@');
    fine.then_some(email)
}

/// Sends a confirmation link to `email` (already checked by [`address`])
/// unless it is subscribed and confirmed; audited whatever happened.
pub fn subscribe(conn: &mut DbConn, ctx: &Ctx, email: &str) -> QueryResult<SubscribeRequested> {
    write_tx(conn, |c| {
        let known = Subscriber::find_by_email(c, email)?;
        let outcome = if known.as_ref().is_some_and(Subscriber::is_active) {
            SubscribeRequested::AlreadyActive
        } else if rate_limit::hit(c, &format!("bulletin_subscribe:{email}"), SUBSCRIBE_ADDRESS, ctx.now)?.is_err() {
            SubscribeRequested::Limited
        } else {
            let token = Subscriber::pending(c, email, ctx.now)?;
            crate::actions::emails::send(c, email, &ConfirmEmail::new(&token, &ctx.base_url, ctx.now), ctx.now)?;
            SubscribeRequested::Sent
        };
        let object = Subscriber::find_by_email(c, email)?.map(|s| format!("bulletin_subscriber:{}", s.id));
        crate::models::audit::record(
            c,
            &ctx.actor,
            "bulletin_subscribe",
            object.as_deref(),
            outcome.as_str(),
            ctx.now,
        )?;
        Ok(outcome)
    })
}

fn dead_link() -> Refusal {
    Refusal::rule("link_invalid", "链接无效、已使用或已过期")
}

/// Confirms the subscription of an emailed link, once, while it is open.
pub fn confirm(conn: &mut DbConn, ctx: &Ctx, token: &str) -> Outcome<()> {
    guarded(conn, |c| {
        let Some(subscriber) = Subscriber::open_link(c, token, ctx.now)? else { return refuse(dead_link()) };
        if Subscriber::confirm(c, subscriber.id, ctx.now)? != 1 {
            return refuse(dead_link());
        }
        ctx.audit(c, "bulletin_subscription_confirmed", &format!("bulletin_subscriber:{}", subscriber.id))?;
        Ok(())
    })
}

/// The active subscription of an unsubscribe token (the confirmation page), or None.
pub fn by_unsubscribe_token(conn: &mut DbConn, ctx: &Ctx, token: &str) -> QueryResult<Option<Subscriber>> {
    let key = server_secret::get_or_create(conn, UNSUBSCRIBE_KEY, ctx.now)?;
    Subscriber::by_unsubscribe_token(conn, token, &key)
}

/// Ends the subscription of an unsubscribe token.
pub fn unsubscribe(conn: &mut DbConn, ctx: &Ctx, token: &str) -> Outcome<()> {
    let key = server_secret::get_or_create(conn, UNSUBSCRIBE_KEY, ctx.now)?;
    guarded(conn, |c| {
        let Some(subscriber) = Subscriber::by_unsubscribe_token(c, token, &key)? else { return refuse(dead_link()) };
        if Subscriber::unsubscribe(c, subscriber.id, ctx.now)? != 1 {
            return refuse(dead_link());
        }
        ctx.audit(c, "bulletin_unsubscribed", &format!("bulletin_subscriber:{}", subscriber.id))?;
        Ok(())
    })
}
