//! The frame that bar and line charts share: a value axis on the left with
//! grid lines and the unit, category slots along the bottom with labels
//! thinned so they never overlap.

use super::scale::{Axis, format_number, label_stride};
use super::svg::{AXIS, END, GRID, MIDDLE, MUTED_TEXT, SMALL, SMALL_TEXT, Svg, WIDTH, text_width};

/// Where the plot starts: room for the unit line above it.
const TOP: f64 = 30.0;
/// Room below the plot for the category labels.
pub const LABELS: f64 = 26.0;
const RIGHT_PAD: f64 = 8.0;

pub struct Frame {
    axis: Axis,
    left: f64,
    bottom: f64,
    slots: usize,
}

impl Frame {
    /// A frame over `slots` categories whose plot ends at `bottom`, the left
    /// margin fitted to the widest tick label.
    pub fn new(axis: Axis, slots: usize, bottom: f64) -> Self {
        let widest = axis.ticks().map(|t| text_width(&format_number(t, axis.decimals()), SMALL)).fold(0.0, f64::max);
        Self { axis, left: (widest + 10.0).max(24.0), bottom, slots: slots.max(1) }
    }

    pub fn y(&self, value: f64) -> f64 {
        self.axis.map(value, self.bottom, TOP)
    }

    /// The baseline bars grow from: zero, or the axis end nearest to it.
    pub fn base_y(&self) -> f64 {
        self.y(0.0_f64.clamp(self.axis.lo, self.axis.hi))
    }

    pub fn slot_width(&self) -> f64 {
        (WIDTH - RIGHT_PAD - self.left) / self.slots as f64
    }

    /// The centre of category `i`.
    pub fn x(&self, i: usize) -> f64 {
        self.left + (i as f64 + 0.5) * self.slot_width()
    }

    /// "单位：万元", grid lines with their values, and the baseline.
    pub fn draw_axis(&self, svg: &mut Svg, unit: &str) {
        if !unit.is_empty() {
            svg.text((4.0, 14.0), &[SMALL_TEXT, MUTED_TEXT], &format!("单位：{unit}"));
        }
        svg.group(&[r#"class="y-ticks""#, SMALL_TEXT, MUTED_TEXT, END]);
        for tick in self.axis.ticks() {
            let y = self.y(tick);
            svg.line((self.left, y), (WIDTH - RIGHT_PAD, y), GRID);
            svg.text((self.left - 6.0, y + SMALL * 0.35), &[], &format_number(tick, self.axis.decimals()));
        }
        svg.end_group();
        let base = self.base_y();
        svg.line((self.left, base), (WIDTH - RIGHT_PAD, base), AXIS);
    }

    /// Category labels under the plot, every n-th one when they are crowded,
    /// then with a tick mark to show which point each belongs to.
    pub fn draw_labels(&self, svg: &mut Svg, labels: &[&str]) {
        let widest = labels.iter().map(|l| text_width(l, SMALL)).fold(0.0, f64::max);
        let stride = label_stride(self.slot_width(), widest);
        if stride > 1 {
            for i in (0..labels.len()).step_by(stride) {
                svg.line((self.x(i), self.bottom), (self.x(i), self.bottom + 4.0), AXIS);
            }
        }
        svg.group(&[r#"class="x-labels""#, SMALL_TEXT, MUTED_TEXT, MIDDLE]);
        for (i, label) in labels.iter().enumerate().step_by(stride) {
            // Kept inside the picture when a label is wider than its slot.
            let half = text_width(label, SMALL) / 2.0;
            let x = self.x(i).clamp(half.min(WIDTH / 2.0), (WIDTH - half).max(WIDTH / 2.0));
            svg.text((x, self.bottom + 6.0 + SMALL), &[], label);
        }
        svg.end_group();
    }
}
