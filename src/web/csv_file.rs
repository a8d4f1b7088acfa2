//! The one CSV writer of the site: UTF-8 with one BOM so that Excel shows the
//! Chinese correctly, formula cells neutralised, a list cut at `EXPORT_ROWS`
//! with a note.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::Pager;

/// A CSV cell that a spreadsheet will not run as a formula: a cell that
/// starts with = + - @ (or a tab or carriage return, which Excel skips before
/// reading one of those) gets a leading apostrophe.
pub fn csv_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() }
}

/// The one CSV writer of the site: UTF-8 with one BOM so that Excel shows the
/// Chinese correctly, every cell through `csv_cell`, quoting by the csv crate.
pub fn csv_bytes(rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(vec![0xEF, 0xBB, 0xBF]);
    for row in rows {
        // Writing to a Vec fails only on a record the builder refuses; flexible takes every length.
        let _ = writer.write_record(row.iter().map(|cell| csv_cell(cell)));
    }
    writer.into_inner().unwrap_or_default()
}

/// A CSV download of `rows` (the header first) named `file_name`.
pub fn csv_response(file_name: &str, rows: Vec<Vec<String>>) -> Response {
    attachment(file_name, "text/csv; charset=utf-8", csv_bytes(&rows))
}

/// A file download: `body` of `content_type` saved as `file_name` (UTF-8
/// in `filename*`, its ASCII letters as the fallback, `export.<ext>` when
/// too few are left).
pub fn attachment(file_name: &str, content_type: &str, body: Vec<u8>) -> Response {
    let extension = file_name.rsplit_once('.').map_or("", |(_, e)| e);
    let ascii: String = file_name.chars().filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).collect();
    let fallback = if ascii.trim_start_matches(['-', '_', '.']).len() > extension.len() + 1 {
        ascii
    } else {
        format!("export.{extension}")
    };
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}");
    let headers = [(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)];
    (headers, body).into_response()
}

/// A list page exported as CSV: its `header`, its `lines` (the page's query
/// asked for one page of `EXPORT_ROWS`), and when the list held more than
/// that, a last line saying how many were left out and what to do.
pub fn csv_export(file_name: &str, header: &[&str], lines: Vec<Vec<String>>, pager: &Pager) -> Response {
    let mut rows = Vec::with_capacity(lines.len() + 2);
    rows.push(header.iter().map(|h| h.to_string()).collect());
    rows.extend(lines);
    if pager.total > pager.per_page {
        rows.push(vec![format!(
            "仅导出前 {} 行（共 {} 行），请缩小筛选范围后分批导出",
            pager.per_page,
            pager.total_text()
        )]);
    }
    csv_response(file_name, rows)
}
