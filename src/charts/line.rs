//! Lines over time: one or more series sharing the category labels (months),
//! e.g. monthly electricity use or the insured headcount.

use std::collections::HashMap;

use super::Series;
use super::frame::{Frame, LABELS};
use super::scale::{Axis, format_value, with_unit};
use super::svg::{BLUE, FONT, Svg, WIDTH, fit_width, placeholder, text_width};

/// Height without the legend.
const HEIGHT: f64 = 240.0;
const LEGEND_ROW: f64 = 20.0;
const SWATCH: f64 = 22.0;
/// Dots on every point up to this many categories; beyond, only where a
/// point stands alone (a line needs two).
const DOTS_UP_TO: usize = 12;

/// Colour and dash per series, so the lines differ without colour too.
const STYLES: [(&str, &str); 5] =
    [(BLUE, ""), ("#d9822b", "6 3"), ("#1a8f7a", "2 3"), ("#7b52b9", "8 3 2 3"), ("#6b7280", "4 4")];

/// A line per series over the union of their labels (in order of first
/// appearance), with a legend below when there are several. The axis starts
/// at zero unless the values vary a lot far from it (`value_range`). A missing
/// or non-finite value breaks the line.
pub fn line_chart(title: &str, unit: &str, series: &[Series]) -> String {
    let (labels, grid) = align(series);
    let present = || grid.iter().flatten().flatten().copied();
    let (Some(min), Some(max)) = (present().reduce(f64::min), present().reduce(f64::max)) else {
        return placeholder(title);
    };
    let (lo, hi) = value_range(min, max);
    let legend = if series.len() > 1 { legend_rows(series) } else { Vec::new() };
    let height = HEIGHT + if legend.is_empty() { 0.0 } else { 4.0 + legend.len() as f64 * LEGEND_ROW };

    let frame = Frame::new(Axis::new(lo, hi, 5), labels.len(), HEIGHT - LABELS);
    let mut svg = Svg::new(title, height);
    frame.draw_axis(&mut svg, unit);
    // The first series is drawn last, on top.
    svg.group(&[r#"class="series""#]);
    for (index, (one, values)) in series.iter().zip(&grid).enumerate().rev() {
        let (colour, dash) = STYLES[index % STYLES.len()];
        for run in runs(values) {
            let points: Vec<(f64, f64)> = run.iter().map(|&(i, v)| (frame.x(i), frame.y(v))).collect();
            if points.len() > 1 {
                svg.polyline(&points, colour, dash);
            }
            if points.len() == 1 || labels.len() <= DOTS_UP_TO {
                for (&(i, value), &point) in run.iter().zip(&points) {
                    let what =
                        if one.name.is_empty() { labels[i].to_string() } else { format!("{} {}", labels[i], one.name) };
                    svg.dot(point, colour, &with_unit(&format!("{what}：{}", format_value(value)), unit));
                }
            }
        }
    }
    svg.end_group();
    frame.draw_labels(&mut svg, &labels);
    draw_legend(&mut svg, &legend);
    svg.finish()
}

/// The union of labels, and each series' value per label (None if absent).
fn align(series: &[Series]) -> (Vec<&str>, Vec<Vec<Option<f64>>>) {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut labels = Vec::new();
    for (label, _) in series.iter().flat_map(|s| &s.points) {
        index.entry(label.as_str()).or_insert_with(|| {
            labels.push(label.as_str());
            labels.len() - 1
        });
    }
    let grid = series
        .iter()
        .map(|s| {
            let mut values = vec![None; labels.len()];
            for (label, value) in &s.points {
                values[index[label.as_str()]] = Some(*value).filter(|v| v.is_finite());
            }
            values
        })
        .collect();
    (labels, grid)
}

/// Stretches of consecutive present values, as (category, value).
fn runs(values: &[Option<f64>]) -> Vec<Vec<(usize, f64)>> {
    let mut runs: Vec<Vec<(usize, f64)>> = Vec::new();
    for (i, value) in values.iter().enumerate() {
        match (value, runs.last_mut()) {
            (None, _) => {}
            (Some(v), Some(run)) if run.last().is_some_and(|&(j, _)| j + 1 == i) => run.push((i, *v)),
            (Some(v), _) => runs.push(vec![(i, *v)]),
        }
    }
    runs
}

/// One legend entry: series index, the name as shown, where it starts.
struct Entry {
    series: usize,
    name: String,
    x: f64,
}

/// Legend entries flowed into rows that fit the width.
fn legend_rows(series: &[Series]) -> Vec<Vec<Entry>> {
    let mut rows: Vec<Vec<Entry>> = vec![Vec::new()];
    let mut x = 4.0;
    for (i, one) in series.iter().enumerate() {
        let name = fit_width(&one.name, FONT, WIDTH - 8.0 - SWATCH - 6.0);
        let width = SWATCH + 6.0 + text_width(&name, FONT);
        if x > 4.0 && x + width > WIDTH - 4.0 {
            rows.push(Vec::new());
            x = 4.0;
        }
        rows.last_mut().expect("a row").push(Entry { series: i, name, x });
        x += width + 16.0;
    }
    rows
}

fn draw_legend(svg: &mut Svg, rows: &[Vec<Entry>]) {
    svg.group(&[r#"class="legend""#]);
    for (r, row) in rows.iter().enumerate() {
        let y = HEIGHT + 4.0 + r as f64 * LEGEND_ROW + LEGEND_ROW / 2.0;
        for entry in row {
            let (colour, dash) = STYLES[entry.series % STYLES.len()];
            svg.polyline(&[(entry.x, y), (entry.x + SWATCH, y)], colour, dash);
            svg.text((entry.x + SWATCH + 6.0, y + FONT * 0.35), &[], &entry.name);
        }
    }
    svg.end_group();
}

#[cfg(test)]
mod tests;

/// Share of the largest magnitude by which values must vary before the axis
/// leaves zero to fit them.
const FIT_SPREAD: f64 = 0.2;

/// The value axis's range for values from `min` to `max`: from zero, unless
/// they stay on one side of it, well away (none nearer zero than half the
/// farthest), and vary by at least `FIT_SPREAD` of the farthest; then the axis
/// fits them. A fitted axis stretches any change to the chart's full height,
/// so a 1.6% dip would read as a collapse; on a zero-based axis it looks as
/// small as it is.
pub(crate) fn value_range(min: f64, max: f64) -> (f64, f64) {
    let far = max.abs().max(min.abs());
    let varies = max - min >= FIT_SPREAD * far;
    let lo = if min > 0.0 && min > max * 0.5 && varies { min } else { min.min(0.0) };
    let hi = if max < 0.0 && max < min * 0.5 && varies { max } else { max.max(0.0) };
    (lo, hi)
}
