//! Value axes with round ticks, number formatting with thousands grouping,
//! and how many category labels to skip so they do not overlap.

/// A value range rounded out to whole ticks: lo, lo + step, ..., hi.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
}

impl Axis {
    /// At most about `ticks` intervals covering `min..=max`, each 1, 2, 2.5
    /// or 5 × 10ⁿ.
    pub fn new(min: f64, max: f64, ticks: usize) -> Self {
        let (mut min, mut max) = (min.min(max), min.max(max));
        if max - min < f64::EPSILON * max.abs().max(1.0) {
            // One value and no zero to anchor it: give it room around itself.
            let pad = if min == 0.0 { 1.0 } else { min.abs() * 0.1 };
            (min, max) = if min >= 0.0 && min - pad < 0.0 { (0.0, max + pad) } else { (min - pad, max + pad) };
        }
        let step = nice_step((max - min) / ticks.max(1) as f64);
        let lo = (min / step).floor() * step;
        let hi = (max / step).ceil() * step;
        Self { lo, hi, step }
    }

    /// The tick values, computed from integers so they do not drift.
    pub fn ticks(&self) -> impl Iterator<Item = f64> + '_ {
        let count = ((self.hi - self.lo) / self.step).round() as i64;
        (0..=count).map(move |k| self.lo + k as f64 * self.step)
    }

    /// Decimals that tick labels need: 0 for a step of 1 or more, 2 for 0.25.
    pub fn decimals(&self) -> usize {
        (0..6).find(|&d| (self.step * 10f64.powi(d as i32)).fract().abs() < 1e-6).unwrap_or(6)
    }

    /// Maps a value to a position between `from` (at lo) and `to` (at hi).
    pub fn map(&self, value: f64, from: f64, to: f64) -> f64 {
        from + (value - self.lo) / (self.hi - self.lo) * (to - from)
    }
}

fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 2.5 {
        2.5
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// "1,234,567.5": fixed decimals, thousands grouped, never "-0".
pub fn format_number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let (sign, digits) = match text.strip_prefix('-') {
        Some(digits) if digits.chars().any(|c| c.is_ascii_digit() && c != '0') => ("-", digits),
        Some(digits) => ("", digits),
        None => ("", text.as_str()),
    };
    let (int, frac) = digits.split_once('.').map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut out = String::from(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// A data value for a label: up to two decimals, trailing zeros dropped.
pub fn format_value(value: f64) -> String {
    let text = format_number(value, 2);
    match text.split_once('.') {
        Some((int, frac)) if frac.trim_end_matches('0').is_empty() => int.to_string(),
        Some((int, frac)) => format!("{int}.{}", frac.trim_end_matches('0')),
        None => text,
    }
}

/// "+12.5", "-3", "0": a factor's points.
pub fn format_signed(value: f64) -> String {
    let text = format_value(value);
    if text != "0" && !text.starts_with('-') { format!("+{text}") } else { text }
}

/// "1,234 万元" for `text` "1,234", or the text alone with no unit.
pub fn with_unit(text: &str, unit: &str) -> String {
    if unit.is_empty() { text.to_string() } else { format!("{text} {unit}") }
}

/// Show every n-th category label, n chosen from 1, 2, 3, 4, 6, 12, 24, ...
/// (so months thin to quarters, half-years, years) such that labels
/// `label_width` wide, centred in slots `slot` apart, keep a small gap.
pub fn label_stride(slot: f64, label_width: f64) -> usize {
    let needed = ((label_width + 6.0) / slot).ceil().max(1.0) as usize;
    [1, 2, 3, 4, 6, 12].into_iter().find(|&n| n >= needed).unwrap_or_else(|| needed.div_ceil(12) * 12)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        let axis = Axis::new(0.0, 1234.0, 5);
        assert_eq!(axis, Axis { lo: 0.0, hi: 1250.0, step: 250.0 });
        assert_eq!(axis.ticks().collect::<Vec<_>>(), [0.0, 250.0, 500.0, 750.0, 1000.0, 1250.0]);
        assert_eq!(axis.decimals(), 0);

        let axis = Axis::new(-37.0, 81.0, 4);
        assert_eq!(axis, Axis { lo: -50.0, hi: 100.0, step: 50.0 });

        assert_eq!(Axis::new(0.0, 1.0, 4).decimals(), 2);

        let small = Axis::new(0.0, 0.7, 5);
        assert_eq!(small.step, 0.2);
        assert_eq!(small.decimals(), 1);
        assert_eq!(small.ticks().map(|t| format_number(t, 1)).collect::<Vec<_>>(), ["0.0", "0.2", "0.4", "0.6", "0.8"]);
    }

    #[test]
    fn a_flat_range_still_has_height() {
        assert_eq!(Axis::new(0.0, 0.0, 5), Axis { lo: 0.0, hi: 1.0, step: 0.2 });
        let one = Axis::new(120.0, 120.0, 4);
        assert!(one.lo < 120.0 && one.hi > 120.0 && one.step > 0.0, "{one:?}");
        let negative = Axis::new(-5.0, -5.0, 4);
        assert!(negative.lo < -5.0 && negative.hi > -5.0, "{negative:?}");
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(format_number(1_234_567.891, 2), "1,234,567.89");
        assert_eq!(format_number(-1234.0, 0), "-1,234");
        assert_eq!(format_number(-0.001, 1), "0.0");
        assert_eq!(format_number(999.0, 0), "999");
        assert_eq!(format_value(1500.0), "1,500");
        assert_eq!(format_value(12.50), "12.5");
        assert_eq!(format_value(0.004), "0");
        assert_eq!(format_signed(12.5), "+12.5");
        assert_eq!(format_signed(-3.0), "-3");
        assert_eq!(format_signed(0.0), "0");
    }

    #[test]
    fn month_labels_thin_to_calendar_strides() {
        assert_eq!(label_stride(80.0, 40.0), 1);
        assert_eq!(label_stride(25.0, 40.0), 2);
        assert_eq!(label_stride(10.0, 44.0), 6);
        assert_eq!(label_stride(1.0, 44.0), 60);
    }
}
