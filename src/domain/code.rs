//! Values kept in a text column as a fixed code: statuses, kinds, roles. Each
//! such enum has `ALL`, `as_str` (the stored code), `parse`, and where users
//! see it `label` (the Chinese word) and `tone` (how its badge is coloured),
//! so that templates and handlers never compare strings. Rows read the column
//! into the enum with `#[diesel(deserialize_as = String)]`: a code the enum
//! does not know is an error, never a default.

/// How a status badge is coloured (`macros.html`'s `badge`), one meaning on
/// every page: blue while something is under way and waits for someone,
/// green once it ended well, red when it failed or is late, grey when it
/// ended otherwise (expired, cancelled, not chosen) or has not started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Neutral,
    Active,
    Good,
    Bad,
}

impl Tone {
    /// The stylesheet's class for the badge.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Neutral => "",
            Tone::Active => "info",
            Tone::Good => "ok",
            Tone::Bad => "danger",
        }
    }
}

/// Implements the conversions from and to the stored code for an enum with
/// `parse(&str) -> Option<Self>` and `as_str(self) -> &'static str`.
#[macro_export]
macro_rules! stored_as_text {
    ($t:ty) => {
        impl TryFrom<String> for $t {
            type Error = String;
            fn try_from(code: String) -> Result<Self, String> {
                <$t>::parse(&code).ok_or_else(|| format!("unknown {} {code:?}", stringify!($t)))
            }
        }

        impl From<$t> for String {
            fn from(value: $t) -> String {
                value.as_str().to_string()
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::domain::need::NeedStatus;

    #[test]
    fn a_code_reads_back_and_an_unknown_one_is_an_error() {
        for status in NeedStatus::ALL {
            assert_eq!(NeedStatus::try_from(String::from(status)), Ok(status));
        }
        assert!(NeedStatus::try_from("opened".to_string()).is_err());
    }
}
