//! Demo loans at every status, made through the market's and the loans' own
//! actions at the dates they happened: each need published, grabbed,
//! accepted and approved months ago, then the contract, its drawdowns over
//! the months, repayments on schedule, and what went wrong where it did
//! (`loan_life`). Four banks; 首贷 and credit-only loans, guaranteed,
//! mortgaged and pledged ones; one running with several drawdowns, one
//! overdue, one settled early and one at maturity with its renewal (续贷),
//! one written off as 损失 (and those the demo claims need, in
//! `claim_loans`); and the demo enterprise's loan with a drawdown
//! awaiting its 确认到账.

use chrono::{Days, Duration, Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;

use super::loan_life::{Life, Step, live};
use super::needs::{accept, at, decide, fitting, offer, officers, refuse};
use crate::actions::need::{OwnNeed, cancel_need};
use crate::actions::offer::{Approval, Decision};
use crate::clock::beijing;
use crate::db::DbConn;
use crate::domain::loan::{Classification, Guarantees};
use crate::domain::repayment::RepaymentMethod;
use crate::domain::{Guarantee, Money, Rate};
use crate::jobs::deadlines;
use crate::models::need::{Need, NewNeed};
use crate::schema::{credit_evaluations, enterprises, needs, offers};

/// A demo loan: who lends, how much, when it was approved (days before
/// today), its term and guarantees, and what happened to it after.
pub(super) struct Plan {
    pub(super) officers: &'static [&'static str],
    pub(super) wan: i64,
    pub(super) approved: i64,
    pub(super) months: i32,
    pub(super) method: RepaymentMethod,
    pub(super) guarantees: &'static [Guarantee],
    pub(super) first_loan: bool,
    /// Renews the loan of this earlier plan (same enterprise, same bank).
    pub(super) renews: Option<usize>,
    pub(super) steps: &'static [(i64, Step)],
    /// Instalments due this many days ago or later are left unpaid.
    pub(super) unpaid_from: Option<i64>,
}

use Guarantee::{Credit, Guarantee as Guarantor, Mortgage, Pledge};

/// The plan written off as 损失 (东岳银行云海分行's), claimed by the demo claims.
pub(super) const WRITTEN_OFF: usize = 5;

/// How many plans come before `claim_loans::PLANS`.
pub(super) const PLANS_LEN: usize = PLANS.len();

const PLANS: [Plan; 7] = [
    // Several drawdowns over months, repaid on schedule.
    Plan {
        officers: &["yhbank-officer2", "yhbank-officer3"],
        wan: 300,
        approved: 250,
        months: 24,
        method: RepaymentMethod::EqualPrincipal,
        guarantees: &[Guarantor],
        first_loan: false,
        renews: None,
        steps: &[(248, Step::Draw(40, 24)), (150, Step::Draw(30, 12)), (60, Step::Draw(20, 12))],
        unpaid_from: None,
    },
    // Overdue: an instalment due weeks ago is unpaid; watched (关注).
    Plan {
        officers: &["yhrcb-officer1", "yhrcb-officer2"],
        wan: 80,
        approved: 160,
        months: 12,
        method: RepaymentMethod::Annuity,
        guarantees: &[Credit],
        first_loan: true,
        renews: None,
        steps: &[(158, Step::Draw(100, 12)), (10, Step::Classify(Classification::SpecialMention))],
        unpaid_from: Some(45),
    },
    // Settled early.
    Plan {
        officers: &["dybank-officer1", "dybank-officer2"],
        wan: 200,
        approved: 200,
        months: 12,
        method: RepaymentMethod::EqualPrincipal,
        guarantees: &[Pledge],
        first_loan: false,
        renews: None,
        steps: &[(198, Step::Draw(100, 12)), (70, Step::PayOff)],
        unpaid_from: None,
    },
    // Settled at maturity ...
    Plan {
        officers: &["yhbank-officer3", "yhbank-officer2"],
        wan: 100,
        approved: 232,
        months: 6,
        method: RepaymentMethod::InterestOnly,
        guarantees: &[Mortgage],
        first_loan: false,
        renews: None,
        steps: &[(230, Step::Draw(100, 6))],
        unpaid_from: None,
    },
    // ... and renewed (续贷) the day after.
    Plan {
        officers: &[],
        wan: 100,
        approved: 52,
        months: 12,
        method: RepaymentMethod::Annuity,
        guarantees: &[Mortgage, Guarantor],
        first_loan: false,
        renews: Some(3),
        steps: &[(46, Step::Draw(80, 12))],
        unpaid_from: None,
    },
    // Written off after a year unpaid, classified down to 损失.
    Plan {
        officers: &["dybank-officer2", "dybank-officer1"],
        wan: 150,
        approved: 420,
        months: 12,
        method: RepaymentMethod::Annuity,
        guarantees: &[Guarantor],
        first_loan: false,
        renews: None,
        steps: &[
            (418, Step::Draw(100, 12)),
            (280, Step::Classify(Classification::Substandard)),
            (200, Step::Classify(Classification::Doubtful)),
            (90, Step::Classify(Classification::Loss)),
            (40, Step::WriteOff),
        ],
        unpaid_from: Some(330),
    },
    // A microlender's small 首贷, credit only.
    Plan {
        officers: &["dxloan-officer1"],
        wan: 30,
        approved: 95,
        months: 6,
        method: RepaymentMethod::InterestOnly,
        guarantees: &[Credit],
        first_loan: true,
        renews: None,
        steps: &[(93, Step::Draw(100, 6))],
        unpaid_from: None,
    },
];

/// Days before today, as a Beijing date.
fn ago(today: NaiveDate, days: i64) -> NaiveDate {
    today - Days::new(u64::try_from(days).unwrap_or(0))
}

/// 10:00 in Beijing on `day`, never after `now`.
pub(super) fn moment(day: NaiveDate, now: NaiveDateTime) -> NaiveDateTime {
    day.and_hms_opt(2, 0, 0).map_or(now, |t| t.min(now))
}

/// An approved offer of `officers`' bank for a need of one of `candidates`
/// (the first whose need the bank's products fit), approved `approved` days
/// ago; returns (enterprise, officer, offer).
fn approval(
    conn: &mut DbConn,
    rng: &mut StdRng,
    base_url: &str,
    (now, today): (NaiveDateTime, NaiveDate),
    plan: &Plan,
    officers: &[(String, i64, i64)],
    candidates: &mut dyn Iterator<Item = i64>,
) -> anyhow::Result<(i64, (String, i64, i64), i64)> {
    let approved_on = ago(today, plan.approved);
    let published = moment(approved_on, now) - Duration::days(10);
    for enterprise in candidates.take(40) {
        let need = NewNeed {
            amount: Money::from_yuan(plan.wan * 10_000),
            term_months: plan.months,
            purpose: "补充流动资金".into(),
            guarantee: plan.guarantees[0],
            max_rate: Rate::from_units(60_000),
            window_hours: 168,
            slots: 3,
            product_id: None,
            institution_id: None,
        };
        let need = Need::publish(conn, enterprise, &need, published)?;
        let grabbed = match fitting(conn, need, officers, 0)? {
            Some(officer) => {
                offer(conn, rng, base_url, need, &officer, published + Duration::days(1))?.map(|o| (officer, o))
            }
            None => None,
        };
        let Some((officer, won)) = grabbed else {
            let own = OwnNeed { enterprise_id: enterprise, need_id: need };
            cancel_need(conn, &at(base_url, published + Duration::hours(1), None), own)?.map_err(refuse)?;
            continue;
        };
        accept(conn, &at(base_url, published + Duration::days(3), None), enterprise, need, won)?;
        let rate = crate::models::offer::Offer::find(conn, won)?.map_or(Rate::from_units(45_000), |o| o.rate);
        let approval =
            Approval { amount: Money::from_yuan(plan.wan * 10_000), rate, term_months: plan.months, date: approved_on };
        decide(
            conn,
            &at(base_url, moment(approved_on, now), Some(&officer)),
            &officer,
            won,
            Decision::Approve(approval),
        )?;
        return Ok((enterprise, officer, won));
    }
    anyhow::bail!("no demo enterprise fits the products of {:?}", plan.officers)
}

/// Adds the demo loans, then lets the clock catch up (reminders of
/// instalments due in the next days go out); the loans' ids in the order of
/// `PLANS` followed by `claim_loans::PLANS`.
pub fn add(
    conn: &mut DbConn,
    rng: &mut StdRng,
    demo_enterprise: i64,
    now: NaiveDateTime,
    base_url: &str,
) -> anyhow::Result<Vec<i64>> {
    let today = beijing(now).date_naive();
    let all = officers(conn)?;
    let named = |names: &[&str]| -> Vec<(String, i64, i64)> {
        names.iter().filter_map(|n| all.iter().find(|o| o.0 == *n).cloned()).collect()
    };
    let dishonest: Vec<String> = credit_evaluations::table
        .filter(credit_evaluations::dishonest.eq(true))
        .select(credit_evaluations::uscc)
        .load(conn)?;
    // From the end of the directory, where the demo needs are fewest.
    let pool: Vec<i64> = enterprises::table
        .filter(enterprises::id.ne(demo_enterprise))
        .filter(enterprises::uscc.ne_all(dishonest))
        .order(enterprises::id.desc())
        .select(enterprises::id)
        .load(conn)?;
    let mut candidates = pool.into_iter();

    // The demo enterprise's approval by the demo bank, made with the demo needs.
    let (demo_offer, demo_approved): (i64, Option<NaiveDate>) = offers::table
        .inner_join(needs::table)
        .filter(needs::enterprise_id.eq(demo_enterprise))
        .filter(offers::decision.eq("approved"))
        .select((offers::id, offers::approved_on))
        .first(conn)?;
    let demo_officer = named(&["demo-officer"]).pop().ok_or_else(|| anyhow::anyhow!("no demo officer"))?;
    let approved_days = demo_approved.map_or(110, |d| (today - d).num_days());
    // The first drawdown three months before the day after tomorrow: an
    // instalment falls due then, so the enterprise has its 还款提醒.
    let soon = (today + Days::new(2)).checked_sub_months(Months::new(3)).unwrap_or(today);
    let first_draw = (today - soon).num_days().min(approved_days - 5);
    let demo_steps = [(first_draw, Step::Draw(50, 11)), (3, Step::Draw(30, 6))];
    let life = Life {
        officer: demo_officer,
        offer: demo_offer,
        contract_no: "YHYH-2026-0088".into(),
        signed: ago(today, approved_days - 2),
        months: 12,
        method: None,
        line: None,
        guarantees: Guarantees::new(vec![Credit]),
        first_loan: true,
        renews: None,
        unpaid_from: None,
    };
    live(conn, (now, base_url), &life, &demo_steps)?;

    let mut made: Vec<(i64, (String, i64, i64), i64)> = Vec::new();
    for (k, plan) in PLANS.iter().chain(&super::claim_loans::PLANS).enumerate() {
        let (enterprise, officer, won) = match plan.renews.and_then(|i| made.get(i)) {
            Some((enterprise, officer, _)) => {
                let mut one = std::iter::once(*enterprise);
                let plan_officers = [officer.clone()];
                approval(conn, rng, base_url, (now, today), plan, &plan_officers, &mut one)?
            }
            None => approval(conn, rng, base_url, (now, today), plan, &named(plan.officers), &mut candidates)?,
        };
        let signed = ago(today, plan.steps.first().map_or(plan.approved, |s| s.0));
        let life = Life {
            officer: officer.clone(),
            offer: won,
            contract_no: format!("DK-{}-{:04}", signed.format("%Y"), 101 + k),
            signed,
            months: plan.months,
            method: Some(plan.method),
            line: Some(Money::from_yuan(plan.wan * 10_000)),
            guarantees: Guarantees::new(plan.guarantees.to_vec()),
            first_loan: plan.first_loan,
            renews: plan.renews.and_then(|i| made.get(i)).map(|m| m.2),
            unpaid_from: plan.unpaid_from.map(|d| ago(today, d)),
        };
        let loan = live(conn, (now, base_url), &life, plan.steps)?;
        made.push((enterprise, officer, loan));
    }
    deadlines::sweep(conn, base_url, now)?;
    Ok(made.into_iter().map(|m| m.2).collect())
}
