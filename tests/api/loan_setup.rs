//! The loans' setup, shared by their tests: an enterprise whose need a bank
//! grabbed, the enterprise accepted and the bank approved, and the loan
//! recorded on that approval, all through the actions.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use xinyidai::actions::Ctx;
use xinyidai::actions::loan::{OwnLoan, open_loan};
use xinyidai::actions::need::{Accept, accept_offer};
use xinyidai::actions::offer::{Approval, Decide, Decision, OwnOffer, record_decision};
use xinyidai::domain::loan::Guarantees;
use xinyidai::domain::repayment::RepaymentMethod;
use xinyidai::domain::{Guarantee, Money, Rate};
use xinyidai::models::loan::LoanTerms;
use xinyidai::models::need::Need;
use xinyidai::models::offer::OfferTerms;
use xinyidai::schema::users;

use crate::helpers::{BASE_URL, TestApp, start};
use crate::market_setup::{bank_with_product, grab_as, new_need};
use crate::portrait::enterprise_with_records;

/// An approved credit line of 200 万元 and who it is between.
#[derive(Clone, Copy, Debug)]
pub struct Approved {
    #[allow(dead_code)]
    pub enterprise: i64,
    pub institution: i64,
    pub officer: i64,
    pub offer: i64,
    /// The approval's date, 2026-11-23 (Beijing).
    pub on: NaiveDate,
}

pub fn user_id(app: &TestApp, username: &str) -> i64 {
    users::table.filter(users::username.eq(username)).select(users::id).first(&mut *app.conn()).unwrap()
}

/// `enterprise`'s need grabbed by `officer`'s bank, accepted and approved for
/// 200 万元 at 4% over 12 months, 等额本息, on 2026-11-23. Creates both accounts.
pub fn approved(app: &TestApp, enterprise: &str, officer: &str) -> Approved {
    let (enterprise_id, _) = enterprise_with_records(app, enterprise);
    let institution = bank_with_product(app, officer);
    approved_by(app, enterprise_id, (institution, user_id(app, officer)))
}

/// The same for an existing enterprise and an officer of a bank with a published product.
pub fn approved_by(app: &TestApp, enterprise_id: i64, (institution, officer_id): (i64, i64)) -> Approved {
    let now = start();
    let need = Need::publish(&mut app.conn(), enterprise_id, &new_need(200, 72), now).unwrap();
    let terms = OfferTerms {
        amount: Money::from_yuan(2_000_000),
        rate: Rate::from_units(40_000),
        term_months: 12,
        repayment_method: RepaymentMethod::Annuity,
        guarantee: Guarantee::Credit,
        conditions: "无".into(),
        valid_until: now + Duration::days(10),
    };
    let ctx = Ctx::system(now, BASE_URL);
    let offer = grab_as(&mut app.conn(), (need, institution, officer_id), &terms, &ctx).unwrap().unwrap();
    accept_offer(&mut app.conn(), &ctx, Accept { enterprise_id, need_id: need, offer_id: offer }).unwrap().unwrap();
    let on = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let approval =
        Approval { amount: Money::from_yuan(2_000_000), rate: Rate::from_units(40_000), term_months: 12, date: on };
    let decide = Decide {
        offer: OwnOffer { institution_id: institution, offer_id: offer },
        decision: Decision::Approve(approval),
    };
    record_decision(&mut app.conn(), &ctx, decide).unwrap().unwrap();
    Approved { enterprise: enterprise_id, institution, officer: officer_id, offer, on }
}

/// The contract the tests record: 200 万元 at 4% over 12 months, 等额本息, credit only, 首贷.
pub fn terms(contract_no: &str, on: NaiveDate) -> LoanTerms {
    LoanTerms {
        contract_no: contract_no.into(),
        line: Money::from_yuan(2_000_000),
        rate: Rate::from_units(40_000),
        term_months: 12,
        signed_on: on,
        repayment_method: RepaymentMethod::Annuity,
        guarantees: Guarantees::new(vec![Guarantee::Credit]),
        first_loan: true,
        renewal: false,
        renews: None,
    }
}

/// The officer's context at the app's clock.
pub fn officer_ctx(app: &TestApp, approved: &Approved) -> Ctx {
    use xinyidai::clock::Clock;
    let mut ctx = Ctx::system(app.clock.now(), BASE_URL);
    ctx.actor.user_id = Some(approved.officer);
    ctx.actor.institution_id = Some(approved.institution);
    ctx.actor.role = Some("officer".into());
    ctx
}

/// The loan recorded on the approval; returns who owns it.
pub fn loan(app: &TestApp, approved: &Approved) -> OwnLoan {
    let ctx = officer_ctx(app, approved);
    let offer = OwnOffer { institution_id: approved.institution, offer_id: approved.offer };
    let id = open_loan(&mut app.conn(), &ctx, offer, terms("HT-2026-001", approved.on)).unwrap().unwrap();
    OwnLoan { institution_id: approved.institution, loan_id: id }
}
