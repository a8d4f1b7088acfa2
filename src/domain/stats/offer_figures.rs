//! The figures of a set of offers over a period: how fast they were
//! grabbed, how many contacts were on time, how long the decisions took and
//! how many approved, and the decline reasons by count. The platform's own
//! figures (`indicators::ours`) count every offer; the scoreboard counts
//! each institution's. Definitions: docs/statistics.md.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;

use super::Period;
use super::facts::{Decision, OfferFact};
use super::measure::{mean, median, percent};
use crate::domain::need;

/// A decline reason of `need::DECLINE_REASONS` and how often it was given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReasonCount {
    pub code: &'static str,
    pub label: &'static str,
    pub count: usize,
}

/// Every decline reason counted among `codes`, most first (ties in the
/// list's order), those given no time included; unknown codes count nowhere.
pub fn count_reasons<'a>(codes: impl IntoIterator<Item = &'a str>) -> Vec<ReasonCount> {
    let codes: Vec<&str> = codes.into_iter().collect();
    let mut counted: Vec<ReasonCount> = need::DECLINE_REASONS
        .iter()
        .map(|&(code, label, _)| ReasonCount { code, label, count: codes.iter().filter(|c| **c == code).count() })
        .collect();
    counted.sort_by_key(|r| std::cmp::Reverse(r.count));
    counted
}

/// The offer figures of a set of offers over a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfferFigures {
    /// Offers made (needs grabbed) in the period.
    pub grabbed: usize,
    /// Median hours from a need's publication to each grab of the period.
    pub grab_median_hours: Option<Decimal>,
    /// Grabs of the period whose contact is recorded or due: judged against the contact time.
    pub contacts_judged: usize,
    /// The judged contacted by their due time.
    pub contacts_on_time: usize,
    /// Decisions recorded in the period.
    pub decided: usize,
    /// Median days from the acceptance to the decision.
    pub decision_median_days: Option<Decimal>,
    pub approved: usize,
    /// The mean annual rate of the approvals, percent.
    pub approved_rate_mean: Option<Decimal>,
    /// The reasons of the declines recorded in the period ([`count_reasons`]).
    pub decline_reasons: Vec<ReasonCount>,
}

impl OfferFigures {
    /// The figures of `offers` over `period`, contacts judged as of `as_of`.
    pub fn of<'a>(offers: impl IntoIterator<Item = &'a OfferFact>, period: &Period, as_of: NaiveDateTime) -> Self {
        let (mut to_grab, mut decision_times, mut rates, mut declines) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut grabbed, mut judged, mut on_time, mut decided, mut approved) = (0, 0, 0, 0, 0);
        for o in offers {
            if period.contains(o.created_on) {
                grabbed += 1;
                to_grab.push((o.created_at - o.need_published_at).num_seconds());
                if o.contacted_at.is_some() || o.contact_due <= as_of {
                    judged += 1;
                    on_time += usize::from(o.contacted_at.is_some_and(|at| at <= o.contact_due));
                }
            }
            if !o.decided_on.is_some_and(|on| period.contains(on)) {
                continue;
            }
            decided += 1;
            decision_times.extend(o.decided_at.zip(o.accepted_at).map(|(at, from)| (at - from).num_seconds()));
            match o.decision {
                Some(Decision::Approved) => {
                    approved += 1;
                    rates.extend(o.approved_rate);
                }
                Some(Decision::Declined) => declines.extend(o.decline_reason.as_deref()),
                None => {}
            }
        }
        OfferFigures {
            grabbed,
            grab_median_hours: median(&mut to_grab, 3_600),
            contacts_judged: judged,
            contacts_on_time: on_time,
            decided,
            decision_median_days: median(&mut decision_times, 86_400),
            approved,
            approved_rate_mean: mean(&rates, 10_000),
            decline_reasons: count_reasons(declines),
        }
    }

    /// 按时联系占比: on time over judged, percent.
    pub fn contact_on_time_share(&self) -> Option<Decimal> {
        percent(self.contacts_on_time, self.contacts_judged)
    }

    /// 授信批准率: approved over decided, percent.
    pub fn approval_share(&self) -> Option<Decimal> {
        percent(self.approved, self.decided)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_count_most_first_with_ties_in_the_lists_order() {
        let counted = count_reasons(["penalty", "collateral", "penalty", "too_young", "no_such_code"]);
        let codes: Vec<_> = counted.iter().map(|r| (r.code, r.count)).collect();
        assert_eq!(&codes[..3], [("penalty", 2), ("too_young", 1), ("collateral", 1)]);
        assert_eq!(counted.len(), need::DECLINE_REASONS.len(), "every reason, the unused at zero");
        assert!(counted[3..].iter().all(|r| r.count == 0));
    }
}
