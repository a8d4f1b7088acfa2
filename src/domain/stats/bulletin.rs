//! The rules of a 统计公报's text: which periods a bulletin may cover, the
//! default title, and the lengths of title and commentary.

use chrono::NaiveDate;

use super::{Period, PeriodKind};

/// The national indicators a bulletin leads with (its page's cards, its email), this period's values.
pub const HEADLINE: [&str; 4] = ["loan_amount", "loan_count", "credit_loan_amount", "need_count"];

/// The longest title, in characters.
pub const TITLE_MAX: usize = 60;
/// The longest commentary, in characters.
pub const COMMENTARY_MAX: usize = 5000;

/// "2026年11月信易贷平台融资统计公报".
pub fn default_title(period: &Period) -> String {
    format!("{}信易贷平台融资统计公报", period.label())
}

/// What is wrong with a typed bulletin, field by field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextError {
    pub field: &'static str,
    pub message: &'static str,
}

/// The period of a bulletin: a month, quarter or year that has begun by `today` (Beijing).
pub fn period(code: &str, today: NaiveDate) -> Result<Period, TextError> {
    let refuse = |message| Err(TextError { field: "period", message });
    let Some(period) = Period::parse_code(code.trim()) else {
        return refuse("请选择公报的期间（月度、季度或年度）");
    };
    if period.kind == PeriodKind::Custom {
        return refuse("公报只能按月度、季度或年度发布");
    }
    if period.from > today {
        return refuse("该期间尚未开始");
    }
    Ok(period)
}

/// Whether the period is still running on `today`: its figures stop at now.
pub fn unfinished(period: &Period, today: NaiveDate) -> bool {
    period.to >= today
}

/// The typed title and commentary checked: a blank title becomes the default.
pub fn text(period: &Period, title: &str, commentary: &str) -> Result<(String, String), Vec<TextError>> {
    let title = match title.trim() {
        "" => default_title(period),
        typed => typed.to_string(),
    };
    let commentary = commentary.trim().replace("\r\n", "\n");
    let mut errors = Vec::new();
    if title.chars().count() > TITLE_MAX {
        errors.push(TextError { field: "title", message: "标题不能超过 60 个字" });
    }
    if commentary.chars().count() > COMMENTARY_MAX {
        errors.push(TextError { field: "commentary", message: "说明不能超过 5000 个字" });
    }
    if errors.is_empty() { Ok((title, commentary)) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_bulletin_covers_a_begun_month_quarter_or_year() {
        let today = day(2026, 11, 20);
        assert_eq!(period("2026-11", today).unwrap(), Period::month(2026, 11).unwrap());
        assert_eq!(period("2026-Q3", today).unwrap(), Period::quarter(2026, 3).unwrap());
        assert_eq!(period("2025", today).unwrap(), Period::year(2025).unwrap());
        assert_eq!(period("2026-12", today).unwrap_err().message, "该期间尚未开始");
        assert_eq!(period("2026-01-01_2026-03-15", today).unwrap_err().field, "period");
        assert_eq!(period("", today).unwrap_err().field, "period");
    }

    #[test]
    fn the_title_defaults_and_both_texts_are_limited() {
        let november = Period::month(2026, 11).unwrap();
        assert_eq!(text(&november, " ", "").unwrap().0, "2026年11月信易贷平台融资统计公报");
        assert!(unfinished(&november, day(2026, 11, 30)));
        assert!(!unfinished(&november, day(2026, 12, 1)));
        let long = "字".repeat(61);
        let errors = text(&november, &long, &"评".repeat(5001)).unwrap_err();
        assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["title", "commentary"]);
    }
}
