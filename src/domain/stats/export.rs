//! The one flat form of a [`Statistics`] for CSV and open data: one line per
//! value, under stable field names (docs/open-data.md).

use super::{Figure, Statistics, Table, value_text};

/// The header of the flat form.
pub const HEADER: [&str; 10] =
    ["period", "section", "table", "row_code", "row", "key", "name", "unit", "window", "value"];

/// One line of the flat form, in [`HEADER`]'s order.
pub type Line = [String; 10];

fn line(
    stats: &Statistics,
    section: &str,
    table: (&str, &str, &str),
    figure: (&str, &str, &str),
    window: &str,
    value: String,
) -> Line {
    [
        stats.period.clone(),
        section.to_string(),
        table.0.to_string(),
        table.1.to_string(),
        table.2.to_string(),
        figure.0.to_string(),
        figure.1.to_string(),
        figure.2.to_string(),
        window.to_string(),
        value,
    ]
}

fn number(value: Option<rust_decimal::Decimal>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn figures<'a>(
    stats: &'a Statistics,
    section: &'a str,
    window: &'a str,
    list: &'a [Figure],
) -> impl Iterator<Item = Line> + 'a {
    list.iter()
        .map(move |f| line(stats, section, ("", "", ""), (&f.key, &f.name, f.unit.label()), window, number(f.value)))
}

fn table<'a>(stats: &'a Statistics, section: &'a str, t: &'a Table) -> impl Iterator<Item = Line> + 'a {
    t.rows.iter().flat_map(move |row| {
        t.columns.iter().zip(&row.values).map(move |(c, v)| {
            line(
                stats,
                section,
                (&t.key, &row.code, &row.label),
                (&c.key, &c.name, c.unit.label()),
                "period",
                number(*v),
            )
        })
    })
}

/// Every value of the set, national indicators first, then 当月, now, ours,
/// the funnel, each breakdown and the trend. A missing value is empty.
pub fn lines(stats: &Statistics) -> Vec<Line> {
    let mut lines = Vec::new();
    for i in &stats.indicators {
        for (window, value) in [("cumulative", i.cumulative), ("period", i.period), ("trailing", i.trailing)] {
            lines.push(line(stats, "national", ("", "", ""), (&i.key, &i.name, i.unit.label()), window, number(value)));
        }
    }
    lines.extend(figures(stats, "month", "month", &stats.month));
    lines.extend(figures(stats, "current", "now", &stats.current));
    lines.extend(figures(stats, "ours", "period", &stats.ours));
    lines.extend(figures(stats, "funnel", "period", &stats.funnel));
    for t in &stats.breakdowns {
        lines.extend(table(stats, "breakdown", t));
    }
    lines.extend(table(stats, "trend", &stats.trend));
    lines
}

/// A table's rows for a download: the label column, then one column per
/// value ("—" for none), under a header of the column names with units.
pub fn table_rows(t: &Table) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec![String::new()];
    header.extend(t.columns.iter().map(|c| format!("{}（{}）", c.name, c.unit.label())));
    let rows = t
        .rows
        .iter()
        .map(|r| std::iter::once(r.label.clone()).chain(r.values.iter().map(|v| value_text(*v))).collect())
        .collect();
    (header, rows)
}
