//! Department file parsing: a CSV of any size in, one `Record` or one
//! `RowError` per data row out, streaming, with no database and no web.
//!
//! ```text
//! let mut rows = imports::parse(kind, file, today)?;   // FileError: no usable header
//! for row in &mut rows { match row { Ok(record) => .., Err(row_error) => .. } }
//! let summary = rows.finish()?;                          // FileError: the file broke off
//! ```
//!
//! - Encodings: UTF-8 with or without BOM, GBK, UTF-16 with BOM (`decode`).
//!   A file is read in one encoding throughout: when a byte sequence proves
//!   the guess wrong, [`FileError::retry_as`] names the encoding to read the
//!   whole file again in (`parse_as`), or the file is refused.
//! - Delimiter: comma, or tab when the start of the file has more tabs
//!   (Excel's "Unicode text" export).
//! - The header row may follow up to nine title rows (blank lines aside); it is matched
//!   by name in Chinese or English (`headers`, `columns`). Extra columns are ignored.
//! - Row numbers are the ones a spreadsheet shows: the first line is row 1,
//!   blank lines count, a quoted cell spanning lines is one row.
//! - Each bad row yields one `RowError`, for the first bad cell in column order.
//! - Memory stays flat: one record is held at a time, and a record over
//!   [`MAX_RECORD_BYTES`] (a quote that never closes) stops the file.

mod columns;
mod decode;
mod fields;
mod guard;
mod headers;
pub mod holidays;
mod kinds;
mod template;

use std::io::{self, Cursor, Read};

use chrono::NaiveDate;
use csv::StringRecord;

pub use columns::{Column, columns};
pub use decode::{Decoded, SourceEncoding, Undecodable, decode};
pub use template::template_csv;

use crate::domain::records::{Record, RecordKind};
use guard::Guard;
use headers::{Cells, Layout, shorten};

/// Longest record accepted, in bytes; beyond it the file is refused.
pub const MAX_RECORD_BYTES: u64 = 1024 * 1024;
/// Rows searched for the header (departments put a title above it).
const HEADER_SEARCH_ROWS: usize = 10;
/// The field named in row errors that concern the whole row.
pub const WHOLE_ROW: &str = "整行";

/// Why a file cannot be imported at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("读取文件失败：{0}")]
    Read(String),
    #[error("文件是空的，没有找到表头")]
    Empty,
    #[error("缺少必填列：{}。请使用导入模板的表头", missing.join("、"))]
    MissingColumns { missing: Vec<&'static str> },
    #[error("列“{column}”出现了不止一次，请删除多余的一列")]
    DuplicateColumn { column: &'static str },
    #[error("第 {row} 行起的一条记录超过 1 MB，可能是引号没有配对，请检查该行")]
    RecordTooLong { row: u64 },
    /// A byte sequence the encoding refuses; `second` when the file was
    /// already being read again after a wrong guess.
    #[error(
        "文件{}第 {line} 行有无法识别的字节，整份文件未导入。请在 Excel 或 WPS 中将文件另存为“CSV UTF-8”后重新上传",
        if *second {
            format!("既不是有效的 UTF-8 也不是有效的 GBK 编码：按 {} 读取，", encoding.label())
        } else {
            format!("不是有效的 {} 编码：", encoding.label())
        }
    )]
    Undecodable { encoding: SourceEncoding, line: u64, second: bool },
}

impl FileError {
    /// The encoding to read the whole file again in, when this failure
    /// proved the first guess wrong.
    pub fn retry_as(&self) -> Option<SourceEncoding> {
        match self {
            FileError::Undecodable { encoding, second: false, .. } => decode::fallback(*encoding),
            _ => None,
        }
    }

    /// Of this failure of a second reading and the `first` one, the reading
    /// that got further: most likely the file's encoding, failing where the
    /// file is damaged.
    pub fn furthest(self, first: FileError) -> FileError {
        match (&self, first) {
            (FileError::Undecodable { line: here, .. }, FileError::Undecodable { encoding, line, .. })
                if line > *here =>
            {
                FileError::Undecodable { encoding, line, second: true }
            }
            _ => self,
        }
    }
}

/// One rejected row: where, which column (its Chinese header), what it held, why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("第 {row} 行 {field}“{value}”：{reason}")]
pub struct RowError {
    /// The row number a spreadsheet shows; the header is usually row 1.
    pub row: u64,
    pub field: String,
    pub value: String,
    pub reason: String,
}

/// Counts for the import report, from [`Rows::finish`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    pub encoding: SourceEncoding,
    /// Number of the last row read (header and blank rows included).
    pub last_row: u64,
    pub valid: u64,
    pub rejected: u64,
}

type Source<R> = Guard<io::Chain<Cursor<Vec<u8>>, Decoded<R>>>;

/// The data rows of a department file, parsed one at a time as they are read.
pub struct Rows<R: Read> {
    kind: RecordKind,
    today: NaiveDate,
    reader: csv::Reader<Source<R>>,
    layout: Layout,
    record: StringRecord,
    encoding: SourceEncoding,
    second: bool,
    row: u64,
    valid: u64,
    rejected: u64,
    failure: Option<FileError>,
    done: bool,
}

/// Opens a department file of `kind`: decodes it, finds and checks the header
/// row, and returns the data rows. `today` bounds dates (no clock is read).
pub fn parse<R: Read>(kind: RecordKind, input: R, today: NaiveDate) -> Result<Rows<R>, FileError> {
    parse_as(kind, input, today, None)
}

/// [`parse`], reading the file in `encoding` when given instead of guessing:
/// the second reading of a file whose guess proved wrong, or the writing pass
/// over a file already validated in that encoding.
pub fn parse_as<R: Read>(
    kind: RecordKind,
    input: R,
    today: NaiveDate,
    encoding: Option<SourceEncoding>,
) -> Result<Rows<R>, FileError> {
    let second = encoding.is_some();
    let mut decoded = decode::decode_as(input, encoding).map_err(read_error)?;
    let encoding = decoded.encoding();
    let mut head = Vec::new();
    (&mut decoded).take(decode::SNIFF_LEN as u64).read_to_end(&mut head).map_err(|e| io_error(e, second))?;
    let tabs = head.iter().filter(|&&b| b == b'\t').count();
    let commas = head.iter().filter(|&&b| b == b',').count();
    let delimiter = if tabs > commas { b'\t' } else { b',' };
    let source = Guard::new(Cursor::new(head).chain(decoded), MAX_RECORD_BYTES);
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        // Only LF ends a line; a CR before it is trimmed with the cell. This
        // keeps the row count exact (see `Rows::read`).
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(source);
    let columns = columns::columns(kind);
    let mut rows = Rows {
        kind,
        today,
        reader,
        layout: Layout::empty(columns),
        record: StringRecord::new(),
        encoding,
        second,
        row: 0,
        valid: 0,
        rejected: 0,
        failure: None,
        done: false,
    };
    let mut best: Option<(usize, FileError)> = None;
    for _ in 0..HEADER_SEARCH_ROWS {
        if !rows.read()? {
            break;
        }
        match Layout::new(columns, &rows.record) {
            Ok(layout) => {
                rows.layout = layout;
                return Ok(rows);
            }
            Err(error) => {
                let score = Layout::score(columns, &rows.record);
                if best.as_ref().is_none_or(|(s, _)| score > *s) {
                    best = Some((score, error));
                }
            }
        }
    }
    Err(best.map_or(FileError::Empty, |(_, error)| error))
}

impl<R: Read> Rows<R> {
    /// Reads the next non-blank record into `self.record`; false at the end.
    fn read(&mut self) -> Result<bool, FileError> {
        loop {
            self.reader.get_mut().reset_budget();
            let before = self.reader.position().line();
            match self.reader.read_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => return Ok(false),
                Err(error) => return Err(self.csv_error(error)),
            }
            // Every record ends with a LF (the guard adds one at the end of
            // the file), so the lines consumed are the blank lines before the
            // record, the lines inside its quoted cells, and its own.
            let inner: u64 = self.record.iter().map(|cell| cell.matches('\n').count() as u64).sum();
            self.row += (self.reader.position().line() - before).saturating_sub(inner).max(1);
            if !self.record.iter().all(|cell| fields::clean(cell).is_empty()) {
                return Ok(true);
            }
        }
    }

    fn csv_error(&self, error: csv::Error) -> FileError {
        match error.into_kind() {
            csv::ErrorKind::Io(e) if guard::is_too_long(&e) => FileError::RecordTooLong { row: self.row + 1 },
            csv::ErrorKind::Io(e) => io_error(e, self.second),
            other => FileError::Read(format!("{other:?}")),
        }
    }

    fn convert(&self) -> Result<Record, RowError> {
        let (len, width) = (self.record.len(), self.layout.width);
        let extra_filled = self.record.iter().skip(width).any(|cell| !fields::clean(cell).is_empty());
        if len < width || extra_filled {
            let reason = if len < width {
                format!("该行只有 {len} 列，表头有 {width} 列")
            } else {
                format!("该行有 {len} 列，比表头多（可能是某个值里的逗号没有加引号）")
            };
            let value = shorten(&self.record.iter().collect::<Vec<_>>().join(","));
            return Err(RowError { row: self.row, field: WHOLE_ROW.into(), value, reason });
        }
        let cells = Cells { layout: &self.layout, record: &self.record };
        kinds::convert(self.kind, &cells, self.today).map_err(|e| RowError {
            row: self.row,
            field: e.field.into(),
            value: e.value,
            reason: e.reason,
        })
    }

    pub fn encoding(&self) -> SourceEncoding {
        self.encoding
    }

    /// The row last read, for progress reports.
    pub fn row(&self) -> u64 {
        self.row
    }

    /// Ends the import: the counts, or the error that cut the file short
    /// (then no row of it should be kept).
    pub fn finish(self) -> Result<Summary, FileError> {
        match self.failure {
            Some(error) => Err(error),
            None => {
                Ok(Summary { encoding: self.encoding, last_row: self.row, valid: self.valid, rejected: self.rejected })
            }
        }
    }
}

impl<R: Read> Iterator for Rows<R> {
    type Item = Result<Record, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.read() {
            Ok(true) => {}
            Ok(false) => {
                self.done = true;
                return None;
            }
            Err(error) => {
                self.done = true;
                self.failure = Some(error);
                return None;
            }
        }
        let result = self.convert();
        if result.is_ok() {
            self.valid += 1;
        } else {
            self.rejected += 1;
        }
        Some(result)
    }
}

fn read_error(error: io::Error) -> FileError {
    FileError::Read(error.to_string())
}

/// An I/O error of the decoded stream; the decoder names the line.
fn io_error(error: io::Error, second: bool) -> FileError {
    match decode::undecodable(&error) {
        Some(Undecodable { encoding, line }) => FileError::Undecodable { encoding, line, second },
        None => read_error(error),
    }
}

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
