//! The credit evaluation model (公共信用综合评价): a pure, versioned, deterministic
//! function from one enterprise's records to a score, a grade, a risk level and the
//! factors that produced them. `docs/credit-model.md` is its published description;
//! the worked examples there are the tests in `examples.rs`.

mod calendar;
mod grade;
mod penalties;
mod profile;
mod property;
mod social;
mod tax;
mod utilities;

#[cfg(test)]
mod examples;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod invariants;

use chrono::NaiveDate;

use super::records::{HonourRecord, PenaltyRecord, PropertyRecord, SocialSecurityRecord, TaxRecord, UtilityRecord};

pub use grade::{Grade, RiskLevel};
pub use penalties::is_dishonest;

/// Stored beside every evaluation so that a score can always be traced to the rules
/// that produced it; bump it whenever a weight, band or rule changes.
pub const MODEL_VERSION: &str = "2026.1";

/// Where every enterprise starts. The factors' maxima add up to 550, so a perfect
/// record reaches exactly 1000, and an enterprise we know nothing about (but with no
/// penalty) lands in band C rather than at the bottom.
pub const BASE_SCORE: i32 = 450;

/// The highest score an enterprise on the dishonest list can keep: the top of band D.
pub const DISHONEST_SCORE_CAP: i32 = Grade::C.min_score() as i32 - 1;

/// What the model reads: the records of one enterprise (the caller selects them by
/// USCC), its date of establishment and the date the evaluation is made for.
#[derive(Clone, Copy, Debug)]
pub struct EnterpriseFacts<'a> {
    pub established_on: NaiveDate,
    /// The evaluation date. Everything is judged as of this day; the model never
    /// reads the clock, so re-running an evaluation reproduces it.
    pub as_of: NaiveDate,
    pub tax: &'a [TaxRecord],
    pub utilities: &'a [UtilityRecord],
    pub property: &'a [PropertyRecord],
    pub social_security: &'a [SocialSecurityRecord],
    pub penalties: &'a [PenaltyRecord],
    pub honours: &'a [HonourRecord],
}

impl<'a> EnterpriseFacts<'a> {
    /// Facts with no records at all; fill in the slices that exist.
    pub fn new(established_on: NaiveDate, as_of: NaiveDate) -> EnterpriseFacts<'a> {
        EnterpriseFacts {
            established_on,
            as_of,
            tax: &[],
            utilities: &[],
            property: &[],
            social_security: &[],
            penalties: &[],
            honours: &[],
        }
    }
}

/// The result shown on the credit portrait and stored with the model version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub model_version: &'static str,
    /// 0..=1000: `BASE_SCORE` plus the sum of the factors' points, clamped.
    pub score: u16,
    pub grade: Grade,
    pub risk: RiskLevel,
    /// Every factor, always in the same order, so portraits can be compared.
    pub factors: Vec<Factor>,
    /// An active dishonest-judgment-debtor record: the enterprise is on the
    /// seriously-dishonest list and its grade is D.
    pub dishonest: bool,
}

impl Evaluation {
    /// The factors that would raise the score, most room for improvement first.
    pub fn advice(&self) -> Vec<&Factor> {
        let mut with_advice: Vec<&Factor> = self.factors.iter().filter(|f| f.advice.is_some()).collect();
        with_advice.sort_by_key(|f| std::cmp::Reverse(f.max_points - f.points));
        with_advice
    }
}

/// One line of the score's explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Factor {
    /// Stable identifier, e.g. `tax_grade`; never changes within a model version.
    pub code: &'static str,
    /// What users see, e.g. 纳税信用等级.
    pub label: &'static str,
    /// Signed contribution to the score.
    pub points: i32,
    /// The most this factor can contribute.
    pub max_points: i32,
    /// What in the records produced the points, with the numbers.
    pub explanation: String,
    /// What the enterprise could do to raise these points, if anything.
    pub advice: Option<String>,
}

impl Factor {
    pub(crate) fn new(
        code: &'static str,
        label: &'static str,
        points: i32,
        max_points: i32,
        explanation: String,
        advice: Option<String>,
    ) -> Factor {
        Factor { code, label, points, max_points, explanation, advice }
    }
}

/// Evaluates one enterprise. Pure: the same facts always give the same evaluation,
/// whatever the order of the records in the slices.
pub fn evaluate(facts: &EnterpriseFacts) -> Evaluation {
    let mut factors = vec![
        tax::grade_factor(facts.tax, facts.as_of),
        tax::paid_factor(facts.tax, facts.as_of),
        utilities::usage_factor(facts.utilities, facts.as_of),
        utilities::arrears_factor(facts.utilities, facts.as_of),
        social::headcount_factor(facts.social_security, facts.as_of),
        social::stability_factor(facts.social_security, facts.as_of),
        social::arrears_factor(facts.social_security, facts.as_of),
        property::factor(facts.property),
        penalties::administrative_factor(facts.penalties, facts.as_of),
        penalties::court_factor(facts.penalties, facts.as_of),
        profile::honours_factor(facts.honours, facts.as_of),
        profile::years_factor(facts.established_on, facts.as_of),
    ];
    let dishonest = penalties::is_dishonest(facts.penalties, facts.as_of);
    let raw = BASE_SCORE + factors.iter().map(|f| f.points).sum::<i32>();
    if dishonest {
        // The cap is shown as a factor of its own so the points still add up to the score.
        factors.push(penalties::dishonest_cap_factor(raw));
    }
    let capped = BASE_SCORE + factors.iter().map(|f| f.points).sum::<i32>();
    let score = capped.clamp(0, 1000) as u16;
    let grade = Grade::for_score(score);
    Evaluation { model_version: MODEL_VERSION, score, grade, risk: RiskLevel::for_grade(grade), factors, dishonest }
}
