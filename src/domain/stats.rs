//! The statistics the credit office publishes: the national
//! financing-credit-service platform's indicator set, its breakdowns and
//! ours, counted from [`facts::Facts`] for a [`period::Period`] under a
//! [`filter::Filter`]. Definitions, units and rounding: `docs/statistics.md`.
//!
//! Every figure is a [`Figure`]: a stable key (the open data's field name),
//! the Chinese name, a unit and an exact decimal value (None when there is
//! nothing to average or the sample is too small). Amounts are 万元 and
//! percentages and days carry two decimals, rounded half away from zero;
//! counts are whole numbers. The whole set serialises to JSON, which is how
//! a bulletin freezes it.

pub mod breakdowns;
pub mod bulletin;
pub mod export;
pub mod facts;
pub mod filter;
pub mod indicators;
pub mod measure;
pub mod offer_figures;
pub mod period;
pub mod report;
pub mod scoreboard;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use facts::Facts;
pub use filter::Filter;
pub use period::{Period, PeriodKind};

/// What a figure counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// 家: enterprises or institutions.
    Entities,
    /// 笔
    Count,
    /// 个: products.
    Items,
    /// 万元, two decimals.
    Wan,
    /// %, two decimals.
    Percent,
    /// 天, two decimals.
    Days,
    /// 小时, two decimals.
    Hours,
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::Entities => "家",
            Unit::Count => "笔",
            Unit::Items => "个",
            Unit::Wan => "万元",
            Unit::Percent => "%",
            Unit::Days => "天",
            Unit::Hours => "小时",
        }
    }
}

/// One figure: `loan_amount`, 放款金额, 万元, 1234.56.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub key: String,
    pub name: String,
    pub unit: Unit,
    pub value: Option<Decimal>,
}

impl Figure {
    pub fn new(key: &str, name: &str, unit: Unit, value: Option<Decimal>) -> Figure {
        Figure { key: key.to_string(), name: name.to_string(), unit, value }
    }

    /// "1,234.56" style is not used: "1234.56", "12", or "—" when there is no value.
    pub fn text(&self) -> String {
        value_text(self.value)
    }
}

/// The number as the tables show it; "—" for none.
pub fn value_text(value: Option<Decimal>) -> String {
    value.map(|v| v.to_string()).unwrap_or_else(|| "—".to_string())
}

/// A column of a breakdown table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub key: String,
    pub name: String,
    pub unit: Unit,
}

/// One row of a breakdown: its label ("制造业", "1–100万") and a value per column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// A stable code for the row (industry letter, region code, band key, institution id).
    pub code: String,
    pub label: String,
    pub values: Vec<Option<Decimal>>,
}

/// A breakdown: `by_industry`, 按行业, its columns and rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub key: String,
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

impl Table {
    /// The value in the row with `code` under the column `key`.
    pub fn value(&self, code: &str, key: &str) -> Option<Decimal> {
        let column = self.columns.iter().position(|c| c.key == key)?;
        self.rows.iter().find(|r| r.code == code)?.values[column]
    }
}

/// A national indicator over the three windows the dashboard shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub key: String,
    pub name: String,
    pub unit: Unit,
    /// 累计: everything up to the period's end.
    pub cumulative: Option<Decimal>,
    /// 本期
    pub period: Option<Decimal>,
    /// 近一年: the twelve months ending with the period.
    pub trailing: Option<Decimal>,
}

/// The whole set for one period and filter, as a page shows it and a
/// bulletin freezes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statistics {
    /// `Period::code`
    pub period: String,
    pub period_label: String,
    /// `Filter::label`, "全部" without a filter.
    pub filter: String,
    /// When the figures were read (UTC).
    pub as_of: chrono::NaiveDateTime,
    /// The national set, each over 累计 / 本期 / 近一年.
    pub indicators: Vec<Indicator>,
    /// The template's 当月 figures (the month of the period's end).
    pub month: Vec<Figure>,
    /// Figures of now: 正在对接笔数, 逾期笔数, 不良率.
    pub current: Vec<Figure>,
    /// Ours beside the national set, over the period.
    pub ours: Vec<Figure>,
    /// Needs published in the period and how far they got.
    pub funnel: Vec<Figure>,
    /// The breakdowns over the period.
    pub breakdowns: Vec<Table>,
    /// 放款金额 and 融资需求笔数 per month over the trailing year, for the trend chart.
    pub trend: Table,
}

impl Statistics {
    /// Counts everything for `period` under `filter`.
    pub fn compute(facts: &Facts, period: &Period, filter: &Filter) -> Statistics {
        let facts = filter.apply(facts);
        let month = period.last_month();
        Statistics {
            period: period.code(),
            period_label: period.label(),
            filter: filter.label(),
            as_of: facts.as_of,
            indicators: indicators::national(&facts, period),
            month: indicators::month(&facts, &month),
            current: indicators::current(&facts),
            ours: indicators::ours(&facts, period),
            funnel: indicators::funnel(&facts, period),
            breakdowns: breakdowns::all(&facts, period),
            trend: breakdowns::trend(&facts, &period.trailing_year()),
        }
    }

    pub fn indicator(&self, key: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.key == key)
    }

    pub fn breakdown(&self, key: &str) -> Option<&Table> {
        self.breakdowns.iter().find(|t| t.key == key)
    }

    /// A figure among 当月, current, ours and the funnel.
    pub fn figure(&self, key: &str) -> Option<&Figure> {
        self.month.iter().chain(&self.current).chain(&self.ours).chain(&self.funnel).find(|f| f.key == key)
    }
}

/// Where a bulletin is. The strings are stored in `bulletins.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BulletinStatus {
    Draft,
    Published,
}

crate::stored_as_text!(BulletinStatus);

impl BulletinStatus {
    pub const ALL: [BulletinStatus; 2] = [BulletinStatus::Draft, BulletinStatus::Published];

    pub fn as_str(self) -> &'static str {
        match self {
            BulletinStatus::Draft => "draft",
            BulletinStatus::Published => "published",
        }
    }

    pub fn parse(text: &str) -> Option<BulletinStatus> {
        BulletinStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            BulletinStatus::Draft => "草稿",
            BulletinStatus::Published => "已发布",
        }
    }

    /// A draft is under way; a published bulletin ended well.
    pub fn tone(self) -> crate::domain::Tone {
        match self {
            BulletinStatus::Draft => crate::domain::Tone::Active,
            BulletinStatus::Published => crate::domain::Tone::Good,
        }
    }
}
