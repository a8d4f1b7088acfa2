//! The holidays and make-up workdays (节假日与调休) the credit office
//! configures; working-day deadlines are counted on them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::calendar::WorkingCalendar;
use crate::schema::holidays;

/// Days after each grab in which the bank must contact the enterprise.
pub const CONTACT_WORKING_DAYS: u32 = 2;
/// Days after an acceptance in which the winning bank must decide.
pub const DECISION_WORKING_DAYS: u32 = 10;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = holidays)]
pub struct Holiday {
    pub day: NaiveDate,
    pub name: String,
    pub workday: bool,
}

impl Holiday {
    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Holiday>> {
        holidays::table.order(holidays::day).select(Holiday::as_select()).load(conn)
    }

    /// Adds or replaces the entry for `day`.
    pub fn set(conn: &mut DbConn, day: NaiveDate, name: &str, workday: bool) -> QueryResult<()> {
        diesel::delete(holidays::table.find(day)).execute(conn)?;
        diesel::insert_into(holidays::table)
            .values((holidays::day.eq(day), holidays::name.eq(name), holidays::workday.eq(workday)))
            .execute(conn)
            .map(drop)
    }

    pub fn remove(conn: &mut DbConn, day: NaiveDate) -> QueryResult<bool> {
        Ok(diesel::delete(holidays::table.find(day)).execute(conn)? == 1)
    }
}

/// The calendar as configured now.
pub fn calendar(conn: &mut DbConn) -> QueryResult<WorkingCalendar> {
    let all = Holiday::all(conn)?;
    Ok(WorkingCalendar::new(
        all.iter().filter(|h| !h.workday).map(|h| h.day),
        all.iter().filter(|h| h.workday).map(|h| h.day),
    ))
}

/// When a bank that grabs at `now` must have contacted the enterprise.
pub fn contact_due(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<NaiveDateTime> {
    Ok(calendar(conn)?.add_working_days(now, CONTACT_WORKING_DAYS))
}

/// When a bank whose offer is accepted at `now` must have decided.
pub fn decision_due(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<NaiveDateTime> {
    Ok(calendar(conn)?.add_working_days(now, DECISION_WORKING_DAYS))
}
