//! Working days (工作日) for service-level deadlines, such as the ten working
//! days a bank has to decide. Chinese public holidays move: the State Council
//! announces each year's days off and the weekend days worked in exchange
//! (调休), so the calendar is data, not a rule. Counting is in Beijing dates
//! because that is the day people work by; times in and out are UTC.

use std::collections::BTreeSet;
use std::ops::Bound;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};

/// China has used one offset all year since 1991: no daylight saving to handle.
pub const BEIJING_OFFSET_HOURS: i64 = 8;

pub fn to_beijing(utc: NaiveDateTime) -> NaiveDateTime {
    utc + Duration::hours(BEIJING_OFFSET_HOURS)
}

pub fn from_beijing(local: NaiveDateTime) -> NaiveDateTime {
    local - Duration::hours(BEIJING_OFFSET_HOURS)
}

/// The date in Beijing at a UTC instant.
pub fn beijing_date(utc: NaiveDateTime) -> NaiveDate {
    to_beijing(utc).date()
}

/// Which dates are worked: Monday to Friday, except listed holidays, plus
/// listed weekend days that are worked to make up for a holiday.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    pub holidays: BTreeSet<NaiveDate>,
    pub extra_workdays: BTreeSet<NaiveDate>,
}

impl WorkingCalendar {
    pub fn new(
        holidays: impl IntoIterator<Item = NaiveDate>,
        extra_workdays: impl IntoIterator<Item = NaiveDate>,
    ) -> WorkingCalendar {
        WorkingCalendar {
            holidays: holidays.into_iter().collect(),
            extra_workdays: extra_workdays.into_iter().collect(),
        }
    }

    /// A date listed as a make-up workday is worked even if it is also listed
    /// as a holiday: the more specific announcement wins.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.extra_workdays.contains(&date) || (!is_weekend(date) && !self.holidays.contains(&date))
    }

    /// The instant `n` working days after `start`: the same Beijing clock time
    /// on the `n`-th working day after `start`'s Beijing date. Counting starts
    /// the next day whether or not the start date is itself worked, so a need
    /// matched on Friday or Saturday at 10:00 with one working day is due on
    /// Monday at 10:00. `n == 0` gives `start`. Checks compare `now >= due`.
    pub fn add_working_days(&self, start: NaiveDateTime, n: u32) -> NaiveDateTime {
        let local = to_beijing(start);
        let mut date = local.date();
        let mut left = n;
        while left > 0 {
            date = date.succ_opt().expect("deadlines stay within chrono's dates");
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        from_beijing(date.and_time(local.time()))
    }

    /// How many working days passed from `from` to `to`: the working Beijing
    /// dates after `from`'s and up to `to`'s, so that
    /// `working_days_between(s, add_working_days(s, n)) == n`. Zero when `to`
    /// is not on a later Beijing date. Whole days only: compare instants with
    /// `add_working_days` to tell whether a deadline passed.
    pub fn working_days_between(&self, from: NaiveDateTime, to: NaiveDateTime) -> u32 {
        let (first, last) = (beijing_date(from), beijing_date(to));
        if last <= first {
            return 0;
        }
        // Weekdays in (first, last], corrected by the listed days in that range:
        // work proportional to the list, not to the length of the span.
        let range = (Bound::Excluded(first), Bound::Included(last));
        let weekday_holidays =
            self.holidays.range(range).filter(|d| !is_weekend(**d) && !self.extra_workdays.contains(*d)).count();
        let weekend_workdays = self.extra_workdays.range(range).filter(|d| is_weekend(**d)).count();
        let worked = weekdays_after(first, last) - weekday_holidays as i64 + weekend_workdays as i64;
        u32::try_from(worked).unwrap_or(u32::MAX)
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Monday-to-Friday dates in `(first, last]`, for `first < last`.
fn weekdays_after(first: NaiveDate, last: NaiveDate) -> i64 {
    let days = (last - first).num_days();
    let mut count = days / 7 * 5;
    let mut date = first + Duration::days(days / 7 * 7);
    while date < last {
        date = date.succ_opt().expect("date is before last");
        if !is_weekend(date) {
            count += 1;
        }
    }
    count
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
