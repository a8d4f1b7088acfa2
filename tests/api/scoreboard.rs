//! The scoreboard (机构服务榜) over a constructed market of two banks, every
//! figure computed by hand here: 甲银行 with five decisions (its figures
//! shown), 乙银行 with four (样本不足); medians of odd and even counts; the
//! contacts of 乙 judged only once their due time passes (the clock moves);
//! the time rules broken, listed for the credit office; and each bank's
//! figures beside its offer on the enterprise's comparison.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use xinyidai::actions::Ctx;
use xinyidai::actions::loan::record_drawdown;
use xinyidai::actions::need::{Accept, accept_offer};
use xinyidai::actions::offer::{Approval, Decide, Decision, OwnOffer, record_decision};
use xinyidai::domain::repayment::RepaymentMethod;
use xinyidai::domain::{Guarantee, Money, Rate, Role};
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::models::need::Need;
use xinyidai::models::offer::OfferTerms;
use xinyidai::schema::{needs, offers};

use crate::helpers::{BASE_URL, TestApp, start};
use crate::loan_setup::{Approved, loan, officer_ctx, user_id};
use crate::market_setup::{bank_with_product, grab_as, new_need, signed_in};
use crate::portrait::enterprise_with_records;

/// 2026-11-02 00:00 UTC (08:00 in Beijing): the month's constructed needs are published here.
fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 2).unwrap().and_hms_opt(0, 0, 0).unwrap()
}

fn hours(h: f64) -> Duration {
    Duration::seconds((h * 3600.0) as i64)
}

/// The times of one offer as the test sets them (UTC).
struct Times {
    published: NaiveDateTime,
    grabbed: NaiveDateTime,
    contact_due: NaiveDateTime,
    contacted: Option<NaiveDateTime>,
    accepted: Option<NaiveDateTime>,
    decided: Option<NaiveDateTime>,
    decision_due: Option<NaiveDateTime>,
}

/// A need from the month's start, grabbed `grab_h` hours after publication,
/// contacted after one hour (due after four) or late after five; accepted a
/// day after publication and decided `days` later, due after fourteen days
/// (or `due_days`).
fn month_times(grab_h: f64, late_contact: bool, decision: Option<(i64, i64)>) -> Times {
    let grabbed = t0() + hours(grab_h);
    let accepted = t0() + Duration::days(1);
    Times {
        published: t0(),
        grabbed,
        contact_due: grabbed + hours(4.0),
        contacted: Some(grabbed + hours(if late_contact { 5.0 } else { 1.0 })),
        accepted: decision.map(|_| accepted),
        decided: decision.and_then(|(days, _)| (days > 0).then(|| accepted + Duration::days(days))),
        decision_due: decision.map(|(_, due)| accepted + Duration::days(due)),
    }
}

fn terms(rate_units: i64) -> OfferTerms {
    OfferTerms {
        amount: Money::from_yuan(2_000_000),
        rate: Rate::from_units(rate_units),
        term_months: 12,
        repayment_method: RepaymentMethod::Annuity,
        guarantee: Guarantee::Credit,
        conditions: "无".into(),
        valid_until: start() + Duration::days(10),
    }
}

struct Bank {
    institution: i64,
    officer: i64,
}

fn bank(app: &TestApp, officer: &str) -> Bank {
    let institution = bank_with_product(app, officer);
    Bank { institution, officer: user_id(app, officer) }
}

fn ctx() -> Ctx {
    Ctx::system(start(), BASE_URL)
}

fn publish(app: &TestApp, enterprise: i64) -> i64 {
    Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap()
}

fn grab(app: &TestApp, need: i64, bank: &Bank) -> i64 {
    grab_as(&mut app.conn(), (need, bank.institution, bank.officer), &terms(40_000), &ctx()).unwrap().unwrap()
}

/// Accepts the offer and records `decision`: an approval at `rate` (units of
/// 0.0001%), or a decline for `reason`.
fn decide(app: &TestApp, (enterprise, need, offer): (i64, i64, i64), bank: &Bank, decision: Option<Result<i64, &str>>) {
    accept_offer(&mut app.conn(), &ctx(), Accept { enterprise_id: enterprise, need_id: need, offer_id: offer })
        .unwrap()
        .unwrap();
    let decision = match decision {
        None => return,
        Some(Ok(rate)) => Decision::Approve(Approval {
            amount: Money::from_yuan(2_000_000),
            rate: Rate::from_units(rate),
            term_months: 12,
            date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        }),
        Some(Err(reason)) => Decision::Decline { reason: reason.into(), note: String::new() },
    };
    let offer = OwnOffer { institution_id: bank.institution, offer_id: offer };
    record_decision(&mut app.conn(), &ctx(), Decide { offer, decision }).unwrap().unwrap();
}

fn set_times(app: &TestApp, need: i64, offer: i64, t: &Times) {
    let conn = &mut *app.conn();
    diesel::update(needs::table.find(need)).set(needs::published_at.eq(t.published)).execute(conn).unwrap();
    diesel::update(offers::table.find(offer))
        .set((
            offers::created_at.eq(t.grabbed),
            offers::contact_due.eq(t.contact_due),
            offers::contacted_at.eq(t.contacted),
            offers::accepted_at.eq(t.accepted),
            offers::decided_at.eq(t.decided),
            offers::decision_due.eq(t.decision_due),
        ))
        .execute(conn)
        .unwrap();
}

/// One need of `enterprise` grabbed by `bank` alone, decided as given, its times set.
fn deal(app: &TestApp, enterprise: i64, bank: &Bank, decision: Option<Result<i64, &str>>, t: Times) -> (i64, i64) {
    let need = publish(app, enterprise);
    let offer = grab(app, need, bank);
    if t.accepted.is_some() {
        decide(app, (enterprise, need, offer), bank, decision);
    }
    set_times(app, need, offer, &t);
    (need, offer)
}

/// The market; returns the shared need (grabbed by both banks), qiye-s's.
fn market(app: &TestApp) -> i64 {
    let jia = bank(app, "jia");
    let yi = bank(app, "yi");
    let (a, _) = enterprise_with_records(app, "qiye-a");
    let (b, _) = enterprise_with_records(app, "qiye-b");
    let (s, _) = enterprise_with_records(app, "qiye-s");

    // 甲: five decisions, 3 approved (4.00%, 4.35%, 3.85%), 2 declined for collateral;
    // decided 1, 2, 3, 4 and 10 days after acceptance, the last one due after 7 days (late);
    // a sixth need accepted and left undecided past its due time; its contact late.
    let (_, first_offer) = deal(app, a, &jia, Some(Ok(40_000)), month_times(1.0, false, Some((1, 14))));
    deal(app, a, &jia, Some(Ok(43_500)), month_times(2.0, false, Some((2, 14))));
    deal(app, a, &jia, Some(Ok(38_500)), month_times(3.0, false, Some((3, 14))));
    deal(app, a, &jia, Some(Err("collateral")), month_times(4.0, false, Some((4, 14))));
    deal(app, a, &jia, Some(Err("collateral")), month_times(6.0, false, Some((10, 7))));
    deal(app, a, &jia, None, month_times(8.0, true, Some((0, 8))));
    // 甲's approved first need becomes a 首贷 loan drawn 150 万元 on 2026-11-23.
    let approved = Approved {
        enterprise: a,
        institution: jia.institution,
        officer: jia.officer,
        offer: first_offer,
        on: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    };
    let own = loan(app, &approved);
    let new = NewDrawdown {
        iou_no: "JJ-1".into(),
        amount: Money::from_yuan(1_500_000),
        value_date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        term_months: 6,
    };
    record_drawdown(&mut app.conn(), &officer_ctx(app, &approved), own, new).unwrap().unwrap();

    // 乙: four decisions (approved 4.50%, 4.20%, 4.00%; declined too young), contacts on time;
    // a fifth grab an hour ago, its contact due in two hours.
    deal(app, b, &yi, Some(Ok(45_000)), month_times(1.0, false, Some((2, 14))));
    deal(app, b, &yi, Some(Ok(42_000)), month_times(2.0, false, Some((3, 14))));
    deal(app, b, &yi, Some(Err("too_young")), month_times(5.0, false, Some((5, 14))));
    deal(app, b, &yi, Some(Ok(40_000)), month_times(6.0, false, Some((6, 14))));
    let recent = |published_h: f64, grabbed_h: f64| Times {
        published: start() - hours(published_h),
        grabbed: start() - hours(grabbed_h),
        contact_due: start() + hours(2.0),
        contacted: None,
        accepted: None,
        decided: None,
        decision_due: None,
    };
    deal(app, b, &yi, None, recent(8.0, 1.0));

    // The shared need, published three hours ago: 甲 grabbed after one hour and
    // called at once; 乙 after an hour and a half, not yet called.
    let shared = publish(app, s);
    let by_jia = grab(app, shared, &jia);
    let by_yi = grab(app, shared, &yi);
    let mut jia_times = recent(3.0, 2.0);
    jia_times.contacted = Some(start() - hours(1.5));
    set_times(app, shared, by_jia, &jia_times);
    set_times(app, shared, by_yi, &recent(3.0, 1.5));
    shared
}

/// The table row of the institution named `name`.
fn row<'a>(page: &'a str, name: &str) -> &'a str {
    page.split("<tr").skip(1).map(|r| r.split("</tr>").next().unwrap()).find(|r| r.contains(name)).unwrap()
}

fn cell(row: &str, label: &str) -> String {
    let marker = format!("data-label=\"{label}\"");
    let start = row.find(&marker).unwrap_or_else(|| panic!("no {label} in {row}"));
    let rest = &row[start..];
    let text = &rest[rest.find('>').unwrap() + 1..rest.find("</td>").unwrap()];
    text.trim().to_string()
}

#[tokio::test]
async fn the_scoreboard_shows_each_banks_figures_counted_by_hand() {
    let app = TestApp::new();
    market(&app);
    let page = app.client().get("/scoreboard?period=2026-11").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("2026年11月"), "the period is named");

    let jia = row(&page.body, "jia银行");
    // Seven grabs: six needs and the shared one.
    assert_eq!(cell(jia, "抢单数"), "7 笔");
    // Hours to the grab 1, 1 (shared), 2, 3, 4, 6, 8: the middle of seven is 3.
    assert_eq!(cell(jia, "抢单中位时长"), "3.00 小时");
    // Seven contacts judged, six on time (one called after its due time): 6 / 7.
    assert_eq!(cell(jia, "按时联系占比"), "85.71%");
    // Decisions after 1, 2, 3, 4 and 10 days: the middle of five is 3.
    assert_eq!(cell(jia, "授信决定中位时长"), "3.00 天");
    assert_eq!(cell(jia, "授信批准率"), "60.00%");
    // (4.00 + 4.35 + 3.85) / 3 = 4.0666…
    assert_eq!(cell(jia, "平均批准利率"), "4.07%");
    assert_eq!(cell(jia, "主要拒绝原因"), "需要提供抵押或担保 2");
    assert_eq!(cell(jia, "放款金额"), "150.00 万元");
    assert_eq!(cell(jia, "首贷笔数"), "1 笔");

    let yi = row(&page.body, "yi银行");
    assert_eq!(cell(yi, "抢单数"), "6 笔");
    // Hours 1, 1.5 (shared), 2, 5, 6, 7: the mean of the middle two (2 and 5) is 3.5.
    assert_eq!(cell(yi, "抢单中位时长"), "3.50 小时");
    // Four contacts judged (the two recent ones are not yet due): too few.
    assert_eq!(cell(yi, "按时联系占比"), "样本不足");
    // Four decisions: too few for any decision-based figure.
    assert_eq!(cell(yi, "授信决定中位时长"), "样本不足");
    assert_eq!(cell(yi, "授信批准率"), "样本不足");
    assert_eq!(cell(yi, "平均批准利率"), "样本不足");
    assert_eq!(cell(yi, "主要拒绝原因"), "成立年限不足 1");
    assert_eq!(cell(yi, "放款金额"), "0.00 万元");
    assert_eq!(cell(yi, "首贷笔数"), "0 笔");

    // Ordered by 按时联系占比, 甲 (measured) comes before 乙 (样本不足); by 抢单数 too.
    let by_contact = app.client().get("/scoreboard?period=2026-11&sort=contact").await.body;
    assert!(by_contact.find("jia银行").unwrap() < by_contact.find("yi银行").unwrap());

    // A day later the two contacts of 乙 are past due and missed: 4 on time of 6.
    app.clock.advance(Duration::days(1));
    // The kept figures no longer hold: served as kept once, refreshed by the job.
    let stale = app.client().get("/scoreboard?period=2026-11").await.body;
    assert_eq!(cell(row(&stale, "yi银行"), "按时联系占比"), "样本不足");
    app.run_jobs().await;
    let later = app.client().get("/scoreboard?period=2026-11").await.body;
    assert_eq!(cell(row(&later, "yi银行"), "按时联系占比"), "66.67%");
    // An October board has none of it.
    let october = app.client().get("/scoreboard?period=2026-10").await.body;
    assert_eq!(cell(row(&october, "jia银行"), "抢单数"), "0 笔");
    app.run_jobs().await;
}

/// The credit office's list of the banks that broke a time rule.
fn rule_breakers(page: &str) -> &str {
    page.split("违反时限规则的机构（").nth(1).unwrap().split("</section>").next().unwrap()
}

#[tokio::test]
async fn the_credit_office_sees_the_banks_that_broke_a_time_rule() {
    let app = TestApp::new();
    market(&app);
    app.user(Role::CreditOffice, "office");
    let office = signed_in(&app, "office").await;
    let page = office.get("/credit-office/scoreboard?period=2026-11").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("违反时限规则的机构（1）"), "only 甲 so far: {}", page.body);
    let late = rule_breakers(&page.body);
    let jia = row(late, "jia银行");
    assert_eq!(cell(jia, "联系超时"), "1 笔");
    assert_eq!(cell(jia, "未联系且已超时"), "0 笔");
    assert_eq!(cell(jia, "决定超时"), "1 笔");
    assert_eq!(cell(jia, "逾期未决定"), "1 笔");
    assert!(jia.contains("/credit-office/needs?show=overdue"), "links to the overdue decisions");
    assert!(!late.contains("yi银行"), "乙 broke nothing yet");

    app.clock.advance(Duration::days(1));
    // A day on, the session has lapsed: sign in again.
    let office = signed_in(&app, "office").await;
    // The kept figures no longer hold: the page shows them as of their time
    // and queues their refresh; once it ran, the page shows 乙's misses.
    let stale = office.get("/credit-office/scoreboard?period=2026-11").await.body;
    assert!(stale.contains("违反时限规则的机构（1）"), "served as kept: {stale}");
    app.run_jobs().await;
    let later = office.get("/credit-office/scoreboard?period=2026-11").await.body;
    let late = rule_breakers(&later);
    assert_eq!(cell(row(late, "yi银行"), "未联系且已超时"), "2 笔");
    assert!(later.contains("违反时限规则的机构（2）"));

    // The public cannot see the office's page.
    assert_ne!(app.client().get("/credit-office/scoreboard").await.status, 200);
    app.run_jobs().await;
}

#[tokio::test]
async fn the_comparison_shows_each_banks_figures_over_the_trailing_year() {
    let app = TestApp::new();
    let shared = market(&app);
    let enterprise = signed_in(&app, "qiye-s").await;
    let page = enterprise.get(&format!("/enterprise/needs/{shared}")).await;
    assert_eq!(page.status, 200);
    let cards: Vec<&str> = page.body.split("<article").skip(1).collect();
    assert_eq!(cards.len(), 2);
    let card = |name: &str| *cards.iter().find(|c| c.contains(name)).unwrap();
    let figure = |card: &str, label: &str| {
        let rest = card.split(&format!("<dt>{label}</dt><dd>")).nth(1).unwrap();
        rest.split("</dd>").next().unwrap().to_string()
    };
    let jia = card("jia银行");
    assert_eq!(figure(jia, "按时联系占比"), "85.71%");
    assert_eq!(figure(jia, "授信决定中位时长"), "3.00 天");
    assert_eq!(figure(jia, "授信批准率"), "60.00%");
    let yi = card("yi银行");
    assert_eq!(figure(yi, "按时联系占比"), "样本不足");
    assert_eq!(figure(yi, "授信决定中位时长"), "样本不足");
    assert_eq!(figure(yi, "授信批准率"), "样本不足");
    assert!(yi.contains("可统计的联系记录仅 4 笔，授信决定仅 4 笔"), "says how few: {yi}");
    assert!(!jia.contains("样本不足"), "甲 has enough of both");
    app.run_jobs().await;
}
