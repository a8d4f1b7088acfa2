//! Interest subsidies (贴息): a programme's rules and a quarter's subsidy on a
//! loan. The subsidy is the share of the interest the bank recorded as paid
//! in the quarter that the programme's rate points are of the loan's rate
//! (all of it when the points reach the rate), rounded once to the fen, then
//! held within the programme's caps per enterprise per year and in total.
//! Definitions in docs/fund.md.

use serde::{Deserialize, Serialize};

use super::fund::share;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// Rate points subsidised, in `domain::Rate` units (0.5 pp is 5,000).
    pub points: i64,
    /// Only credit loans.
    pub credit_only: bool,
    /// Products covered (ids); empty: any.
    pub products: Vec<i64>,
    /// Programmes covered; empty: any.
    pub programmes: Vec<String>,
    /// Enterprise size classes covered; empty: all.
    pub sizes: Vec<String>,
    /// At most this much per enterprise per calendar year.
    pub cap_enterprise_year_fen: i64,
    /// At most this much over the programme's life.
    pub cap_total_fen: i64,
}

/// The most rate points a programme may subsidise: 10 percentage points
/// (programmes such as Guangxi's give 0.5 to 2).
pub const MAX_POINTS: i64 = 100_000;

impl Rules {
    /// What is wrong with the rules, per form field; empty when they may be saved.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut problems = Vec::new();
        if self.points <= 0 || self.points > MAX_POINTS {
            problems.push(("points", "贴息点数须大于 0 且不超过 10 个百分点"));
        }
        if self.cap_enterprise_year_fen <= 0 {
            problems.push(("cap_enterprise_year", "请填写每户每年贴息上限"));
        }
        if self.cap_total_fen <= 0 {
            problems.push(("cap_total", "请填写贴息总额上限"));
        } else if self.cap_enterprise_year_fen > self.cap_total_fen {
            problems.push(("cap_enterprise_year", "每户每年上限不能高于总额上限"));
        }
        problems
    }
}

/// The uncapped subsidy on `interest_fen` paid at `loan_rate` with `points` subsidised.
pub fn subsidy(interest_fen: i64, loan_rate: i64, points: i64) -> i64 {
    if loan_rate <= 0 || interest_fen <= 0 {
        return 0;
    }
    share(interest_fen, points.min(loan_rate), loan_rate)
}

/// `amount` held within what is left under both caps; and whether a cap cut it.
pub fn within_caps(amount: i64, enterprise_year_left: i64, total_left: i64) -> (i64, bool) {
    let held = amount.min(enterprise_year_left.max(0)).min(total_left.max(0));
    (held, held < amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subsidy_is_the_points_share_of_the_interest() {
        // 1 pp of a 4 % loan: a quarter of 10,000.00 元 of interest.
        assert_eq!(subsidy(1_000_000, 40_000, 10_000), 250_000);
        // 1.5 pp of 3.85 %: 333,334 fen × 15,000 / 38,500 = 129,870.39 fen.
        assert_eq!(subsidy(333_334, 38_500, 15_000), 129_870);
        // 129,870.649… rounds up.
        assert_eq!(subsidy(333_335, 38_500, 15_000), 129_871);
        // Points above the rate: all the interest, never more.
        assert_eq!(subsidy(100, 5_000, 20_000), 100);
        assert_eq!(subsidy(0, 40_000, 10_000), 0);
    }

    #[test]
    fn caps_hold_the_subsidy() {
        assert_eq!(within_caps(500, 1_000, 1_000), (500, false));
        assert_eq!(within_caps(500, 300, 1_000), (300, true));
        assert_eq!(within_caps(500, 1_000, 0), (0, true));
    }
}
