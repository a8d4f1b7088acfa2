//! Files in every encoding, and codes as departments write them.

use diesel::prelude::*;

use super::*;
use crate::helpers::TestApp;

#[tokio::test]
async fn a_gbk_file_whose_first_100000_rows_are_ascii_is_read_as_gbk_from_first_byte_to_last() {
    let app = TestApp::new();
    let browser = office(&app).await;
    let (ascii, chinese) = (
        xinyidai::domain::Uscc::with_check_character("91990102MA1HX0001").unwrap(),
        xinyidai::domain::Uscc::with_check_character("91990102MA1HX0002").unwrap(),
    );
    let mut text = String::from("uscc,certificate_no,kind,area,assessed_value,mortgaged\n");
    for n in 0..100_000 {
        text.push_str(&format!("{ascii},C-{n},factory,100,1000,N\n"));
    }
    // 住宅 in GBK is also valid UTF-8 ("סլ"); 是 and 厂房 are not.
    text.push_str(&format!("{chinese},苏(2024)云海市不动产权第1号,住宅,88.5,\"1,200,000\",是\n"));
    text.push_str(&format!("{chinese},苏(2024)云海市不动产权第2号,厂房,300,\"2,500,000\",否\n"));
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(bytes[..64 * 1024].is_ascii() && bytes.len() > 4_000_000);
    let page = browser.upload("property", "自然资源和规划局", "2024-12-31", "不动产.csv", &bytes).await;
    let report_path = page.location().unwrap().to_string();
    app.run_jobs().await;

    let report = browser.get(&report_path).await;
    assert!(report.body.contains("已完成"), "{}", report.body);
    assert_eq!(figure(&report.body, "文件行数"), "100002");
    assert_eq!(figure(&report.body, "新增或更新"), "100002");
    assert_eq!(figure(&report.body, "被拒绝"), "0");
    use xinyidai::schema::property_records as p;
    let stored: Vec<(String, String, bool)> = p::table
        .filter(p::uscc.eq(chinese.as_str()))
        .order(p::certificate_no)
        .select((p::certificate_no, p::kind, p::mortgaged))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(
        stored,
        vec![
            ("苏(2024)云海市不动产权第1号".to_string(), "住宅".to_string(), true),
            ("苏(2024)云海市不动产权第2号".to_string(), "厂房".to_string(), false),
        ]
    );
}

#[tokio::test]
async fn a_file_that_decodes_in_no_encoding_is_refused_whole_with_the_line_named() {
    let app = TestApp::new();
    let browser = office(&app).await;
    let mut bytes = sample("tax_2024_utf8.csv");
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    bytes.extend_from_slice(b"91990102MA1HX00010,2023,A,\xFF100,1000\n");
    let page = browser.upload("tax", "税务局", "2024-12-31", "tax.csv", &bytes).await;
    let report_path = page.location().unwrap().to_string();
    app.run_jobs().await;
    let report = browser.get(&report_path).await;
    assert!(report.body.contains("导入失败"), "{}", report.body);
    assert!(
        report.body.contains(&format!(
            "既不是有效的 UTF-8 也不是有效的 GBK 编码：按 UTF-8 读取，第 {} 行有无法识别的字节，整份文件未导入",
            lines + 1
        )),
        "{}",
        report.body
    );
    assert_eq!(count!(app, xinyidai::schema::tax_records), 0, "no row of a refused file is kept");
}

#[tokio::test]
async fn codes_beside_invisible_characters_or_pasted_in_groups_are_accepted() {
    let app = TestApp::new();
    let browser = office(&app).await;
    let codes: Vec<String> = (1..=6)
        .map(|n| xinyidai::domain::Uscc::with_check_character(&format!("91990102MA1HX000{n}")).unwrap().to_string())
        .collect();
    let grouped = |c: &str, sep: &str| {
        c.as_bytes().chunks(4).map(|g| std::str::from_utf8(g).unwrap()).collect::<Vec<_>>().join(sep)
    };
    let cells = [
        format!("\u{200B}{}", codes[0]),
        format!("{}\u{FEFF}", codes[1]),
        format!("\u{2060}{}\u{2060}", codes[2]),
        grouped(&codes[3], " "),
        grouped(&codes[4], "-"),
        // A letter in the region code (positions 3-8), with a right check character.
        xinyidai::domain::Uscc::with_check_character("9199A102MA1HX0007").unwrap().to_string(),
    ];
    let mut file = String::from("统一社会信用代码,年度,纳税信用等级,纳税额,营业收入\n");
    for cell in &cells {
        file.push_str(&format!("{cell},2024,A,100,1000\n"));
    }
    let page = browser.upload("tax", "税务局", "2024-12-31", "tax.csv", file.as_bytes()).await;
    let report_path = page.location().unwrap().to_string();
    app.run_jobs().await;
    let report = browser.get(&report_path).await;
    assert_eq!(figure(&report.body, "新增或更新"), "5", "{}", report.body);
    assert_eq!(figure(&report.body, "被拒绝"), "1");
    assert!(report.body.contains("<td data-label=\"行号\">7</td>"));
    assert!(report.body.contains("第 5 位的「A」应为数字"), "{}", report.body);
    use xinyidai::schema::tax_records as t;
    let stored: Vec<String> = t::table.order(t::uscc).select(t::uscc).load(&mut *app.conn()).unwrap();
    assert_eq!(stored, codes[..5].to_vec());
}
