//! Annual interest rates: percentages with up to four decimals, stored as an
//! integer count of 0.0001 percentage points, never a float.

use rust_decimal::Decimal;
use std::fmt;

/// 3.85% is `Rate(38_500)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(i64);

/// A column of units read into the type (`#[diesel(deserialize_as = i64)]`).
impl From<i64> for Rate {
    fn from(value: i64) -> Rate {
        Rate(value)
    }
}

impl From<Rate> for i64 {
    fn from(value: Rate) -> i64 {
        value.units()
    }
}

impl Rate {
    pub const SCALE: u32 = 4;

    pub fn from_units(units: i64) -> Rate {
        Rate(units)
    }

    pub fn units(self) -> i64 {
        self.0
    }

    /// Parses "3.85", "3.85%" or "年化 3.85%"; at most four decimals.
    pub fn parse(text: &str) -> Result<Rate, &'static str> {
        let cleaned: String = text
            .trim()
            .trim_start_matches("年化")
            .trim_end_matches('%')
            .trim_end_matches('％')
            .trim()
            .chars()
            .map(super::uscc::half_width)
            .collect();
        let value: Decimal = cleaned.parse().map_err(|_| "请输入年化利率，如 3.85")?;
        if value.scale() > Rate::SCALE {
            return Err("利率最多保留 4 位小数");
        }
        let units = (value * Decimal::from(10_000)).trunc();
        i64::try_from(units).map(Rate).map_err(|_| "利率超出范围")
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, Rate::SCALE)
    }

    /// "3.85%": trailing zeros dropped, at least two decimals.
    pub fn percent_text(self) -> String {
        let value = self.to_decimal().normalize();
        let text = if value.scale() < 2 { format!("{value:.2}") } else { value.to_string() };
        format!("{text}%")
    }

    /// The number alone, for form fields.
    pub fn input_text(self) -> String {
        self.to_decimal().normalize().to_string()
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.percent_text())
    }
}

#[cfg(test)]
mod tests {
    use super::Rate;

    #[test]
    fn parses_and_shows_rates_exactly() {
        assert_eq!(Rate::parse("3.85").unwrap().units(), 38_500);
        assert_eq!(Rate::parse("年化 3.85%").unwrap().units(), 38_500);
        assert_eq!(Rate::parse("４.３５").unwrap().units(), 43_500);
        assert_eq!(Rate::parse("3.1234").unwrap().percent_text(), "3.1234%");
        assert_eq!(Rate::parse("4").unwrap().percent_text(), "4.00%");
        assert!(Rate::parse("3.12345").is_err());
        assert!(Rate::parse("abc").is_err());
    }
}
