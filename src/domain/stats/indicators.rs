//! The national indicator set and ours, each counted over a window of
//! Beijing dates. Definitions: docs/statistics.md.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::facts::{Decision, DrawdownFact, Facts, LoanFact};
use super::measure::{count, mean, median, percent_fen, wan};
use super::offer_figures::OfferFigures;
use super::{Figure, Indicator, Period, Unit};
use crate::domain::loan::LoanStatus;
use crate::domain::need::NeedStatus;

/// Whole days from `from` to `to`.
fn days(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

fn distinct(ids: impl Iterator<Item = i64>) -> usize {
    ids.collect::<HashSet<_>>().len()
}

/// The drawdowns dated in `window`, each with its loan.
pub fn drawn_in<'a>(facts: &'a Facts, window: &'a Period) -> impl Iterator<Item = (&'a DrawdownFact, &'a LoanFact)> {
    facts.drawdowns.iter().filter(|d| window.contains(d.value_date)).map(|d| (d, &facts.loans[d.loan]))
}

fn amount<'a>(drawn: impl Iterator<Item = (&'a DrawdownFact, &'a LoanFact)>) -> i64 {
    drawn.map(|(d, _)| d.amount_fen).sum()
}

/// The national flow figures over one window.
pub fn flows(facts: &Facts, window: &Period) -> Vec<Figure> {
    let needs: Vec<_> = facts.needs.iter().filter(|n| window.contains(n.published_on)).collect();
    let approvals: Vec<_> = facts
        .offers
        .iter()
        .filter(|o| o.decision == Some(Decision::Approved) && o.approved_on.is_some_and(|d| window.contains(d)))
        .collect();
    let drawn: Vec<_> = drawn_in(facts, window).collect();
    let credit: Vec<_> = drawn.iter().copied().filter(|(_, l)| l.credit_only).collect();
    let firsts: Vec<_> = drawn.iter().filter(|(d, _)| d.first_of_loan).map(|(d, l)| (d.value_date, *l)).collect();
    let full: Vec<i64> = firsts.iter().map(|(on, l)| days(l.need_published_on, *on)).collect();
    let full_credit: Vec<i64> =
        firsts.iter().filter(|(_, l)| l.credit_only).map(|(on, l)| days(l.need_published_on, *on)).collect();
    let to_loan: Vec<i64> = firsts.iter().map(|(on, l)| days(l.approved_on, *on)).collect();
    let to_credit: Vec<i64> =
        approvals.iter().filter_map(|o| o.approved_on.map(|on| days(o.need_published_on, on))).collect();
    let rates: Vec<i64> = drawn.iter().map(|(_, l)| l.rate).collect();
    let small_micro = distinct(
        drawn.iter().filter(|(_, l)| l.dims.size == "small" || l.dims.size == "micro").map(|(_, l)| l.enterprise_id),
    );
    vec![
        Figure::new(
            "registered_enterprises",
            "注册企业数",
            Unit::Entities,
            count(facts.enterprises.iter().filter(|e| window.contains(e.registered_on)).count()),
        ),
        Figure::new(
            "credit_enterprises",
            "授信企业数",
            Unit::Entities,
            count(distinct(approvals.iter().map(|o| o.enterprise_id))),
        ),
        Figure::new(
            "credit_amount",
            "授信金额",
            Unit::Wan,
            wan(approvals.iter().filter_map(|o| o.approved_amount_fen).sum()),
        ),
        Figure::new("credit_count", "授信笔数", Unit::Count, count(approvals.len())),
        Figure::new(
            "loan_enterprises",
            "放款企业数",
            Unit::Entities,
            count(distinct(drawn.iter().map(|(_, l)| l.enterprise_id))),
        ),
        Figure::new("loan_amount", "放款金额", Unit::Wan, wan(amount(drawn.iter().copied()))),
        Figure::new("loan_count", "放款笔数", Unit::Count, count(drawn.len())),
        Figure::new(
            "credit_loan_enterprises",
            "信用放款企业数",
            Unit::Entities,
            count(distinct(credit.iter().map(|(_, l)| l.enterprise_id))),
        ),
        Figure::new("credit_loan_amount", "信用放款金额", Unit::Wan, wan(amount(credit.iter().copied()))),
        Figure::new("credit_loan_count", "信用放款笔数", Unit::Count, count(credit.len())),
        Figure::new(
            "need_enterprises",
            "融资需求企业数",
            Unit::Entities,
            count(distinct(needs.iter().map(|n| n.enterprise_id))),
        ),
        Figure::new("need_amount", "融资需求金额", Unit::Wan, wan(needs.iter().map(|n| n.amount_fen).sum())),
        Figure::new("need_count", "融资需求笔数", Unit::Count, count(needs.len())),
        Figure::new("small_micro_loan_enterprises", "获贷小微企业数", Unit::Entities, count(small_micro)),
        Figure::new("loan_rate_mean", "放款平均利率", Unit::Percent, mean(&rates, 10_000)),
        Figure::new("cycle_full", "全业务流程平均周期", Unit::Days, mean(&full, 1)),
        Figure::new("cycle_credit", "授信平均周期", Unit::Days, mean(&to_credit, 1)),
        Figure::new("cycle_loan", "放款平均周期", Unit::Days, mean(&to_loan, 1)),
        Figure::new("cycle_credit_loan", "信用放款平均周期", Unit::Days, mean(&full_credit, 1)),
        Figure::new(
            "institutions",
            "入驻金融机构数",
            Unit::Entities,
            count(facts.institutions.iter().filter(|i| window.contains(i.joined_on)).count()),
        ),
        Figure::new(
            "products",
            "发布金融产品数",
            Unit::Items,
            count(facts.products.iter().filter(|p| window.contains(p.published_on)).count()),
        ),
    ]
}

/// The national set over 累计, 本期 and 近一年.
pub fn national(facts: &Facts, period: &Period) -> Vec<Indicator> {
    let cumulative = flows(facts, &period.cumulative());
    let this = flows(facts, period);
    let trailing = flows(facts, &period.trailing_year());
    cumulative
        .into_iter()
        .zip(this)
        .zip(trailing)
        .map(|((c, p), t)| Indicator {
            key: c.key,
            name: c.name,
            unit: c.unit,
            cumulative: c.value,
            period: p.value,
            trailing: t.value,
        })
        .collect()
}

/// The 2024 monthly template's 当月 figures.
pub fn month(facts: &Facts, month: &Period) -> Vec<Figure> {
    let drawn: Vec<_> = drawn_in(facts, month).collect();
    let credit: Vec<_> = drawn.iter().copied().filter(|(_, l)| l.credit_only).collect();
    vec![
        Figure::new("month_loan_amount", "当月放款金额", Unit::Wan, wan(amount(drawn.iter().copied()))),
        Figure::new("month_loan_count", "当月放款笔数", Unit::Count, count(drawn.len())),
        Figure::new("month_credit_loan_amount", "当月信用放款金额", Unit::Wan, wan(amount(credit.iter().copied()))),
        Figure::new("month_credit_loan_count", "当月信用放款笔数", Unit::Count, count(credit.len())),
        Figure::new(
            "month_need_count",
            "当月融资需求笔数",
            Unit::Count,
            count(facts.needs.iter().filter(|n| month.contains(n.published_on)).count()),
        ),
    ]
}

/// Figures of the moment the facts were read.
pub fn current(facts: &Facts) -> Vec<Figure> {
    let matching = [NeedStatus::Open, NeedStatus::AwaitingChoice, NeedStatus::Matched];
    let open: Vec<_> = facts.loans.iter().filter(|l| !matches!(l.status, LoanStatus::Settled)).collect();
    let outstanding: i64 = open.iter().map(|l| l.outstanding_fen).sum();
    let non_performing: i64 =
        open.iter().filter(|l| l.classification.is_non_performing()).map(|l| l.outstanding_fen).sum();
    vec![
        Figure::new(
            "matching_count",
            "正在对接笔数",
            Unit::Count,
            count(facts.needs.iter().filter(|n| matching.contains(&n.status)).count()),
        ),
        Figure::new(
            "overdue_count",
            "逾期笔数",
            Unit::Count,
            count(facts.loans.iter().filter(|l| l.status == LoanStatus::Overdue).count()),
        ),
        Figure::new("outstanding", "贷款余额", Unit::Wan, wan(outstanding)),
        Figure::new("npl_ratio", "不良率", Unit::Percent, percent_fen(non_performing, outstanding)),
    ]
}

/// Ours beside the national set, over the period (the offer figures are
/// those the scoreboard shows per institution: `offer_figures`).
pub fn ours(facts: &Facts, period: &Period) -> Vec<Figure> {
    let drawn: Vec<_> = drawn_in(facts, period).collect();
    let first: Vec<_> = drawn.iter().copied().filter(|(_, l)| l.first_loan).collect();
    let renewals = facts.loans.iter().filter(|l| l.renewal && period.contains(l.signed_on)).count();
    let mut to_grab: Vec<i64> = facts
        .needs
        .iter()
        .filter(|n| period.contains(n.published_on))
        .filter_map(|n| n.first_grab_at.map(|at| (at - n.published_at).num_seconds()))
        .collect();
    let offers = OfferFigures::of(facts.offers.iter(), period, facts.as_of);
    let mut rates: Vec<i64> = drawn.iter().map(|(_, l)| l.rate).collect();
    let total = amount(drawn.iter().copied());
    let credit = amount(drawn.iter().copied().filter(|(_, l)| l.credit_only));
    vec![
        Figure::new(
            "first_loan_enterprises",
            "首贷户数",
            Unit::Entities,
            count(distinct(first.iter().map(|(_, l)| l.enterprise_id))),
        ),
        Figure::new("first_loan_amount", "首贷金额", Unit::Wan, wan(amount(first.iter().copied()))),
        Figure::new("renewal_count", "续贷笔数", Unit::Count, count(renewals)),
        Figure::new("credit_loan_share", "信用贷款占比", Unit::Percent, percent_fen(credit, total)),
        Figure::new("loan_rate_median", "放款利率中位数", Unit::Percent, median(&mut rates, 10_000)),
        Figure::new("grab_median_hours", "首次抢单中位时长", Unit::Hours, median(&mut to_grab, 3_600)),
        Figure::new("contact_on_time_share", "按时联系占比", Unit::Percent, offers.contact_on_time_share()),
        Figure::new("decision_median_days", "授信决定中位时长", Unit::Days, offers.decision_median_days),
        Figure::new("approval_share", "授信批准率", Unit::Percent, offers.approval_share()),
    ]
}

/// Needs published in the period: how many got an offer, were matched, granted and drawn.
pub fn funnel(facts: &Facts, period: &Period) -> Vec<Figure> {
    let published: Vec<_> = facts.needs.iter().filter(|n| period.contains(n.published_on)).collect();
    let ids: HashSet<i64> = published.iter().map(|n| n.id).collect();
    let mut stage: HashMap<i64, u8> = HashMap::new();
    for offer in facts.offers.iter().filter(|o| ids.contains(&o.need_id)) {
        let reached = match (offer.accepted_at, offer.decision) {
            (Some(_), Some(Decision::Approved)) => 3,
            (Some(_), _) => 2,
            _ => 1,
        };
        let entry = stage.entry(offer.need_id).or_default();
        *entry = (*entry).max(reached);
    }
    let drawn: HashSet<i64> = facts.drawdowns.iter().map(|d| facts.loans[d.loan].need_id).collect();
    for id in ids.iter().filter(|id| drawn.contains(id)) {
        stage.insert(*id, 4);
    }
    let at_least = |s: u8| stage.values().filter(|v| **v >= s).count();
    vec![
        Figure::new("funnel_published", "发布需求", Unit::Count, count(published.len())),
        Figure::new("funnel_grabbed", "获得报价", Unit::Count, count(at_least(1))),
        Figure::new("funnel_accepted", "选定银行", Unit::Count, count(at_least(2))),
        Figure::new("funnel_credit", "获得授信", Unit::Count, count(at_least(3))),
        Figure::new("funnel_loan", "获得放款", Unit::Count, count(at_least(4))),
    ]
}
