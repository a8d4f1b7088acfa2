//! The national report as an .xlsx workbook: one sheet per table, named
//! after it, the header in the template's column order, figures as numbers
//! (whole numbers for counts, two decimals otherwise) and text as text, so
//! nothing in a cell is ever read as a formula.
//!
//! A minimal writer for this one workbook; the dashboard's `web::xlsx`
//! (written at the same time) may take it over.

use axum::response::Response;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::domain::stats::Unit;
use crate::domain::stats::report::{Cell, NationalReport, ReportTable};

pub use super::xlsx::XLSX;

fn sheet(workbook: &mut Workbook, table: &ReportTable) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let whole = Format::new().set_num_format("0");
    let two = Format::new().set_num_format("0.00");
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(&table.title)?;
    for (col, column) in table.columns.iter().enumerate() {
        let col = col as u16;
        worksheet.write_string_with_format(0, col, column.header(), &bold)?;
        worksheet.set_column_width(col, if column.key.ends_with("name") || column.key == "uscc" { 28 } else { 16 })?;
    }
    worksheet.set_freeze_panes(1, 0)?;
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (col, (cell, column)) in row.cells.iter().zip(&table.columns).enumerate() {
            let col = col as u16;
            let format = match column.unit {
                Some(Unit::Entities | Unit::Count | Unit::Items) => &whole,
                _ => &two,
            };
            match cell {
                Cell::Value(Some(value)) => {
                    worksheet.write_number_with_format(r, col, value.to_f64().unwrap_or_default(), format)?;
                }
                other => {
                    worksheet.write_string(r, col, other.text())?;
                }
            }
        }
    }
    Ok(())
}

/// The workbook's bytes: 平台融资统计, then 金融机构融资统计.
pub fn workbook(report: &NationalReport) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    for table in report.tables() {
        sheet(&mut workbook, table)?;
    }
    workbook.save_to_buffer()
}

/// The workbook as a download named `file_name`.
pub fn response(file_name: &str, report: &NationalReport) -> anyhow::Result<Response> {
    Ok(super::attachment(file_name, XLSX, workbook(report)?))
}
