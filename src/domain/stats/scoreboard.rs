//! The public scoreboard of every bank (机构服务榜): per institution over a
//! period, how fast it grabs, contacts and decides, how often it approves
//! and at what rate, what it lends, and the time rules it broke. Counted
//! from [`Facts`] alone; definitions in docs/statistics.md (Scoreboard).
//!
//! A share or a median over fewer than [`MIN_SAMPLE`] cases says 样本不足
//! ([`Sample::TooFew`]) rather than a misleading figure. The offer figures
//! are `offer_figures`' (the platform's own are the same over every offer);
//! the periods a visitor may choose are in `periods`, the orderings in `sort`.

mod periods;
mod sort;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use periods::{choices, chosen, trailing};
pub use sort::Sort;

use super::facts::{Facts, OfferFact};
use super::indicators::drawn_in;
use super::measure::wan;
use super::offer_figures::{OfferFigures, ReasonCount};
use super::{Period, Unit, value_text};
use crate::domain::calendar::to_beijing;

/// Below this many decisions (or judged contacts) a figure is 样本不足.
pub const MIN_SAMPLE: usize = 5;

/// How many decline reasons a row names.
pub const TOP_REASONS: usize = 3;

/// A figure that needs a sample: measured, or too few cases to say.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sample {
    /// Fewer than [`MIN_SAMPLE`] cases: how many there were.
    TooFew(usize),
    /// Enough cases; None when there is nothing to average (no approvals).
    Measured(Option<Decimal>),
}

impl Sample {
    /// `value` over `cases` cases, or 样本不足 below [`MIN_SAMPLE`].
    pub fn of(cases: usize, value: Option<Decimal>) -> Sample {
        if cases < MIN_SAMPLE { Sample::TooFew(cases) } else { Sample::Measured(value) }
    }

    /// The value when measured.
    pub fn value(&self) -> Option<Decimal> {
        match self {
            Sample::TooFew(_) => None,
            Sample::Measured(value) => *value,
        }
    }

    pub fn too_few(&self) -> bool {
        matches!(self, Sample::TooFew(_))
    }

    /// "92.31%", "3.50 天", "—" or "样本不足".
    pub fn text(&self, unit: Unit) -> String {
        match self {
            Sample::TooFew(_) => "样本不足".to_string(),
            Sample::Measured(None) => "—".to_string(),
            Sample::Measured(Some(v)) => with_unit(*v, unit),
        }
    }
}

/// "12.50%", "3.00 天", "150.00 万元", "12 家": amounts, shares and times
/// always with their two decimals, counts whole.
pub fn with_unit(value: Decimal, unit: Unit) -> String {
    match unit {
        Unit::Percent => format!("{value:.2}%"),
        Unit::Wan | Unit::Days | Unit::Hours => format!("{value:.2} {}", unit.label()),
        Unit::Entities | Unit::Count | Unit::Items => format!("{value} {}", unit.label()),
    }
}

/// One institution's line on the scoreboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankRow {
    pub institution_id: i64,
    pub name: String,
    /// `InstitutionKind::label`: 银行, 农村信用社 …
    pub kind: String,
    /// Offers it made (needs grabbed) in the period.
    pub grabbed: usize,
    /// Median hours from a need's publication to this bank's grab.
    pub grab_median_hours: Option<Decimal>,
    /// Grabs whose contact is recorded or due: judged against the contact time.
    pub contacts_judged: usize,
    /// 按时联系占比: contacted by the due time, over the judged.
    pub contact_on_time: Sample,
    /// Decisions recorded in the period.
    pub decided: usize,
    /// 授信决定中位时长: days from the acceptance to the decision.
    pub decision_median_days: Sample,
    /// 授信批准率: approved over decided.
    pub approval_share: Sample,
    /// The most frequent decline reasons (label, count), most first.
    pub decline_reasons: Vec<(String, usize)>,
    /// 平均批准利率: the mean annual rate of its approvals, percent.
    pub approved_rate_mean: Sample,
    /// 放款金额: its drawdowns in the period, 万元.
    pub loan_amount: Option<Decimal>,
    /// 首贷笔数: its first loans (首贷) first drawn in the period.
    pub first_loans: usize,
    pub rules: RulesBroken,
}

/// The time rules an institution broke in the period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesBroken {
    /// Grabs contacted after the contact due time.
    pub contacts_late: usize,
    /// Grabs past their contact due time with no contact recorded.
    pub contacts_missed: usize,
    /// Decisions due in the period recorded after the due time.
    pub decisions_late: usize,
    /// Decisions due in the period, past due, not recorded.
    pub decisions_missing: usize,
}

impl RulesBroken {
    pub fn any(&self) -> bool {
        self.contacts_late + self.contacts_missed + self.decisions_late + self.decisions_missing > 0
    }
}

impl BankRow {
    pub fn contact_text(&self) -> String {
        self.contact_on_time.text(Unit::Percent)
    }

    pub fn decision_text(&self) -> String {
        self.decision_median_days.text(Unit::Days)
    }

    pub fn approval_text(&self) -> String {
        self.approval_share.text(Unit::Percent)
    }

    pub fn approved_rate_text(&self) -> String {
        self.approved_rate_mean.text(Unit::Percent)
    }

    pub fn grab_median_text(&self) -> String {
        self.grab_median_hours.map_or_else(|| value_text(None), |v| with_unit(v, Unit::Hours))
    }

    pub fn loan_amount_text(&self) -> String {
        self.loan_amount.map_or_else(|| value_text(None), |v| with_unit(v, Unit::Wan))
    }

    /// Why a figure says 样本不足, naming only the samples that are too small.
    pub fn sample_note(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.contact_on_time.too_few() {
            parts.push(format!("可统计的联系记录仅 {} 笔", self.contacts_judged));
        }
        if self.approval_share.too_few() {
            parts.push(format!("授信决定仅 {} 笔", self.decided));
        }
        (!parts.is_empty())
            .then(|| format!("样本不足：{}（不足 {MIN_SAMPLE} 笔），暂不计算，以免误导。", parts.join("，")))
    }

    /// "成立年限不足 2 · 其他原因 1", or "—".
    pub fn decline_text(&self) -> String {
        if self.decline_reasons.is_empty() {
            return value_text(None);
        }
        self.decline_reasons.iter().map(|(label, n)| format!("{label} {n}")).collect::<Vec<_>>().join(" · ")
    }
}

/// Every institution's row for `period`, in the institutions' order.
pub fn rows(facts: &Facts, period: &Period) -> Vec<BankRow> {
    let mut offers: HashMap<i64, Vec<&OfferFact>> = HashMap::new();
    for offer in &facts.offers {
        offers.entry(offer.institution_id).or_default().push(offer);
    }
    let mut lent: HashMap<i64, i64> = HashMap::new();
    let mut first: HashMap<i64, HashSet<i64>> = HashMap::new();
    for (d, loan) in drawn_in(facts, period) {
        *lent.entry(loan.institution_id).or_default() += d.amount_fen;
        if d.first_of_loan && loan.first_loan {
            first.entry(loan.institution_id).or_default().insert(loan.id);
        }
    }
    facts
        .institutions
        .iter()
        .map(|i| {
            let own = offers.get(&i.id).map(Vec::as_slice).unwrap_or_default();
            let mut row = of_offers(own, period, facts.as_of);
            row.institution_id = i.id;
            row.name = i.name.clone();
            row.kind = i.kind.label().to_string();
            row.loan_amount = wan(lent.get(&i.id).copied().unwrap_or(0));
            row.first_loans = first.get(&i.id).map_or(0, HashSet::len);
            row
        })
        .collect()
}

/// The figures of one institution's offers.
fn of_offers(offers: &[&OfferFact], period: &Period, as_of: NaiveDateTime) -> BankRow {
    let f = OfferFigures::of(offers.iter().copied(), period, as_of);
    BankRow {
        institution_id: 0,
        name: String::new(),
        kind: String::new(),
        grabbed: f.grabbed,
        grab_median_hours: f.grab_median_hours,
        contacts_judged: f.contacts_judged,
        contact_on_time: Sample::of(f.contacts_judged, f.contact_on_time_share()),
        decided: f.decided,
        decision_median_days: Sample::of(f.decided, f.decision_median_days),
        approval_share: Sample::of(f.decided, f.approval_share()),
        decline_reasons: top_reasons(&f.decline_reasons),
        approved_rate_mean: Sample::of(f.decided, f.approved_rate_mean),
        loan_amount: None,
        first_loans: 0,
        rules: rules_broken(offers, period, as_of),
    }
}

/// The reasons given at least once, at most [`TOP_REASONS`], most first.
fn top_reasons(counted: &[ReasonCount]) -> Vec<(String, usize)> {
    counted.iter().filter(|r| r.count > 0).take(TOP_REASONS).map(|r| (r.label.to_string(), r.count)).collect()
}

fn rules_broken(offers: &[&OfferFact], period: &Period, as_of: NaiveDateTime) -> RulesBroken {
    let grabbed: Vec<_> = offers.iter().filter(|o| period.contains(o.created_on)).collect();
    let due_in: Vec<_> = offers
        .iter()
        .filter_map(|o| o.decision_due.map(|due| (o, due)))
        .filter(|(_, due)| period.contains(to_beijing(*due).date()))
        .collect();
    RulesBroken {
        contacts_late: grabbed.iter().filter(|o| o.contacted_at.is_some_and(|at| at > o.contact_due)).count(),
        contacts_missed: grabbed.iter().filter(|o| o.contacted_at.is_none() && o.contact_due <= as_of).count(),
        decisions_late: due_in.iter().filter(|(o, due)| o.decided_at.is_some_and(|at| at > *due)).count(),
        decisions_missing: due_in.iter().filter(|(o, due)| o.decided_at.is_none() && *due <= as_of).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_five_cases_is_too_few() {
        assert_eq!(Sample::of(4, Some(Decimal::from(50))).text(Unit::Percent), "样本不足");
        assert_eq!(Sample::of(5, Some(Decimal::from(40))).text(Unit::Percent), "40.00%");
        assert_eq!(with_unit(Decimal::new(35, 1), Unit::Days), "3.50 天");
        assert_eq!(with_unit(Decimal::from(12), Unit::Entities), "12 家");
        assert_eq!(Sample::of(5, None).text(Unit::Percent), "—");
    }
}
