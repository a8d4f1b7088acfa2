//! A set of codes kept in one text column as ",a,b," (so that `LIKE '%,a,%'`
//! finds a member; empty means none, or "every" where the column says so):
//! a product's guarantees and repayment methods. Rows read the column into a
//! [`CodeList`] with `#[diesel(deserialize_as = String)]`; a code the enum does
//! not know is an error, never dropped.

use super::Guarantee;
use super::repayment::RepaymentMethod;

/// An enum stored as a fixed code.
pub trait Coded: Copy + PartialEq + Sized {
    fn to_code(self) -> &'static str;
    fn from_code(code: &str) -> Option<Self>;
}

impl Coded for Guarantee {
    fn to_code(self) -> &'static str {
        self.as_str()
    }
    fn from_code(code: &str) -> Option<Self> {
        Guarantee::parse(code)
    }
}

impl Coded for RepaymentMethod {
    fn to_code(self) -> &'static str {
        self.code()
    }
    fn from_code(code: &str) -> Option<Self> {
        RepaymentMethod::parse(code)
    }
}

/// The codes of a list column, in their stored order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeList<T>(pub Vec<T>);

impl<T> Default for CodeList<T> {
    fn default() -> Self {
        CodeList(Vec::new())
    }
}

impl<T: Coded> CodeList<T> {
    pub fn contains(&self, item: T) -> bool {
        self.0.contains(&item)
    }

    pub fn first(&self) -> Option<T> {
        self.0.first().copied()
    }

    pub fn codes(&self) -> Vec<String> {
        self.0.iter().map(|t| t.to_code().to_string()).collect()
    }
}

impl<T> std::ops::Deref for CodeList<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

/// ",a,b," so that `LIKE '%,a,%'` finds a member; empty stays empty.
pub fn wrap(items: &[String]) -> String {
    if items.is_empty() { String::new() } else { format!(",{},", items.join(",")) }
}

/// The members of a ",a,b," column.
pub fn unwrap(list: &str) -> Vec<String> {
    list.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect()
}

impl<T: Coded> TryFrom<String> for CodeList<T> {
    type Error = String;
    fn try_from(column: String) -> Result<Self, String> {
        column
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|code| T::from_code(code).ok_or_else(|| format!("unknown code {code:?} in {column:?}")))
            .collect::<Result<Vec<T>, String>>()
            .map(CodeList)
    }
}

impl<T: Coded> From<CodeList<T>> for String {
    fn from(list: CodeList<T>) -> String {
        wrap(&list.codes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_reads_back_and_an_unknown_member_is_an_error() {
        let list = CodeList(vec![Guarantee::Credit, Guarantee::Pledge]);
        let column = String::from(list.clone());
        assert_eq!(column, ",credit,pledge,");
        assert_eq!(CodeList::<Guarantee>::try_from(column), Ok(list));
        assert_eq!(CodeList::<Guarantee>::try_from(String::new()), Ok(CodeList::default()));
        assert!(CodeList::<Guarantee>::try_from(",credit,gold,".to_string()).is_err());
    }
}
