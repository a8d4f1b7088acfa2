//! The downloadable import template: the Chinese header row and one example row.

use super::columns::columns;
use crate::domain::records::RecordKind;

/// The template for `kind`, as CSV text. It starts with a UTF-8 BOM because
/// Excel on Chinese Windows opens a BOM-less CSV as GBK and garbles the headers.
pub fn template_csv(kind: RecordKind) -> String {
    let columns = columns(kind);
    let header: Vec<&str> = columns.iter().map(|c| c.label).collect();
    let example: Vec<&str> = columns.iter().map(|c| c.example).collect();
    format!("\u{FEFF}{}\r\n{}\r\n", line(&header), line(&example))
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
    fn tax_template_has_chinese_headers_and_an_example() {
        let template = template_csv(RecordKind::Tax);
        assert_eq!(
            template,
            "\u{FEFF}统一社会信用代码,年度,纳税信用等级,纳税额,营业收入\r\n\
             91990106MA1XY2K3P2,2024,A,\"1,234,567.89\",\"25,800,000\"\r\n"
        );
    }
}
