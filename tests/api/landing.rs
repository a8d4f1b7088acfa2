//! The public landing page: the headline figures counted by hand over two
//! loans (one credit only, one under a mortgage), the trend of 放款金额 by
//! month, and the latest published bulletin (rows inserted directly).

use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use xinyidai::actions::loan::{OwnLoan, open_loan, record_drawdown};
use xinyidai::actions::offer::OwnOffer;
use xinyidai::domain::loan::Guarantees;
use xinyidai::domain::{Guarantee, Money, Role};
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::schema::bulletins;

use crate::helpers::{TestApp, start};
use crate::loan_setup::{Approved, approved, approved_by, loan, officer_ctx, terms};
use crate::portrait::enterprise_with_records;

fn draw(app: &TestApp, deal: &Approved, own: OwnLoan, iou: &str, yuan: i64) {
    let new = NewDrawdown {
        iou_no: iou.into(),
        amount: Money::from_yuan(yuan),
        value_date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        term_months: 6,
    };
    record_drawdown(&mut app.conn(), &officer_ctx(app, deal), own, new).unwrap().unwrap();
}

fn bulletin(app: &TestApp, by: i64, (period, title): (&str, &str), published_days_ago: Option<i64>) {
    let at = start() - Duration::days(published_days_ago.unwrap_or(0));
    diesel::insert_into(bulletins::table)
        .values((
            bulletins::period.eq(period),
            bulletins::title.eq(title),
            bulletins::commentary.eq(""),
            bulletins::status.eq(if published_days_ago.is_some() { "published" } else { "draft" }),
            bulletins::figures.eq(published_days_ago.map(|_| "{}")),
            bulletins::created_by.eq(by),
            bulletins::created_at.eq(at),
            bulletins::updated_at.eq(at),
            bulletins::published_at.eq(published_days_ago.map(|_| at)),
            bulletins::published_by.eq(published_days_ago.map(|_| by)),
        ))
        .execute(&mut *app.conn())
        .unwrap();
}

/// The value shown above the label `name`.
fn figure(page: &str, name: &str) -> String {
    let block = page
        .split("<div class=\"figure\">")
        .find(|b| b.contains(&format!("figure-label\">{name}</span>")))
        .unwrap_or_else(|| panic!("no figure {name}"));
    block.split("figure-value\">").nth(1).unwrap().split("</span>").next().unwrap().to_string()
}

#[tokio::test]
async fn the_landing_page_shows_the_headline_figures_the_trend_and_the_latest_bulletin() {
    let app = TestApp::new();
    // Two enterprises, one bank with one product; two needs of 200 万元, both approved for 200 万元.
    let first = approved(&app, "qiye-1", "officer");
    let (second_enterprise, _) = enterprise_with_records(&app, "qiye-2");
    let second = approved_by(&app, second_enterprise, (first.institution, first.officer));
    // 150 万元 drawn on a credit-only loan, 50 万元 on a mortgage loan, both at 4%.
    let credit = loan(&app, &first);
    draw(&app, &first, credit, "JJ-1", 1_500_000);
    let mortgage = terms("HT-2026-002", second.on);
    let mortgage =
        xinyidai::models::loan::LoanTerms { guarantees: Guarantees::new(vec![Guarantee::Mortgage]), ..mortgage };
    let offer = OwnOffer { institution_id: second.institution, offer_id: second.offer };
    let id = open_loan(&mut app.conn(), &officer_ctx(&app, &second), offer, mortgage).unwrap().unwrap();
    draw(&app, &second, OwnLoan { institution_id: second.institution, loan_id: id }, "JJ-2", 500_000);

    let office = app.user(Role::CreditOffice, "office");
    bulletin(&app, office, ("2026-09", "2026年9月统计公报"), Some(40));
    bulletin(&app, office, ("2026-10", "2026年10月统计公报"), Some(10));
    bulletin(&app, office, ("2026-11", "2026年11月统计公报（草稿）"), None);

    let page = app.client().get("/").await;
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert_eq!(figure(body, "注册企业数"), "2 家");
    assert_eq!(figure(body, "入驻金融机构数"), "1 家");
    assert_eq!(figure(body, "发布金融产品数"), "1 个");
    assert_eq!(figure(body, "融资需求笔数"), "2 笔");
    assert_eq!(figure(body, "融资需求金额"), "400.00 万元");
    assert_eq!(figure(body, "授信金额"), "400.00 万元");
    assert_eq!(figure(body, "放款金额"), "200.00 万元");
    // 150 of 200 万元 drawn on credit alone.
    assert_eq!(figure(body, "信用贷款占比"), "75.00%");
    assert_eq!(figure(body, "放款平均利率"), "4.00%");

    assert!(body.contains("近一年每月放款金额"), "the trend chart");
    assert!(body.contains("2026-11 放款金额：200 万元"), "November's point");
    assert!(body.contains("2025-12 放款金额：0 万元"), "the year starts with December");

    assert!(body.contains("<a href=\"/bulletins/2026-10\">2026年10月统计公报</a>"), "the latest published bulletin");
    assert!(!body.contains("草稿"), "a draft is not shown");
    assert!(body.contains("href=\"/scoreboard\""), "the way to the scoreboard");
    assert!(body.contains("href=\"/register\""), "the call to register stays");
    app.run_jobs().await;
}
