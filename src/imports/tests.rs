//! File-level behaviour: encodings, header finding, row numbers, row shapes,
//! file errors, and that a template filled in as its note's example says
//! parses into one valid record.

use chrono::NaiveDate;
use encoding_rs::GBK;

use super::*;
use crate::domain::records::{Record, RecordKind};
use crate::imports::kinds::tests::code;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 15).unwrap()
}

fn run(kind: RecordKind, bytes: &[u8]) -> (Vec<Record>, Vec<RowError>, Summary) {
    let mut rows = parse(kind, bytes, today()).unwrap();
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    for row in &mut rows {
        match row {
            Ok(record) => good.push(record),
            Err(error) => bad.push(error),
        }
    }
    (good, bad, rows.finish().unwrap())
}

fn tax_csv() -> String {
    format!(
        "统一社会信用代码,年度,纳税信用等级,纳税额（元）,营业收入（元）\n{},2024,A,\"12,000\",\"1,500,000.00\"\n{},2023,B,0,800000\n",
        code(1),
        code(2)
    )
}

#[test]
fn every_template_filled_in_with_its_example_parses_into_one_valid_record() {
    for kind in RecordKind::ALL {
        let example: Vec<String> =
            columns::columns(kind).iter().map(|c| format!("\"{}\"", c.example.replace('"', "\"\""))).collect();
        let file = format!("\u{FEFF}{}{}\r\n", template_csv(kind), example.join(","));
        let (good, bad, summary) = run(kind, file.as_bytes());
        assert_eq!((good.len(), bad.len()), (1, 0), "{kind:?}: {bad:?}");
        assert_eq!(summary.encoding, SourceEncoding::Utf8Bom);
    }
}

#[test]
fn gbk_file_is_read() {
    let text = tax_csv();
    let (bytes, _, unmappable) = GBK.encode(&text);
    assert!(!unmappable);
    let (good, bad, summary) = run(RecordKind::Tax, &bytes);
    assert_eq!((good.len(), bad.len(), summary.encoding), (2, 0, SourceEncoding::Gbk));
}

#[test]
fn utf8_bom_file_is_read() {
    let bytes = [b"\xEF\xBB\xBF".as_slice(), tax_csv().as_bytes()].concat();
    let (good, bad, summary) = run(RecordKind::Tax, &bytes);
    assert_eq!((good.len(), bad.len(), summary.encoding), (2, 0, SourceEncoding::Utf8Bom));
}

#[test]
fn utf16_tab_separated_excel_export_is_read() {
    let text = tax_csv().replace(",\"12,000\",\"1,500,000.00\"", ",12000,1500000").replace(',', "\t");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.replace('\n', "\r\n").encode_utf16().flat_map(u16::to_le_bytes));
    let (good, bad, summary) = run(RecordKind::Tax, &bytes);
    assert_eq!((good.len(), bad.len(), summary.encoding), (2, 0, SourceEncoding::Utf16Le));
}

#[test]
fn crlf_lines_and_no_final_newline() {
    let text = tax_csv().replace('\n', "\r\n");
    let (good, bad, summary) = run(RecordKind::Tax, text.trim_end().as_bytes());
    assert_eq!((good.len(), bad.len(), summary.last_row), (2, 0, 3));
}

#[test]
fn row_numbers_count_blank_lines_title_rows_and_multiline_cells_as_a_spreadsheet_does() {
    let text = format!(
        "2024年度纳税信用等级名单\n\n统一社会信用代码,年度,纳税信用等级,纳税额,营业收入,备注\n{},2024,A,1,1,\"两行\n备注\"\n\n,,,,,\n\u{3000}\nBAD,2024,A,1,1,\n{},2024,X,1,1\r\n",
        code(1),
        code(2)
    );
    let (good, bad, summary) = run(RecordKind::Tax, text.as_bytes());
    assert_eq!(good.len(), 1);
    let rows: Vec<(u64, &str)> = bad.iter().map(|e| (e.row, e.field.as_str())).collect();
    assert_eq!(rows, [(8, "统一社会信用代码"), (9, "整行")]);
    assert_eq!(summary, Summary { encoding: SourceEncoding::Utf8, last_row: 9, valid: 1, rejected: 2 });
}

#[test]
fn rows_with_the_wrong_number_of_cells() {
    let text = format!(
        "uscc,year,tax_grade,tax_paid,revenue\n{c},2024,A,1\n{c},2024,A,1,1,extra\n{c},2024,A,1,1,,\n",
        c = code(1)
    );
    let (good, bad, _) = run(RecordKind::Tax, text.as_bytes());
    assert_eq!(good.len(), 1, "trailing empty cells are tolerated");
    assert_eq!(bad.iter().map(|e| (e.row, e.field.as_str())).collect::<Vec<_>>(), [(2, WHOLE_ROW), (3, WHOLE_ROW)]);
    assert!(bad[0].reason.contains("只有 4 列"));
}

#[test]
fn first_bad_cell_in_column_order_is_reported() {
    let text = format!("uscc,year,tax_grade,tax_paid,revenue\n{},2024,Q,-1,abc\n", code(1));
    let (_, bad, _) = run(RecordKind::Tax, text.as_bytes());
    assert_eq!(
        bad[0],
        RowError {
            row: 2,
            field: "纳税信用等级".into(),
            value: "Q".into(),
            reason: "纳税信用等级应为 A、B、M、C 或 D".into()
        }
    );
    assert_eq!(bad[0].to_string(), "第 2 行 纳税信用等级“Q”：纳税信用等级应为 A、B、M、C 或 D");
}

#[test]
fn file_errors() {
    let open = |text: &str| parse(RecordKind::Tax, text.as_bytes(), today()).err();
    assert_eq!(open(""), Some(FileError::Empty));
    assert_eq!(open("\n\n ,, \n"), Some(FileError::Empty));
    assert_eq!(
        open("统一社会信用代码,纳税额,其他\n1,2,3\n"),
        Some(FileError::MissingColumns { missing: vec!["年度", "纳税信用等级", "营业收入"] })
    );
    assert_eq!(
        open("uscc,credit_code,year,tax_grade,tax_paid,revenue\n"),
        Some(FileError::DuplicateColumn { column: "统一社会信用代码" })
    );
    let missing = open("uscc,year\n").unwrap().to_string();
    assert_eq!(missing, "缺少必填列：纳税信用等级、纳税额、营业收入。请使用导入模板的表头");
}

#[test]
fn header_only_file_has_no_rows() {
    let (good, bad, summary) = run(RecordKind::Tax, "uscc,year,tax_grade,tax_paid,revenue".as_bytes());
    assert_eq!((good.len(), bad.len(), summary.last_row), (0, 0, 1));
}

#[test]
fn an_unclosed_quote_stops_the_file_without_reading_it_all() {
    let mut text = format!("uscc,year,tax_grade,tax_paid,revenue\n{},2024,A,1,1\n\"{}", code(1), "x,".repeat(200_000));
    text.push_str(&"y\n".repeat(400_000));
    let mut rows = parse(RecordKind::Tax, text.as_bytes(), today()).unwrap();
    assert!(rows.next().unwrap().is_ok());
    assert!(rows.next().is_none());
    assert_eq!(rows.finish(), Err(FileError::RecordTooLong { row: 3 }));
}

#[test]
fn bytes_that_decode_in_no_encoding_refuse_the_whole_file_naming_the_line() {
    let mut bytes = "a".repeat(decode::SNIFF_LEN).into_bytes();
    bytes.splice(0..0, format!("uscc,year,tax_grade,tax_paid,revenue,note\n{},2024,A,1,1,", code(1)).into_bytes());
    bytes.extend_from_slice(format!("\n{},2024,A,1,1,x\n{},2024,", code(2), code(3)).as_bytes());
    bytes.extend_from_slice(b"\xFF,1,1,x\n");
    let mut rows = parse(RecordKind::Tax, &bytes[..], today()).unwrap();
    assert!(rows.by_ref().all(|row| row.is_ok()), "no row holding the bad byte comes out");
    let first = rows.finish().unwrap_err();
    assert_eq!(first, FileError::Undecodable { encoding: SourceEncoding::Utf8, line: 4, second: false });
    let again = first.retry_as().expect("a UTF-8 guess is read again as GBK");
    let mut rows = parse_as(RecordKind::Tax, &bytes[..], today(), Some(again)).unwrap();
    assert!(rows.by_ref().all(|row| row.is_ok()));
    let second = rows.finish().unwrap_err();
    assert_eq!(second, FileError::Undecodable { encoding: SourceEncoding::Gbk, line: 4, second: true });
    assert_eq!(second.retry_as(), None);
    let reported = second.furthest(first).to_string();
    assert!(
        reported
            .contains("既不是有效的 UTF-8 也不是有效的 GBK 编码：按 GBK 读取，第 4 行有无法识别的字节，整份文件未导入")
    );
}

#[test]
fn a_gbk_file_guessed_utf8_is_read_again_as_gbk_from_its_first_row() {
    // 住宅 in GBK is also valid UTF-8 (it would read "סլ"); the 否 after it is not.
    let mut text = String::from("uscc,certificate_no,kind,area,assessed_value,mortgaged\n");
    for _ in 0..2000 {
        text.push_str(&format!("{},C-1,factory,100,1000,N\n", code(1)));
    }
    text.push_str(&format!("{},C-2,住宅,100,1000,否\n", code(2)));
    let (bytes, _, _) = GBK.encode(&text);
    let mut rows = parse(RecordKind::Property, &bytes[..], today()).unwrap();
    rows.by_ref().for_each(drop);
    let again = rows.finish().unwrap_err().retry_as().unwrap();
    let mut rows = parse_as(RecordKind::Property, &bytes[..], today(), Some(again)).unwrap();
    let records: Vec<Record> = rows.by_ref().map(Result::unwrap).collect();
    assert_eq!(rows.finish().unwrap().encoding, SourceEncoding::Gbk);
    assert_eq!(records.len(), 2001);
    let Record::Property(last) = &records[2000] else { panic!("a property record") };
    assert_eq!((last.kind.as_str(), last.mortgaged), ("住宅", false));
}

#[test]
fn io_errors_mid_file_are_reported_by_finish() {
    struct Failing(Vec<u8>);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::other("connection reset"));
            }
            let n = buf.len().min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0.drain(..n);
            Ok(n)
        }
    }
    let mut text = tax_csv();
    text.push_str(&format!("{},2024,A,1,1\n", code(3)).repeat(5_000));
    let rows = parse(RecordKind::Tax, Failing(text.into_bytes()), today());
    // The first 64 KiB are read while sniffing; the failure comes later.
    let mut rows = rows.unwrap();
    assert!(rows.by_ref().count() > 100);
    assert_eq!(rows.finish(), Err(FileError::Read("connection reset".into())));
}

#[test]
fn rows_can_move_to_a_worker_thread() {
    fn is_send<T: Send>() {}
    is_send::<Rows<std::fs::File>>();
}

/// The sample files in docs/samples stay importable as the docs describe them.
#[test]
fn sample_files() {
    let (good, bad, summary) = run(RecordKind::Tax, include_bytes!("../../docs/samples/tax_2024_utf8.csv"));
    assert_eq!((good.len(), bad.len(), summary.encoding), (5, 0, SourceEncoding::Utf8));

    let (good, bad, summary) = run(RecordKind::Utilities, include_bytes!("../../docs/samples/utilities_2024_gbk.csv"));
    assert_eq!((good.len(), bad.len(), summary.encoding), (4, 0, SourceEncoding::Gbk));

    let file = include_bytes!("../../docs/samples/social_security_with_errors.csv");
    let (good, bad, summary) = run(RecordKind::SocialSecurity, file);
    assert_eq!((good.len(), summary.encoding), (3, SourceEncoding::Utf8Bom));
    let errors: Vec<(u64, &str, &str)> = bad.iter().map(|e| (e.row, e.field.as_str(), e.value.as_str())).collect();
    assert_eq!(
        errors,
        [
            (4, "统一社会信用代码", "91990104MA1HX00034"),
            (5, "月份", "2024-02-30"),
            (6, "欠费金额", "-800"),
            (8, "月份", "2024-13")
        ]
    );
}

/// docs/import-formats.md documents every column of every kind as the code has it.
#[test]
fn format_docs_match_the_column_tables() {
    let docs = include_str!("../../docs/import-formats.md");
    for kind in RecordKind::ALL {
        let heading = format!("## {} (", kind.label());
        let start = docs.find(&heading).unwrap_or_else(|| panic!("no section {heading}"));
        let section = docs[start..].split("\n## ").next().unwrap();
        for column in columns(kind) {
            let required = if column.required { "yes" } else { "no" };
            let row = format!("| {} | `{}` | {required} |", column.label, column.english);
            let line = section.lines().find(|l| l.starts_with(&row)).unwrap_or_else(|| panic!("{kind:?}: {row}"));
            assert!(line.ends_with(&format!("| {} |", column.example)), "{kind:?}: {line}");
        }
    }
}
