//! Working days across weekends, a holiday week with its make-up days, and
//! the hours where the UTC date and the Beijing date differ.

use super::*;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// A Beijing wall-clock time in 2026, as the UTC instant it is stored as.
fn beijing(m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    from_beijing(day(m, d).and_hms_opt(h, min, 0).unwrap())
}

fn utc(m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    day(m, d).and_hms_opt(h, min, 0).unwrap()
}

/// National Day 2026: Thursday 1 to Wednesday 7 October off; Sunday 20
/// September and Saturday 10 October worked in exchange.
fn national_day_2026() -> WorkingCalendar {
    WorkingCalendar::new((1..=7).map(|d| day(10, d)), [day(9, 20), day(10, 10)])
}

#[test]
fn weekdays_are_worked_weekends_and_holidays_are_not() {
    let calendar = national_day_2026();
    assert!(calendar.is_working_day(day(11, 20)), "a Friday");
    assert!(!calendar.is_working_day(day(11, 21)), "a Saturday");
    assert!(!calendar.is_working_day(day(10, 5)), "a Monday in the holiday");
    assert!(calendar.is_working_day(day(10, 10)), "the Saturday worked in exchange");
    assert!(calendar.is_working_day(day(9, 20)), "the Sunday worked in exchange");
    let both = WorkingCalendar::new([day(10, 10)], [day(10, 10)]);
    assert!(both.is_working_day(day(10, 10)), "a make-up workday wins over a holiday listing");
}

#[test]
fn deadlines_skip_the_weekend_and_keep_the_clock_time() {
    let calendar = WorkingCalendar::default();
    let friday = beijing(11, 20, 10, 0);
    assert_eq!(calendar.add_working_days(friday, 0), friday);
    assert_eq!(calendar.add_working_days(friday, 1), beijing(11, 23, 10, 0));
    assert_eq!(calendar.add_working_days(friday, 5), beijing(11, 27, 10, 0));
    assert_eq!(calendar.add_working_days(friday, 10), beijing(12, 4, 10, 0));
    // Counting starts the next day even from a day off.
    assert_eq!(calendar.add_working_days(beijing(11, 21, 10, 0), 1), beijing(11, 23, 10, 0));
    assert_eq!(calendar.add_working_days(beijing(11, 22, 10, 0), 1), beijing(11, 23, 10, 0));
}

#[test]
fn a_holiday_week_is_skipped_and_its_make_up_days_count() {
    let calendar = national_day_2026();
    let start = beijing(9, 30, 9, 0);
    assert_eq!(calendar.add_working_days(start, 1), beijing(10, 8, 9, 0));
    assert_eq!(calendar.add_working_days(start, 2), beijing(10, 9, 9, 0));
    assert_eq!(calendar.add_working_days(start, 3), beijing(10, 10, 9, 0), "Saturday, worked");
    assert_eq!(calendar.add_working_days(start, 4), beijing(10, 12, 9, 0));
    assert_eq!(calendar.add_working_days(beijing(9, 19, 9, 0), 1), beijing(9, 20, 9, 0), "Sunday, worked");
    // The service-level time of a need matched on Monday 28 September at 14:00:
    // 29, 30 Sep; 8, 9, 10, 12, 13, 14, 15, 16 Oct.
    let due = calendar.add_working_days(beijing(9, 28, 14, 0), 10);
    assert_eq!(due, beijing(10, 16, 14, 0));
    assert_eq!(due, utc(10, 16, 6, 0));
}

#[test]
fn days_are_counted_in_beijing_not_in_utc() {
    let calendar = WorkingCalendar::default();
    // Friday 23:30 in Beijing is Friday 15:30 UTC: both dates are Friday.
    let late_friday = utc(11, 20, 15, 30);
    assert_eq!(late_friday, beijing(11, 20, 23, 30));
    assert_eq!(calendar.add_working_days(late_friday, 1), utc(11, 23, 15, 30));
    // Half past midnight on Saturday in Beijing is still Friday in UTC: the
    // Beijing Saturday counts, so one working day later is Monday 00:30 in
    // Beijing (Sunday in UTC), not Monday in UTC.
    let saturday_small_hours = utc(11, 20, 16, 30);
    assert_eq!(beijing_date(saturday_small_hours), day(11, 21));
    assert_eq!(calendar.add_working_days(saturday_small_hours, 1), utc(11, 22, 16, 30));
    assert_eq!(calendar.add_working_days(saturday_small_hours, 1), beijing(11, 23, 0, 30));
    // Monday 07:00 in Beijing is Sunday 23:00 UTC: a working day already.
    let monday_morning = utc(11, 22, 23, 0);
    assert!(calendar.is_working_day(beijing_date(monday_morning)));
    assert_eq!(calendar.add_working_days(monday_morning, 1), beijing(11, 24, 7, 0));
}

#[test]
fn days_between_counts_the_working_dates_after_the_first() {
    let calendar = national_day_2026();
    assert_eq!(calendar.working_days_between(beijing(9, 30, 9, 0), beijing(10, 8, 8, 0)), 1);
    assert_eq!(calendar.working_days_between(beijing(9, 28, 14, 0), beijing(10, 16, 18, 0)), 10);
    assert_eq!(calendar.working_days_between(beijing(11, 20, 9, 0), beijing(11, 20, 18, 0)), 0, "same day");
    assert_eq!(calendar.working_days_between(beijing(11, 23, 9, 0), beijing(11, 20, 9, 0)), 0, "backwards");
    assert_eq!(calendar.working_days_between(beijing(11, 20, 9, 0), beijing(11, 22, 9, 0)), 0, "a weekend");
    assert_eq!(calendar.working_days_between(utc(11, 20, 15, 0), utc(11, 20, 16, 0)), 0, "Fri→Sat in Beijing");
    assert_eq!(calendar.working_days_between(utc(11, 22, 15, 0), utc(11, 22, 16, 0)), 1, "Sun→Mon in Beijing");
}

#[test]
fn days_between_undoes_adding_days_across_the_holiday() {
    let calendar = national_day_2026();
    for start_day in 0..60 {
        let start = beijing(9, 1, 10, 0) + Duration::days(start_day) + Duration::hours(start_day % 24);
        for n in 0..25 {
            let due = calendar.add_working_days(start, n);
            assert_eq!(calendar.working_days_between(start, due), n, "from {start} plus {n}");
        }
    }
}

#[test]
fn days_between_agrees_with_counting_one_day_at_a_time() {
    let calendar = WorkingCalendar::new(
        (1..=7).map(|d| day(10, d)).chain([day(10, 10), day(12, 25)]),
        [day(9, 20), day(10, 10), day(10, 14)],
    );
    let first = day(9, 1);
    for span in 0..140 {
        let last = first + Duration::days(span);
        let by_hand = (1..=span).filter(|d| calendar.is_working_day(first + Duration::days(*d))).count();
        let counted = calendar.working_days_between(from_beijing(first.into()), from_beijing(last.into()));
        assert_eq!(counted as usize, by_hand, "up to {last}");
    }
}
