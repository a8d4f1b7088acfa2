//! Vertical bars, one per category: e.g. tax paid by year.

use super::frame::{Frame, LABELS};
use super::scale::{Axis, format_value, with_unit};
use super::svg::{BLUE, MIDDLE, SMALL, SMALL_TEXT, Svg, fit_width, placeholder, text_width};

const HEIGHT: f64 = 240.0;
/// Bars stay slim when there are only two or three of them.
const MAX_BAR: f64 = 48.0;

/// A bar per `(label, value)`, in the caller's order, on an axis that
/// includes zero; values in `unit` (e.g. "万元"). Each bar carries its value
/// above it when every value fits its slot, and as a tooltip always.
pub fn bar_chart(title: &str, unit: &str, bars: &[(String, f64)]) -> String {
    let present = || bars.iter().enumerate().filter(|(_, (_, v))| v.is_finite()).map(|(i, (l, v))| (i, l, *v));
    if present().next().is_none() {
        return placeholder(title);
    }
    let min = present().map(|p| p.2).fold(0.0, f64::min);
    let max = present().map(|p| p.2).fold(0.0, f64::max);
    let frame = Frame::new(Axis::new(min, max, 5), bars.len(), HEIGHT - LABELS);
    let mut svg = Svg::new(title, HEIGHT);
    frame.draw_axis(&mut svg, unit);

    let width = (frame.slot_width() * 0.6).min(MAX_BAR);
    let base = frame.base_y();
    svg.group(&[r#"class="bars""#]);
    for (i, label, value) in present() {
        let y = frame.y(value);
        let height = if value == 0.0 { 0.0 } else { (y - base).abs().max(1.0) };
        let tooltip = with_unit(&format!("{label}：{}", format_value(value)), unit);
        svg.rect((frame.x(i) - width / 2.0, y.min(base)), (width, height), BLUE, &tooltip);
    }
    svg.end_group();

    let values: Vec<(usize, String, f64)> = present().map(|(i, _, v)| (i, format_value(v), v)).collect();
    if values.iter().all(|(_, text, _)| text_width(text, SMALL) + 2.0 <= frame.slot_width()) {
        svg.group(&[r#"class="values""#, SMALL_TEXT, MIDDLE]);
        for (i, text, value) in &values {
            // Above a positive bar; above the baseline for a negative one,
            // where it cannot run into the category labels.
            let y = if *value >= 0.0 { frame.y(*value) } else { base };
            svg.text((frame.x(*i), y - 4.0), &[], text);
        }
        svg.end_group();
    }

    // Categories are not a sequence: cut long labels rather than skip them
    // (the tooltip keeps them whole); only very many bars still thin out.
    let room = (frame.slot_width() - 6.0).max(SMALL * 4.0);
    let labels: Vec<String> = bars.iter().map(|(l, _)| fit_width(l, SMALL, room)).collect();
    frame.draw_labels(&mut svg, &labels.iter().map(String::as_str).collect::<Vec<_>>());
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{check, texts_in};
    use super::*;

    fn years(values: &[f64]) -> Vec<(String, f64)> {
        values.iter().enumerate().map(|(i, v)| ((2021 + i).to_string(), *v)).collect()
    }

    #[test]
    fn tax_by_year() {
        let svg = bar_chart("近年纳税金额", "万元", &years(&[120.5, 860.0, 1234.0]));
        let doc = check(&svg, "近年纳税金额");
        assert_eq!(texts_in(&doc, "x-labels"), ["2021", "2022", "2023"]);
        assert_eq!(texts_in(&doc, "values"), ["120.5", "860", "1,234"]);
        assert_eq!(texts_in(&doc, "y-ticks").last().map(String::as_str), Some("1,250"));
        assert!(svg.contains("单位：万元") && svg.contains("<title>2023：1,234 万元</title>"));
    }

    #[test]
    fn labels_are_escaped() {
        let bars = vec![("<script>alert(1)</script>".to_string(), 1.0), ("A&B".to_string(), 2.0)];
        let svg = bar_chart("<b>纳税</b> & 社保", "元", &bars);
        let doc = check(&svg, "<b>纳税</b> & 社保");
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(svg.contains("A&amp;B"));
        let labels = texts_in(&doc, "x-labels");
        assert!(labels[0].starts_with("<script>alert(1)") && labels[1] == "A&B", "{labels:?}");
    }

    #[test]
    fn empty_and_missing_values_say_no_data() {
        for bars in [vec![], vec![("2024".to_string(), f64::NAN)]] {
            let svg = bar_chart("纳税", "万元", &bars);
            check(&svg, "纳税");
            assert!(svg.contains(">暂无数据</text>"));
        }
    }

    #[test]
    fn a_single_bar_and_a_negative_one() {
        let svg = bar_chart("纳税", "万元", &years(&[0.5]));
        let doc = check(&svg, "纳税");
        assert_eq!(texts_in(&doc, "values"), ["0.5"]);

        let svg = bar_chart("利润", "万元", &years(&[300.0, -120.0]));
        let doc = check(&svg, "利润");
        assert_eq!(texts_in(&doc, "values"), ["300", "-120"]);
        assert!(texts_in(&doc, "y-ticks").contains(&"-200".to_string()));
    }

    #[test]
    fn many_bars_drop_values_and_thin_labels() {
        let bars: Vec<(String, f64)> = (1..=36).map(|m| (format!("第{m}月"), m as f64 * 1000.0)).collect();
        let doc_text = bar_chart("月度", "元", &bars);
        let doc = check(&doc_text, "月度");
        assert!(texts_in(&doc, "values").is_empty());
        let labels = texts_in(&doc, "x-labels");
        assert!(labels.len() < 36 && labels[0] == "第1月", "{labels:?}");
    }
}
