//! Exact money: integer fen in the database, `Decimal` at the edges, never a float.

use rust_decimal::Decimal;
use std::fmt;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

/// A column of fen read into the type (`#[diesel(deserialize_as = i64)]`).
impl From<i64> for Money {
    fn from(value: i64) -> Money {
        Money(value)
    }
}

impl From<Money> for i64 {
    fn from(value: Money) -> i64 {
        value.fen()
    }
}

impl Money {
    /// The largest amount a need, an offer or a credit line may name: 10 亿元.
    pub const MAX_LOAN: Money = Money(100_000 * 1_000_000);

    pub const fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    pub fn from_yuan(yuan: i64) -> Money {
        Money(yuan * 100)
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// A positive amount typed in 万元 with at most two decimals ("200", "1,500.5").
    pub fn parse_wan(text: &str) -> Option<Money> {
        Money::parse_wan_places(text, 2)
    }

    /// A positive amount typed in 万元 to the fen: at most six decimals ("300", "0.000001").
    pub fn parse_wan_fen(text: &str) -> Option<Money> {
        Money::parse_wan_places(text, 6)
    }

    fn parse_wan_places(text: &str, places: u32) -> Option<Money> {
        let wan: Decimal = text.trim().replace([',', '，'], "").parse().ok()?;
        if wan.scale() > places || wan <= Decimal::ZERO {
            return None;
        }
        i64::try_from(wan * Decimal::from(1_000_000)).ok().map(Money)
    }

    /// An amount typed in 元 with at most two decimals ("1,234.56"), zero
    /// allowed (a repayment's interest or penalty may be nothing).
    pub fn parse_yuan(text: &str) -> Option<Money> {
        let yuan: Decimal = text.trim().replace([',', '，'], "").parse().ok()?;
        if yuan.scale() > 2 || yuan < Decimal::ZERO {
            return None;
        }
        i64::try_from(yuan * Decimal::from(100)).ok().filter(|fen| *fen <= Money::MAX_LOAN.fen()).map(Money)
    }

    /// The amount in 元 as a form field shows it ("1234.5").
    pub fn yuan_input(self) -> String {
        self.to_decimal().normalize().to_string()
    }

    /// The amount in 万元 as a form field shows it ("200.5").
    pub fn wan_input(self) -> String {
        Decimal::new(self.0, 6).normalize().to_string()
    }

    /// "500.00 万元": how loan amounts and capital are shown.
    pub fn wan_text(self) -> String {
        let wan = Decimal::new(self.0, 6).round_dp(2);
        format!("{} 万元", group_thousands(&format!("{wan:.2}")))
    }

    /// "1,234,567.89 元": precise amounts.
    pub fn yuan_text(self) -> String {
        format!("{} 元", group_thousands(&format!("{:.2}", self.to_decimal())))
    }
}

fn group_thousands(number: &str) -> String {
    let (sign, digits) = number.strip_prefix('-').map_or(("", number), |d| ("-", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped}.{frac}") }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.yuan_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_typed_in_wan_become_exact_fen() {
        assert_eq!(Money::parse_wan(" 1,500.5 "), Some(Money::from_yuan(15_005_000)));
        assert_eq!(Money::parse_wan("0.01"), Some(Money::from_yuan(100)));
        assert_eq!(Money::parse_wan_fen("0.000001"), Some(Money::from_fen(1)));
        assert_eq!(Money::parse_wan_fen("0.0000001"), None);
        for bad in ["", "0", "-3", "1.234", "abc"] {
            assert_eq!(Money::parse_wan(bad), None, "{bad}");
        }
        assert_eq!(Money::from_yuan(2_005_000).wan_input(), "200.5");
        assert_eq!(Money::parse_yuan("1,234.56"), Some(Money::from_fen(123_456)));
        assert_eq!(Money::parse_yuan("0"), Some(Money::from_fen(0)));
        for bad in ["", "-1", "1.234", "abc", "2000000000"] {
            assert_eq!(Money::parse_yuan(bad), None, "{bad}");
        }
        assert_eq!(Money::from_fen(123_450).yuan_input(), "1234.5");
    }

    #[test]
    fn formats_for_people() {
        assert_eq!(Money::from_fen(123_456_789).yuan_text(), "1,234,567.89 元");
        assert_eq!(Money::from_yuan(5_000_000).wan_text(), "500.00 万元");
        assert_eq!(Money::from_yuan(12_345).wan_text(), "1.23 万元");
        assert_eq!(Money::from_fen(-5).yuan_text(), "-0.05 元");
    }
}
