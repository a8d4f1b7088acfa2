//! Reminders (提醒) sent 24 hours before a deadline of the market: a window
//! closing, an offer lapsing while the enterprise chooses, a contact time
//! and a decision time running out (and, through [`claim_key`], a loan's
//! instalment falling due). The `reminders` table's primary key
//! (object, kind) makes each go out once, however many workers sweep.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::need::{NeedStatus, OfferStatus};
use crate::schema::{needs, offers, reminders};

/// A reminder that is due, with what its words need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// A window longer than 24 hours closes soon; `taken` banks have offered.
    Window { need: i64, enterprise: i64, deadline: NaiveDateTime, taken: i32 },
    /// An offer of a need awaiting the enterprise's choice lapses soon.
    Choice { offer: i64, need: i64, enterprise: i64, until: NaiveDateTime },
    /// The bank has not recorded contact and its contact time ends soon.
    Contact { offer: i64, need: i64, officer: i64, until: NaiveDateTime },
    /// The bank has not decided and its decision time ends soon.
    Decision { offer: i64, need: i64, officer: i64, until: NaiveDateTime },
}

impl Due {
    /// The key the reminder is claimed under: (object, kind).
    pub fn key(&self) -> (String, &'static str) {
        match *self {
            Due::Window { need, .. } => (format!("need:{need}"), "window"),
            Due::Choice { offer, .. } => (format!("offer:{offer}"), "choice"),
            Due::Contact { offer, .. } => (format!("offer:{offer}"), "contact"),
            Due::Decision { offer, .. } => (format!("offer:{offer}"), "decision"),
        }
    }
}

/// "No reminder of `kind` went out yet for this row", so that sent ones do not
/// fill the batch. The arguments are this file's constants, never user input.
fn not_reminded(prefix: &str, table: &str, kind: &str) -> diesel::expression::SqlLiteral<diesel::sql_types::Bool> {
    diesel::dsl::sql(&format!(
        "NOT EXISTS (SELECT 1 FROM reminders WHERE reminders.object = '{prefix}:' || {table}.id AND reminders.kind = '{kind}')"
    ))
}

/// The reminders due in `(now, soon]` not sent yet, up to `limit` of each kind.
pub fn due(conn: &mut DbConn, now: NaiveDateTime, soon: NaiveDateTime, limit: i64) -> QueryResult<Vec<Due>> {
    let (active, accepted) = (OfferStatus::Active.as_str(), OfferStatus::Accepted.as_str());
    let mut due = Vec::new();
    // Windows of 24 hours are reminded by the publication itself.
    let windows: Vec<(i64, i64, NaiveDateTime, i32)> = needs::table
        .filter(needs::status.eq(NeedStatus::Open.as_str()))
        .filter(needs::window_hours.gt(24))
        .filter(needs::deadline.gt(now))
        .filter(needs::deadline.le(soon))
        .filter(not_reminded("need", "needs", "window"))
        .order(needs::deadline)
        .select((needs::id, needs::enterprise_id, needs::deadline.assume_not_null(), needs::slots_taken))
        .limit(limit)
        .load(conn)?;
    due.extend(windows.into_iter().map(|(need, enterprise, deadline, taken)| Due::Window {
        need,
        enterprise,
        deadline,
        taken,
    }));
    let choices: Vec<(i64, i64, i64, NaiveDateTime)> = offers::table
        .inner_join(needs::table)
        .filter(needs::status.eq(NeedStatus::AwaitingChoice.as_str()))
        .filter(offers::status.eq(active))
        .filter(offers::valid_until.gt(now))
        .filter(offers::valid_until.le(soon))
        .filter(not_reminded("offer", "offers", "choice"))
        .order(offers::valid_until)
        .select((offers::id, needs::id, needs::enterprise_id, offers::valid_until))
        .limit(limit)
        .load(conn)?;
    due.extend(choices.into_iter().map(|(offer, need, enterprise, until)| Due::Choice {
        offer,
        need,
        enterprise,
        until,
    }));
    let contacts: Vec<(i64, i64, i64, NaiveDateTime)> = offers::table
        .filter(offers::status.eq(active))
        .filter(offers::contacted_at.is_null())
        .filter(offers::contact_due.gt(now))
        .filter(offers::contact_due.le(soon))
        .filter(not_reminded("offer", "offers", "contact"))
        .order(offers::contact_due)
        .select((offers::id, offers::need_id, offers::officer_id, offers::contact_due))
        .limit(limit)
        .load(conn)?;
    due.extend(contacts.into_iter().map(|(offer, need, officer, until)| Due::Contact { offer, need, officer, until }));
    let decisions: Vec<(i64, i64, i64, NaiveDateTime)> = offers::table
        .filter(offers::status.eq(accepted))
        .filter(offers::decision.is_null())
        .filter(offers::decision_due.gt(now))
        .filter(offers::decision_due.le(soon))
        .filter(not_reminded("offer", "offers", "decision"))
        .order(offers::decision_due)
        .select((offers::id, offers::need_id, offers::officer_id, offers::decision_due.assume_not_null()))
        .limit(limit)
        .load(conn)?;
    due.extend(decisions.into_iter().map(|(offer, need, officer, until)| Due::Decision {
        offer,
        need,
        officer,
        until,
    }));
    Ok(due)
}

/// Claims the reminder; false if it was sent before. A concurrent claim
/// fails on the key (the caller's transaction rolls back).
pub fn claim(conn: &mut DbConn, due: &Due, now: NaiveDateTime) -> QueryResult<bool> {
    claim_key(conn, due.key(), now)
}

/// Claims the reminder under its (object, kind) key, as [`claim`] does; for
/// reminders found outside the market (a loan's instalment falling due).
pub fn claim_key(conn: &mut DbConn, (object, kind): (String, &str), now: NaiveDateTime) -> QueryResult<bool> {
    let seen = reminders::table.find((&object, kind)).count().get_result::<i64>(conn)?;
    if seen > 0 {
        return Ok(false);
    }
    diesel::insert_into(reminders::table)
        .values((reminders::object.eq(&object), reminders::kind.eq(kind), reminders::sent_at.eq(now)))
        .execute(conn)?;
    Ok(true)
}
