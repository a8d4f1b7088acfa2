//! Officers' saved filters (订阅): the rows, the needs published since a time,
//! and the conditional update that lets one app instance claim an officer's
//! digest. The digest itself is a job (`jobs::digest`).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::credit::Grade;
use crate::schema::{credit_evaluations, enterprises, needs, regions, subscriptions, users};

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

#[derive(Insertable, Clone, Debug)]
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

/// How many saved filters one officer may keep: enough for every region and
/// industry they follow, and a bound on the page and on each digest's work.
pub const MAX_PER_OFFICER: i64 = 20;

/// A need published in a time span, as a digest matches and lists it.
#[derive(Queryable, Clone, Debug)]
pub struct PublishedNeed {
    pub id: i64,
    pub amount_fen: i64,
    pub term_months: i32,
    /// The one institution the need is meant for, if any.
    pub institution_id: Option<i64>,
    pub region: String,
    pub industry: String,
    pub grade: Option<String>,
    pub region_name: String,
}

/// An officer as the digest needs them: where to write, for which bank.
#[derive(Queryable, Clone, Debug)]
pub struct Recipient {
    pub email: String,
    pub institution_id: Option<i64>,
    pub disabled: bool,
}

impl Subscription {
    pub fn of_officer(conn: &mut DbConn, officer_id: i64) -> QueryResult<Vec<Subscription>> {
        subscriptions::table
            .filter(subscriptions::officer_id.eq(officer_id))
            .order(subscriptions::id)
            .limit(MAX_PER_OFFICER)
            .select(Subscription::as_select())
            .load(conn)
    }

    /// How many filters the officer keeps.
    pub fn count_of(conn: &mut DbConn, officer_id: i64) -> QueryResult<i64> {
        subscriptions::table.filter(subscriptions::officer_id.eq(officer_id)).count().get_result(conn)
    }

    pub fn insert(conn: &mut DbConn, new: &NewSubscription) -> QueryResult<i64> {
        diesel::insert_into(subscriptions::table).values(new).returning(subscriptions::id).get_result(conn)
    }

    pub fn delete(conn: &mut DbConn, id: i64, officer_id: i64) -> QueryResult<bool> {
        let deleted = diesel::delete(subscriptions::table.find(id).filter(subscriptions::officer_id.eq(officer_id)))
            .execute(conn)?;
        Ok(deleted == 1)
    }

    /// Every officer who keeps at least one filter.
    pub fn officers(conn: &mut DbConn) -> QueryResult<Vec<i64>> {
        subscriptions::table.select(subscriptions::officer_id).distinct().load(conn)
    }

    /// Marks the officer's digest sent at `now` unless one went out within
    /// `every`; false when another instance got there first.
    pub fn claim_digest(conn: &mut DbConn, officer_id: i64, every: Duration, now: NaiveDateTime) -> QueryResult<bool> {
        let claimed = diesel::update(
            subscriptions::table
                .filter(subscriptions::officer_id.eq(officer_id))
                .filter(subscriptions::last_digest_at.is_null().or(subscriptions::last_digest_at.le(now - every))),
        )
        .set(subscriptions::last_digest_at.eq(now))
        .execute(conn)?;
        Ok(claimed > 0)
    }

    /// Whether a published need matches this saved filter.
    pub fn matches(&self, need: &PublishedNeed) -> bool {
        self.amount_min_fen.is_none_or(|min| need.amount_fen >= min)
            && self.amount_max_fen.is_none_or(|max| need.amount_fen <= max)
            && self.region.as_deref().is_none_or(|r| r == need.region)
            && self.industry.as_deref().is_none_or(|i| i == need.industry)
            && self
                .min_grade
                .as_deref()
                .and_then(Grade::parse)
                .is_none_or(|min| need.grade.as_deref().and_then(Grade::parse).is_some_and(|g| g.at_least(min)))
    }
}

impl Recipient {
    pub fn find(conn: &mut DbConn, officer_id: i64) -> QueryResult<Recipient> {
        users::table.find(officer_id).select((users::email, users::institution_id, users::disabled)).first(conn)
    }
}

/// The needs still open that were published after `since`, up to `now`.
pub fn published_between(
    conn: &mut DbConn,
    since: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<Vec<PublishedNeed>> {
    needs::table
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
        .load(conn)
}
