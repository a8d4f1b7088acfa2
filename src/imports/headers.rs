//! Matching a file's header row to a kind's columns, and reading a row's cells
//! by column. Headers are typed by hand in many departments, so matching
//! ignores case, spaces, `_`/`-`, a leading `*`, BOM remnants, full-width
//! forms and a bracketed unit (`注册资本（万元）`), which is kept to scale amounts.

use csv::StringRecord;

use super::FileError;
use super::columns::Column;
use super::fields;
use crate::domain::{Money, uscc::half_width};

/// Where each of a kind's columns sits in the file, by the kind's column order.
#[derive(Debug)]
pub(crate) struct Layout {
    columns: &'static [Column],
    index: Vec<Option<usize>>,
    /// True where the header gave the unit as 万元.
    wan: Vec<bool>,
    /// Number of cells in the header row.
    pub width: usize,
}

/// The comparable form of a header (or alias), and the unit in brackets if any.
pub(crate) fn normalize(header: &str) -> (String, Option<String>) {
    let folded: String = fields::clean(header)
        .chars()
        .map(half_width)
        .map(|c| match c {
            '【' | '〔' => '[',
            '】' | '〕' => ']',
            _ => c,
        })
        .filter(|&c| !c.is_whitespace() && !matches!(c, '_' | '-') && !crate::domain::uscc::is_invisible(c))
        .collect::<String>()
        .to_lowercase();
    let folded = folded.trim_start_matches('*').trim_end_matches(['*', ':']);
    for (open, close) in [('(', ')'), ('[', ']')] {
        if let Some(body) = folded.strip_suffix(close)
            && let Some((name, unit)) = body.rsplit_once(open)
            && !name.is_empty()
        {
            return (name.to_string(), Some(unit.to_string()));
        }
    }
    (folded.to_string(), None)
}

impl Column {
    fn matches(&self, name: &str) -> bool {
        [self.label, self.english].iter().chain(self.aliases).any(|alias| normalize(alias).0 == name)
    }
}

impl Layout {
    /// A placeholder until the header row is found.
    pub(crate) fn empty(columns: &'static [Column]) -> Layout {
        Layout { columns, index: vec![None; columns.len()], wan: vec![false; columns.len()], width: 0 }
    }

    /// Maps a candidate header row; Err lists what is missing or doubled.
    pub(crate) fn new(columns: &'static [Column], header: &StringRecord) -> Result<Layout, FileError> {
        let mut index = vec![None; columns.len()];
        let mut wan = vec![false; columns.len()];
        for (position, cell) in header.iter().enumerate() {
            let (name, unit) = normalize(cell);
            if name.is_empty() {
                continue;
            }
            let Some(c) = columns.iter().position(|c| c.matches(&name)) else { continue };
            if index[c].is_some() {
                return Err(FileError::DuplicateColumn { column: columns[c].label });
            }
            index[c] = Some(position);
            wan[c] = unit.is_some_and(|u| u.starts_with("万"));
        }
        let missing: Vec<&'static str> =
            columns.iter().zip(&index).filter(|(c, i)| c.required && i.is_none()).map(|(c, _)| c.label).collect();
        if !missing.is_empty() {
            return Err(FileError::MissingColumns { missing });
        }
        Ok(Layout { columns, index, wan, width: header.len() })
    }

    /// How many of the kind's columns a row names (to find the header row).
    pub(crate) fn score(columns: &'static [Column], header: &StringRecord) -> usize {
        columns.iter().filter(|c| header.iter().any(|cell| c.matches(&normalize(cell).0))).count()
    }
}

/// A bad cell: which column, what it held, and why it was refused.
#[derive(Debug)]
pub(crate) struct CellError {
    pub field: &'static str,
    pub value: String,
    pub reason: String,
}

/// One data row, read through the layout.
pub(crate) struct Cells<'a> {
    pub layout: &'a Layout,
    pub record: &'a StringRecord,
}

impl Cells<'_> {
    fn position(&self, key: &str) -> usize {
        // Keys are fixed in code; a typo is a bug caught by every kind's tests.
        self.layout.columns.iter().position(|c| c.key == key).unwrap_or_else(|| panic!("no column {key}"))
    }

    /// The cell's text, or "" when the column is absent or the row is short.
    pub fn raw(&self, key: &str) -> &str {
        let c = self.position(key);
        self.layout.index[c].and_then(|i| self.record.get(i)).unwrap_or("")
    }

    /// Parses one cell, naming the column in the error.
    pub fn get<T>(&self, key: &str, parse: impl FnOnce(&str) -> Result<T, String>) -> Result<T, CellError> {
        let raw = self.raw(key);
        parse(raw).map_err(|reason| self.error(key, raw, reason))
    }

    /// An optional cell: `None` when blank, else parsed.
    pub fn optional<T>(
        &self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<Option<T>, CellError> {
        if fields::is_blank(self.raw(key)) { Ok(None) } else { self.get(key, parse).map(Some) }
    }

    /// An amount, in 万元 when the header says so; blank means zero unless required.
    pub fn money(&self, key: &str) -> Result<Money, CellError> {
        let c = self.position(key);
        let required = self.layout.columns[c].required;
        if !required && fields::is_blank(self.raw(key)) {
            return Ok(Money::default());
        }
        if self.layout.wan[c] { self.get(key, fields::amount_wan) } else { self.get(key, fields::amount) }
    }

    pub fn error(&self, key: &str, raw: &str, reason: String) -> CellError {
        let field = self.layout.columns[self.position(key)].label;
        CellError { field, value: shorten(fields::clean(raw)), reason }
    }
}

/// Keeps error reports bounded when a cell holds a whole paragraph of garbage.
pub(crate) fn shorten(value: &str) -> String {
    const MAX: usize = 100;
    if value.chars().count() <= MAX { value.to_string() } else { value.chars().take(MAX).chain(['…']).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_the_ways_headers_are_typed() {
        assert_eq!(normalize("统一社会信用代码"), ("统一社会信用代码".into(), None));
        assert_eq!(normalize("\u{FEFF} Credit_Code "), ("creditcode".into(), None));
        assert_eq!(normalize("*注册资本（万元）"), ("注册资本".into(), Some("万元".into())));
        assert_eq!(normalize("registered_capital (CNY)"), ("registeredcapital".into(), Some("cny".into())));
        assert_eq!(normalize("面积【平方米】"), ("面积".into(), Some("平方米".into())));
        assert_eq!(normalize("纳 税 额(元)："), ("纳税额".into(), Some("元".into())));
        assert_eq!(normalize("（元）"), ("(元)".into(), None));
    }
}
