//! The dashboard's GET form read into a period and a filter. A value that
//! does not parse (2026-13, a range that runs backwards, a region that does
//! not exist) is named beside its field, the typed value kept, and the
//! default stands in for it meanwhile: the current Beijing month, no filter.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::industry;
use crate::domain::product::PROGRAMMES;
use crate::domain::stats::{Filter, Period, PeriodKind};
use crate::web::FormErrors;

/// The form as typed; every field a string so that a bad value comes back.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StatisticsQuery {
    /// month / quarter / year / custom
    pub kind: String,
    /// "2026-11"
    pub month: String,
    /// "2026-Q4"
    pub quarter: String,
    /// "2026"
    pub year: String,
    pub from: String,
    pub to: String,
    pub region: String,
    pub industry: String,
    pub size: String,
    pub institution: String,
    pub programme: String,
}

/// The names the filter's codes stand for: regions and institutions.
pub struct Choices {
    pub regions: Vec<(String, String)>,
    pub institutions: Vec<(i64, String)>,
}

/// What the form selects.
pub struct Selection {
    pub kind: PeriodKind,
    pub period: Period,
    pub filter: Filter,
    pub errors: FormErrors,
}

pub const SIZES: [&str; 3] = ["micro", "small", "medium"];

fn named<'a>(list: &'a [(String, String)], code: &str) -> Option<&'a str> {
    list.iter().find(|(c, _)| c == code).map(|(_, n)| n.as_str())
}

impl StatisticsQuery {
    /// The form with the defaults filled in where nothing was typed.
    pub fn with_defaults(mut self, today: NaiveDate) -> StatisticsQuery {
        let month = Period::month_of(today);
        if self.kind.trim().is_empty() {
            self.kind = PeriodKind::Month.as_str().into();
        }
        if self.month.trim().is_empty() {
            self.month = month.code();
        }
        if self.quarter.trim().is_empty() {
            self.quarter = Period::quarter_of(today).code();
        }
        if self.year.trim().is_empty() {
            self.year = today.year().to_string();
        }
        if self.from.trim().is_empty() {
            self.from = month.from.to_string();
        }
        if self.to.trim().is_empty() {
            self.to = today.to_string();
        }
        self
    }

    /// The period and filter; each bad field named in `errors`.
    pub fn select(&self, today: NaiveDate, choices: &Choices) -> Selection {
        let mut errors = FormErrors::default();
        let kind = PeriodKind::parse(self.kind.trim()).unwrap_or_else(|| {
            errors.add("kind", "请选择月度、季度、年度或自定义");
            PeriodKind::Month
        });
        let period = self.period(kind, &mut errors).unwrap_or_else(|| Period::month_of(today));
        let filter = self.filter(choices, &mut errors);
        Selection { kind, period, filter, errors }
    }

    fn period(&self, kind: PeriodKind, errors: &mut FormErrors) -> Option<Period> {
        let code = |text: &str| Period::parse_code(text).filter(|p| p.kind == kind);
        match kind {
            // A browser cannot show a month like 2026-13 in its month field, so the error names it.
            PeriodKind::Month => code(&self.month).or_else(|| {
                errors.add("month", format!("月份无效（{}），请选择如 2026-11 的月份", self.month.trim()));
                None
            }),
            PeriodKind::Quarter => code(&self.quarter).or_else(|| {
                errors.add("quarter", "请选择季度");
                None
            }),
            PeriodKind::Year => code(&self.year).or_else(|| {
                errors.add("year", "请选择年份");
                None
            }),
            PeriodKind::Custom => {
                let from = self.from.trim().parse::<NaiveDate>().ok();
                let to = self.to.trim().parse::<NaiveDate>().ok();
                if from.is_none() {
                    errors.add("from", "请填写开始日期");
                }
                if to.is_none() {
                    errors.add("to", "请填写结束日期");
                }
                let period = Period::custom(from?, to?);
                if period.is_none() {
                    errors.add("to", "结束日期不能早于开始日期");
                }
                period
            }
        }
    }

    fn filter(&self, choices: &Choices, errors: &mut FormErrors) -> Filter {
        let given = |text: &str| Some(text.trim().to_string()).filter(|t| !t.is_empty());
        let mut filter = Filter::default();
        if let Some(region) = given(&self.region) {
            match named(&choices.regions, &region) {
                Some(_) => filter.region = Some(region),
                None => errors.add("region", "没有这个地区"),
            }
        }
        if let Some(code) = given(&self.industry) {
            match industry::name(&code) {
                Some(_) => filter.industry = Some(code),
                None => errors.add("industry", "没有这个行业"),
            }
        }
        if let Some(size) = given(&self.size) {
            match SIZES.contains(&size.as_str()) {
                true => filter.size = Some(size),
                false => errors.add("size", "请选择微型、小型或中型"),
            }
        }
        if let Some(text) = given(&self.institution) {
            match text.parse::<i64>().ok().filter(|id| choices.institutions.iter().any(|(i, _)| i == id)) {
                Some(id) => filter.institution_id = Some(id),
                None => errors.add("institution", "没有这个金融机构"),
            }
        }
        if let Some(programme) = given(&self.programme) {
            match PROGRAMMES.contains(&programme.as_str()) {
                true => filter.programme = Some(programme),
                false => errors.add("programme", "没有这个专项"),
            }
        }
        filter
    }

    /// The form as a query string, for the downloads and the links back.
    pub fn query_string(&self) -> String {
        let mut pairs = vec![("kind", self.kind.trim())];
        let period_field = match self.kind.trim() {
            "quarter" => ("quarter", self.quarter.trim()),
            "year" => ("year", self.year.trim()),
            "custom" => ("from", self.from.trim()),
            _ => ("month", self.month.trim()),
        };
        pairs.push(period_field);
        if self.kind.trim() == "custom" {
            pairs.push(("to", self.to.trim()));
        }
        for (name, value) in [
            ("region", &self.region),
            ("industry", &self.industry),
            ("size", &self.size),
            ("institution", &self.institution),
            ("programme", &self.programme),
        ] {
            if !value.trim().is_empty() {
                pairs.push((name, value.trim()));
            }
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

impl Choices {
    /// The filter in words, names not codes: "地区 东湖区 · 行业 制造业"; "全部" without one.
    pub fn words(&self, filter: &Filter) -> String {
        let mut parts = Vec::new();
        if let Some(code) = &filter.region {
            parts.push(format!("地区 {}", named(&self.regions, code).unwrap_or(code)));
        }
        if let Some(code) = &filter.industry {
            parts.push(format!("行业 {}", industry::name(code).unwrap_or(code)));
        }
        if let Some(size) = &filter.size {
            parts.push(format!("规模 {}", industry::size_class_label(size)));
        }
        if let Some(id) = filter.institution_id {
            let name = self.institutions.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone());
            parts.push(format!("机构 {}", name.unwrap_or_else(|| id.to_string())));
        }
        if let Some(programme) = &filter.programme {
            parts.push(format!("专项 {programme}"));
        }
        if parts.is_empty() { "全部".to_string() } else { parts.join(" · ") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices() -> Choices {
        Choices { regions: vec![("990102".into(), "东湖区".into())], institutions: vec![(7, "云海银行".into())] }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    #[test]
    fn nothing_typed_is_this_month_without_a_filter() {
        let query = StatisticsQuery::default().with_defaults(today());
        let selection = query.select(today(), &choices());
        assert_eq!(selection.period, Period::month(2026, 12).unwrap());
        assert!(selection.filter.is_empty() && selection.errors.is_empty());
        assert_eq!(query.query_string(), "kind=month&month=2026-12");
    }

    #[test]
    fn a_bad_month_is_named_and_the_default_stands_in_the_rest_kept() {
        let query = StatisticsQuery { month: "2026-13".into(), region: "990102".into(), ..Default::default() }
            .with_defaults(today());
        let selection = query.select(today(), &choices());
        assert!(selection.errors.has("month"));
        assert_eq!(selection.period, Period::month(2026, 12).unwrap());
        assert_eq!(selection.filter.region.as_deref(), Some("990102"));
        assert_eq!(choices().words(&selection.filter), "地区 东湖区");
    }

    #[test]
    fn a_backwards_range_and_unknown_filters_are_refused() {
        let query = StatisticsQuery {
            kind: "custom".into(),
            from: "2026-03-15".into(),
            to: "2026-01-01".into(),
            institution: "8".into(),
            size: "huge".into(),
            ..Default::default()
        };
        let selection = query.select(today(), &choices());
        assert!(selection.errors.has("to") && selection.errors.has("institution") && selection.errors.has("size"));
        assert!(selection.filter.is_empty());
        let quarter = StatisticsQuery { kind: "quarter".into(), quarter: "2026-Q3".into(), ..Default::default() };
        assert_eq!(quarter.select(today(), &choices()).period, Period::quarter(2026, 3).unwrap());
    }
}
