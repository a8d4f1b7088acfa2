//! The interest subsidies' setup: loans at 4% recorded through the loans'
//! actions with interest paid on chosen days, a programme defined and its
//! quarters computed through the credit office's pages, and each subsidy
//! as the test works it out by hand.

use chrono::NaiveDate;
use diesel::prelude::*;
use xinyidai::actions::loan::{OwnLoan, open_loan, record_drawdown, record_repayment};
use xinyidai::actions::offer::OwnOffer;
use xinyidai::domain::loan::Guarantees;
use xinyidai::domain::{Guarantee, Money, Role};
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::models::loan::repayment::NewRepayment;
use xinyidai::schema::{drawdowns, subsidy_lines, users};

use crate::helpers::{Client, PASSWORD, TestApp};
use crate::loan_setup::{Approved, approved, officer_ctx, terms};

pub fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// The loans' rate, 4% (in Rate units), as `loan_setup::terms` records it.
pub const RATE: i64 = 40_000;

/// A loan of `enterprise` with a new bank of `officer`: 200 万元 at 4%,
/// credit only unless `guarantee` says otherwise, drawn in full on 2026-11-23
/// over 12 months. Returns the deal and the loan.
pub fn loan_of(app: &TestApp, (enterprise, officer): (&str, &str), guarantee: Guarantee) -> (Approved, OwnLoan) {
    let deal = approved(app, enterprise, officer);
    let ctx = officer_ctx(app, &deal);
    let offer = OwnOffer { institution_id: deal.institution, offer_id: deal.offer };
    let terms = xinyidai::models::loan::LoanTerms {
        guarantees: Guarantees::new(vec![guarantee]),
        ..terms(&format!("HT-{enterprise}"), deal.on)
    };
    let loan_id = open_loan(&mut app.conn(), &ctx, offer, terms).unwrap().unwrap();
    let own = OwnLoan { institution_id: deal.institution, loan_id };
    let draw = NewDrawdown {
        iou_no: format!("JJ-{enterprise}"),
        amount: Money::from_yuan(2_000_000),
        value_date: deal.on,
        term_months: 12,
    };
    record_drawdown(&mut app.conn(), &ctx, own, draw).unwrap().unwrap();
    (deal, own)
}

/// Moves the clock to `today` (Beijing morning).
pub fn move_to(app: &TestApp, today: &str) {
    use xinyidai::clock::Clock;
    let at = day(today).and_hms_opt(1, 30, 0).unwrap();
    app.clock.advance(at - app.clock.now());
}

/// Records a repayment of 1,000 元 of principal and `interest_fen` of interest on `paid_on`.
pub fn pay(app: &TestApp, (deal, own): &(Approved, OwnLoan), paid_on: &str, interest_fen: i64) {
    let drawdown: i64 = drawdowns::table
        .filter(drawdowns::loan_id.eq(own.loan_id))
        .select(drawdowns::id)
        .first(&mut *app.conn())
        .unwrap();
    let repayment = NewRepayment {
        drawdown_id: drawdown,
        paid_on: day(paid_on),
        principal: Money::from_yuan(1_000),
        interest: Money::from_fen(interest_fen),
        penalty: Money::from_fen(0),
    };
    record_repayment(&mut app.conn(), &officer_ctx(app, deal), *own, repayment).unwrap().unwrap();
}

/// The subsidy on `interest` at `rate` with `points` subsidised, worked out
/// here: interest × min(points, rate) / rate, rounded half up to the fen.
pub fn by_hand(interest: i64, points: i64, rate: i64) -> i64 {
    let points = points.min(rate);
    (2 * interest * points + rate) / (2 * rate)
}

/// The credit-office clerk "office" signed in now (the account made at the first call).
pub async fn office(app: &TestApp) -> Client<'_> {
    let exists: i64 = users::table.filter(users::username.eq("office")).count().get_result(&mut *app.conn()).unwrap();
    if exists == 0 {
        app.user(Role::CreditOffice, "office");
    }
    let client = app.client();
    assert_eq!(client.login("office", PASSWORD).await.status, 303);
    client
}

/// Defines a programme through the form: credit loans of small enterprises,
/// `points` percentage points ("1"), caps in 万元, valid 2026-01-01 to
/// 2027-12-31; its id.
pub async fn programme(client: &Client<'_>, name: &str, points: &str, caps: (&str, &str)) -> i64 {
    let fields = [
        ("name", name),
        ("points", points),
        ("credit_only", "1"),
        ("sizes", "micro"),
        ("sizes", "small"),
        ("cap_enterprise_year", caps.0),
        ("cap_total", caps.1),
        ("valid_from", "2026-01-01"),
        ("valid_to", "2027-12-31"),
    ];
    let page = client.submit("/credit-office/subsidies/new", "/credit-office/subsidies", &fields).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.location().unwrap();
    location.trim_start_matches("/credit-office/subsidies/").split('?').next().unwrap().parse().unwrap()
}

/// Computes `quarter` through the programme's page; the batch's id.
pub async fn compute(client: &Client<'_>, programme: i64, quarter: &str) -> i64 {
    let path = format!("/credit-office/subsidies/{programme}");
    let page = client.submit(&path, &format!("{path}/compute"), &[("quarter", quarter)]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.location().unwrap();
    location.split("/batches/").nth(1).unwrap().split('?').next().unwrap().parse().unwrap()
}

/// Approves the batch through its confirmation page; the answer to the POST.
pub async fn approve(client: &Client<'_>, programme: i64, batch: i64) -> crate::helpers::Page {
    let path = format!("/credit-office/subsidies/{programme}/batches/{batch}/approve");
    let token = client.get(&format!("/credit-office/subsidies/{programme}/batches/{batch}")).await.csrf();
    client.post(&path, &[("csrf", token.as_str())]).await
}

/// The batch's lines as (loan, interest, rate, subsidy, capped), by loan.
pub fn lines(app: &TestApp, batch: i64) -> Vec<(i64, i64, i64, i64, bool)> {
    subsidy_lines::table
        .filter(subsidy_lines::batch_id.eq(batch))
        .order(subsidy_lines::loan_id)
        .select((
            subsidy_lines::loan_id,
            subsidy_lines::interest_fen,
            subsidy_lines::rate,
            subsidy_lines::subsidy_fen,
            subsidy_lines::capped,
        ))
        .load(&mut *app.conn())
        .unwrap()
}

/// "1,298.70 元".
pub fn yuan(fen: i64) -> String {
    Money::from_fen(fen).yuan_text()
}
