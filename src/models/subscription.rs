//! Officers' saved filters (订阅): when needs matching one are published, the
//! officer gets an email, at most one digest an hour. Several app instances
//! may run the digest at once: a conditional update decides who sends it.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::{DbConn, write_tx};
use crate::domain::credit::Grade;
use crate::domain::{Money, industry};
use crate::email::{Email, EmailTemplate};
use crate::schema::{credit_evaluations, enterprises, needs, regions, subscriptions, users};

pub const DIGEST_EVERY: Duration = Duration::hours(1);

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = subscriptions)]
pub struct Subscription {
    pub id: i64,
    pub officer_id: i64,
    pub name: String,
    pub amount_min_fen: Option<i64>,
    pub amount_max_fen: Option<i64>,
    pub region: Option<String>,
    pub industry: Option<String>,
    pub min_grade: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_digest_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = subscriptions)]
pub struct NewSubscription {
    pub officer_id: i64,
    pub name: String,
    pub amount_min_fen: Option<i64>,
    pub amount_max_fen: Option<i64>,
    pub region: Option<String>,
    pub industry: Option<String>,
    pub min_grade: Option<String>,
    pub created_at: NaiveDateTime,
}

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

/// How many saved filters one officer may keep: enough for every region and
/// industry they follow, and a bound on the page and on each digest's work.
pub const MAX_PER_OFFICER: i64 = 20;

impl Subscription {
    pub fn of_officer(conn: &mut DbConn, officer_id: i64) -> QueryResult<Vec<Subscription>> {
        subscriptions::table
            .filter(subscriptions::officer_id.eq(officer_id))
            .order(subscriptions::id)
            .limit(MAX_PER_OFFICER)
            .select(Subscription::as_select())
            .load(conn)
    }

    /// Saves a filter unless the officer already has `MAX_PER_OFFICER`; call
    /// in a write transaction so two saves cannot both pass the count.
    pub fn create(conn: &mut DbConn, new: &NewSubscription) -> QueryResult<bool> {
        let held: i64 =
            subscriptions::table.filter(subscriptions::officer_id.eq(new.officer_id)).count().get_result(conn)?;
        if held >= MAX_PER_OFFICER {
            return Ok(false);
        }
        diesel::insert_into(subscriptions::table).values(new).execute(conn)?;
        Ok(true)
    }

    pub fn delete(conn: &mut DbConn, id: i64, officer_id: i64) -> QueryResult<bool> {
        let deleted = diesel::delete(subscriptions::table.find(id).filter(subscriptions::officer_id.eq(officer_id)))
            .execute(conn)?;
        Ok(deleted == 1)
    }

    /// Whether a published need matches this saved filter.
    fn matches(&self, amount_fen: i64, region: &str, industry: &str, grade: Option<&str>) -> bool {
        self.amount_min_fen.is_none_or(|min| amount_fen >= min)
            && self.amount_max_fen.is_none_or(|max| amount_fen <= max)
            && self.region.as_deref().is_none_or(|r| r == region)
            && self.industry.as_deref().is_none_or(|i| i == industry)
            && self
                .min_grade
                .as_deref()
                .and_then(Grade::parse)
                .is_none_or(|min| grade.and_then(Grade::parse).is_some_and(|g| g.at_least(min)))
    }
}

/// Sends each due officer one digest of the needs published since the last one
/// that match any of their filters. Returns how many digests were enqueued.
pub fn send_digests(conn: &mut DbConn, base_url: &str, now: NaiveDateTime) -> QueryResult<usize> {
    let officers: Vec<i64> = subscriptions::table.select(subscriptions::officer_id).distinct().load(conn)?;
    let mut sent = 0;
    for officer in officers {
        sent += write_tx(conn, |c| digest_for(c, officer, base_url, now))?;
    }
    Ok(sent)
}

/// id, amount, term, targeted institution, region code, industry, grade, region name.
type Published = (i64, i64, i32, Option<i64>, String, String, Option<String>, String);

fn digest_for(conn: &mut DbConn, officer: i64, base_url: &str, now: NaiveDateTime) -> QueryResult<usize> {
    let subs = Subscription::of_officer(conn, officer)?;
    let last = subs.iter().filter_map(|s| s.last_digest_at).max();
    if last.is_some_and(|l| l > now - DIGEST_EVERY) {
        return Ok(0);
    }
    let since = last.unwrap_or_else(|| subs.iter().map(|s| s.created_at).min().unwrap_or(now));
    let (email, institution, disabled): (String, Option<i64>, bool) =
        users::table.find(officer).select((users::email, users::institution_id, users::disabled)).first(conn)?;
    if disabled {
        return Ok(0);
    }
    let published: Vec<Published> = needs::table
        .inner_join(enterprises::table)
        .inner_join(regions::table.on(regions::code.eq(enterprises::region)))
        .left_join(credit_evaluations::table.on(credit_evaluations::uscc.eq(enterprises::uscc)))
        .filter(needs::status.eq("open"))
        .filter(needs::published_at.gt(since))
        .filter(needs::published_at.le(now))
        .select((
            needs::id,
            needs::amount_fen,
            needs::term_months,
            needs::institution_id,
            enterprises::region,
            enterprises::industry,
            credit_evaluations::grade.nullable(),
            regions::name,
        ))
        .load(conn)?;
    let lines: Vec<DigestLine> = published
        .into_iter()
        .filter(|(_, _, _, target, ..)| target.is_none() || *target == institution)
        .filter(|(_, amount, _, _, region, industry, grade, _)| {
            subs.iter().any(|s| s.matches(*amount, region, industry, grade.as_deref()))
        })
        .map(|(id, amount, term_months, _, _, industry, grade, region_name)| DigestLine {
            id,
            amount: Money::from_fen(amount),
            term_months,
            region: region_name,
            industry: industry::name(&industry).unwrap_or("未知行业"),
            grade: grade.unwrap_or_else(|| "未评价".into()),
        })
        .collect();
    if lines.is_empty() {
        return Ok(0);
    }
    // Whoever moves the clock first sends; another instance finds nothing to update.
    let claimed = diesel::update(
        subscriptions::table
            .filter(subscriptions::officer_id.eq(officer))
            .filter(subscriptions::last_digest_at.is_null().or(subscriptions::last_digest_at.le(now - DIGEST_EVERY))),
    )
    .set(subscriptions::last_digest_at.eq(now))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(0);
    }
    let message = DigestEmail { lines, link: format!("{base_url}/officer") };
    let email = Email::render(&email, &message).map_err(|e| diesel::result::Error::QueryBuilderError(e.into()))?;
    crate::jobs::enqueue_email(conn, &email, now)?;
    Ok(1)
}
