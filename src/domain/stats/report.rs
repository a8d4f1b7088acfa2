//! The national platform's monthly report (全国融资信用服务平台 月度统计模板,
//! 2024): 平台融资统计, one row for the platform, and 金融机构融资统计, one row
//! per institution onboarded by the month's end, laid out column by column
//! as they are filed (docs/national-report.md). Built from the figures
//! only: the 累计 columns from a [`Statistics`] of everything up to the
//! month's end, the 当月 columns from a [`Statistics`] of the month; nothing
//! is counted a second time. The template's own checks (`checks`) run on
//! the built tables before anything is exported.

pub mod checks;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::facts::InstitutionFact;
use super::{Period, Statistics, Unit, value_text};

/// The platform's name in the 平台名称 column.
pub const PLATFORM_NAME: &str = "云海市融资信用服务平台";

/// Where a column's value comes from.
#[derive(Clone, Copy, Debug)]
enum Source {
    /// 统计截止时间: the month's last day.
    ReportDate,
    PlatformName,
    InstitutionName,
    Uscc,
    InstitutionKind,
    /// A national indicator's 累计 value (platform).
    Total(&'static str),
    /// A 当月 figure (platform).
    Month(&'static str),
    /// A column of `by_institution` over everything up to the month's end.
    InstitutionTotal(&'static str),
    /// A column of `by_institution` over the month.
    InstitutionMonth(&'static str),
}

use Source::*;

/// 平台融资统计, in the order it is filed: (key, name, source).
const PLATFORM: &[(&str, &str, Source)] = &[
    ("report_date", "统计截止时间", ReportDate),
    ("platform_name", "平台名称", PlatformName),
    ("registered_enterprises", "注册企业数", Total("registered_enterprises")),
    ("institutions", "入驻金融机构数", Total("institutions")),
    ("products", "发布金融产品数", Total("products")),
    ("credit_enterprises", "授信企业数", Total("credit_enterprises")),
    ("credit_amount", "授信总额", Total("credit_amount")),
    ("credit_count", "授信笔数", Total("credit_count")),
    ("loan_enterprises", "放款企业数", Total("loan_enterprises")),
    ("loan_amount", "放款总额", Total("loan_amount")),
    ("loan_count", "放款笔数", Total("loan_count")),
    ("credit_loan_enterprises", "信用放款企业数", Total("credit_loan_enterprises")),
    ("credit_loan_amount", "信用放款总额", Total("credit_loan_amount")),
    ("credit_loan_count", "信用放款笔数", Total("credit_loan_count")),
    ("need_enterprises", "融资需求企业数", Total("need_enterprises")),
    ("need_amount", "融资需求金额", Total("need_amount")),
    ("need_count", "融资需求笔数", Total("need_count")),
    ("month_loan_amount", "当月放款金额", Month("month_loan_amount")),
    ("month_loan_count", "当月放款笔数", Month("month_loan_count")),
    ("month_credit_loan_amount", "当月信用放款金额", Month("month_credit_loan_amount")),
    ("month_credit_loan_count", "当月信用放款笔数", Month("month_credit_loan_count")),
    ("month_need_count", "当月融资需求笔数", Month("month_need_count")),
    ("small_micro_loan_enterprises", "获贷小微企业数", Total("small_micro_loan_enterprises")),
    ("loan_rate_mean", "放款平均利率", Total("loan_rate_mean")),
    ("cycle_full", "全业务流程平均周期", Total("cycle_full")),
    ("cycle_credit", "授信平均周期", Total("cycle_credit")),
    ("cycle_loan", "放款平均周期", Total("cycle_loan")),
    ("cycle_credit_loan", "信用放款平均周期", Total("cycle_credit_loan")),
];

/// 金融机构融资统计, in the order it is filed.
const INSTITUTIONS: &[(&str, &str, Source)] = &[
    ("report_date", "统计截止时间", ReportDate),
    ("institution_name", "机构名称", InstitutionName),
    ("uscc", "统一社会信用代码", Uscc),
    ("institution_kind", "机构类型", InstitutionKind),
    ("credit_amount", "授信总额", InstitutionTotal("credit_amount")),
    ("credit_count", "授信笔数", InstitutionTotal("credit_count")),
    ("loan_amount", "放款总额", InstitutionTotal("loan_amount")),
    ("loan_count", "放款笔数", InstitutionTotal("loan_count")),
    ("loan_enterprises", "放款企业数", InstitutionTotal("loan_enterprises")),
    ("credit_loan_amount", "信用放款总额", InstitutionTotal("credit_loan_amount")),
    ("credit_loan_count", "信用放款笔数", InstitutionTotal("credit_loan_count")),
    ("month_loan_amount", "当月放款金额", InstitutionMonth("loan_amount")),
    ("month_loan_count", "当月放款笔数", InstitutionMonth("loan_count")),
    ("month_credit_loan_amount", "当月信用放款金额", InstitutionMonth("credit_loan_amount")),
    ("month_credit_loan_count", "当月信用放款笔数", InstitutionMonth("credit_loan_count")),
    ("month_needs_accepted", "当月对接需求笔数", InstitutionMonth("needs_accepted")),
];

/// One cell as it is filed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    Text(String),
    Date(NaiveDate),
    /// A figure; None when there is nothing to average ("—").
    Value(Option<Decimal>),
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Text(text) => text.clone(),
            Cell::Date(day) => day.to_string(),
            Cell::Value(value) => value_text(*value),
        }
    }

    pub fn value(&self) -> Option<Decimal> {
        match self {
            Cell::Value(value) => *value,
            _ => None,
        }
    }
}

/// A column: its stable key (docs/statistics.md), the template's name and,
/// for a figure, its unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportColumn {
    pub key: String,
    pub name: String,
    pub unit: Option<Unit>,
}

impl ReportColumn {
    /// The header cell: "授信总额（万元）", "机构名称".
    pub fn header(&self) -> String {
        match self.unit {
            Some(unit) => format!("{}（{}）", self.name, unit.label()),
            None => self.name.clone(),
        }
    }
}

/// A row and the name the checks call it by (the platform's or the institution's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub name: String,
    pub cells: Vec<Cell>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportTable {
    /// `platform` or `institutions`, the CSV's file name.
    pub key: String,
    /// 平台融资统计 / 金融机构融资统计, the sheet's name.
    pub title: String,
    pub columns: Vec<ReportColumn>,
    pub rows: Vec<ReportRow>,
}

impl ReportTable {
    fn position(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }

    /// The cell of `row` under the column `key`.
    pub fn cell<'a>(&self, row: &'a ReportRow, key: &str) -> Option<&'a Cell> {
        row.cells.get(self.position(key)?)
    }

    /// The figure of `row` under the column `key`.
    pub fn value(&self, row: &ReportRow, key: &str) -> Option<Decimal> {
        self.cell(row, key).and_then(Cell::value)
    }

    /// The header and the rows as text, for the CSV.
    pub fn text_rows(&self) -> Vec<Vec<String>> {
        let header = self.columns.iter().map(ReportColumn::header).collect();
        std::iter::once(header).chain(self.rows.iter().map(|r| r.cells.iter().map(Cell::text).collect())).collect()
    }
}

/// Both tables of one month, as they will be filed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NationalReport {
    /// `Period::code` of the month: "2026-11".
    pub month: String,
    /// "2026年11月"
    pub month_label: String,
    /// The month's last day (统计截止时间).
    pub last_day: NaiveDate,
    /// When the figures were read (UTC).
    pub as_of: chrono::NaiveDateTime,
    pub platform: ReportTable,
    pub institutions: ReportTable,
}

/// What the builder reads: the month, its figures, the figures of
/// everything up to its end, and the institutions' names and codes.
pub struct Inputs<'a> {
    pub month: &'a Period,
    /// `Statistics::compute` for the month.
    pub month_stats: &'a Statistics,
    /// `Statistics::compute` for `month.cumulative()`.
    pub total_stats: &'a Statistics,
    pub institutions: &'a [InstitutionFact],
}

impl Inputs<'_> {
    fn unit(&self, source: Source) -> Option<Unit> {
        let column_unit = |key: &str| {
            self.total_stats.breakdown("by_institution")?.columns.iter().find(|c| c.key == key).map(|c| c.unit)
        };
        match source {
            Total(key) => self.month_stats.indicator(key).map(|i| i.unit),
            Month(key) => self.month_stats.figure(key).map(|f| f.unit),
            InstitutionTotal(key) | InstitutionMonth(key) => column_unit(key),
            _ => None,
        }
    }

    fn cell(&self, source: Source, institution: Option<&InstitutionFact>) -> Cell {
        let by = |stats: &Statistics, key: &str| {
            let id = institution.map(|i| i.id.to_string()).unwrap_or_default();
            stats.breakdown("by_institution").and_then(|t| t.value(&id, key))
        };
        match source {
            ReportDate => Cell::Date(self.month.to),
            PlatformName => Cell::Text(PLATFORM_NAME.to_string()),
            InstitutionName => Cell::Text(institution.map(|i| i.name.clone()).unwrap_or_default()),
            Uscc => Cell::Text(institution.map(|i| i.uscc.clone()).unwrap_or_default()),
            InstitutionKind => Cell::Text(institution.map(|i| i.kind.label().to_string()).unwrap_or_default()),
            Total(key) => Cell::Value(self.month_stats.indicator(key).and_then(|i| i.cumulative)),
            Month(key) => Cell::Value(self.month_stats.figure(key).and_then(|f| f.value)),
            InstitutionTotal(key) => Cell::Value(by(self.total_stats, key)),
            InstitutionMonth(key) => Cell::Value(by(self.month_stats, key)),
        }
    }

    fn table(&self, key: &str, title: &str, spec: &[(&str, &str, Source)], rows: Vec<ReportRow>) -> ReportTable {
        let columns = spec
            .iter()
            .map(|(key, name, source)| ReportColumn {
                key: key.to_string(),
                name: name.to_string(),
                unit: self.unit(*source),
            })
            .collect();
        ReportTable { key: key.to_string(), title: title.to_string(), columns, rows }
    }

    fn row(&self, name: &str, spec: &[(&str, &str, Source)], institution: Option<&InstitutionFact>) -> ReportRow {
        ReportRow { name: name.to_string(), cells: spec.iter().map(|(_, _, s)| self.cell(*s, institution)).collect() }
    }
}

impl NationalReport {
    /// Both tables for the month; the institutions are those onboarded by its last day.
    pub fn build(inputs: &Inputs) -> NationalReport {
        let platform = inputs.row(PLATFORM_NAME, PLATFORM, None);
        let institutions = inputs
            .institutions
            .iter()
            .filter(|i| i.joined_on <= inputs.month.to)
            .map(|i| inputs.row(&i.name, INSTITUTIONS, Some(i)))
            .collect();
        NationalReport {
            month: inputs.month.code(),
            month_label: inputs.month.label(),
            last_day: inputs.month.to,
            as_of: inputs.month_stats.as_of,
            platform: inputs.table("platform", "平台融资统计", PLATFORM, vec![platform]),
            institutions: inputs.table("institutions", "金融机构融资统计", INSTITUTIONS, institutions),
        }
    }

    /// The two tables in the order they are filed.
    pub fn tables(&self) -> [&ReportTable; 2] {
        [&self.platform, &self.institutions]
    }

    /// The template's checks; empty when the report may be filed.
    pub fn failures(&self) -> Vec<checks::Failure> {
        checks::run(self)
    }
}
