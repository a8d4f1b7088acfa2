//! A bulletin's figures as its page shows them: the national set, 当月,
//! now, ours, the funnel, the trend and each breakdown with a chart drawn
//! from the figures themselves. The public page and the credit office's
//! preview show the same (`templates/bulletins/figures.html`).

use chrono::NaiveDateTime;

use crate::charts::{Series, bar_chart, line_chart};
use crate::clock::{beijing, datetime_text};
use crate::domain::stats::bulletin::HEADLINE;
use crate::domain::stats::{Figure, Indicator, Period, Statistics, Table, Unit, value_text};

/// A breakdown with its chart.
pub struct Breakdown {
    pub table: Table,
    pub chart: String,
}

pub struct FiguresView {
    pub stats: Statistics,
    pub trend_chart: String,
    pub breakdowns: Vec<Breakdown>,
}

/// The column a breakdown's chart draws: its first amount, else its first column.
fn charted(table: &Table) -> usize {
    table.columns.iter().position(|c| c.unit == Unit::Wan).unwrap_or(0)
}

fn number(value: Option<rust_decimal::Decimal>) -> f64 {
    value.and_then(|v| v.to_string().parse().ok()).unwrap_or(0.0)
}

fn chart(table: &Table) -> String {
    let i = charted(table);
    let Some(column) = table.columns.get(i) else { return String::new() };
    let bars: Vec<(String, f64)> = table.rows.iter().map(|r| (r.label.clone(), number(r.values[i]))).collect();
    bar_chart(&format!("{}：{}", table.title, column.name), column.unit.label(), &bars)
}

fn trend(table: &Table) -> String {
    let series: Vec<Series> = table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.unit == Unit::Wan)
        .map(|(i, c)| {
            Series::new(c.name.clone(), table.rows.iter().map(|r| (r.label.clone(), number(r.values[i]))).collect())
        })
        .collect();
    line_chart(&table.title, "万元", &series)
}

impl FiguresView {
    pub fn new(stats: Statistics) -> FiguresView {
        let breakdowns = stats.breakdowns.iter().map(|t| Breakdown { table: t.clone(), chart: chart(t) }).collect();
        FiguresView { trend_chart: trend(&stats.trend), breakdowns, stats }
    }

    /// "2026-11-30 18:00" (Beijing): when the figures were read.
    pub fn as_of_text(&self) -> String {
        datetime_text(&self.stats.as_of)
    }

    /// The figures were read before the period ended: they stop at `as_of`.
    pub fn unfinished(&self) -> bool {
        Period::parse_code(&self.stats.period).is_some_and(|p| unfinished_at(&p, self.stats.as_of))
    }

    /// The indicators the page leads with.
    pub fn headline(&self) -> Vec<&Indicator> {
        HEADLINE.iter().filter_map(|key| self.stats.indicator(key)).collect()
    }

    /// The lists of single figures, each with its heading and what it covers.
    pub fn sections(&self) -> [(&'static str, &'static str, &[Figure]); 4] {
        let s = &self.stats;
        [
            ("当月数据", "本期最后一个月。", &s.month),
            ("当前状态", "截至数据读取时。", &s.current),
            ("平台服务指标", "本期。", &s.ours),
            ("需求对接漏斗", "本期发布的融资需求走到了哪一步。", &s.funnel),
        ]
    }

    pub fn text(&self, value: &Option<rust_decimal::Decimal>) -> String {
        value_text(*value)
    }
}

fn unfinished_at(period: &Period, at: NaiveDateTime) -> bool {
    crate::domain::stats::bulletin::unfinished(period, beijing(at).date_naive())
}
