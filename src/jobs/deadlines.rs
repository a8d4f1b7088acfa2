//! The clock's minute sweep over needs and offers: windows that end, offers
//! that lapse, slots released when a bank did not make contact in time,
//! decisions that become overdue, and a reminder 24 hours before each of
//! these; and the loans' schedules on Beijing dates: an instalment unpaid the
//! day after it fell due turns overdue (its loan 逾期, the bank told once), and
//! the enterprise is reminded 3 days before each due date. This file finds what is due and calls one action per item
//! (`actions::sweep`), each its own transaction, so several workers
//! sweeping at once move each item once.

use chrono::{Duration, NaiveDateTime};
use diesel::QueryResult;

use crate::actions::Ctx;
use crate::actions::loan::mark_overdue;
use crate::actions::sweep::{Closing, close_offer, end_window, flag_overdue, remind_instalment, send_reminder};
use crate::clock::beijing;
use crate::db::DbConn;
use crate::models::loan::due;
use crate::models::need::Need;
use crate::models::offer::Offer;
use crate::models::reminder;

/// How far ahead a reminder is sent.
pub const REMIND_BEFORE: Duration = Duration::hours(24);
/// How many days before its due date an instalment is reminded (or later, up
/// to the due date itself, when the sweep missed those days).
pub const REMIND_DAYS_BEFORE: u64 = 3;
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
    /// Instalments found unpaid after their due date (their loans 逾期).
    pub instalments_overdue: usize,
    /// Enterprises reminded of an instalment falling due.
    pub repayment_reminders: usize,
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
    let today = beijing(now).date_naive();
    for instalment in due::past_due(conn, today, BATCH)? {
        swept.instalments_overdue += usize::from(mark_overdue(conn, &ctx, instalment)? == Ok(true));
    }
    let last = today + chrono::Days::new(REMIND_DAYS_BEFORE);
    for soon in due::due_soon(conn, today, last, BATCH)? {
        swept.repayment_reminders += usize::from(remind_instalment(conn, &ctx, &soon)?.is_ok());
    }
    if swept != Swept::default() {
        tracing::info!(
            windows_ended = swept.windows_ended,
            offers_lapsed = swept.offers_lapsed,
            slots_released = swept.slots_released,
            decisions_overdue = swept.decisions_overdue,
            reminders = swept.reminders,
            instalments_overdue = swept.instalments_overdue,
            repayment_reminders = swept.repayment_reminders,
            "deadline sweep moved items"
        );
    }
    Ok(swept)
}
