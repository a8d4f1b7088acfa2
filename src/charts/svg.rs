//! A minimal SVG writer shared by the charts: the root element, shapes and
//! text. Attribute values that are not numbers are `&'static str` (colours,
//! anchors), so caller text can only enter through `text` and `tooltip`,
//! which escape it.

use std::fmt::{self, Write};

/// Width of every chart's coordinate system. With the stylesheet's cap of
/// 480 px, small text is about 10 px on a 375 px phone and 15 px on a desktop.
pub const WIDTH: f64 = 380.0;

/// The site's font stack (static/app.css); single quotes to fit an attribute.
const FONT_STACK: &str =
    "-apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif";

pub const BLUE: &str = "#1f5fbf";
pub const RED: &str = "#c0392b";
pub const INK: &str = "#1d2433";
pub const GRID: &str = "#e6eaf0";
pub const AXIS: &str = "#9aa3b2";

/// Font sizes in viewBox units: labels and legend, ticks and values.
pub const FONT: f64 = 13.0;
pub const SMALL: f64 = 12.0;

/// Attributes for groups and texts.
pub const SMALL_TEXT: &str = r#"font-size="12""#;
pub const MIDDLE: &str = r#"text-anchor="middle""#;
pub const END: &str = r#"text-anchor="end""#;
/// Secondary text: the stylesheet's --muted grey.
pub const MUTED_TEXT: &str = r##"fill="#5b6576""##;
pub const BLUE_TEXT: &str = r##"fill="#1f5fbf""##;
pub const RED_TEXT: &str = r##"fill="#c0392b""##;

pub struct Svg {
    buf: String,
}

// Writing to a String cannot fail, so the `fmt::Result`s below are ignored.
impl Svg {
    /// Opens the root element with the accessible name and `<title>`.
    pub fn new(title: &str, height: f64) -> Self {
        let mut buf = String::with_capacity(4096);
        let _ = write!(
            buf,
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{t}" font-family="{FONT_STACK}" font-size="{FONT}" fill="{INK}"><title>{t}</title>"#,
            w = Num(WIDTH),
            h = Num(height),
            t = Escaped(title),
        );
        Self { buf }
    }

    pub fn finish(mut self) -> String {
        self.buf.push_str("</svg>");
        self.buf
    }

    /// `<g>` with fixed attributes, e.g. `[SMALL_TEXT, r#"text-anchor="end""#]`.
    pub fn group(&mut self, attrs: &[&'static str]) {
        let _ = write!(self.buf, "<g {}>", attrs.join(" "));
    }

    pub fn end_group(&mut self) {
        self.buf.push_str("</g>");
    }

    pub fn line(&mut self, (x1, y1): (f64, f64), (x2, y2): (f64, f64), stroke: &'static str) {
        let _ = write!(
            self.buf,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{stroke}"/>"#,
            Num(x1),
            Num(y1),
            Num(x2),
            Num(y2)
        );
    }

    /// A rectangle with a native tooltip (hover on a desktop).
    pub fn rect(&mut self, (x, y): (f64, f64), (w, h): (f64, f64), fill: &'static str, tooltip: &str) {
        let _ = write!(
            self.buf,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}"><title>{}</title></rect>"#,
            Num(x),
            Num(y),
            Num(w),
            Num(h),
            Escaped(tooltip)
        );
    }

    /// A marker dot: white inside, coloured ring, with a tooltip.
    pub fn dot(&mut self, (x, y): (f64, f64), stroke: &'static str, tooltip: &str) {
        let _ = write!(
            self.buf,
            r##"<circle cx="{}" cy="{}" r="3" fill="#fff" stroke="{stroke}" stroke-width="2"><title>{}</title></circle>"##,
            Num(x),
            Num(y),
            Escaped(tooltip)
        );
    }

    pub fn polyline(&mut self, points: &[(f64, f64)], stroke: &'static str, dash: &'static str) {
        self.buf.push_str(r#"<polyline fill="none" stroke-width="2" stroke-linejoin="round" points=""#);
        for (i, &(x, y)) in points.iter().enumerate() {
            let sep = if i == 0 { "" } else { " " };
            let _ = write!(self.buf, "{sep}{},{}", Num(x), Num(y));
        }
        let _ = write!(self.buf, r#"" stroke="{stroke}""#);
        if !dash.is_empty() {
            let _ = write!(self.buf, r#" stroke-dasharray="{dash}""#);
        }
        self.buf.push_str("/>");
    }

    /// Text whose baseline is at `y`; `attrs` adds e.g. `text-anchor="end"`.
    pub fn text(&mut self, (x, y): (f64, f64), attrs: &[&'static str], content: &str) {
        let _ = write!(self.buf, r#"<text x="{}" y="{}""#, Num(x), Num(y));
        for attr in attrs {
            let _ = write!(self.buf, " {attr}");
        }
        let _ = write!(self.buf, ">{}</text>", Escaped(content));
    }
}

/// The chart for no data: a short box saying 暂无数据.
pub fn placeholder(title: &str) -> String {
    let height = 64.0;
    let mut svg = Svg::new(title, height);
    svg.rect((0.5, 0.5), (WIDTH - 1.0, height - 1.0), "#f7f8fa", "暂无数据");
    svg.text((WIDTH / 2.0, height / 2.0 + FONT * 0.35), &[MIDDLE, MUTED_TEXT], "暂无数据");
    svg.finish()
}

/// Roughly how wide `text` renders: CJK and full-width characters take a
/// full em, ASCII a little over half. Errs wide so labels do not collide.
pub fn text_width(text: &str, size: f64) -> f64 {
    let ems: f64 = text
        .chars()
        .map(|c| match c {
            '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'i' | 'l' | ' ' => 0.32,
            '-' => 0.4,
            '0'..='9' => 0.56,
            c if c.is_ascii_uppercase() || c == 'm' || c == 'w' => 0.72,
            c if c.is_ascii() => 0.6,
            _ => 1.0,
        })
        .sum();
    ems * size
}

/// `text` cut with "…" so it fits in `max` units.
pub fn fit_width(text: &str, size: f64, max: f64) -> String {
    if text_width(text, size) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if text_width(&out, size) + size > max {
            out.pop();
            break;
        }
    }
    out.push('…');
    out
}

/// XML-escapes text and attribute values (both quotes included).
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&apos;")?,
                // Characters XML 1.0 does not allow at all, even escaped.
                c if (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                    f.write_char('\u{fffd}')?
                }
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// A coordinate with at most one decimal, "12" rather than "12.0".
pub struct Num(pub f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = (self.0 * 10.0).round();
        if tenths == 0.0 {
            f.write_str("0")
        } else if tenths % 10.0 == 0.0 {
            write!(f, "{}", tenths / 10.0)
        } else {
            write!(f, "{:.1}", tenths / 10.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        let s = Escaped(r#"<a href='x'>"&"</a>"#).to_string();
        assert_eq!(s, "&lt;a href=&apos;x&apos;&gt;&quot;&amp;&quot;&lt;/a&gt;");
        assert_eq!(Escaped("a\u{0}b\u{ffff}").to_string(), "a\u{fffd}b\u{fffd}");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(Num(12.0).to_string(), "12");
        assert_eq!(Num(12.345).to_string(), "12.3");
        assert_eq!(Num(-0.01).to_string(), "0");
        assert_eq!(Num(-3.25).to_string(), "-3.3");
    }

    #[test]
    fn long_text_is_cut_to_fit() {
        assert_eq!(fit_width("纳税", 12.0, 100.0), "纳税");
        let cut = fit_width("一二三四五六七八九十", 12.0, 60.0);
        assert!(cut.ends_with('…') && text_width(&cut, 12.0) <= 60.0, "{cut}");
        assert_eq!(text_width("纳税", 12.0), 24.0);
    }
}
