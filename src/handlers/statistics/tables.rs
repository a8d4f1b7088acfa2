//! Every table of the dashboard in one shape for its downloads: the national
//! set, 当月, the figures of now, ours, the funnel, each breakdown and the
//! trend, each with a stable key (`by_industry`) that names its file. A
//! breakdown's layout is `domain::stats::export::table_rows`, the CSV writes
//! its text and the workbook its numbers.

use rust_decimal::Decimal;

use crate::domain::stats::export::table_rows;
use crate::domain::stats::{Figure, Statistics, Table, Unit, value_text};
use crate::web::xlsx::{Cell, Sheet, sheet_name};

/// One value as the CSV writes it, and as the workbook does.
#[derive(Clone, Debug)]
pub struct Value {
    pub text: String,
    pub cell: Cell,
}

fn text(text: impl Into<String>) -> Value {
    let text = text.into();
    Value { cell: Cell::text(text.as_str()), text }
}

/// A figure's value: the number, or "—" as text when there is none.
fn number(value: Option<Decimal>, unit: Unit) -> Value {
    Value { text: value_text(value), cell: Cell::figure(value, unit) }
}

/// A table of the dashboard, ready to download.
#[derive(Clone, Debug)]
pub struct Grid {
    pub key: String,
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Grid {
    /// The header, then each row's text.
    pub fn csv_rows(&self) -> Vec<Vec<String>> {
        std::iter::once(self.header.clone())
            .chain(self.rows.iter().map(|r| r.iter().map(|v| v.text.clone()).collect()))
            .collect()
    }

    /// The table as a sheet, `about` (period, filter, when read) in its title row.
    pub fn sheet(&self, about: &str) -> Sheet {
        Sheet {
            name: sheet_name(&self.title),
            title: Some(format!("{} · {about}", self.title)),
            header: self.header.clone(),
            rows: self.rows.iter().map(|r| r.iter().map(|v| v.cell.clone()).collect()).collect(),
        }
    }
}

fn figures(key: &str, title: &str, list: &[Figure]) -> Grid {
    Grid {
        key: key.into(),
        title: title.into(),
        header: vec!["指标".into(), "单位".into(), "数值".into()],
        rows: list.iter().map(|f| vec![text(f.name.as_str()), text(f.unit.label()), number(f.value, f.unit)]).collect(),
    }
}

fn breakdown(table: &Table) -> Grid {
    let (header, texts) = table_rows(table);
    let rows = table
        .rows
        .iter()
        .zip(texts)
        .map(|(row, texts)| {
            let mut values = vec![text(texts[0].as_str())];
            values.extend(row.values.iter().zip(&table.columns).map(|(v, c)| number(*v, c.unit)));
            values
        })
        .collect();
    Grid { key: table.key.clone(), title: table.title.clone(), header, rows }
}

/// The national set: 指标, 单位, 累计, 本期, 近一年.
fn national(stats: &Statistics) -> Grid {
    Grid {
        key: "national".into(),
        title: "全国指标".into(),
        header: ["指标", "单位", "累计", "本期", "近一年"].map(String::from).to_vec(),
        rows: stats
            .indicators
            .iter()
            .map(|i| {
                vec![
                    text(i.name.as_str()),
                    text(i.unit.label()),
                    number(i.cumulative, i.unit),
                    number(i.period, i.unit),
                    number(i.trailing, i.unit),
                ]
            })
            .collect(),
    }
}

/// Every table, in the page's order.
pub fn grids(stats: &Statistics) -> Vec<Grid> {
    let mut grids = vec![
        national(stats),
        figures("month", "当月", &stats.month),
        figures("current", "当前", &stats.current),
        figures("ours", "平台服务", &stats.ours),
        figures("funnel", "需求转化", &stats.funnel),
    ];
    grids.extend(stats.breakdowns.iter().map(breakdown));
    grids.push(breakdown(&stats.trend));
    grids
}

/// The table whose key is `key`.
pub fn grid(stats: &Statistics, key: &str) -> Option<Grid> {
    grids(stats).into_iter().find(|g| g.key == key)
}
