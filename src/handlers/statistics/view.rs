//! What the dashboard draws from a set: each breakdown's chart over the
//! column a reader looks at first, with its rows (empty ones folded away in
//! long tables), the funnel with each stage's share of the one before, and
//! the trend.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::charts::{Series, bar_chart, hbar_chart, line_chart};
use crate::domain::stats::measure::percent;
use crate::domain::stats::{Column, Figure, Row, Statistics, Table, value_text};

/// A breakdown as the page shows it.
pub struct Breakdown {
    pub key: String,
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub chart: String,
    /// "其余 17 个行业暂无数据" when empty rows were folded away.
    pub folded: Option<String>,
}

/// Tables longer than this show only their rows with a value.
const FOLD_OVER: usize = 5;

/// The column the chart draws: what a person compares first across the rows.
fn chart_column(table: &Table) -> usize {
    let wanted = match table.key.as_str() {
        "by_loan_amount" => "loan_count",
        "by_need_amount" => "need_count",
        "decline_reasons" => "decline_count",
        _ => "loan_amount",
    };
    table.columns.iter().position(|c| c.key == wanted).unwrap_or(0)
}

fn noun(key: &str) -> &'static str {
    match key {
        "by_industry" => "行业",
        "by_region" => "地区",
        "by_institution" => "机构",
        "by_institution_kind" => "机构类型",
        "decline_reasons" => "拒绝原因",
        _ => "项",
    }
}

fn float(value: Option<Decimal>) -> f64 {
    value.and_then(|v| v.to_f64()).unwrap_or(f64::NAN)
}

fn has_value(row: &Row) -> bool {
    row.values.iter().any(|v| v.is_some_and(|v| !v.is_zero()))
}

pub fn breakdown(table: &Table) -> Breakdown {
    let fold = table.rows.len() > FOLD_OVER;
    let rows: Vec<Row> = table.rows.iter().filter(|r| !fold || has_value(r)).cloned().collect();
    let hidden = table.rows.len() - rows.len();
    let column = &table.columns[chart_column(table)];
    let at = chart_column(table);
    let title = format!("{}：{}", table.title, column.name);
    // Long names (industries, institutions) read better as rows.
    let long = rows.len() > 6 || rows.iter().any(|r| r.label.chars().count() > 6);
    let chart = if rows.iter().all(|r| r.values[at].is_none_or(|v| v.is_zero())) {
        hbar_chart(&title, &[])
    } else if long {
        let bars: Vec<_> = rows
            .iter()
            .map(|r| {
                (r.label.clone(), float(r.values[at]), format!("{} {}", value_text(r.values[at]), column.unit.label()))
            })
            .collect();
        hbar_chart(&title, &bars)
    } else {
        let bars: Vec<_> = rows.iter().map(|r| (r.label.clone(), float(r.values[at]))).collect();
        bar_chart(&title, column.unit.label(), &bars)
    };
    Breakdown {
        key: table.key.clone(),
        title: table.title.clone(),
        columns: table.columns.clone(),
        folded: (hidden > 0).then(|| format!("其余 {hidden} 个{}暂无数据", noun(&table.key))),
        rows,
        chart,
    }
}

/// A stage of the funnel: its figure and its share of the stage before ("—" for the first).
pub struct Stage {
    pub figure: Figure,
    pub share: String,
}

pub fn funnel(stats: &Statistics) -> (String, Vec<Stage>) {
    let counts: Vec<usize> =
        stats.funnel.iter().map(|f| f.value.and_then(|v| v.to_usize()).unwrap_or_default()).collect();
    let stages: Vec<Stage> = stats
        .funnel
        .iter()
        .enumerate()
        .map(|(i, f)| Stage {
            figure: f.clone(),
            share: match i {
                0 => "—".to_string(),
                _ => percent(counts[i], counts[i - 1]).map(|p| format!("{p}%")).unwrap_or_else(|| "—".into()),
            },
        })
        .collect();
    let bars: Vec<_> = stages
        .iter()
        .map(|s| {
            let share = if s.share == "—" { String::new() } else { format!(" · {}", s.share) };
            (s.figure.name.clone(), float(s.figure.value), format!("{} 笔{share}", s.figure.text()))
        })
        .collect();
    (hbar_chart("需求转化：本期发布的需求走到了哪一步", &bars), stages)
}

/// The trend's two charts: 放款金额, and the counts of needs and drawdowns.
pub fn trend(stats: &Statistics) -> (String, String) {
    let t = &stats.trend;
    let series = |key: &str| {
        let at = t.columns.iter().position(|c| c.key == key).unwrap_or(0);
        let name = t.columns[at].name.clone();
        Series::new(name, t.rows.iter().map(|r| (r.label.clone(), float(r.values[at]))).collect())
    };
    let amount = line_chart("近一年每月放款金额", "万元", &[series("loan_amount")]);
    let counts = line_chart("近一年每月融资需求与放款笔数", "笔", &[series("need_count"), series("loan_count")]);
    (amount, counts)
}
