//! Horizontal bars for signed contributions, e.g. how each score factor
//! moved the credit score: positive to the right in blue, negative to the
//! left in red, every bar with its label and signed points, so nothing is
//! told by colour alone.

use super::scale::{format_signed, with_unit};
use super::svg::{
    AXIS, BLUE, BLUE_TEXT, END, FONT, MUTED_TEXT, RED, RED_TEXT, SMALL, SMALL_TEXT, Svg, WIDTH, fit_width, placeholder,
    text_width,
};

const ROW: f64 = 28.0;
const BAR: f64 = 14.0;
const PAD: f64 = 6.0;
/// Labels take at most this share of the width; longer ones are cut with "…".
const LABEL_SHARE: f64 = 0.4;

/// A row per `(label, value)` in the caller's order, bars from a common
/// zero line, each labelled "+12 分" / "-3 分" with `unit` (may be empty).
/// A non-finite value shows its label and "—" without a bar.
pub fn contribution_chart(title: &str, unit: &str, factors: &[(String, f64)]) -> String {
    let present = || factors.iter().map(|(_, v)| *v).filter(|v| v.is_finite());
    if present().next().is_none() {
        return placeholder(title);
    }
    let (min, max) = (present().fold(0.0, f64::min), present().fold(0.0, f64::max));
    let values: Vec<String> = factors
        .iter()
        .map(|(_, v)| if v.is_finite() { with_unit(&format_signed(*v), unit) } else { "—".into() })
        .collect();
    let value_room = values.iter().map(|t| text_width(t, SMALL)).fold(0.0, f64::max) + 6.0;
    let label_room = factors.iter().map(|(l, _)| text_width(l, FONT)).fold(0.0, f64::max).min(WIDTH * LABEL_SHARE);

    // Value texts sit beyond the bar ends, so room is kept on each side
    // that has bars; the zero line goes where the two sides meet.
    let start = 4.0 + label_room + 10.0;
    let left_room = if min < 0.0 { value_room } else { 0.0 };
    let right_room = if max > 0.0 || min == 0.0 { value_room } else { 0.0 };
    let span = max - min;
    let per_unit = if span > 0.0 { (WIDTH - 4.0 - start - left_room - right_room) / span } else { 0.0 };
    let zero = start + left_room - min * per_unit;

    let height = 2.0 * PAD + factors.len() as f64 * ROW;
    let mut svg = Svg::new(title, height);
    svg.group(&[r#"class="labels""#]);
    for (i, (label, _)) in factors.iter().enumerate() {
        svg.text((4.0, row_middle(i) + FONT * 0.35), &[], &fit_width(label, FONT, label_room));
    }
    svg.end_group();
    svg.line((zero, PAD / 2.0), (zero, height - PAD / 2.0), AXIS);

    svg.group(&[r#"class="bars""#]);
    for (i, (label, value)) in factors.iter().enumerate().filter(|(_, (_, v))| *v != 0.0 && v.is_finite()) {
        let length = (value.abs() * per_unit).max(1.0);
        let (x, fill) = if *value > 0.0 { (zero, BLUE) } else { (zero - length, RED) };
        svg.rect((x, row_middle(i) - BAR / 2.0), (length, BAR), fill, &format!("{label}：{}", values[i]));
    }
    svg.end_group();

    svg.group(&[r#"class="values""#, SMALL_TEXT]);
    for (i, (_, value)) in factors.iter().enumerate() {
        let y = row_middle(i) + SMALL * 0.35;
        let length = (value.abs() * per_unit).max(1.0);
        if *value > 0.0 {
            svg.text((zero + length + 4.0, y), &[BLUE_TEXT], &values[i]);
        } else if *value < 0.0 {
            svg.text((zero - length - 4.0, y), &[RED_TEXT, END], &values[i]);
        } else {
            svg.text((zero + 4.0, y), &[MUTED_TEXT], &values[i]);
        }
    }
    svg.end_group();
    svg.finish()
}

fn row_middle(i: usize) -> f64 {
    PAD + (i as f64 + 0.5) * ROW
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{check, texts_in};
    use super::*;

    fn factors(items: &[(&str, f64)]) -> Vec<(String, f64)> {
        items.iter().map(|(l, v)| (l.to_string(), *v)).collect()
    }

    fn bar_fills(svg: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants().filter(|n| n.has_tag_name("rect")).map(|n| n.attribute("fill").unwrap().to_string()).collect()
    }

    #[test]
    fn positive_blue_negative_red_with_signed_points() {
        let svg = contribution_chart(
            "评分因素贡献",
            "分",
            &factors(&[("纳税信用等级", 18.0), ("行政处罚", -12.5), ("社保缴纳", 6.0), ("荣誉表彰", 0.0)]),
        );
        let doc = check(&svg, "评分因素贡献");
        assert_eq!(texts_in(&doc, "labels"), ["纳税信用等级", "行政处罚", "社保缴纳", "荣誉表彰"]);
        assert_eq!(texts_in(&doc, "values"), ["+18 分", "-12.5 分", "+6 分", "0 分"]);
        assert_eq!(bar_fills(&svg), [BLUE, RED, BLUE]);
        // The negative bar ends left of the zero line, the positive starts on it.
        let rects: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("rect")).collect();
        let x = |i: usize, attr: &str| rects[i].attribute(attr).unwrap().parse::<f64>().unwrap();
        assert!((x(1, "x") + x(1, "width") - x(0, "x")).abs() < 0.2);
        assert!(svg.contains("<title>行政处罚：-12.5 分</title>"));
    }

    #[test]
    fn all_negative_and_single_factor() {
        let svg = contribution_chart("扣分", "分", &factors(&[("欠税", -5.0), ("失信被执行", -20.0)]));
        let doc = check(&svg, "扣分");
        assert_eq!(texts_in(&doc, "values"), ["-5 分", "-20 分"]);
        assert_eq!(bar_fills(&svg), [RED, RED]);
        let zero = doc.descendants().find(|n| n.has_tag_name("line")).unwrap();
        assert!(zero.attribute("x1").unwrap().parse::<f64>().unwrap() > WIDTH - 10.0, "zero on the right");

        let svg = contribution_chart("加分", "", &factors(&[("纳税", 3.0)]));
        assert_eq!(texts_in(&check(&svg, "加分"), "values"), ["+3"]);
    }

    #[test]
    fn escaped_cut_and_empty() {
        let long = "<script>alert('x')</script>一个非常非常非常长的评分因素名称";
        let svg = contribution_chart("贡献", "分", &factors(&[(long, 1.0), ("A&B", f64::NAN)]));
        let doc = check(&svg, "贡献");
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;"));
        let labels = texts_in(&doc, "labels");
        assert!(labels[0].starts_with("<script>") && labels[0].ends_with('…'), "{labels:?}");
        assert_eq!(texts_in(&doc, "values"), ["+1 分", "—"]);

        let svg = contribution_chart("贡献", "分", &[]);
        check(&svg, "贡献");
        assert!(svg.contains(">暂无数据</text>"));
    }
}
