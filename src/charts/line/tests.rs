use super::super::test_support::{check, texts_in};
use super::*;

/// `count` months from January 2023, "2023-01", ...
fn months(count: usize, value: impl Fn(usize) -> f64) -> Vec<(String, f64)> {
    (0..count).map(|i| (format!("{}-{:02}", 2023 + i / 12, i % 12 + 1), value(i))).collect()
}

#[test]
fn one_series_has_no_legend() {
    let svg = line_chart("月度用电量", "千瓦时", &[Series::new("用电量", months(6, |i| 1000.0 + i as f64 * 250.0))]);
    let doc = check(&svg, "月度用电量");
    assert!(texts_in(&doc, "legend").is_empty());
    assert_eq!(texts_in(&doc, "x-labels").len(), 6);
    assert_eq!(texts_in(&doc, "y-ticks").first().map(String::as_str), Some("0"));
    assert!(svg.contains("单位：千瓦时") && svg.contains("<title>2023-06 用电量：2,250 千瓦时</title>"));
}

#[test]
fn several_series_have_a_legend_in_their_order() {
    let series = [
        Series::new("养老保险", months(12, |_| 120.0)),
        Series::new("医疗保险", months(12, |i| 118.0 + i as f64)),
        Series::new("失业保险 & 工伤", months(12, |_| 95.0)),
    ];
    let svg = line_chart("参保人数", "人", &series);
    let doc = check(&svg, "参保人数");
    assert_eq!(texts_in(&doc, "legend"), ["养老保险", "医疗保险", "失业保险 & 工伤"]);
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("polyline")).count(), 6, "3 lines + 3 swatches");
    assert!(svg.contains("失业保险 &amp; 工伤"));
}

#[test]
fn thirty_six_months_thin_their_labels() {
    let series = [
        Series::new("用水量", months(36, |i| (i * 37 % 11) as f64 * 3.5)),
        Series::new("用气量", months(36, |i| i as f64)),
    ];
    let svg = line_chart("用水用气", "吨", &series);
    let doc = check(&svg, "用水用气"); // includes: labels do not overlap
    let labels = texts_in(&doc, "x-labels");
    assert_eq!(labels, ["2023-01", "2023-07", "2024-01", "2024-07", "2025-01", "2025-07"]);
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("circle")).count(), 0, "no dots on long lines");
}

#[test]
fn a_single_point_is_a_dot() {
    let svg = line_chart("参保人数", "人", &[Series::new("参保人数", months(1, |_| 42.0))]);
    let doc = check(&svg, "参保人数");
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("circle")).count(), 1);
    assert_eq!(texts_in(&doc, "x-labels"), ["2023-01"]);
    assert_eq!(texts_in(&doc, "y-ticks").first().map(String::as_str), Some("0"));
}

#[test]
fn gaps_break_the_line_and_isolated_points_keep_a_dot() {
    let mut points = months(20, |i| i as f64 + 10.0);
    points[5].1 = f64::NAN;
    points[7].1 = f64::INFINITY;
    let svg = line_chart("用电", "千瓦时", &[Series::new("用电", points)]);
    let doc = check(&svg, "用电");
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("polyline")).count(), 2);
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("circle")).count(), 1, "month 7 stands alone");
}

#[test]
fn labels_are_the_union_in_order_of_appearance() {
    let a = Series::new("甲", vec![("2024-01".into(), 1.0), ("2024-03".into(), 3.0)]);
    let b = Series::new("乙", vec![("2024-02".into(), 2.0), ("2024-03".into(), 1.0)]);
    let svg = line_chart("合并", "", &[a, b]);
    let doc = check(&svg, "合并");
    assert_eq!(texts_in(&doc, "x-labels"), ["2024-01", "2024-03", "2024-02"]);
    assert!(!svg.contains("单位"));
}

#[test]
fn values_far_from_zero_that_vary_a_lot_get_their_own_range() {
    let svg = line_chart("参保人数", "人", &[Series::new("参保人数", months(6, |i| 400.0 + i as f64 * 20.0))]);
    let doc = check(&svg, "参保人数");
    let ticks = texts_in(&doc, "y-ticks");
    assert!(ticks[0] != "0" && ticks.len() >= 3, "{ticks:?}");
}

#[test]
fn nothing_to_draw_says_no_data() {
    for series in [vec![], vec![Series::new("用电", vec![])], vec![Series::new("用电", months(3, |_| f64::NAN))]] {
        let svg = line_chart("用电", "千瓦时", &series);
        check(&svg, "用电");
        assert!(svg.contains(">暂无数据</text>"));
    }
}

#[test]
fn names_and_labels_are_escaped() {
    let series = [Series::new("<script>x</script>", vec![("<i>".into(), 1.0)]), Series::new("b", vec![])];
    let svg = line_chart("t", "'\"", &series);
    check(&svg, "t");
    assert!(!svg.contains("<script>") && !svg.contains("<i>"));
    assert!(svg.contains("&lt;script&gt;x&lt;/script&gt;") && svg.contains("&apos;&quot;"));
}

#[test]
fn a_small_change_far_from_zero_keeps_zero_in_view() {
    // 1,000 to 984 kWh: a 1.6% dip.
    let values = [1000.0, 996.0, 992.0, 990.0, 987.0, 984.0];
    let svg = line_chart("用电", "千瓦时", &[Series::new("用电", months(6, |i| values[i]))]);
    let doc = check(&svg, "用电");
    assert_eq!(texts_in(&doc, "y-ticks")[0], "0", "the axis starts at zero");
    assert_eq!(super::value_range(984.0, 1000.0), (0.0, 1000.0));
    assert_eq!(super::value_range(-1000.0, -984.0), (-1000.0, 0.0), "below zero alike");
    assert_eq!(super::value_range(800.0, 1000.0), (800.0, 1000.0), "a 20% change is the story");
    assert_eq!(super::value_range(-5.0, 10.0), (-5.0, 10.0), "values across zero keep it");
}
