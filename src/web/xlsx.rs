//! The one .xlsx writer of the site (rust_xlsxwriter): a workbook of sheets,
//! each a title row (what the figures are: period, filter, when read; the
//! national report's sheets have none, as the template files them), a bold
//! header and the rows. Numbers are numbers, with two decimals where their
//! unit has them; text is always written as text, so a cell that starts with
//! `=` is never a formula. Columns are as wide as their text, Chinese
//! counted double.

use axum::response::Response;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::domain::stats::{Unit, value_text};

/// One cell of a sheet.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// A number shown with `decimals` places (0 or 2).
    Number {
        value: f64,
        decimals: u8,
    },
}

/// Two decimals for amounts, percentages and durations; counts are whole.
pub fn decimals(unit: Unit) -> u8 {
    match unit {
        Unit::Entities | Unit::Count | Unit::Items => 0,
        Unit::Wan | Unit::Percent | Unit::Days | Unit::Hours => 2,
    }
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    /// A figure: the number with its unit's decimals, or "—" as text when there is none.
    pub fn figure(value: Option<Decimal>, unit: Unit) -> Cell {
        match value.and_then(|v| v.to_f64()) {
            Some(value) => Cell::Number { value, decimals: decimals(unit) },
            None => Cell::text(value_text(value)),
        }
    }

    /// How wide the cell shows, in Excel's character widths.
    fn width(&self) -> f64 {
        match self {
            Cell::Text(text) => text.chars().map(|c| if c.is_ascii() { 1.1 } else { 2.1 }).sum(),
            Cell::Number { value, decimals } => format!("{value:.*}", *decimals as usize).len() as f64 + 1.0,
        }
    }
}

/// One sheet: its tab name (at most 31 characters, none of `[]:*?/\`), a
/// title line above the table (if any), the header and the rows.
#[derive(Clone, Debug)]
pub struct Sheet {
    pub name: String,
    pub title: Option<String>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Widest a column grows, in characters.
const MAX_WIDTH: f64 = 60.0;

/// The workbook's bytes.
pub fn xlsx_bytes(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(12);
    let whole = Format::new().set_num_format("0");
    let two = Format::new().set_num_format("0.00");
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(sheet.name.as_str())?;
        if let Some(text) = &sheet.title {
            worksheet.write_string_with_format(0, 0, text.as_str(), &title)?;
        }
        let header = u32::from(sheet.title.is_some());
        let mut widths: Vec<f64> = sheet.header.iter().map(|h| Cell::text(h.as_str()).width()).collect();
        for (col, text) in sheet.header.iter().enumerate() {
            worksheet.write_string_with_format(header, col as u16, text.as_str(), &bold)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + header + 1;
            for (col, cell) in row.iter().enumerate() {
                match cell {
                    Cell::Text(text) => worksheet.write_string(r, col as u16, text.as_str())?,
                    Cell::Number { value, decimals } => {
                        let format = if *decimals == 0 { &whole } else { &two };
                        worksheet.write_number_with_format(r, col as u16, *value, format)?
                    }
                };
                if widths.len() <= col {
                    widths.resize(col + 1, 0.0);
                }
                widths[col] = widths[col].max(cell.width());
            }
        }
        for (col, width) in widths.iter().enumerate() {
            worksheet.set_column_width(col as u16, (width + 2.0).clamp(8.0, MAX_WIDTH))?;
        }
        worksheet.set_freeze_panes(header + 1, 0)?;
    }
    workbook.save_to_buffer()
}

/// The media type of a workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A workbook download named `file_name` (with its `.xlsx`).
pub fn xlsx_response(file_name: &str, sheets: &[Sheet]) -> Result<Response, XlsxError> {
    Ok(super::attachment(file_name, XLSX, xlsx_bytes(sheets)?))
}

/// A sheet name Excel accepts: the forbidden characters replaced, cut to 31.
pub fn sheet_name(name: &str) -> String {
    name.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).take(31).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_is_a_zip_with_its_sheets() {
        let sheet = Sheet {
            name: sheet_name("按行业/地区"),
            title: Some("按行业 · 2026年11月".into()),
            header: vec!["".into(), "放款金额（万元）".into()],
            rows: vec![vec![Cell::text("=1+1"), Cell::Number { value: 150.0, decimals: 2 }]],
        };
        assert_eq!(sheet.name, "按行业_地区");
        let bytes = xlsx_bytes(&[sheet]).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }

    #[test]
    fn a_figure_is_a_number_with_its_units_decimals_or_a_dash() {
        assert_eq!(Cell::figure(Some(Decimal::from(3)), Unit::Count), Cell::Number { value: 3.0, decimals: 0 });
        assert_eq!(Cell::figure(Some(Decimal::new(15, 1)), Unit::Wan), Cell::Number { value: 1.5, decimals: 2 });
        assert_eq!(Cell::figure(None, Unit::Percent), Cell::text("—"));
    }

    #[test]
    fn widths_count_chinese_double() {
        assert!(Cell::text("制造业").width() > Cell::text("abc").width());
    }
}
