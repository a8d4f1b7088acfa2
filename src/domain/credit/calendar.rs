//! Month windows, ages and rounding shared by the factors: integer arithmetic only,
//! so that every point in the model can be recomputed by hand.

use chrono::{Datelike, NaiveDate};

/// Months as `year * 12 + month0`, so windows of months are plain integer ranges.
pub(super) fn month_index(date: NaiveDate) -> i32 {
    date.year() * 12 + date.month0() as i32
}

/// "2025年6月" for a month index.
pub(super) fn month_text(index: i32) -> String {
    format!("{}年{}月", index.div_euclid(12), index.rem_euclid(12) + 1)
}

/// A run of whole calendar months. The windows used by the model end with the month
/// before the evaluation date's: the current month is incomplete and departments
/// deliver it late, so counting it would penalise every enterprise early in a month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct MonthWindow {
    pub first: i32,
    pub last: i32,
}

impl MonthWindow {
    /// `len` months ending `skip` months before the month preceding `as_of`:
    /// `(as_of, 0, 12)` is "the last 12 months", `(as_of, 12, 12)` is months 13–24.
    pub fn before(as_of: NaiveDate, skip: i32, len: i32) -> MonthWindow {
        let current = month_index(as_of);
        MonthWindow { first: current - skip - len, last: current - skip - 1 }
    }

    pub fn contains(self, month: NaiveDate) -> bool {
        (self.first..=self.last).contains(&month_index(month))
    }

    /// "2025年6月至2026年5月"
    pub fn text(self) -> String {
        format!("{}至{}", month_text(self.first), month_text(self.last))
    }
}

/// "2025年8月20日"
pub(super) fn date_text(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// Whole years from `from` to `to`; zero when `from` is later.
pub(super) fn full_years(from: NaiveDate, to: NaiveDate) -> i32 {
    to.years_since(from).map_or(0, |y| y as i32)
}

/// `n / d` rounded half away from zero (`d > 0`), computed wide so that money in fen
/// cannot overflow.
pub(super) fn div_round(n: i128, d: i128) -> i128 {
    debug_assert!(d > 0);
    if n >= 0 { (2 * n + d) / (2 * d) } else { -((-2 * n + d) / (2 * d)) }
}

/// A percentage with one decimal, e.g. "14.3%", for explanations.
pub(super) fn percent_text(numerator: i128, denominator: i128) -> String {
    let tenths = div_round(numerator * 1000, denominator);
    let sign = if tenths < 0 { "-" } else { "" };
    format!("{sign}{}.{}%", tenths.abs() / 10, tenths.abs() % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn windows_end_with_the_previous_month() {
        let last12 = MonthWindow::before(day(2026, 6, 15), 0, 12);
        assert_eq!(last12.text(), "2025年6月至2026年5月");
        assert!(last12.contains(day(2026, 5, 1)));
        assert!(!last12.contains(day(2026, 6, 1)));
        assert!(!last12.contains(day(2025, 5, 1)));
        assert_eq!(MonthWindow::before(day(2026, 1, 1), 12, 12).text(), "2024年1月至2024年12月");
    }

    #[test]
    fn full_years_count_anniversaries() {
        assert_eq!(full_years(day(2025, 6, 15), day(2026, 6, 14)), 0);
        assert_eq!(full_years(day(2025, 6, 15), day(2026, 6, 15)), 1);
        assert_eq!(full_years(day(2027, 1, 1), day(2026, 6, 15)), 0);
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(div_round(680, 6), 113);
        assert_eq!(div_round(5, 2), 3);
        assert_eq!(div_round(-5, 2), -3);
        assert_eq!(div_round(-220, 6), -37);
        assert_eq!(percent_text(1, 7), "14.3%");
        assert_eq!(percent_text(-1, 3), "-33.3%");
    }
}
