//! Interest subsidies (贴息): a programme's rules and a quarter's subsidy on a
//! loan. The subsidy is the share of the interest the bank recorded as paid
//! in the quarter that the programme's rate points are of the loan's rate
//! (all of it when the points reach the rate), rounded once to the fen, then
//! held within the programme's caps per enterprise per year and in total.
//! Definitions in docs/fund.md.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::code::Tone;
use super::fund::share;
use super::stats::period::Period;

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

/// A loan as a programme's rules see it, with the interest paid on it in the
/// quarter's counted days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub loan_id: i64,
    pub enterprise_id: i64,
    pub institution_id: i64,
    /// The loan's annual rate, in `domain::Rate` units.
    pub rate: i64,
    pub credit_only: bool,
    pub size: String,
    pub product_id: Option<i64>,
    pub programmes: Vec<String>,
    pub interest_fen: i64,
}

impl Rules {
    /// Whether the programme covers the loan (an empty list covers everything).
    pub fn covers(&self, loan: &Candidate) -> bool {
        (!self.credit_only || loan.credit_only)
            && (self.sizes.is_empty() || self.sizes.contains(&loan.size))
            && (self.products.is_empty() || loan.product_id.is_some_and(|p| self.products.contains(&p)))
            && (self.programmes.is_empty() || loan.programmes.iter().any(|p| self.programmes.contains(p)))
    }
}

/// One loan's line of a quarter's batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub loan_id: i64,
    pub enterprise_id: i64,
    pub institution_id: i64,
    pub interest_fen: i64,
    pub rate: i64,
    pub subsidy_fen: i64,
    pub capped: bool,
}

/// The batch's lines: every covered loan with interest paid, in loan order,
/// each subsidy held within what is left of the enterprise's yearly cap
/// (after `year_given`: (enterprise, fen) of approved batches that year) and
/// of the total cap (after `total_given`), both spent line by line.
pub fn lines(rules: &Rules, loans: &[Candidate], year_given: &[(i64, i64)], total_given: i64) -> Vec<Line> {
    let mut given: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    for (enterprise, fen) in year_given {
        *given.entry(*enterprise).or_default() += fen;
    }
    let mut total_left = rules.cap_total_fen - total_given;
    let mut loans: Vec<&Candidate> = loans.iter().filter(|l| l.interest_fen > 0 && rules.covers(l)).collect();
    loans.sort_by_key(|l| l.loan_id);
    let mut out = Vec::with_capacity(loans.len());
    for loan in loans {
        let got = given.entry(loan.enterprise_id).or_default();
        let amount = subsidy(loan.interest_fen, loan.rate, rules.points);
        let (held, capped) = within_caps(amount, rules.cap_enterprise_year_fen - *got, total_left);
        *got += held;
        total_left -= held;
        out.push(Line {
            loan_id: loan.loan_id,
            enterprise_id: loan.enterprise_id,
            institution_id: loan.institution_id,
            interest_fen: loan.interest_fen,
            rate: loan.rate,
            subsidy_fen: held,
            capped,
        });
    }
    out
}

/// A quarter's batch: computed (it may be computed again) or approved (final).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BatchStatus {
    Computed,
    Approved,
}

crate::stored_as_text!(BatchStatus);

impl BatchStatus {
    pub const ALL: [BatchStatus; 2] = [BatchStatus::Computed, BatchStatus::Approved];

    pub fn as_str(self) -> &'static str {
        match self {
            BatchStatus::Computed => "computed",
            BatchStatus::Approved => "approved",
        }
    }

    pub fn parse(text: &str) -> Option<BatchStatus> {
        BatchStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            BatchStatus::Computed => "待审核",
            BatchStatus::Approved => "已批准",
        }
    }

    pub fn tone(self) -> Tone {
        match self {
            BatchStatus::Computed => Tone::Active,
            BatchStatus::Approved => Tone::Good,
        }
    }
}

/// Rate points as percentage points, "1" or "0.5" (the form's unit).
pub fn points_text(points: i64) -> String {
    super::Rate::from_units(points).input_text()
}

/// The quarters a batch may be computed for on `today`: those that touch the
/// validity `from..=to` and have ended before `today`, the latest first.
pub fn ended_quarters(from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Vec<Period> {
    let mut quarters = Vec::new();
    let mut quarter = Period::quarter_of(from);
    while quarter.from <= to && quarter.to < today {
        quarters.push(quarter);
        quarter = Period::quarter_of(quarter.to.succ_opt().expect("a next day"));
    }
    quarters.reverse();
    quarters
}

/// The days of `quarter` on which paid interest counts: those within the validity.
pub fn counted_days(quarter: &Period, from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
    (quarter.from.max(from), quarter.to.min(to))
}

/// Whether lines (enterprise, subsidy) on top of what approved batches
/// already gave (per enterprise that year, and in total) pass a cap: an
/// approval after another batch of the programme was approved must be
/// computed again.
pub fn over_caps(rules: &Rules, lines: &[(i64, i64)], year_given: &[(i64, i64)], total_given: i64) -> bool {
    let mut per_enterprise = std::collections::HashMap::new();
    for (enterprise, fen) in year_given.iter().chain(lines) {
        *per_enterprise.entry(*enterprise).or_insert(0i64) += fen;
    }
    let total = total_given + lines.iter().map(|(_, fen)| fen).sum::<i64>();
    total > rules.cap_total_fen || per_enterprise.values().any(|fen| *fen > rules.cap_enterprise_year_fen)
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

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_quarters_to_compute_have_ended_within_the_validity() {
        let codes = |from, to, today| -> Vec<String> {
            ended_quarters(day(from), day(to), day(today)).iter().map(Period::code).collect()
        };
        assert_eq!(codes("2026-02-15", "2027-12-31", "2026-10-01"), ["2026-Q3", "2026-Q2", "2026-Q1"]);
        assert_eq!(codes("2026-02-15", "2027-12-31", "2026-09-30"), ["2026-Q2", "2026-Q1"]);
        assert_eq!(codes("2026-01-01", "2026-05-31", "2027-01-01"), ["2026-Q2", "2026-Q1"]);
        assert!(codes("2026-12-01", "2027-12-31", "2026-12-02").is_empty());
        let q1 = Period::quarter(2026, 1).unwrap();
        assert_eq!(counted_days(&q1, day("2026-02-15"), day("2027-01-01")), (day("2026-02-15"), day("2026-03-31")));
    }

    #[test]
    fn lines_over_what_was_given_may_pass_a_cap() {
        let rules = Rules {
            points: 10_000,
            credit_only: false,
            products: vec![],
            programmes: vec![],
            sizes: vec![],
            cap_enterprise_year_fen: 1_000,
            cap_total_fen: 1_500,
        };
        assert!(!over_caps(&rules, &[(1, 600), (2, 400)], &[(1, 400)], 400));
        assert!(over_caps(&rules, &[(1, 601)], &[(1, 400)], 400));
        assert!(over_caps(&rules, &[(1, 600), (2, 600)], &[], 400));
        assert_eq!(points_text(5_000), "0.5");
        assert_eq!(BatchStatus::parse("approved"), Some(BatchStatus::Approved));
    }
}
