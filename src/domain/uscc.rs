//! The unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters
//! from a 31-character alphabet, the last one a check character over the first 17.

use std::fmt;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Positions 3 to 8 (0-based 2..8): the administrative division code.
const REGION: std::ops::Range<usize> = 2..8;
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

/// Why a code was refused, in words a user can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("请输入统一社会信用代码")]
    Empty,
    #[error("统一社会信用代码应为 18 位，您输入了 {0} 位")]
    Length(usize),
    #[error("第 {position} 位的「{found}」不是有效字符（只能是数字和除 I、O、Z、S、V 以外的大写字母）")]
    Character { position: usize, found: char },
    #[error("第 {position} 位的「{found}」应为数字：第 3 至 8 位是登记管理机关的行政区划代码")]
    Region { position: usize, found: char },
    #[error("校验位不正确：按前 17 位计算，第 18 位应为「{expected}」，而不是「{found}」，请核对是否有输错的字符")]
    CheckCharacter { expected: char, found: char },
}

impl Uscc {
    /// Parses user or file input. First, as for every other cell: full-width
    /// characters are folded and invisible padding (BOM, zero-width spaces,
    /// word joiner) is dropped; then the spaces and hyphens of a code pasted
    /// in groups (`9135 0100 M000-100Y 43`) go, and letters are upper-cased.
    pub fn parse(input: &str) -> Result<Uscc, UsccError> {
        let code: String = input
            .chars()
            .map(half_width)
            .filter(|&c| !is_invisible(c) && !c.is_whitespace() && c != '-')
            .collect::<String>()
            .to_uppercase();
        if code.is_empty() {
            return Err(UsccError::Empty);
        }
        let chars: Vec<char> = code.chars().collect();
        if chars.len() != 18 {
            return Err(UsccError::Length(chars.len()));
        }
        let mut values = [0u32; 18];
        for (i, c) in chars.iter().enumerate() {
            values[i] = value_of(*c).ok_or(UsccError::Character { position: i + 1, found: *c })?;
            if REGION.contains(&i) && !c.is_ascii_digit() {
                return Err(UsccError::Region { position: i + 1, found: *c });
            }
        }
        let expected = check_character(&values[..17]);
        if chars[17] != expected {
            return Err(UsccError::CheckCharacter { expected, found: chars[17] });
        }
        Ok(Uscc(code))
    }

    /// Completes 17 valid characters with their check character (used to build demo data).
    pub fn with_check_character(first17: &str) -> Option<Uscc> {
        let values: Option<Vec<u32>> = first17.chars().map(value_of).collect();
        let values = values.filter(|v| v.len() == 17)?;
        Some(Uscc(format!("{first17}{}", check_character(&values))))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn value_of(c: char) -> Option<u32> {
    ALPHABET.iter().position(|&a| a as char == c).map(|p| p as u32)
}

fn check_character(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    ALPHABET[check as usize] as char
}

/// Full-width digits and letters (as typed with a Chinese input method) to ASCII.
pub fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Characters that take no space on screen but arrive with copied or exported
/// text: the BOM (U+FEFF), the zero-width space (U+200B) and the word joiner
/// (U+2060). Every import cell and form field drops them.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{FEFF}' | '\u{200B}' | '\u{2060}')
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_codes() {
        // Codes printed on real business licences.
        for code in ["91350100M000100Y43", "91110000600037341L", "914403001922038216"] {
            assert!(Uscc::parse(code).is_ok(), "{code}");
        }
    }

    #[test]
    fn folds_case_spaces_and_full_width() {
        let parsed = Uscc::parse(" ９１３５０１００m０００１００y４３ ").unwrap();
        assert_eq!(parsed.as_str(), "91350100M000100Y43");
    }

    #[test]
    fn drops_invisible_characters_and_group_separators() {
        for padded in ["\u{200B}91350100M000100Y43", "91350100M000100Y43\u{FEFF}", "\u{2060}91350100M000100Y43\u{2060}"]
        {
            assert_eq!(Uscc::parse(padded).unwrap().as_str(), "91350100M000100Y43", "{padded:?}");
        }
        for grouped in ["9135 0100 M000 100Y 43", "9135-0100-M000-100Y-43", "９１３５－０１００　m０００ 100y43"]
        {
            assert_eq!(Uscc::parse(grouped).unwrap().as_str(), "91350100M000100Y43", "{grouped:?}");
        }
    }

    #[test]
    fn the_region_code_is_digits() {
        // A valid check character over a letter in position 5.
        let code = Uscc::with_check_character("9135A100M000100Y4").unwrap();
        assert_eq!(Uscc::parse(code.as_str()), Err(UsccError::Region { position: 5, found: 'A' }));
    }

    #[test]
    fn explains_each_failure() {
        assert_eq!(Uscc::parse(""), Err(UsccError::Empty));
        assert_eq!(Uscc::parse("9135"), Err(UsccError::Length(4)));
        assert_eq!(Uscc::parse("91350100M000100I43"), Err(UsccError::Character { position: 16, found: 'I' }));
        assert_eq!(Uscc::parse("91350100M000100Y44"), Err(UsccError::CheckCharacter { expected: '3', found: '4' }));
    }

    #[test]
    fn completes_check_character() {
        let uscc = Uscc::with_check_character("91350100M000100Y4").unwrap();
        assert_eq!(uscc.as_str(), "91350100M000100Y43");
    }
}
