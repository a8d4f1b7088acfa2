//! Repayment methods over HTTP: the grab form offers only the product's
//! methods and previews the chosen one; the enterprise's comparison prices
//! each offer under its own method and marks only the lowest interest; the
//! schedule page and CSV show every period to the offer's two sides only.
//! Every figure is the independent reference's (`tests/common/repayment_reference.rs`).

use axum::http::StatusCode;
use chrono::NaiveDate;
use diesel::prelude::*;
use xinyidai::domain::Role;
use xinyidai::models::need::Need;
use xinyidai::schema::offers;

use crate::helpers::{Client, TestApp, start};
use crate::market_setup::{bank_with_methods, new_need, signed_in};
use crate::portrait::enterprise_with_records;
use crate::reference::{cost, schedule, yuan_text};

/// Grabs `need` for 200 万元 over 12 months at `rate` under `method`; returns the offer.
async fn offer(officer: &Client<'_>, need: i64, rate: &str, method: &str) -> i64 {
    let form = format!("/officer/hall/{need}");
    let fields = [
        ("amount", "200"),
        ("rate", rate),
        ("term", "12"),
        ("repayment_method", method),
        ("guarantee", "credit"),
        ("valid_until", "2026-12-10"),
    ];
    let page = officer.submit(&form, &form, &fields).await;
    let location = page.location().unwrap_or_else(|| panic!("{}", page.body));
    location.trim_start_matches("/officer/offers/").split('?').next().unwrap().parse().unwrap()
}

/// The offer card of `institution` on the comparison page.
fn card<'a>(page: &'a str, institution: &str) -> &'a str {
    page.split("<article class=\"card offer-card")
        .skip(1)
        .find(|card| card.contains(institution))
        .unwrap_or_else(|| panic!("no card for {institution}"))
}

/// Every figure the comparison shows for 200 万元 over 12 months at `percent` under `method`.
fn figures(method: &str, percent: &str) -> [String; 4] {
    let (first, largest, interest, total) = cost(&schedule(method, "2000000", percent, 12, start().date()));
    [first, largest, interest, total].map(yuan_text)
}

#[tokio::test]
async fn the_comparison_prices_each_offer_under_its_own_method_and_marks_only_the_lowest_interest() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_methods(&app, "甲", &["annuity", "interest_only"]);
    bank_with_methods(&app, "乙", &["annuity"]);
    bank_with_methods(&app, "丙", &["equal_principal", "bullet"]);
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    // Same rate, two methods: priced as equal instalments, both looked cheapest.
    offer(&signed_in(&app, "甲").await, need, "3.85", "interest_only").await;
    offer(&signed_in(&app, "乙").await, need, "3.85", "annuity").await;
    offer(&signed_in(&app, "丙").await, need, "4.2", "equal_principal").await;

    let page = signed_in(&app, "ent").await.get(&format!("/enterprise/needs/{need}")).await;
    for (bank, label, method, rate) in [
        ("甲银行", "按月付息到期还本", "interest_only", "3.85"),
        ("乙银行", "等额本息", "annuity", "3.85"),
        ("丙银行", "等额本金", "equal_principal", "4.2"),
    ] {
        let card = card(&page.body, bank);
        assert!(card.contains(&format!("<dd>{label}</dd>")), "{bank} names its method: {card}");
        let [first, largest, interest, total] = figures(method, rate);
        for (what, value) in [("首期还款", first), ("最高一期还款", largest), ("总利息", interest), ("还款总额", total)]
        {
            assert!(card.contains(&format!("<dt>{what}</dt><dd>{value}</dd>")), "{bank} {what} {value}: {card}");
        }
        assert_eq!(card.contains("利息最低"), bank == "乙银行", "{bank}: only the lowest total interest is marked");
    }
    // 2,000,000 at 3.85%: interest-only repays 77,000.04 yuan of interest, and the last month 2,006,416.67.
    assert!(card(&page.body, "甲银行").contains("<dt>总利息</dt><dd>77,000.04 元</dd>"));
    assert!(card(&page.body, "甲银行").contains("<dt>最高一期还款</dt><dd>2,006,416.67 元</dd>"));
    app.run_jobs().await;
}

#[tokio::test]
async fn offers_tied_on_the_lowest_interest_each_say_so() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    for bank in ["甲", "乙", "丙"] {
        bank_with_methods(&app, bank, &["annuity", "bullet"]);
    }
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    offer(&signed_in(&app, "甲").await, need, "3.9", "annuity").await;
    offer(&signed_in(&app, "乙").await, need, "3.9", "annuity").await;
    offer(&signed_in(&app, "丙").await, need, "3.9", "bullet").await;

    let page = signed_in(&app, "ent").await.get(&format!("/enterprise/needs/{need}")).await;
    for bank in ["甲银行", "乙银行"] {
        assert!(card(&page.body, bank).contains(">利息并列最低<"), "{bank}");
    }
    assert!(!card(&page.body, "丙银行").contains("最低"), "the bullet loan costs more and carries no badge");
    assert!(!page.body.contains(">利息最低<"), "no offer is the lowest alone");
    app.run_jobs().await;
}

#[tokio::test]
async fn the_grab_form_offers_only_the_products_methods_and_previews_the_chosen_one() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_methods(&app, "甲", &["interest_only", "bullet"]);
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let officer = signed_in(&app, "甲").await;
    let form = format!("/officer/hall/{need}");

    let page = officer.get(&form).await;
    assert!(page.body.contains("value=\"interest_only\"") && page.body.contains("value=\"bullet\""));
    assert!(!page.body.contains("value=\"annuity\""), "equal instalments are not among the product's methods");

    let mut fields = vec![
        ("amount", "200"),
        ("rate", "3.9"),
        ("term", "12"),
        ("repayment_method", "bullet"),
        ("guarantee", "credit"),
        ("valid_until", "2026-12-10"),
        ("intent", "preview"),
    ];
    let preview = officer.submit(&form, &format!("{form}/confirm"), &fields).await;
    assert_eq!(preview.status, StatusCode::OK);
    let [first, largest, interest, total] = figures("bullet", "3.9");
    assert!(preview.body.contains("按到期一次还本付息试算"), "{}", preview.body);
    for value in [first, largest, interest, total] {
        assert!(preview.body.contains(&value), "{value}");
    }
    assert!(preview.body.contains("78,000.00 元"), "one year's interest on 2,000,000 at 3.9%, at maturity");
    let made: i64 = offers::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(made, 0, "a preview grabs nothing");

    fields[3] = ("repayment_method", "annuity");
    fields.pop();
    let refused = officer.submit(&form, &form, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("贵机构适用于该需求的产品不提供这种还款方式"));
    assert!(refused.body.contains("value=\"3.9\""), "what was typed is kept");

    fields[3] = ("repayment_method", "");
    let missing = officer.submit(&form, &form, &fields).await;
    assert!(missing.body.contains("请选择还款方式"));
}

#[tokio::test]
async fn the_schedule_page_and_csv_show_every_period_to_the_offers_two_sides_only() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_methods(&app, "甲", &["interest_only"]);
    bank_with_methods(&app, "乙", &["annuity"]);
    app.user(Role::Enterprise, "other");
    app.user(Role::CreditOffice, "office");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let bank = signed_in(&app, "甲").await;
    let id = offer(&bank, need, "3.85", "interest_only").await;

    // Made on 2026-11-23 (Beijing time): the periods fall due on the 23rd of each month after.
    let drawdown = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let rows = schedule("interest_only", "2000000", "3.85", 12, drawdown);
    let mut expected = vec!["期数,还款日,应还本金（元）,应还利息（元）,本期还款（元）,剩余本金（元）".to_string()];
    expected.extend(rows.iter().map(|r| {
        format!("{},{},{:.2},{:.2},{:.2},{:.2}", r.number, r.due, r.principal, r.interest, r.payment, r.balance)
    }));
    let owner = signed_in(&app, "ent").await;
    for side in [&owner, &bank] {
        let csv = side.get(&format!("/offers/{id}/schedule.csv")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
        let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines, expected);

        let page = side.get(&format!("/offers/{id}/schedule")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.body.matches("<td data-label=\"期数\">").count(), 12);
        assert!(page.body.contains("2027-11-23") && page.body.contains("2,006,416.67 元"), "the last period");
        assert!(page.body.contains("按月付息到期还本"));
    }
    assert_eq!(
        expected[12], "12,2027-11-23,2000000.00,6416.67,2006416.67,0.00",
        "2,000,000 × 3.85% / 12, and the principal"
    );

    let outsiders = [signed_in(&app, "other").await, signed_in(&app, "乙").await, signed_in(&app, "office").await];
    for outsider in &outsiders {
        for path in [format!("/offers/{id}/schedule"), format!("/offers/{id}/schedule.csv")] {
            let page = outsider.get(&path).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
            assert!(!page.body.contains("6,416.67") && !page.body.contains("6416.67"), "{path}");
        }
    }
    let anonymous = app.client().get(&format!("/offers/{id}/schedule.csv")).await;
    assert!(anonymous.location().is_some_and(|l| l.starts_with("/login")), "sign in first");
    app.run_jobs().await;
}
