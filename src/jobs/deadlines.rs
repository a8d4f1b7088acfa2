//! The clock's minute sweep over needs and offers: windows that end, offers
//! that lapse, slots released when a bank did not make contact in time,
//! decisions that become overdue, and a reminder 24 hours before each of
//! these. This file finds what is due and calls one action per item
//! (`actions::sweep`), each its own transaction, so several workers
//! sweeping at once move each item once.

use chrono::{Duration, NaiveDateTime};
use diesel::QueryResult;

use crate::actions::Ctx;
use crate::actions::sweep::{Closing, close_offer, end_window, flag_overdue, send_reminder};
use crate::db::DbConn;
use crate::models::need::Need;
use crate::models::offer::Offer;
use crate::models::reminder;

/// How far ahead a reminder is sent.
pub const REMIND_BEFORE: Duration = Duration::hours(24);
/// Items moved per kind per sweep; the next sweep takes the rest.
const BATCH: i64 = 500;

/// What one sweep did, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub windows_ended: usize,
    pub offers_lapsed: usize,
    pub slots_released: usize,
    pub decisions_overdue: usize,
    pub reminders: usize,
}

/// One sweep at `now`.
pub fn sweep(conn: &mut DbConn, base_url: &str, now: NaiveDateTime) -> QueryResult<Swept> {
    let ctx = Ctx::system(now, base_url);
    let mut swept = Swept::default();
    for id in Need::windows_ended(conn, now, BATCH)? {
        swept.windows_ended += usize::from(end_window(conn, &ctx, id)?.is_ok());
    }
    for id in Offer::lapsing(conn, now, BATCH)? {
        swept.offers_lapsed += usize::from(close_offer(conn, &ctx, id, Closing::Lapsed)?.is_ok());
    }
    for id in Offer::idle(conn, now, BATCH)? {
        swept.slots_released += usize::from(close_offer(conn, &ctx, id, Closing::Released)?.is_ok());
    }
    for (need, offer) in Offer::late_decisions(conn, now, BATCH)? {
        swept.decisions_overdue += usize::from(flag_overdue(conn, &ctx, need, offer)?.is_ok());
    }
    for due in reminder::due(conn, now, now + REMIND_BEFORE, BATCH)? {
        swept.reminders += usize::from(send_reminder(conn, &ctx, &due)?.is_ok());
    }
    Ok(swept)
}
