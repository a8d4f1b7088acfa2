//! The downloadable import template: a note row, then the Chinese header row,
//! and no data. The example values live in the note, above the header, where
//! the header search passes over them (`HEADER_SEARCH_ROWS`): a template
//! uploaded unedited imports nothing, where a sample data row would have been
//! taken as a real enterprise's record.

use super::columns::columns;
use crate::domain::records::RecordKind;

/// The template for `kind`, as CSV text without a BOM (the download adds the
/// one BOM: Excel on Chinese Windows opens a BOM-less CSV as GBK).
pub fn template_csv(kind: RecordKind) -> String {
    let columns = columns(kind);
    let header: Vec<&str> = columns.iter().map(|c| c.label).collect();
    let example: Vec<String> = columns.iter().map(|c| format!("{} {}", c.label, c.example)).collect();
    let note =
        format!("填写说明：本行不会导入。第 2 行是表头，请从第 3 行起每行填写一条记录。示例：{}", example.join("；"));
    format!("{}\r\n{}\r\n", quote(&note), line(&header))
}

fn line(cells: &[&str]) -> String {
    cells.iter().map(|cell| quote(cell)).collect::<Vec<_>>().join(",")
}

fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tax_template_has_a_note_with_the_example_then_the_chinese_headers() {
        let template = template_csv(RecordKind::Tax);
        assert_eq!(
            template,
            "\"填写说明：本行不会导入。第 2 行是表头，请从第 3 行起每行填写一条记录。示例：统一社会信用代码 \
             91990106MA1XY2K3P2；年度 2024；纳税信用等级 A；纳税额 1,234,567.89；营业收入 25,800,000\"\r\n\
             统一社会信用代码,年度,纳税信用等级,纳税额,营业收入\r\n"
        );
        assert!(!template.starts_with('\u{FEFF}'), "the download adds the one BOM");
    }

    #[test]
    fn every_unedited_template_parses_to_zero_rows() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        for kind in RecordKind::ALL {
            let mut file = vec![0xEF, 0xBB, 0xBF];
            file.extend_from_slice(template_csv(kind).as_bytes());
            let mut rows = crate::imports::parse(kind, file.as_slice(), today).expect("the header is found");
            assert_eq!((&mut rows).count(), 0, "{kind:?}");
            let summary = rows.finish().unwrap();
            assert_eq!((summary.valid, summary.rejected), (0, 0), "{kind:?}");
        }
    }
}
