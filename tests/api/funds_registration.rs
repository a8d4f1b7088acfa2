//! Registration (入库) through the real actions: a drawdown recorded on a
//! loan is registered in every fund in force on its value date whose rules
//! cover it, at the ratio the version in force gives, computed here by hand.
//! The test loan's line is 200 万元 (credit only, 首贷), drawn on 2026-11-23;
//! the tiers are set around that line to test their bounds.

use chrono::NaiveDate;
use diesel::prelude::*;
use xinyidai::actions::Ctx;
use xinyidai::actions::fund;
use xinyidai::actions::loan::{OwnLoan, open_loan, record_drawdown};
use xinyidai::actions::offer::OwnOffer;
use xinyidai::domain::fund::{Bonus, FundMode, Rules, Tag, Tier};
use xinyidai::domain::loan::Guarantees;
use xinyidai::domain::{Guarantee, Money, Role};
use xinyidai::models::fund::NewFund;
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::schema::fund_registrations;

use crate::helpers::{BASE_URL, TestApp, start};
use crate::loan_setup::{Approved, approved, loan, officer_ctx, terms};

const WAN: i64 = 1_000_000;

/// The credit office's context (a real account: rule versions name their author).
pub fn office_ctx(app: &TestApp) -> Ctx {
    let id = app.user(Role::CreditOffice, "fund-office");
    let mut ctx = Ctx::system(start(), BASE_URL);
    ctx.actor.user_id = Some(id);
    ctx.actor.role = Some("credit_office".into());
    ctx
}

/// Rules covering everything, one tier per (bound in fen, ratio), no bonus, cap 50 %.
pub fn plain(tiers: &[(i64, i32)]) -> Rules {
    Rules {
        sizes: Vec::new(),
        regions: Vec::new(),
        credit_only: false,
        products: Vec::new(),
        programmes: Vec::new(),
        tiers: tiers.iter().map(|&(up_to_fen, ratio_bp)| Tier { up_to_fen, ratio_bp }).collect(),
        bonuses: Vec::new(),
        cap_bp: 5_000,
        trigger: xinyidai::domain::fund::Trigger::WrittenOff,
        stop_line_bp: 300,
    }
}

/// A bank-mode fund of 5,000 万元 a year valid through 2026 (from `from`); its id.
pub fn define(app: &TestApp, ctx: &Ctx, name: &str, from: NaiveDate, rules: &Rules) -> i64 {
    let new = NewFund {
        name: name.into(),
        mode: FundMode::Bank,
        annual_budget_fen: 5_000 * WAN,
        valid_from: from,
        valid_to: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    };
    fund::create(&mut app.conn(), ctx, &new, rules).unwrap().unwrap()
}

pub fn jan_1() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

/// Draws `wan` 万元 on the loan, valued on the approval's day; the drawdown's id.
pub fn draw(app: &TestApp, deal: &Approved, own: OwnLoan, iou: &str, wan: i64) -> i64 {
    let new =
        NewDrawdown { iou_no: iou.into(), amount: Money::from_yuan(wan * 10_000), value_date: deal.on, term_months: 6 };
    record_drawdown(&mut app.conn(), &officer_ctx(app, deal), own, new).unwrap().unwrap()
}

/// (fund id, ratio) of each registration of the drawdown.
fn registered(app: &TestApp, drawdown: i64) -> Vec<(i64, i32)> {
    fund_registrations::table
        .filter(fund_registrations::drawdown_id.eq(drawdown))
        .order(fund_registrations::fund_id)
        .select((fund_registrations::fund_id, fund_registrations::ratio_bp))
        .load(&mut *app.conn())
        .unwrap()
}

#[tokio::test]
async fn tiers_include_their_bound_and_the_last_bound_is_the_ceiling() {
    let app = TestApp::new();
    let office = office_ctx(&app);
    let line = 200 * WAN;
    // The line exactly at the first bound: 40 %.
    let at_bound = define(&app, &office, "上限含本数", jan_1(), &plain(&[(line, 4_000), (1_500 * WAN, 3_000)]));
    // The first bound one fen below the line: the line is in the second tier, 30 %.
    let above = define(&app, &office, "超出一分", jan_1(), &plain(&[(line - 1, 4_000), (1_500 * WAN, 3_000)]));
    // Above the last bound: not covered.
    let ceiling = define(&app, &office, "单户上限", jan_1(), &plain(&[(100 * WAN, 4_000), (line - 1, 3_000)]));
    let deal = approved(&app, "入库企业", "fund-officer");
    let own = loan(&app, &deal);
    let drawdown = draw(&app, &deal, own, "JJ-1", 50);
    assert_eq!(registered(&app, drawdown), vec![(at_bound, 4_000), (above, 3_000)]);
    assert!(!registered(&app, drawdown).iter().any(|(f, _)| *f == ceiling));
    // Registered with the drawdown's principal and value date, and the loan's tags.
    let (principal, on, tags): (i64, NaiveDate, String) = fund_registrations::table
        .filter(fund_registrations::fund_id.eq(at_bound))
        .select((fund_registrations::principal_fen, fund_registrations::registered_on, fund_registrations::tags))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!((principal, on, tags.as_str()), (50 * WAN, deal.on, "first_loan,credit"));
    app.run_jobs().await;
}

#[tokio::test]
async fn bonus_points_are_held_at_the_cap() {
    let app = TestApp::new();
    let office = office_ctx(&app);
    let bonuses = vec![Bonus { tag: Tag::FirstLoan, points_bp: 1_500 }, Bonus { tag: Tag::Credit, points_bp: 500 }];
    // 40 % + 15 (首贷) + 5 (信用) = 60 %, held at the 50 % cap.
    let capped =
        define(&app, &office, "封顶", jan_1(), &Rules { bonuses: bonuses.clone(), ..plain(&[(500 * WAN, 4_000)]) });
    // 20 % + 15 + 5 = 40 %, under the cap.
    let under = define(&app, &office, "未封顶", jan_1(), &Rules { bonuses, ..plain(&[(500 * WAN, 2_000)]) });
    // A pledge bonus the loan does not earn: 20 %.
    let pledge = vec![Bonus { tag: Tag::Pledge, points_bp: 1_500 }];
    let none = define(&app, &office, "质押加分", jan_1(), &Rules { bonuses: pledge, ..plain(&[(500 * WAN, 2_000)]) });
    let deal = approved(&app, "首贷企业", "bonus-officer");
    let drawdown = draw(&app, &deal, loan(&app, &deal), "JJ-1", 50);
    assert_eq!(registered(&app, drawdown), vec![(capped, 5_000), (under, 4_000), (none, 2_000)]);
    app.run_jobs().await;
}

#[tokio::test]
async fn a_loan_outside_the_eligibility_is_not_registered() {
    let app = TestApp::new();
    let office = office_ctx(&app);
    let tiers = [(500 * WAN, 4_000)];
    // The test enterprise is small, in region 990102.
    let city = define(&app, &office, "本市", jan_1(), &Rules { regions: vec!["990100".into()], ..plain(&tiers) });
    define(&app, &office, "外省", jan_1(), &Rules { regions: vec!["450100".into()], ..plain(&tiers) });
    define(&app, &office, "中型企业", jan_1(), &Rules { sizes: vec!["medium".into()], ..plain(&tiers) });
    let credit = define(&app, &office, "信用贷款", jan_1(), &Rules { credit_only: true, ..plain(&tiers) });
    let deal = approved(&app, "小型企业", "scope-officer");
    let drawdown = draw(&app, &deal, loan(&app, &deal), "JJ-1", 50);
    assert_eq!(registered(&app, drawdown), vec![(city, 4_000), (credit, 4_000)]);

    // A mortgage loan of the same kind: not in the credit-only fund.
    let other = approved(&app, "抵押企业", "mortgage-officer");
    let offer = OwnOffer { institution_id: other.institution, offer_id: other.offer };
    let mortgage = xinyidai::models::loan::LoanTerms {
        guarantees: Guarantees::new(vec![Guarantee::Mortgage]),
        first_loan: false,
        ..terms("HT-DY-1", other.on)
    };
    let id = open_loan(&mut app.conn(), &officer_ctx(&app, &other), offer, mortgage).unwrap().unwrap();
    let drawdown = draw(&app, &other, OwnLoan { institution_id: other.institution, loan_id: id }, "JJ-2", 50);
    assert_eq!(registered(&app, drawdown), vec![(city, 4_000)]);
    app.run_jobs().await;
}

#[tokio::test]
async fn a_registration_keeps_the_version_it_came_under() {
    let app = TestApp::new();
    let office = office_ctx(&app);
    let id = define(&app, &office, "改规则", jan_1(), &plain(&[(500 * WAN, 4_000)]));
    let deal = approved(&app, "两笔放款企业", "change-officer");
    let own = loan(&app, &deal);
    let first = draw(&app, &deal, own, "JJ-1", 50);
    assert_eq!(fund::change_rules(&mut app.conn(), &office, id, 1, &plain(&[(500 * WAN, 3_000)])).unwrap(), Ok(2));
    let second = draw(&app, &deal, own, "JJ-2", 50);
    assert_eq!(registered(&app, first), vec![(id, 4_000)]);
    assert_eq!(registered(&app, second), vec![(id, 3_000)]);
    let versions: Vec<i32> = fund_registrations::table
        .inner_join(xinyidai::schema::fund_rules::table)
        .filter(fund_registrations::fund_id.eq(id))
        .order(fund_registrations::id)
        .select(xinyidai::schema::fund_rules::version)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(versions, [1, 2]);
    // A change read at version 1 after version 2 is in force is refused.
    assert!(fund::change_rules(&mut app.conn(), &office, id, 1, &plain(&[(500 * WAN, 2_000)])).unwrap().is_err());
    app.run_jobs().await;
}

#[tokio::test]
async fn a_fund_not_in_force_on_the_value_date_registers_nothing() {
    let app = TestApp::new();
    let office = office_ctx(&app);
    // In force from the day after the value date (2026-11-23).
    define(&app, &office, "明天起", NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), &plain(&[(500 * WAN, 4_000)]));
    let deal = approved(&app, "早一天企业", "early-officer");
    let drawdown = draw(&app, &deal, loan(&app, &deal), "JJ-1", 50);
    assert!(registered(&app, drawdown).is_empty());
    app.run_jobs().await;
}
