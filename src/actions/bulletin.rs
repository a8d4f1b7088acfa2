//! 统计公报: the credit office composes a bulletin for a month, quarter or
//! year (a draft it may edit or delete) and publishes it: the figures are
//! computed fresh from every row (never the cache) and frozen as JSON in the
//! same transaction that publishes it, audits it and enqueues one email per
//! active subscriber. Subscriptions: `subscription`.

pub mod emails;
pub mod subscription;

use diesel::result::{DatabaseErrorKind, Error};

use super::{Ctx, FieldRefusal, Outcome, Refusal, Stop, guarded, refuse};
use crate::clock::beijing;
use crate::db::DbConn;
use crate::domain::stats::Period;
use crate::domain::stats::bulletin::{self as rules, TextError};
use crate::models::bulletin::subscriber::{Subscriber, UNSUBSCRIBE_KEY};
use crate::models::bulletin::{Bulletin, BulletinText};
use crate::models::server_secret;

const PUBLISHED_PERIOD: &str = "该期间的公报已发布";

fn fields(errors: Vec<TextError>) -> Refusal {
    Refusal::Fields(
        errors
            .into_iter()
            .map(|e| FieldRefusal { field: e.field, code: "invalid_bulletin", message: e.message.to_string() })
            .collect(),
    )
}

fn period_taken() -> Refusal {
    fields(vec![TextError { field: "period", message: PUBLISHED_PERIOD }])
}

/// The typed text checked against the rules, with the default title for a blank one.
pub fn check(ctx: &Ctx, typed: &BulletinText) -> Result<BulletinText, Refusal> {
    let today = beijing(ctx.now).date_naive();
    let period = rules::period(&typed.period, today);
    let text = match &period {
        Ok(p) => rules::text(p, &typed.title, &typed.commentary),
        Err(_) => rules::text(&Period::month_of(today), &typed.title, &typed.commentary),
    };
    match (period, text) {
        (Ok(period), Ok((title, commentary))) => Ok(BulletinText { period: period.code(), title, commentary }),
        (period, text) => Err(fields(period.err().into_iter().chain(text.err().unwrap_or_default()).collect())),
    }
}

fn check_free(c: &mut DbConn, period: &str) -> Result<(), Stop> {
    if Bulletin::published_for(c, period)?.is_some() {
        return refuse(period_taken());
    }
    Ok(())
}

fn own_draft(c: &mut DbConn, id: i64) -> Result<Bulletin, Stop> {
    match Bulletin::find(c, id)? {
        None => refuse(Refusal::NotFound("公报")),
        Some(b) if b.is_published() => refuse(Refusal::rule("bulletin_published", "该公报已发布，不能再修改")),
        Some(b) => Ok(b),
    }
}

/// A new draft; its id. A period whose bulletin is published is refused beside the period.
pub fn create(conn: &mut DbConn, ctx: &Ctx, typed: &BulletinText) -> Outcome<i64> {
    let text = match check(ctx, typed) {
        Ok(text) => text,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let by = ctx.actor.user_id.unwrap_or_default();
    guarded(conn, |c| {
        check_free(c, &text.period)?;
        let id = Bulletin::create(c, &text, by, ctx.now)?;
        ctx.audit(c, "bulletin_drafted", &format!("bulletin:{id}"))?;
        Ok(id)
    })
}

/// Rewrites a draft's period, title and commentary.
pub fn update(conn: &mut DbConn, ctx: &Ctx, id: i64, typed: &BulletinText) -> Outcome<()> {
    let text = match check(ctx, typed) {
        Ok(text) => text,
        Err(refusal) => return Ok(Err(refusal)),
    };
    guarded(conn, |c| {
        own_draft(c, id)?;
        check_free(c, &text.period)?;
        if Bulletin::update_draft(c, id, &text, ctx.now)? != 1 {
            return refuse(Refusal::Changed("公报"));
        }
        ctx.audit(c, "bulletin_edited", &format!("bulletin:{id}"))?;
        Ok(())
    })
}

/// Deletes a draft; a published bulletin stays.
pub fn delete(conn: &mut DbConn, ctx: &Ctx, id: i64) -> Outcome<()> {
    guarded(conn, |c| {
        own_draft(c, id)?;
        if Bulletin::delete_draft(c, id)? != 1 {
            return refuse(Refusal::Changed("公报"));
        }
        ctx.audit(c, "bulletin_deleted", &format!("bulletin:{id}"))?;
        Ok(())
    })
}

/// Publishes a draft: its figures computed now and frozen, once. A second
/// publish, of the same draft or of another draft of the period, is refused.
/// Every active subscriber gets one email, with its own unsubscribe link.
/// Returns how many emails were enqueued.
pub fn publish(conn: &mut DbConn, ctx: &Ctx, id: i64) -> Outcome<usize> {
    let key = server_secret::get_or_create(conn, UNSUBSCRIBE_KEY, ctx.now)?;
    let by = ctx.actor.user_id.unwrap_or_default();
    // The figures are read before the write transaction, from one snapshot of
    // the database as of `ctx.now`, so that the write lock is held only for
    // the publication itself.
    let read = match Bulletin::find(conn, id)?.and_then(|b| Period::parse_code(&b.period)) {
        Some(period) => Some((period, Bulletin::figures_now(conn, ctx.now, &period)?)),
        None => None,
    };
    let outcome = guarded(conn, |c| {
        let draft = own_draft(c, id)?;
        check_free(c, &draft.period)?;
        let Some((period, figures)) = &read else {
            return refuse(period_taken());
        };
        if period.code() != draft.period {
            return refuse(Refusal::Changed("公报"));
        }
        let json = serde_json::to_string(figures).map_err(|e| Error::SerializationError(e.into()))?;
        if Bulletin::publish(c, id, &json, by, ctx.now)? != 1 {
            return refuse(Refusal::Changed("公报"));
        }
        ctx.audit(c, "bulletin_published", &format!("bulletin:{id}"))?;
        let published = Bulletin::find(c, id)?.ok_or(Error::NotFound)?;
        let subscribers = Subscriber::active(c)?;
        for subscriber in &subscribers {
            let unsubscribe = subscription::unsubscribe_link(&ctx.base_url, &subscriber.unsubscribe_token(&key));
            let mail = emails::BulletinEmail::new(&published, figures, &ctx.base_url, unsubscribe);
            super::emails::send(c, &subscriber.email, &mail, ctx.now)?;
        }
        Ok(subscribers.len())
    });
    match outcome {
        // Another draft of the period was published at the same instant: the
        // partial unique index kept one, and this transaction rolled back.
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(Err(period_taken())),
        other => other,
    }
}
