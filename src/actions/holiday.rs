//! The credit office's changes of the holiday calendar (节假日与调休): set or
//! remove one day, or import a year's schedule. Each recounts the pending
//! due dates on the calendar as it is then, in the same transaction, and the
//! audit row says how many moved.

use chrono::NaiveDate;

use crate::actions::{Ctx, Outcome, guarded};
use crate::db::DbConn;
use crate::imports::holidays::ScheduleDay;
use crate::models::audit;
use crate::models::holiday::{self, Holiday};

/// A day off or a make-up workday the credit office sets by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetDay {
    pub day: NaiveDate,
    pub name: String,
    pub workday: bool,
}

/// A year's whole schedule, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub year: i32,
    pub days: Vec<ScheduleDay>,
}

fn audit_recount(conn: &mut DbConn, ctx: &Ctx, event: &str, object: &str, outcome: &str) -> diesel::QueryResult<()> {
    audit::record(conn, &ctx.actor, event, Some(object), outcome, ctx.now)
}

/// Adds a day off or a make-up workday, replacing that date's entry.
pub fn set_holiday(conn: &mut DbConn, ctx: &Ctx, input: SetDay) -> Outcome<()> {
    guarded(conn, |c| {
        Holiday::set(c, input.day, &input.name, input.workday, holiday::SET_BY_HAND)?;
        let moved = holiday::recount_pending(c, ctx.now)?;
        audit_recount(c, ctx, "holiday_set", &format!("day:{}", input.day), &format!("recounted={moved}"))?;
        Ok(())
    })
}

/// Replaces a year's days with its schedule.
pub fn import_holiday_schedule(conn: &mut DbConn, ctx: &Ctx, input: Schedule) -> Outcome<()> {
    guarded(conn, |c| {
        Holiday::replace_year(c, input.year, &input.days, ctx.now)?;
        let outcome = format!("days={} recounted={}", input.days.len(), holiday::recount_pending(c, ctx.now)?);
        audit_recount(c, ctx, "holiday_schedule_imported", &format!("year:{}", input.year), &outcome)?;
        Ok(())
    })
}

/// Removes the entry of `day`, if there is one.
pub fn remove_holiday(conn: &mut DbConn, ctx: &Ctx, day: NaiveDate) -> Outcome<()> {
    guarded(conn, |c| {
        if Holiday::remove(c, day)? {
            let outcome = format!("recounted={}", holiday::recount_pending(c, ctx.now)?);
            audit_recount(c, ctx, "holiday_removed", &format!("day:{day}"), &outcome)?;
        }
        Ok(())
    })
}
