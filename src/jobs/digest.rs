//! The subscription digest: each officer gets one email of the needs
//! published since their last digest that match any of their saved filters,
//! at most one an hour. Several app instances may run it at once: a
//! conditional update (`Subscription::claim_digest`) decides who sends it.

use chrono::{Duration, NaiveDateTime};
use diesel::QueryResult;

use crate::db::{DbConn, write_tx};
use crate::domain::{Money, industry};
use crate::email::{Email, EmailTemplate};
use crate::models::subscription::{Recipient, Subscription, published_between};
use crate::notify::enqueue_email;

pub const DIGEST_EVERY: Duration = Duration::hours(1);

/// A published need as a digest lists it: no identity, only its shape.
#[derive(Clone, Debug)]
pub struct DigestLine {
    pub id: i64,
    pub amount: Money,
    pub term_months: i32,
    pub region: String,
    pub industry: &'static str,
    pub grade: String,
}

#[derive(askama::Template)]
#[template(path = "emails/subscription_digest.txt", blocks = ["subject", "body"])]
pub struct DigestEmail {
    pub lines: Vec<DigestLine>,
    pub link: String,
}

impl EmailTemplate for DigestEmail {
    fn subject(&self) -> askama::Result<String> {
        askama::Template::render(&self.as_subject())
    }
    fn body(&self) -> askama::Result<String> {
        askama::Template::render(&self.as_body())
    }
    fn action(&self) -> Option<(&str, &str)> {
        Some(("去抢单大厅", &self.link))
    }
}

/// Sends each due officer one digest of the needs published since the last one
/// that match any of their filters. Returns how many digests were enqueued.
pub fn send_digests(conn: &mut DbConn, base_url: &str, now: NaiveDateTime) -> QueryResult<usize> {
    let mut sent = 0;
    for officer in Subscription::officers(conn)? {
        sent += write_tx(conn, |c| digest_for(c, officer, base_url, now))?;
    }
    Ok(sent)
}

fn digest_for(conn: &mut DbConn, officer: i64, base_url: &str, now: NaiveDateTime) -> QueryResult<usize> {
    let subs = Subscription::of_officer(conn, officer)?;
    let last = subs.iter().filter_map(|s| s.last_digest_at).max();
    if last.is_some_and(|l| l > now - DIGEST_EVERY) {
        return Ok(0);
    }
    let since = last.unwrap_or_else(|| subs.iter().map(|s| s.created_at).min().unwrap_or(now));
    let recipient = Recipient::find(conn, officer)?;
    if recipient.disabled {
        return Ok(0);
    }
    let lines: Vec<DigestLine> = published_between(conn, since, now)?
        .into_iter()
        .filter(|need| need.institution_id.is_none() || need.institution_id == recipient.institution_id)
        .filter(|need| subs.iter().any(|s| s.matches(need)))
        .map(|need| DigestLine {
            id: need.id,
            amount: Money::from_fen(need.amount_fen),
            term_months: need.term_months,
            region: need.region_name,
            industry: industry::name(&need.industry).unwrap_or("未知行业"),
            grade: need.grade.unwrap_or_else(|| "未评价".into()),
        })
        .collect();
    if lines.is_empty() {
        return Ok(0);
    }
    // Whoever moves the clock first sends; another instance finds nothing to update.
    if !Subscription::claim_digest(conn, officer, DIGEST_EVERY, now)? {
        return Ok(0);
    }
    let message = DigestEmail { lines, link: format!("{base_url}/officer/hall") };
    let email =
        Email::render(&recipient.email, &message).map_err(|e| diesel::result::Error::QueryBuilderError(e.into()))?;
    enqueue_email(conn, &email, now)?;
    Ok(1)
}
