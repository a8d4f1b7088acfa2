//! Property tests: no input makes the parser panic, and in generated files
//! every planted bad row is reported at its exact row number while no valid
//! row (written in any accepted form, in any accepted encoding) is rejected.

use chrono::NaiveDate;
use encoding_rs::GBK;
use proptest::prelude::*;

use super::*;
use crate::domain::records::{Record, RecordKind, SocialSecurityRecord};
use crate::domain::{Money, Uscc};

const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 15).unwrap()
}

/// Runs a whole file through the parser, as an import would.
fn drain(kind: RecordKind, bytes: &[u8]) {
    if let Ok(mut rows) = parse(kind, bytes, today()) {
        for row in &mut rows {
            if let Err(error) = row {
                assert!(error.row >= 1 && !error.field.is_empty() && !error.reason.is_empty());
            }
        }
        let _ = rows.finish();
    }
}

fn kind() -> impl Strategy<Value = RecordKind> {
    prop::sample::select(RecordKind::ALL.to_vec())
}

/// Cells made of the characters the field parsers look at.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9０-９,，.．年月日元¥￥/ -]{0,14}",
        "[\"\r\n,\t 　\u{feff}a-zA-Z是否水电气有效已修复\u{fffd}]{0,10}",
        Just(String::new()),
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(kind in kind(), bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        drain(kind, &bytes);
    }

    #[test]
    fn csv_shaped_text_after_a_real_header_never_panics(
        kind in kind(),
        rows in prop::collection::vec(prop::collection::vec(cell(), 0..12), 0..20),
        gbk in any::<bool>(),
    ) {
        let mut text = template_csv(kind);
        for row in rows {
            text.push_str(&row.join(","));
            text.push('\n');
        }
        let bytes = if gbk { GBK.encode(&text).0.into_owned() } else { text.into_bytes() };
        drain(kind, &bytes);
    }

    #[test]
    fn planted_bad_rows_are_reported_at_their_rows_and_no_valid_row_is_rejected(
        plan in prop::collection::vec(line(), 0..60),
        encoding in 0..3u8,
        crlf in any::<bool>(),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("统一社会信用代码,月份,参保人数,欠费金额（元）{eol}");
        let (mut expected_valid, mut expected_bad) = (Vec::new(), Vec::new());
        for (i, line) in plan.iter().enumerate() {
            let row = i as u64 + 2;
            match line {
                Line::Blank(cells) => text.push_str(cells),
                Line::Valid(record, cells) => {
                    expected_valid.push(record.clone());
                    text.push_str(cells);
                }
                Line::Bad(field, cells) => {
                    expected_bad.push((row, *field));
                    text.push_str(cells);
                }
            }
            text.push_str(eol);
        }
        let bytes = match encoding {
            0 => text.into_bytes(),
            1 => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            _ => GBK.encode(&text).0.into_owned(),
        };
        let mut rows = parse(RecordKind::SocialSecurity, &bytes[..], today()).unwrap();
        let (mut valid, mut bad) = (Vec::new(), Vec::new());
        for row in &mut rows {
            match row {
                Ok(Record::SocialSecurity(record)) => valid.push(record),
                Ok(other) => panic!("wrong kind {other:?}"),
                Err(error) => bad.push((error.row, fields_name(&error.field))),
            }
        }
        prop_assert!(rows.finish().is_ok());
        prop_assert_eq!(bad, expected_bad);
        prop_assert_eq!(valid, expected_valid);
    }
}

fn fields_name(field: &str) -> &'static str {
    ["统一社会信用代码", "月份", "参保人数", "欠费金额", WHOLE_ROW].into_iter().find(|f| *f == field).unwrap_or("?")
}

#[derive(Clone, Debug)]
enum Line {
    Blank(String),
    Valid(SocialSecurityRecord, String),
    /// The column that must be reported, and the row's text.
    Bad(&'static str, String),
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        1 => prop::sample::select(vec!["", ",,,", " ", "\u{3000}"]).prop_map(|s| Line::Blank(s.to_string())),
        6 => valid_row().prop_map(|(record, cells)| Line::Valid(record, cells)),
        3 => (valid_row(), 0..5u8).prop_map(|((record, cells), how)| spoil(&record, &cells, how)),
    ]
}

/// A valid social security row, each value written in a randomly chosen accepted form.
fn valid_row() -> impl Strategy<Value = (SocialSecurityRecord, String)> {
    let body = prop::collection::vec(prop::sample::select(ALPHABET.to_vec()), 9);
    (body, any::<bool>(), 2000..=2025i32, 1..=12u32, 0..5usize, 0..100_000i32, 0..10_000_000_000i64, 0..6usize)
        .prop_map(|(body, lower, year, month, month_form, insured, fen, amount_form)| {
            let month = if year == 2025 { month.min(6) } else { month };
            let uscc = Uscc::with_check_character(&format!("91990106{}", String::from_utf8(body).unwrap())).unwrap();
            let code = if lower { uscc.as_str().to_lowercase() } else { uscc.to_string() };
            let month_text = match month_form {
                0 => format!("{year}-{month:02}"),
                1 => format!("{year}{month:02}"),
                2 => format!("{year}/{month}"),
                3 => format!("{year}年{month}月"),
                _ => format!("{year}-{month:02}-15"),
            };
            let (fen, amount) = amount_text(fen, amount_form);
            let record = SocialSecurityRecord {
                uscc,
                month: NaiveDate::from_ymd_opt(year, month, 1).unwrap(),
                insured,
                arrears: Money::from_fen(fen),
            };
            (record, format!("{code},{month_text},{insured},{amount}"))
        })
}

/// A money cell in one of the accepted forms, and the fen it stands for.
fn amount_text(fen: i64, form: usize) -> (i64, String) {
    let plain = format!("{}.{:02}", fen / 100, fen % 100);
    match form {
        0 => (fen, plain),
        1 => (fen, format!("\"{}.{:02}\"", grouped(fen / 100), fen % 100)),
        2 => (fen / 100 * 100, format!("\"￥{}\"", grouped(fen / 100))),
        3 => (
            fen,
            plain
                .chars()
                .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c })
                .collect(),
        ),
        4 => (0, "-".into()),
        _ => (0, String::new()),
    }
}

/// Makes a valid row invalid in one known column.
fn spoil(record: &SocialSecurityRecord, cells: &str, how: u8) -> Line {
    let parts: Vec<&str> = cells.splitn(3, ',').collect();
    let (code, month, rest) = (parts[0], parts[1], parts[2]);
    match how {
        0 => {
            let last = code.chars().last().unwrap().to_ascii_uppercase();
            let wrong = if last == '0' { '1' } else { '0' };
            Line::Bad("统一社会信用代码", format!("{}{wrong},{month},{rest}", &code[..17]))
        }
        1 => Line::Bad("月份", format!("{code},{}-13,{rest}", record.month.format("%Y"))),
        2 => Line::Bad("月份", format!("{code},2099-01,{rest}")),
        3 => Line::Bad("欠费金额", format!("{code},{month},{},-5", record.insured)),
        _ => Line::Bad(WHOLE_ROW, format!("{code},{month}")),
    }
}

fn grouped(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
