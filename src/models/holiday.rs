//! The holidays and make-up workdays (节假日与调休) that working-day deadlines
//! count on. The official schedules of the State Council's annual notice
//! ship with the code (`src/seed/holidays/`) and are loaded into every
//! database at migration; the credit office imports later years and edits
//! single days. A due date in a year whose schedule is not loaded counts
//! weekends only and is shown as provisional (预计).

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::{DbConn, write_tx};
use crate::domain::calendar::{WorkingCalendar, beijing_date};
use crate::imports::holidays::{ScheduleDay, schedule};
use crate::schema::{holiday_years, holidays, offers};

/// Days after each grab in which the bank must contact the enterprise.
pub const CONTACT_WORKING_DAYS: u32 = 2;
/// Days after an acceptance in which the winning bank must decide.
pub const DECISION_WORKING_DAYS: u32 = 10;
/// The source recorded for a day the credit office sets by hand.
pub const SET_BY_HAND: &str = "信用办设置";

/// The statutory schedules shipped with the code, one CSV per year in the
/// import format, each line naming its notice.
pub const SHIPPED: [(i32, &str); 3] = [
    (2024, include_str!("../seed/holidays/2024.csv")),
    (2025, include_str!("../seed/holidays/2025.csv")),
    (2026, include_str!("../seed/holidays/2026.csv")),
];

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = holidays)]
pub struct Holiday {
    pub day: NaiveDate,
    pub name: String,
    pub workday: bool,
    pub source: String,
}

/// A year whose whole schedule is loaded, and from which notice.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = holiday_years)]
pub struct HolidayYear {
    pub year: i32,
    pub source: String,
    pub loaded_at: NaiveDateTime,
}

impl Holiday {
    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Holiday>> {
        holidays::table.order(holidays::day).select(Holiday::as_select()).load(conn)
    }

    /// Adds or replaces the entry for `day`.
    pub fn set(conn: &mut DbConn, day: NaiveDate, name: &str, workday: bool, source: &str) -> QueryResult<()> {
        diesel::delete(holidays::table.find(day)).execute(conn)?;
        insert(conn, day, name, workday, source)
    }

    pub fn remove(conn: &mut DbConn, day: NaiveDate) -> QueryResult<bool> {
        Ok(diesel::delete(holidays::table.find(day)).execute(conn)? == 1)
    }

    /// Replaces every entry of `year` with `days` and records the year as loaded.
    pub fn replace_year(conn: &mut DbConn, year: i32, days: &[ScheduleDay], now: NaiveDateTime) -> QueryResult<()> {
        let (first, last) = year_bounds(year);
        diesel::delete(holidays::table.filter(holidays::day.between(first, last))).execute(conn)?;
        for d in days {
            insert(conn, d.day, &d.name, d.workday, &d.source)?;
        }
        diesel::delete(holiday_years::table.find(year)).execute(conn)?;
        mark_loaded(conn, year, days, now)
    }
}

fn insert(conn: &mut DbConn, day: NaiveDate, name: &str, workday: bool, source: &str) -> QueryResult<()> {
    diesel::insert_into(holidays::table)
        .values((
            holidays::day.eq(day),
            holidays::name.eq(name),
            holidays::workday.eq(workday),
            holidays::source.eq(source),
        ))
        .execute(conn)
        .map(drop)
}

fn mark_loaded(conn: &mut DbConn, year: i32, days: &[ScheduleDay], now: NaiveDateTime) -> QueryResult<()> {
    let source = days.first().map_or("", |d| d.source.as_str());
    diesel::insert_into(holiday_years::table)
        .values((holiday_years::year.eq(year), holiday_years::source.eq(source), holiday_years::loaded_at.eq(now)))
        .execute(conn)
        .map(drop)
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("a year of the calendar");
    (first, NaiveDate::from_ymd_opt(year, 12, 31).expect("a year of the calendar"))
}

impl HolidayYear {
    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<HolidayYear>> {
        holiday_years::table.order(holiday_years::year).select(HolidayYear::as_select()).load(conn)
    }
}

/// Loads each shipped schedule whose year was never loaded (a fresh
/// database, or a release that ships a new year). Days already present, as
/// the credit office set them, are kept; a year loaded once is never loaded
/// again, so days the credit office removed stay removed. Returns the years loaded.
pub fn load_shipped(conn: &mut DbConn, now: NaiveDateTime) -> anyhow::Result<Vec<i32>> {
    write_tx(conn, |c| {
        let loaded: BTreeSet<i32> = holiday_years::table.select(holiday_years::year).load(c)?.into_iter().collect();
        let mut added = Vec::new();
        for (year, csv) in SHIPPED.iter().filter(|(year, _)| !loaded.contains(year)) {
            let days = schedule(csv.as_bytes(), *year, "")
                .map_err(|e| anyhow::anyhow!("shipped holidays of {year} do not parse: {e:?}"))?;
            let (first, last) = year_bounds(*year);
            let present: BTreeSet<NaiveDate> = holidays::table
                .filter(holidays::day.between(first, last))
                .select(holidays::day)
                .load(c)?
                .into_iter()
                .collect();
            for d in days.iter().filter(|d| !present.contains(&d.day)) {
                insert(c, d.day, &d.name, d.workday, &d.source)?;
            }
            mark_loaded(c, *year, &days, now)?;
            added.push(*year);
        }
        Ok(added)
    })
}

/// The years whose schedule is loaded: a due date in any other year is provisional.
#[derive(Clone, Debug, Default)]
pub struct ScheduledYears(pub BTreeSet<i32>);

impl ScheduledYears {
    pub fn load(conn: &mut DbConn) -> QueryResult<ScheduledYears> {
        Ok(ScheduledYears(holiday_years::table.select(holiday_years::year).load(conn)?.into_iter().collect()))
    }

    /// Whether the working days up to `due` were counted without that year's schedule.
    pub fn provisional(&self, due: &NaiveDateTime) -> bool {
        !self.0.contains(&beijing_date(*due).year())
    }

    /// "（预计）" after a provisional due date, for pages.
    pub fn mark(&self, due: &NaiveDateTime) -> &'static str {
        if self.provisional(due) { "（预计）" } else { "" }
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

/// The years a deadline set now would reach (this year, and the year a
/// decision due date set now falls in) whose schedule is not loaded.
pub fn missing_years(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Vec<i32>> {
    let scheduled = ScheduledYears::load(conn)?;
    let reach = beijing_date(decision_due(conn, now)?).year();
    Ok((beijing_date(now).year()..=reach).filter(|y| !scheduled.0.contains(y)).collect())
}

/// Counts the pending due dates again on the calendar as it is now, after
/// the credit office changed it: the contact time of offers not yet
/// contacted (counted from the grab) and the decision time of accepted
/// offers not yet decided (from the acceptance), where not yet passed.
/// A due date counted without its year's schedule becomes exact once the
/// schedule is imported. Returns how many due dates moved.
pub fn recount_pending(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    let calendar = calendar(conn)?;
    let mut moved = 0;
    let contacts: Vec<(i64, NaiveDateTime, NaiveDateTime)> = offers::table
        .filter(offers::status.eq_any(["active", "accepted"]))
        .filter(offers::contacted_at.is_null())
        .filter(offers::contact_due.gt(now))
        .select((offers::id, offers::created_at, offers::contact_due))
        .load(conn)?;
    for (id, grabbed, due) in contacts {
        let recounted = calendar.add_working_days(grabbed, CONTACT_WORKING_DAYS);
        if recounted != due {
            diesel::update(offers::table.find(id)).set(offers::contact_due.eq(recounted)).execute(conn)?;
            moved += 1;
        }
    }
    let decisions: Vec<(i64, NaiveDateTime, NaiveDateTime)> = offers::table
        .filter(offers::status.eq("accepted"))
        .filter(offers::decision.is_null())
        .filter(offers::decision_due.gt(now))
        .filter(offers::accepted_at.is_not_null())
        .select((offers::id, offers::accepted_at.assume_not_null(), offers::decision_due.assume_not_null()))
        .load(conn)?;
    for (id, accepted, due) in decisions {
        let recounted = calendar.add_working_days(accepted, DECISION_WORKING_DAYS);
        if recounted != due {
            diesel::update(offers::table.find(id)).set(offers::decision_due.eq(recounted)).execute(conn)?;
            moved += 1;
        }
    }
    Ok(moved)
}

/// When a bank that grabs at `now` must have contacted the enterprise.
pub fn contact_due(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<NaiveDateTime> {
    Ok(calendar(conn)?.add_working_days(now, CONTACT_WORKING_DAYS))
}

/// When a bank whose offer is accepted at `now` must have decided.
pub fn decision_due(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<NaiveDateTime> {
    Ok(calendar(conn)?.add_working_days(now, DECISION_WORKING_DAYS))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped files parse, name their notice on every line, and hold
    /// the days of the notices (checked against the published text).
    #[test]
    fn shipped_schedules_parse_and_match_the_notices() {
        let mut counts = Vec::new();
        for (year, csv) in SHIPPED {
            let days = schedule(csv.as_bytes(), year, "").unwrap();
            assert!(days.iter().all(|d| d.source.contains(&format!("国务院办公厅关于{year}年部分节假日安排的通知"))));
            let off = days.iter().filter(|d| !d.workday).count();
            let worked: Vec<String> =
                days.iter().filter(|d| d.workday).map(|d| d.day.format("%m-%d").to_string()).collect();
            counts.push((year, off, worked));
        }
        let strs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            counts,
            [
                (
                    2024,
                    1 + 8 + 3 + 5 + 1 + 3 + 7,
                    strs(&["02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29", "10-12"])
                ),
                (2025, 1 + 8 + 3 + 5 + 3 + 8, strs(&["01-26", "02-08", "04-27", "09-28", "10-11"])),
                (2026, 3 + 9 + 3 + 5 + 3 + 3 + 7, strs(&["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"])),
            ]
        );
    }
}
