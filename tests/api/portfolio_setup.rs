//! The portfolio tests' book of loans, built by hand through the actions:
//! two banks, X (branches 营业部 and 南港支行, officers ox1, ox3 at 营业部 and
//! ox2 at 南港支行, an admin) and Y (one officer), with loans at every
//! status and several classifications, 首贷 and credit-only ones.
//!
//! | contract | bank, officer | enterprise | line 万元 | signed | drawn 万元 (value date) | state | 首贷 | guarantees |
//! |---|---|---|---|---|---|---|---|---|
//! | X-01 | X ox1 | hengda | 200 | 11-23 | 100 (11-23) | 正常 | yes | credit |
//! | X-02 | X ox1 | lixin | 150 | 11-23 | 50 (11-23, one month) | 逾期 since 12-24, 关注 | no | mortgage |
//! | X-03 | X ox2 | boyuan | 100 | 11-25 | 30 (11-25), all repaid | 结清 | yes | credit |
//! | X-04 | X ox2 | hengda | 120 | 12-01 | 80 (12-02) | 正常, 可疑 | no | guarantee |
//! | X-05 | X ox1 | jinmao | 50 | 12-10 | 20 (12-10) | 核销 | no | credit |
//! | =X-06 | X ox3 | kaiyue | 80 | 12-20 | nothing | 正常 | no | credit, mortgage |
//! | Y-01 | Y oy1 | hengda | 60 | 11-23 | 60 (11-23) | 正常 | yes | credit |
//! | Y-02 | Y oy1 | ruifeng | 90 | 11-24 | 40 (11-24, one month) | 逾期, 损失 | no | credit |
//!
//! Everything is entered on 2026-12-25 (Beijing), the clock's day when the book is done.

use chrono::{Duration, NaiveDate};
use xinyidai::actions::Ctx;
use xinyidai::actions::loan::{
    Classify, OwnLoan, WriteOff, classify, mark_overdue, open_loan, record_drawdown, record_repayment, write_off,
};
use xinyidai::actions::offer::OwnOffer;
use xinyidai::domain::loan::{Classification, Guarantees};
use xinyidai::domain::{Guarantee, Money, Role};
use xinyidai::models::institution::Branch;
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::models::loan::repayment::NewRepayment;
use xinyidai::models::loan::{Loan, LoanTerms};
use xinyidai::models::user::{NewUser, User};

use crate::helpers::{PASSWORD, TestApp, start};
use crate::loan_setup::{approved_by, officer_ctx, terms, user_id};
use crate::market_setup::bank_with_product;
use crate::portrait::enterprise_with_records;

pub fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// The book's banks, branches and people.
pub struct Book {
    pub x: i64,
    pub y: i64,
    pub x_main: i64,
    pub x_south: i64,
    pub y_main: i64,
    pub ox1: i64,
    pub ox2: i64,
    pub ox3: i64,
    pub oy1: i64,
}

/// An account of `role` in `institution` (at `branch`), with the password PASSWORD.
pub fn member(app: &TestApp, username: &str, role: Role, institution: i64, branch: Option<i64>) -> i64 {
    let hash = xinyidai::auth::password::hash(PASSWORD).unwrap();
    let email = format!("{username}@example.com");
    let new = NewUser {
        username,
        email: &email,
        display_name: username,
        password_hash: &hash,
        role,
        enterprise_id: None,
        institution_id: Some(institution),
        branch_id: branch,
        must_change_password: false,
        created_at: start(),
    };
    User::insert(&mut app.conn(), &new).unwrap()
}

/// The branch an account works at.
fn branch_of(app: &TestApp, user: i64) -> i64 {
    User::find(&mut app.conn(), user).unwrap().branch_id.unwrap()
}

/// A loan of `line` 万元 signed on `signed` by `officer` of `bank` with `enterprise`.
pub fn contract(
    app: &TestApp,
    (bank, officer, enterprise): (i64, i64, i64),
    number: &str,
    line: i64,
    signed: &str,
) -> (OwnLoan, Ctx) {
    let made = approved_by(app, enterprise, (bank, officer));
    let ctx = officer_ctx(app, &made);
    let terms = LoanTerms { line: Money::from_yuan(line * 10_000), ..terms(number, day(signed)) };
    open_as(app, &ctx, (bank, made.offer), terms)
}

pub fn open_as(app: &TestApp, ctx: &Ctx, (bank, offer): (i64, i64), terms: LoanTerms) -> (OwnLoan, Ctx) {
    let offer = OwnOffer { institution_id: bank, offer_id: offer };
    let id = open_loan(&mut app.conn(), ctx, offer, terms).unwrap().unwrap();
    (OwnLoan { institution_id: bank, loan_id: id }, ctx.clone())
}

/// Draws `wan` 万元 on the loan on `on` for `months`; returns the drawdown.
pub fn draw(app: &TestApp, (own, ctx): &(OwnLoan, Ctx), wan: i64, on: &str, months: i32) -> i64 {
    let new = NewDrawdown {
        iou_no: format!("JJ-{}-{on}", own.loan_id),
        amount: Money::from_yuan(wan * 10_000),
        value_date: day(on),
        term_months: months,
    };
    record_drawdown(&mut app.conn(), ctx, *own, new).unwrap().unwrap()
}

fn version(app: &TestApp, own: &OwnLoan) -> i32 {
    Loan::find(&mut app.conn(), own.loan_id).unwrap().unwrap().version
}

fn reclassify(app: &TestApp, (own, ctx): &(OwnLoan, Ctx), to: Classification, on: &str) {
    let input = Classify { version: version(app, own), to, on: day(on), reason: "贷后检查".into() };
    classify(&mut app.conn(), ctx, *own, input).unwrap().unwrap();
}

/// Changes a loan's terms before anything is drawn (首贷 and the guarantees).
fn with(first_loan: bool, guarantees: &[Guarantee], base: LoanTerms) -> LoanTerms {
    LoanTerms { first_loan, guarantees: Guarantees::new(guarantees.to_vec()), ..base }
}

/// The book of the module's table.
pub fn book(app: &TestApp) -> Book {
    let x = bank_with_product(app, "ox1");
    let y = bank_with_product(app, "oy1");
    let (ox1, oy1) = (user_id(app, "ox1"), user_id(app, "oy1"));
    let x_south = Branch::create(&mut app.conn(), x, "南港支行", "990102", start()).unwrap();
    let (x_main, y_main) = (branch_of(app, ox1), branch_of(app, oy1));
    let ox2 = member(app, "ox2", Role::Officer, x, Some(x_south));
    let ox3 = member(app, "ox3", Role::Officer, x, Some(x_main));
    member(app, "xadmin", Role::BankAdmin, x, None);
    member(app, "yadmin", Role::BankAdmin, y, None);
    let [hengda, lixin, boyuan, jinmao, kaiyue, ruifeng] =
        ["hengda", "lixin", "boyuan", "jinmao", "kaiyue", "ruifeng"].map(|name| enterprise_with_records(app, name).0);
    app.clock.advance(Duration::days(32));
    let open = |(bank, officer, enterprise), terms: LoanTerms| {
        let made = approved_by(app, enterprise, (bank, officer));
        let ctx = officer_ctx(app, &made);
        open_as(app, &ctx, (bank, made.offer), terms)
    };
    let line = |wan: i64, number: &str, signed: &str| LoanTerms {
        line: Money::from_yuan(wan * 10_000),
        ..terms(number, day(signed))
    };
    let x01 = contract(app, (x, ox1, hengda), "X-01", 200, "2026-11-23");
    draw(app, &x01, 100, "2026-11-23", 12);
    let x02 = open((x, ox1, lixin), with(false, &[Guarantee::Mortgage], line(150, "X-02", "2026-11-23")));
    let late = draw(app, &x02, 50, "2026-11-23", 1);
    assert!(mark_overdue(&mut app.conn(), &x02.1, (late, 1)).unwrap().unwrap());
    reclassify(app, &x02, Classification::SpecialMention, "2026-12-24");
    let x03 = contract(app, (x, ox2, boyuan), "X-03", 100, "2026-11-25");
    let repaid = draw(app, &x03, 30, "2026-11-25", 12);
    let all = NewRepayment {
        drawdown_id: repaid,
        paid_on: day("2026-11-26"),
        principal: Money::from_yuan(300_000),
        interest: Money::from_yuan(33),
        penalty: Money::from_fen(0),
    };
    record_repayment(&mut app.conn(), &x03.1, x03.0, all).unwrap().unwrap();
    let x04 = open((x, ox2, hengda), with(false, &[Guarantee::Guarantee], line(120, "X-04", "2026-12-01")));
    draw(app, &x04, 80, "2026-12-02", 11);
    reclassify(app, &x04, Classification::Doubtful, "2026-12-20");
    let x05 = open((x, ox1, jinmao), with(false, &[Guarantee::Credit], line(50, "X-05", "2026-12-10")));
    draw(app, &x05, 20, "2026-12-10", 12);
    let off = WriteOff { version: version(app, &x05.0), on: day("2026-12-20"), reason: "企业破产清算".into() };
    write_off(&mut app.conn(), &x05.1, x05.0, off).unwrap().unwrap();
    let mixed = [Guarantee::Credit, Guarantee::Mortgage];
    open((x, ox3, kaiyue), with(false, &mixed, line(80, "=X-06", "2026-12-20")));
    let y01 = contract(app, (y, oy1, hengda), "Y-01", 60, "2026-11-23");
    draw(app, &y01, 60, "2026-11-23", 12);
    let y02 = open((y, oy1, ruifeng), with(false, &[Guarantee::Credit], line(90, "Y-02", "2026-11-24")));
    let late = draw(app, &y02, 40, "2026-11-24", 1);
    assert!(mark_overdue(&mut app.conn(), &y02.1, (late, 1)).unwrap().unwrap());
    reclassify(app, &y02, Classification::Loss, "2026-12-25");
    Book { x, y, x_main, x_south, y_main, ox1, ox2, ox3, oy1 }
}
