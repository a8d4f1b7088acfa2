//! Exact arithmetic for the figures: sums in fen to 万元, shares, means and
//! medians, each rounded once to two decimals, half away from zero.

use rust_decimal::{Decimal, RoundingStrategy};

/// Two decimals always: "10.00", not "10", as the units say.
fn round(value: Decimal) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(2);
    rounded
}

/// A count as a figure's value.
pub fn count(n: usize) -> Option<Decimal> {
    Some(Decimal::from(n as i64))
}

/// Fen to 万元 (1 万元 = 1,000,000 fen), two decimals.
pub fn wan(fen: i64) -> Option<Decimal> {
    Some(round(Decimal::new(fen, 6)))
}

/// `part / whole` in percent; None when nothing is counted.
pub fn percent(part: usize, whole: usize) -> Option<Decimal> {
    (whole > 0).then(|| round(Decimal::from(part as i64) * Decimal::from(100) / Decimal::from(whole as i64)))
}

/// `part / whole` of two sums in fen, in percent.
pub fn percent_fen(part: i64, whole: i64) -> Option<Decimal> {
    (whole > 0).then(|| round(Decimal::from(part) * Decimal::from(100) / Decimal::from(whole)))
}

/// The mean of the values divided by `scale` (1 for days, 10,000 for rate
/// units to percent, 3,600 for seconds to hours).
pub fn mean(values: &[i64], scale: i64) -> Option<Decimal> {
    if values.is_empty() {
        return None;
    }
    let sum: i128 = values.iter().map(|v| *v as i128).sum();
    let sum = Decimal::from_i128_with_scale(sum, 0);
    Some(round(sum / Decimal::from(values.len() as i64) / Decimal::from(scale)))
}

/// The median (the mean of the two middle values of an even count), divided by `scale`.
pub fn median(values: &mut [i64], scale: i64) -> Option<Decimal> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    let middle = if n % 2 == 1 {
        Decimal::from(values[n / 2])
    } else {
        (Decimal::from(values[n / 2 - 1]) + Decimal::from(values[n / 2])) / Decimal::from(2)
    };
    Some(round(middle / Decimal::from(scale)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Option<Decimal> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn rounding_is_half_away_from_zero_once() {
        assert_eq!(wan(1_234_567_890), d("1234.57"));
        assert_eq!(wan(5_000), d("0.01"));
        assert_eq!(wan(4_999), d("0.00"));
        assert_eq!(percent(1, 3), d("33.33"));
        assert_eq!(percent(2, 3), d("66.67"));
        assert_eq!(percent(1, 0), None);
        assert_eq!(percent_fen(1, 8), d("12.50"));
        assert_eq!(mean(&[1, 2], 1), d("1.50"));
        assert_eq!(mean(&[38_500, 43_500], 10_000), d("4.10"));
        assert_eq!(mean(&[], 1), None);
        assert_eq!(median(&mut [5, 1, 3], 1), d("3"));
        assert_eq!(median(&mut [4, 1, 3, 2], 1), d("2.50"));
        assert_eq!(median(&mut [5_400, 1_800], 3_600), d("1.00"));
        // A whole mean, median or share is still written with two decimals.
        for value in [mean(&[4, 4], 1), median(&mut [2, 4], 1), percent(1, 1), wan(1_000_000)] {
            assert_eq!(value.unwrap().to_string().split_once('.').map(|(_, f)| f.len()), Some(2), "{value:?}");
        }
    }

    #[test]
    fn whole_results_still_show_two_decimals() {
        assert_eq!(mean(&[10, 10], 1).unwrap().to_string(), "10.00");
        assert_eq!(percent(1, 1).unwrap().to_string(), "100.00");
        assert_eq!(median(&mut [7], 1).unwrap().to_string(), "7.00");
    }
}
