//! The claims' setup, through the actions: a fund, banks with loans of a
//! stated line drawn and written off (so the fund registered them), and the
//! contexts of a bank admin and the credit office.

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use xinyidai::actions::Ctx;
use xinyidai::actions::loan::{OwnLoan, WriteOff, open_loan, record_drawdown, write_off};
use xinyidai::actions::need::{Accept, accept_offer};
use xinyidai::actions::offer::{Approval, Decide, Decision, OwnOffer, record_decision};
use xinyidai::domain::fund::Rules;
use xinyidai::domain::loan::Guarantees;
use xinyidai::domain::repayment::RepaymentMethod;
use xinyidai::domain::{Guarantee, Money, Rate, Role};
use xinyidai::models::fund::NewFund;
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::models::loan::{Loan, LoanTerms};
use xinyidai::models::need::Need;
use xinyidai::models::offer::OfferTerms;
use xinyidai::schema::fund_registrations;

use crate::helpers::{BASE_URL, TestApp, start};
use crate::loan_setup::user_id;
use crate::market_setup::{bank_with_product, grab_as, new_need};
use crate::portrait::enterprise_with_records;

pub const WAN: i64 = 1_000_000;

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A bank: its institution, an officer and a bank admin.
#[derive(Clone, Copy, Debug)]
pub struct Bank {
    pub institution: i64,
    pub officer: i64,
    pub admin: i64,
}

pub fn bank(app: &TestApp, name: &str) -> Bank {
    let officer_name = format!("{name}-officer");
    let institution = bank_with_product(app, &officer_name);
    let admin = app.user(Role::BankAdmin, &format!("{name}-admin"));
    diesel::update(xinyidai::schema::users::table.find(admin))
        .set(xinyidai::schema::users::institution_id.eq(institution))
        .execute(&mut *app.conn())
        .unwrap();
    Bank { institution, officer: user_id(app, &officer_name), admin }
}

fn ctx_of(app: &TestApp, user: i64, role: &str, institution: Option<i64>) -> Ctx {
    use xinyidai::clock::Clock;
    let mut ctx = Ctx::system(app.clock.now(), BASE_URL);
    ctx.actor.user_id = Some(user);
    ctx.actor.institution_id = institution;
    ctx.actor.role = Some(role.into());
    ctx
}

pub fn officer(app: &TestApp, bank: Bank) -> Ctx {
    ctx_of(app, bank.officer, "officer", Some(bank.institution))
}

pub fn admin(app: &TestApp, bank: Bank) -> Ctx {
    ctx_of(app, bank.admin, "bank_admin", Some(bank.institution))
}

pub fn office(app: &TestApp) -> Ctx {
    use xinyidai::schema::users;
    let found = users::table.filter(users::username.eq("office")).select(users::id).first(&mut *app.conn()).optional();
    let id = found.unwrap().unwrap_or_else(|| app.user(Role::CreditOffice, "office"));
    ctx_of(app, id, "credit_office", None)
}

/// A fund in force over 2026 and 2027 with `rules` and an annual budget in 万元.
pub fn fund(app: &TestApp, name: &str, budget_wan: i64, rules: &Rules) -> i64 {
    let new = NewFund {
        name: name.into(),
        mode: xinyidai::domain::fund::FundMode::Bank,
        annual_budget_fen: budget_wan * WAN,
        valid_from: day("2026-01-01"),
        valid_to: day("2027-12-31"),
    };
    xinyidai::actions::fund::create(&mut app.conn(), &office(app), &new, rules).unwrap().unwrap()
}

/// A written-off loan of `bank` with a line of `line_fen`, `draw_fen` drawn on
/// 2026-11-23; credit only, 首贷 when `first_loan`. The drawdown's registration id.
pub fn bad_loan(
    app: &TestApp,
    bank: Bank,
    enterprise: &str,
    (line_fen, draw_fen): (i64, i64),
    first_loan: bool,
) -> i64 {
    let loan = loan(app, bank, enterprise, (line_fen, draw_fen), first_loan);
    let version = Loan::find(&mut app.conn(), loan.loan_id).unwrap().unwrap().version;
    let off = WriteOff { version, on: day("2026-11-23"), reason: "企业破产清算".into() };
    write_off(&mut app.conn(), &officer(app, bank), loan, off).unwrap().unwrap();
    registration_of(app, loan.loan_id)
}

/// The same loan, drawn and not written off.
pub fn loan(
    app: &TestApp,
    bank: Bank,
    enterprise: &str,
    (line_fen, draw_fen): (i64, i64),
    first_loan: bool,
) -> OwnLoan {
    let (enterprise_id, _) = enterprise_with_records(app, enterprise);
    let offer = approve(app, enterprise_id, bank, line_fen);
    let ctx = officer(app, bank);
    let on = day("2026-11-23");
    let terms = LoanTerms {
        contract_no: format!("HT-{enterprise}"),
        line: Money::from_fen(line_fen),
        rate: Rate::from_units(40_000),
        term_months: 12,
        signed_on: on,
        repayment_method: RepaymentMethod::Annuity,
        guarantees: Guarantees::new(vec![Guarantee::Credit]),
        first_loan,
        renewal: false,
        renews: None,
    };
    let own_offer = OwnOffer { institution_id: bank.institution, offer_id: offer };
    let id = open_loan(&mut app.conn(), &ctx, own_offer, terms).unwrap().unwrap();
    let own = OwnLoan { institution_id: bank.institution, loan_id: id };
    let new = NewDrawdown {
        iou_no: format!("JJ-{enterprise}"),
        amount: Money::from_fen(draw_fen),
        value_date: on,
        term_months: 12,
    };
    record_drawdown(&mut app.conn(), &ctx, own, new).unwrap().unwrap();
    own
}

pub fn registration_of(app: &TestApp, loan_id: i64) -> i64 {
    fund_registrations::table
        .filter(fund_registrations::loan_id.eq(loan_id))
        .select(fund_registrations::id)
        .first(&mut *app.conn())
        .unwrap()
}

/// The enterprise's need grabbed by the bank, accepted and approved for `amount_fen`.
fn approve(app: &TestApp, enterprise_id: i64, bank: Bank, amount_fen: i64) -> i64 {
    let now = start();
    let wan = (amount_fen + WAN - 1) / WAN;
    let need = Need::publish(&mut app.conn(), enterprise_id, &new_need(wan, 72), now).unwrap();
    let terms = OfferTerms {
        amount: Money::from_fen(amount_fen),
        rate: Rate::from_units(40_000),
        term_months: 12,
        repayment_method: RepaymentMethod::Annuity,
        guarantee: Guarantee::Credit,
        conditions: "无".into(),
        valid_until: now + Duration::days(10),
    };
    let ctx = Ctx::system(now, BASE_URL);
    let offer = grab_as(&mut app.conn(), (need, bank.institution, bank.officer), &terms, &ctx).unwrap().unwrap();
    accept_offer(&mut app.conn(), &ctx, Accept { enterprise_id, need_id: need, offer_id: offer }).unwrap().unwrap();
    let on = day("2026-11-23");
    let approval =
        Approval { amount: Money::from_fen(amount_fen), rate: Rate::from_units(40_000), term_months: 12, date: on };
    let decide = Decide {
        offer: OwnOffer { institution_id: bank.institution, offer_id: offer },
        decision: Decision::Approve(approval),
    };
    record_decision(&mut app.conn(), &ctx, decide).unwrap().unwrap();
    offer
}

/// A one-page PDF's first bytes: enough for the dossier's check.
pub const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n";
