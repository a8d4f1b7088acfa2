//! Horizontal bars, one row per category with its label on the left and its
//! value written after the bar: for categories with long names (industries,
//! regions, institutions) and for stages (the statistics' funnel), where
//! every bar also says what it is ("80 笔 · 80.00%").

use super::svg::{BLUE, FONT, MUTED_TEXT, SMALL, SMALL_TEXT, Svg, WIDTH, fit_width, placeholder, text_width};

const ROW: f64 = 26.0;
const BAR: f64 = 14.0;
const PAD: f64 = 6.0;
/// Labels take at most this share of the width; longer ones are cut with "…".
const LABEL_SHARE: f64 = 0.42;

/// A row per `(label, value, text)` in the caller's order, bars from a
/// common start scaled to the largest value, `text` after each bar (the
/// value in words, with its unit). A non-finite or negative value shows
/// its label and text without a bar. No positive value: 暂无数据.
pub fn hbar_chart(title: &str, rows: &[(String, f64, String)]) -> String {
    let max = rows.iter().map(|r| r.1).filter(|v| v.is_finite()).fold(0.0, f64::max);
    if rows.is_empty() || max <= 0.0 {
        return placeholder(title);
    }
    let label_room = rows.iter().map(|r| text_width(&r.0, FONT)).fold(0.0, f64::max).min(WIDTH * LABEL_SHARE);
    let text_room = rows.iter().map(|r| text_width(&r.2, SMALL)).fold(0.0, f64::max) + 6.0;
    let start = 4.0 + label_room + 8.0;
    let per_unit = (WIDTH - 4.0 - start - text_room).max(20.0) / max;

    let height = 2.0 * PAD + rows.len() as f64 * ROW;
    let mut svg = Svg::new(title, height);
    svg.group(&[r#"class="labels""#]);
    for (i, (label, ..)) in rows.iter().enumerate() {
        svg.text((4.0, middle(i) + FONT * 0.35), &[], &fit_width(label, FONT, label_room));
    }
    svg.end_group();
    svg.group(&[r#"class="bars""#]);
    for (i, (label, value, text)) in rows.iter().enumerate().filter(|(_, r)| r.1.is_finite() && r.1 > 0.0) {
        let length = (value * per_unit).max(1.0);
        svg.rect((start, middle(i) - BAR / 2.0), (length, BAR), BLUE, &format!("{label}：{text}"));
    }
    svg.end_group();
    svg.group(&[r#"class="values""#, SMALL_TEXT, MUTED_TEXT]);
    for (i, (_, value, text)) in rows.iter().enumerate() {
        let length = if value.is_finite() && *value > 0.0 { (value * per_unit).max(1.0) } else { 0.0 };
        svg.text((start + length + 4.0, middle(i) + SMALL * 0.35), &[], text);
    }
    svg.end_group();
    svg.finish()
}

fn middle(i: usize) -> f64 {
    PAD + (i as f64 + 0.5) * ROW
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{check, texts_in};
    use super::*;

    fn rows(items: &[(&str, f64)]) -> Vec<(String, f64, String)> {
        items.iter().map(|(l, v)| (l.to_string(), *v, format!("{v} 笔"))).collect()
    }

    #[test]
    fn a_bar_per_row_scaled_to_the_largest_with_its_text() {
        let svg = hbar_chart("需求转化", &rows(&[("发布需求", 10.0), ("获得报价", 5.0), ("获得放款", 0.0)]));
        let doc = check(&svg, "需求转化");
        assert_eq!(texts_in(&doc, "labels"), ["发布需求", "获得报价", "获得放款"]);
        assert_eq!(texts_in(&doc, "values"), ["10 笔", "5 笔", "0 笔"]);
        let widths: Vec<f64> = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect"))
            .map(|n| n.attribute("width").unwrap().parse().unwrap())
            .collect();
        assert_eq!(widths.len(), 2);
        assert!((widths[0] - 2.0 * widths[1]).abs() < 0.2, "{widths:?}");
    }

    #[test]
    fn long_labels_are_cut_and_escaped_and_nothing_says_no_data() {
        let long = "<b>信息传输、软件和信息技术服务业以及更多的字</b>";
        let svg = hbar_chart("按行业", &rows(&[(long, 1.0)]));
        let doc = check(&svg, "按行业");
        assert!(texts_in(&doc, "labels")[0].ends_with('…'));
        assert!(!svg.contains("<b>"));
        assert!(hbar_chart("按行业", &rows(&[("制造业", 0.0)])).contains(">暂无数据</text>"));
    }
}
