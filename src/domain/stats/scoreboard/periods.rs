//! The periods the scoreboard is shown for: 近一年 by default, or one of a
//! short list of months, quarters and years, so the cache holds few keys.

use chrono::{Datelike, NaiveDate};

use crate::domain::stats::{Period, PeriodKind};

/// 近一年: the twelve months ending with the month of `today`, the
/// scoreboard's default period.
pub fn trailing(today: NaiveDate) -> Period {
    Period::month_of(today).trailing_year()
}

/// The periods a visitor may choose, by kind (月度 / 季度 / 年度), newest
/// first: the last twelve months, eight quarters and three years. Only
/// these (and [`trailing`]) are served, so the cache holds few keys.
pub fn choices(today: NaiveDate) -> Vec<(&'static str, Vec<Period>)> {
    let back = |first: Period, n: usize| {
        std::iter::successors(Some(first), |p: &Period| p.from.pred_opt().map(|day| same_kind(p, day)))
            .take(n)
            .collect::<Vec<_>>()
    };
    let years = (0..3).filter_map(|n| Period::year(today.year() - n)).collect();
    vec![
        (PeriodKind::Month.label(), back(Period::month_of(today), 12)),
        (PeriodKind::Quarter.label(), back(Period::quarter_of(today), 8)),
        (PeriodKind::Year.label(), years),
    ]
}

fn same_kind(period: &Period, day: NaiveDate) -> Period {
    match period.kind {
        PeriodKind::Quarter => Period::quarter_of(day),
        _ => Period::month_of(day),
    }
}

/// The chosen period when it is one of [`choices`], else [`trailing`].
pub fn chosen(code: Option<&str>, today: NaiveDate) -> Period {
    code.and_then(Period::parse_code)
        .filter(|p| choices(today).iter().any(|(_, periods)| periods.contains(p)))
        .unwrap_or_else(|| trailing(today))
}
