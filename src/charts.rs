//! Charts for the enterprise credit portrait, rendered on the server as SVG
//! strings and embedded inline in the page (`{{ chart|safe }}` in askama).
//!
//! Four kinds: [`bar_chart`] (a value per category, e.g. tax paid by year),
//! [`line_chart`] (one or more series over months, with a legend when there
//! are several), [`contribution_chart`] (signed score-factor points as
//! horizontal bars, positive blue, negative red) and [`hbar_chart`]
//! (horizontal bars with their value written after them, for long category
//! names and the statistics' funnel).
//!
//! Every chart is a complete `<svg>` with a `viewBox` and `width="100%"`, so
//! it scales down to a 375 px phone; `svg.chart` in static/app.css caps it
//! at 480 px on a desktop, where text then renders at about the body size. It carries `role="img"`, an `aria-label` and a
//! `<title>` from the caller. There is no script, no `style` attribute (the
//! site's CSP has no `'unsafe-inline'`) and no external reference: only
//! presentation attributes, with the system font stack set once on the root.
//! Caller text is XML-escaped; non-finite values count as missing; a chart
//! with no value says 暂无数据. The numbers themselves belong in a table
//! beside the chart: a chart is for looking, the table for reading.
//!
//! Why hand-written SVG rather than `plotters`: plotters builds offline with
//! its SVG backend and no font libraries (checked), but its output has fixed
//! pixel sizes, no `role`/`<title>`, and repeats `font-family`, `opacity` and
//! a long `font-size` on every element (16 KB for a bare five-point line
//! with its grid, against about 2 KB for a finished chart here). We would post-process its root element and
//! still fight its layout for Chinese-width labels, month-aligned label
//! thinning and signed bars. Three small charts are less code written
//! directly, with no new dependency.
//!
//! Values are `f64`: charts are presentation; money stays exact in
//! [`crate::domain::Money`] and in the table beside the chart.

mod bar;
mod contribution;
mod frame;
mod hbar;
mod line;
mod scale;
mod svg;
#[cfg(test)]
mod test_support;

pub use bar::bar_chart;
pub use contribution::contribution_chart;
pub use hbar::hbar_chart;
pub use line::line_chart;

/// One named series of labelled points, in display order.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Shown in the legend and tooltips, e.g. "用电量".
    pub name: String,
    /// (label, value): e.g. ("2024-01", 12_345.0). Labels are shared across
    /// series: a line chart's x axis is their union in order of appearance.
    pub points: Vec<(String, f64)>,
}

impl Series {
    /// A series from its name and its (label, value) points.
    pub fn new(name: impl Into<String>, points: Vec<(String, f64)>) -> Self {
        Self { name: name.into(), points }
    }
}
