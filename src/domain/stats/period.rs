//! The period a statistic covers: a month, a quarter, a year or a custom
//! range of Beijing dates, both ends included.

use chrono::{Datelike, Months, NaiveDate};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
    Custom,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 4] = [PeriodKind::Month, PeriodKind::Quarter, PeriodKind::Year, PeriodKind::Custom];

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
            PeriodKind::Custom => "custom",
        }
    }

    pub fn parse(text: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            PeriodKind::Month => "月度",
            PeriodKind::Quarter => "季度",
            PeriodKind::Year => "年度",
            PeriodKind::Custom => "自定义",
        }
    }
}

/// `from..=to`, Beijing dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    pub kind: PeriodKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

const QUARTERS: [&str; 4] = ["一", "二", "三", "四"];

impl Period {
    pub fn month(year: i32, month: u32) -> Option<Period> {
        let from = NaiveDate::from_ymd_opt(year, month, 1)?;
        let to = from.checked_add_months(Months::new(1))?.pred_opt()?;
        Some(Period { kind: PeriodKind::Month, from, to })
    }

    /// Quarter 1 to 4.
    pub fn quarter(year: i32, quarter: u32) -> Option<Period> {
        if !(1..=4).contains(&quarter) {
            return None;
        }
        let from = NaiveDate::from_ymd_opt(year, quarter * 3 - 2, 1)?;
        let to = from.checked_add_months(Months::new(3))?.pred_opt()?;
        Some(Period { kind: PeriodKind::Quarter, from, to })
    }

    pub fn year(year: i32) -> Option<Period> {
        Some(Period {
            kind: PeriodKind::Year,
            from: NaiveDate::from_ymd_opt(year, 1, 1)?,
            to: NaiveDate::from_ymd_opt(year, 12, 31)?,
        })
    }

    /// A custom range; None when it runs backwards.
    pub fn custom(from: NaiveDate, to: NaiveDate) -> Option<Period> {
        (from <= to).then_some(Period { kind: PeriodKind::Custom, from, to })
    }

    /// The month holding `day`.
    pub fn month_of(day: NaiveDate) -> Period {
        Period::month(day.year(), day.month()).expect("a real date's month")
    }

    pub fn quarter_of(day: NaiveDate) -> Period {
        Period::quarter(day.year(), day.month().div_ceil(3)).expect("a real date's quarter")
    }

    /// The stable code used in URLs, file names and open data:
    /// "2026-11", "2026-Q4", "2026", "2026-01-01_2026-03-15".
    pub fn code(&self) -> String {
        match self.kind {
            PeriodKind::Month => self.from.format("%Y-%m").to_string(),
            PeriodKind::Quarter => format!("{}-Q{}", self.from.year(), self.from.month().div_ceil(3)),
            PeriodKind::Year => self.from.year().to_string(),
            PeriodKind::Custom => format!("{}_{}", self.from, self.to),
        }
    }

    /// Reads what [`Period::code`] writes; None for anything else.
    pub fn parse_code(code: &str) -> Option<Period> {
        let code = code.trim();
        if let Some((from, to)) = code.split_once('_') {
            return Period::custom(from.parse().ok()?, to.parse().ok()?);
        }
        if let Some((year, quarter)) = code.split_once("-Q") {
            return Period::quarter(year.parse().ok()?, quarter.parse().ok()?);
        }
        if let Some((year, month)) = code.split_once('-') {
            if month.len() != 2 {
                return None;
            }
            return Period::month(year.parse().ok()?, month.parse().ok()?);
        }
        if code.len() == 4 { Period::year(code.parse().ok()?) } else { None }
    }

    /// "2026年11月", "2026年第四季度", "2026年", "2026-01-01 至 2026-03-15".
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Month => format!("{}年{}月", self.from.year(), self.from.month()),
            PeriodKind::Quarter => {
                format!("{}年第{}季度", self.from.year(), QUARTERS[(self.from.month() as usize - 1) / 3])
            }
            PeriodKind::Year => format!("{}年", self.from.year()),
            PeriodKind::Custom => format!("{} 至 {}", self.from, self.to),
        }
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// The twelve months that end on this period's last day (近一年).
    pub fn trailing_year(&self) -> Period {
        let from =
            self.to.checked_sub_months(Months::new(12)).expect("a date a year back").succ_opt().expect("a next day");
        Period { kind: PeriodKind::Custom, from, to: self.to }
    }

    /// The month of this period's last day (the template's 当月).
    pub fn last_month(&self) -> Period {
        Period::month_of(self.to)
    }

    /// Everything up to this period's end (累计).
    pub fn cumulative(&self) -> Period {
        Period { kind: PeriodKind::Custom, from: NaiveDate::MIN, to: self.to }
    }

    /// The months the period touches, first to last, as month periods.
    pub fn months(&self) -> Vec<Period> {
        let mut months = Vec::new();
        let mut month = Period::month_of(self.from);
        while month.from <= self.to {
            months.push(month);
            month = Period::month_of(month.to.succ_opt().expect("a next day"));
        }
        months
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn codes_read_back_as_the_same_period() {
        for period in [
            Period::month(2026, 2).unwrap(),
            Period::quarter(2026, 4).unwrap(),
            Period::year(2025).unwrap(),
            Period::custom(day("2026-01-05"), day("2026-03-15")).unwrap(),
        ] {
            assert_eq!(Period::parse_code(&period.code()), Some(period), "{}", period.code());
        }
        for bad in ["2026-13", "2026-Q5", "26", "2026-03-15_2026-01-01", "2026-1", ""] {
            assert_eq!(Period::parse_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn bounds_and_labels() {
        let feb = Period::month(2024, 2).unwrap();
        assert_eq!((feb.from, feb.to), (day("2024-02-01"), day("2024-02-29")));
        assert_eq!(feb.label(), "2024年2月");
        let q3 = Period::quarter(2026, 3).unwrap();
        assert_eq!((q3.from, q3.to), (day("2026-07-01"), day("2026-09-30")));
        assert_eq!(q3.label(), "2026年第三季度");
        assert_eq!(Period::quarter_of(day("2026-11-30")), Period::quarter(2026, 4).unwrap());
        let trailing = Period::month(2026, 11).unwrap().trailing_year();
        assert_eq!((trailing.from, trailing.to), (day("2025-12-01"), day("2026-11-30")));
        assert_eq!(q3.last_month(), Period::month(2026, 9).unwrap());
        assert_eq!(q3.months().len(), 3);
        assert_eq!(Period::custom(day("2026-01-31"), day("2026-02-01")).unwrap().months().len(), 2);
    }
}
