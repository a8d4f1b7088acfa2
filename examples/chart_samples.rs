//! Writes sample charts to `<target dir>/chart-samples/`, one `.svg` each and
//! all of them in `index.html` (inline, with the site's stylesheet), to look
//! at in a browser at desktop and phone widths:
//! `cargo run --example chart_samples`.

use std::path::PathBuf;
use std::{env, fs};

use xinyidai::charts::{Series, bar_chart, contribution_chart, line_chart};

fn main() -> std::io::Result<()> {
    let target = env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
    let dir = target.join("chart-samples");
    fs::create_dir_all(&dir)?;
    let mut page = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"stylesheet\" href=\"file://{}/static/app.css\"><title>图表样例</title></head>\
         <body><main class=\"page\">",
        env!("CARGO_MANIFEST_DIR")
    );
    for (name, heading, svg) in samples() {
        fs::write(dir.join(format!("{name}.svg")), &svg)?;
        page.push_str(&format!("<section class=\"card\"><h3>{heading}</h3>{svg}</section>"));
    }
    page.push_str("</main></body></html>");
    fs::write(dir.join("index.html"), page)?;
    println!("{}", dir.display());
    Ok(())
}

fn samples() -> Vec<(&'static str, &'static str, String)> {
    let years = |values: &[f64]| -> Vec<(String, f64)> {
        values.iter().enumerate().map(|(i, v)| ((2021 + i).to_string(), *v)).collect()
    };
    let months = |count: usize, value: &dyn Fn(usize) -> f64| -> Vec<(String, f64)> {
        (0..count).map(|i| (format!("{}-{:02}", 2023 + i / 12, i % 12 + 1), value(i))).collect()
    };
    let seasonal = |i: usize, base: f64, swing: f64| base + swing * ((i as f64) * std::f64::consts::PI / 6.0).cos();
    vec![
        ("tax", "近五年纳税金额", bar_chart("近五年纳税金额", "万元", &years(&[86.4, 112.0, 98.75, 1234.5, 1530.0]))),
        (
            "electricity",
            "近36个月用电量",
            line_chart(
                "近36个月用电量",
                "千瓦时",
                &[Series::new("用电量", months(36, &|i| seasonal(i, 52_000.0, 9_000.0) + i as f64 * 400.0))],
            ),
        ),
        (
            "utilities",
            "近12个月水电气用量",
            line_chart(
                "近12个月水电气用量",
                "吨",
                &[
                    Series::new("用水量", months(12, &|i| seasonal(i, 820.0, 120.0))),
                    Series::new("用气量（折算）", months(12, &|i| seasonal(i + 6, 560.0, 200.0))),
                    Series::new("蒸汽用量", months(12, &|i| 300.0 + i as f64 * 12.0)),
                ],
            ),
        ),
        (
            "insured",
            "社保参保人数",
            line_chart(
                "社保参保人数",
                "人",
                &[Series::new("参保人数", months(24, &|i| 118.0 + (i * 7 % 5) as f64 + i as f64))],
            ),
        ),
        (
            "factors",
            "评分因素贡献",
            contribution_chart(
                "评分因素贡献",
                "分",
                &[
                    ("纳税信用等级 A".to_string(), 18.0),
                    ("社保连续缴纳".to_string(), 9.5),
                    ("水电气按时缴费".to_string(), 6.0),
                    ("行政处罚 <2 次>".to_string(), -12.0),
                    ("荣誉表彰".to_string(), 0.0),
                    ("欠税记录".to_string(), -4.0),
                ],
            ),
        ),
        ("single", "单月数据", line_chart("单月数据", "人", &[Series::new("参保人数", months(1, &|_| 42.0))])),
        ("empty", "暂无数据", bar_chart("近五年纳税金额", "万元", &[])),
    ]
}
