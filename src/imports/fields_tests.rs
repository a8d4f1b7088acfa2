//! Unit tests for the cell parsers: every accepted form, and the reasons given for the rest.

use super::*;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    ymd(2025, 6, 15)
}

#[test]
fn clean_trims_every_kind_of_space() {
    assert_eq!(clean("\u{3000} 华信 \u{A0}\t"), "华信");
    assert_eq!(clean("\u{FEFF}年度\u{200B}"), "年度");
    assert!(is_blank(" - "));
    assert!(is_blank("\u{3000}"));
    assert!(!is_blank("0"));
}

#[test]
fn text_refuses_empty_long_and_damaged_values() {
    assert_eq!(text(" 无锡华信 ", 10), Ok("无锡华信".into()));
    assert_eq!(text("  ", 10), Err("不能为空".into()));
    assert_eq!(text("一二三", 2), Err("不能超过 2 个字".into()));
    assert!(text("华\u{FFFD}信", 10).unwrap_err().contains("无法识别的字符"));
    assert_eq!(text("第一行\r\n第二行", 10), Ok("第一行 第二行".into()));
    assert!(text("a\u{0}b", 10).unwrap_err().contains("控制字符"));
}

#[test]
fn dates_in_every_accepted_form() {
    for form in [
        "2024-03-01",
        "2024/3/1",
        "20240301",
        "2024.3.1",
        "2024年3月1日",
        "2024年03月01日",
        " ２０２４－０３－０１ ",
        "2024-03-01 00:00:00",
        "2024-03-01T08:30:00",
        "2024/03/01\u{3000}",
    ] {
        assert_eq!(date(form), Ok(ymd(2024, 3, 1)), "{form}");
    }
}

#[test]
fn dates_that_cannot_be() {
    assert!(date("").unwrap_err().contains("不能为空"));
    assert!(date("2024-02-30").unwrap_err().contains("日期不存在"));
    assert!(date("2024-13-01").unwrap_err().contains("1 到 12"));
    assert!(date("1900-01-01").unwrap_err().contains("1949"));
    assert!(date("2101-01-01").unwrap_err().contains("2100"));
    assert!(date("03/01/2024").unwrap_err().contains("无法识别"));
    assert!(date("昨天").unwrap_err().contains("无法识别"));
    assert!(date("2024-3").unwrap_err().contains("无法识别"));
    assert!(date("45352").unwrap_err().contains("无法识别"));
}

#[test]
fn past_dates_stop_at_today() {
    assert_eq!(past_date("2025-06-15", today()), Ok(today()));
    assert!(past_date("2025-06-16", today()).unwrap_err().contains("不能晚于今天"));
}

#[test]
fn months_in_every_accepted_form() {
    for form in ["2024-03", "202403", "2024/3", "2024.03", "2024年3月", "2024年03月", "2024-03-17", "２０２４０３"]
    {
        assert_eq!(month(form, today()), Ok(ymd(2024, 3, 1)), "{form}");
    }
    assert_eq!(month("2025-06", today()), Ok(ymd(2025, 6, 1)));
    assert!(month("2025-07", today()).unwrap_err().contains("不能晚于本月"));
    assert!(month("2024-00", today()).unwrap_err().contains("1 到 12"));
    assert!(month("24-03", today()).unwrap_err().contains("无法识别"));
    assert!(month("", today()).unwrap_err().contains("不能为空"));
    assert!(month("2024-02-30", today()).unwrap_err().contains("日期不存在"));
}

#[test]
fn years() {
    assert_eq!(year("2024", today()), Ok(2024));
    assert_eq!(year("2024年", today()), Ok(2024));
    assert_eq!(year("２０２４", today()), Ok(2024));
    assert!(year("2026", today()).unwrap_err().contains("不能晚于今年"));
    assert!(year("1948", today()).unwrap_err().contains("1949"));
    assert!(year("24", today()).unwrap_err().contains("四位数字"));
}

#[test]
fn amounts_in_every_accepted_form() {
    let cases = [
        ("1,234,567.89", 123_456_789),
        ("1234567.89", 123_456_789),
        ("１２３４.５", 123_450),
        ("１，２３４．５", 123_450),
        ("¥1,200", 120_000),
        ("￥1,200.00元", 120_000),
        ("1200 元", 120_000),
        ("0", 0),
        ("0.5", 50),
        (".5", 50),
        ("12.340", 1_234),
        ("+7", 700),
        ("007", 700),
    ];
    for (form, fen) in cases {
        assert_eq!(amount(form), Ok(Money::from_fen(fen)), "{form}");
    }
}

#[test]
fn amounts_refused_with_a_reason() {
    assert_eq!(amount("-5"), Err("金额不能为负数".into()));
    assert_eq!(amount(""), Err("金额不能为空".into()));
    assert_eq!(amount("1.234"), Err("金额最多保留 2 位小数".into()));
    assert!(amount("1,5").unwrap_err().contains("千分位"));
    assert!(amount("1,23,456").unwrap_err().contains("千分位"));
    assert!(amount("1.2E+07").unwrap_err().contains("科学计数法"));
    assert!(amount("十万").unwrap_err().contains("不是有效的数字"));
    assert!(amount("1.2.3").unwrap_err().contains("不是有效的数字"));
    assert!(amount("1000000000000").unwrap_err().contains("过大"));
    assert!(amount("99999999999999999999999").unwrap_err().contains("过大"));
    assert!(amount("999999999999.99").is_ok());
}

#[test]
fn optional_amounts_default_to_zero() {
    assert_eq!(optional_amount("-"), Ok(Money::default()));
    assert_eq!(optional_amount(""), Ok(Money::default()));
    assert_eq!(optional_amount("3.5"), Ok(Money::from_fen(350)));
    assert!(optional_amount("-3").is_err());
}

#[test]
fn amounts_in_wan_yuan() {
    assert_eq!(amount_wan("500"), Ok(Money::from_yuan(5_000_000)));
    assert_eq!(amount_wan("1.234567"), Ok(Money::from_fen(1_234_567)));
    assert!(amount_wan("200000000").unwrap_err().contains("过大"));
    assert_eq!(amount("500万元人民币"), Ok(Money::from_yuan(5_000_000)));
    assert_eq!(amount("12.5万"), Ok(Money::from_yuan(125_000)));
    assert_eq!(amount_wan("500万元"), Ok(Money::from_yuan(5_000_000)));
    assert!(amount("100万美元").is_err());
}

#[test]
fn quantities_and_counts() {
    assert_eq!(quantity("1,250.5"), Ok(Decimal::new(125_050, 2)));
    assert_eq!(quantity("０.２５"), Ok(Decimal::new(25, 2)));
    assert_eq!(quantity("-1"), Err("数量不能为负数".into()));
    assert_eq!(quantity("1.255"), Err("数量最多保留 2 位小数".into()));
    assert_eq!(count("37", 1_000_000), Ok(37));
    assert_eq!(count("37人", 1_000_000), Ok(37));
    assert_eq!(count("37.0", 1_000_000), Ok(37));
    assert_eq!(count("37.5", 1_000_000), Err("人数应为整数".into()));
    assert_eq!(count("-1", 1_000_000), Err("人数不能为负数".into()));
    assert!(count("2000000", 1_000_000).unwrap_err().contains("不能超过"));
}

#[test]
fn booleans() {
    for yes in ["是", "Y", "yes", "TRUE", "1", "已抵押", "１"] {
        assert_eq!(boolean(yes), Ok(true), "{yes}");
    }
    for no in ["否", "n", "No", "false", "0", "未抵押"] {
        assert_eq!(boolean(no), Ok(false), "{no}");
    }
    assert!(boolean("").unwrap_err().contains("不能为空"));
    assert!(boolean("也许").unwrap_err().contains("是"));
}

#[test]
fn registry_contacts() {
    assert_eq!(email(" Finance@HuaXin.Example "), Ok("finance@huaxin.example".into()));
    assert!(email("finance at huaxin").unwrap_err().contains("邮箱格式不正确"));
    assert_eq!(mobile("+86 139-1234-5678"), Ok(Some("13912345678".into())));
    assert_eq!(mobile("１３９１２３４５６７８"), Ok(Some("13912345678".into())));
    assert_eq!(mobile("0510-85551234"), Ok(None), "a landline is accepted, not kept");
    assert!(mobile("call me").is_err());
}
