//! Long lists a page at a time: which page is shown (`?page=N`), and the
//! query-string helper of list filters. Pure values, so that a model's list
//! query can return its page without knowing the web.

/// The most lines one CSV export of a list holds: the export asks the list's
/// own query for one page this long, so memory stays bounded, and a longer
/// list says in the file's last line that it was cut (`web::csv_export`).
pub const EXPORT_ROWS: i64 = 10_000;

/// Which page of a long list is shown; `?page=N` in the URL, 1-based.
#[derive(Clone, Copy, Debug)]
pub struct Pager {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    /// The list was counted only up to `total`; there may be more.
    pub capped: bool,
}

impl Pager {
    pub fn new(page: Option<i64>, per_page: i64, total: i64) -> Pager {
        let last = ((total + per_page - 1) / per_page).max(1);
        Pager { page: page.unwrap_or(1).clamp(1, last), per_page, total, capped: false }
    }

    /// For lists too long to count on every page view: `seen` rows were found
    /// when looking for at most `cap + 1`; beyond `cap` the total reads "1000+".
    pub fn capped(page: Option<i64>, per_page: i64, seen: i64, cap: i64) -> Pager {
        Pager { capped: seen > cap, ..Pager::new(page, per_page, seen.min(cap)) }
    }

    /// "1,000+" or the exact count.
    pub fn total_text(&self) -> String {
        if self.capped { format!("{}+", self.total) } else { self.total.to_string() }
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }

    pub fn prev(&self) -> Option<i64> {
        (self.page > 1).then_some(self.page - 1)
    }

    pub fn next(&self) -> Option<i64> {
        (self.page < self.pages()).then_some(self.page + 1)
    }
}

/// Lets an empty query parameter (`?term=`) mean "not given" instead of a 400.
pub fn empty_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
{
    let text: Option<String> = serde::Deserialize::deserialize(deserializer)?;
    Ok(text.and_then(|t| t.trim().parse().ok()))
}
