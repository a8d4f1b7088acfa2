//! The options of the pages' selects that every filter shares: 不限 (no
//! filter) first, then regions, industries or grades.

use crate::domain::credit::Grade;
use crate::domain::industry;
use crate::models::region::Region;

/// 不限, then `options`.
pub fn any_or(options: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), "不限".to_string())).chain(options).collect()
}

pub fn regions(regions: &[Region]) -> Vec<(String, String)> {
    any_or(regions.iter().map(|r| (r.code.clone(), r.name.clone())))
}

pub fn industries() -> Vec<(String, String)> {
    any_or(industry::SECTIONS.iter().map(|(code, name)| (code.to_string(), name.to_string())))
}

/// Each grade from the best, as a floor ("AA 及以上").
pub fn grades_at_least() -> Vec<(String, String)> {
    any_or(Grade::ALL.iter().rev().map(|g| (g.as_str().to_string(), format!("{} 及以上", g.as_str()))))
}
