//! The loan's pages through the router: the officer records the contract on
//! an approved offer, a drawdown and a repayment, and reads the figures that
//! follow; a drawdown's schedule as CSV against an exact computation written
//! here; and no one of another bank, nor an enterprise, reaches a loan's pages.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use xinyidai::actions::loan::record_drawdown;
use xinyidai::domain::{Money, Role};
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::models::loan::{Drawdown, Loan, Repayment};
use xinyidai::schema::users;

use crate::helpers::{Client, PASSWORD, TestApp};
use crate::loan_setup::{Approved, approved, loan, officer_ctx};

async fn signed_in<'a>(app: &'a TestApp, username: &str, ip: &str) -> Client<'a> {
    let client = app.client_from(ip);
    assert_eq!(client.login(username, PASSWORD).await.status, StatusCode::SEE_OTHER, "{username}");
    client
}

/// The text of the error shown beside `field`.
fn error_beside<'a>(body: &'a str, field: &str) -> Option<&'a str> {
    let marker = format!("id=\"{field}-error\">");
    let start = body.find(&marker)? + marker.len();
    body[start..].split('<').next()
}

/// The value a text field of the form holds.
fn value_of<'a>(body: &'a str, field: &str) -> &'a str {
    let marker = format!("name=\"{field}\" type=\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no field {field}")) + marker.len();
    let rest = &body[start..];
    let value = rest.find("value=\"").unwrap() + "value=\"".len();
    rest[value..].split('"').next().unwrap()
}

/// Fen as the pages write them: "1,234,567.89 元".
fn yuan(fen: u128) -> String {
    let int = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped}.{:02} 元", fen % 100)
}

/// `n / d` rounded half-up (both positive).
fn half_up(n: u128, d: u128) -> u128 {
    (2 * n + d) / (2 * d)
}

/// An equal-instalment (等额本息) schedule of `principal` fen at 4% a year
/// (1/300 a month) over `months`, written out with exact integers: the payment
/// P·r·(1+r)^n / ((1+r)^n − 1) = P·301^n / (300·(301^n − 300^n)), rounded
/// half-up to the fen; each month's interest the balance / 300 rounded half-up;
/// the last month repays what is left. Rows of (principal, interest, balance after).
fn annuity_at_4(principal: u128, months: u32) -> Vec<(u128, u128, u128)> {
    let (up, base) = (301u128.pow(months), 300u128.pow(months));
    let payment = half_up(principal * up, 300 * (up - base));
    let mut balance = principal;
    (1..=months)
        .map(|month| {
            let interest = half_up(balance, 300);
            let repaid = if month == months { balance } else { payment - interest };
            balance -= repaid;
            (repaid, interest, balance)
        })
        .collect()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

#[tokio::test]
async fn the_officer_records_the_contract_a_drawdown_and_a_repayment_and_reads_the_figures() {
    let app = TestApp::new();
    let approved = approved(&app, "ent", "officer");
    app.clock.advance(Duration::days(3)); // Beijing 2026-11-26.
    let officer = signed_in(&app, "officer", "203.0.113.10").await;

    let offer_page = officer.get(&format!("/officer/offers/{}", approved.offer)).await;
    let form_path = format!("/officer/offers/{}/loan", approved.offer);
    assert!(offer_page.body.contains(&format!("href=\"{form_path}\">录入贷款合同")), "{}", offer_page.body);

    let form = officer.get(&form_path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(value_of(&form.body, "line"), "200", "the approved line");
    assert_eq!(value_of(&form.body, "rate"), "4");
    assert_eq!(value_of(&form.body, "term"), "12");
    assert_eq!(value_of(&form.body, "signed_on"), "2026-11-23", "the approval's date");
    assert!(form.body.contains("value=\"credit\" checked"), "the offer's guarantee is ticked");

    // A wrong rate and no contract number: both beside their fields, the rest kept.
    let typed = [
        ("contract_no", ""),
        ("line", "150"),
        ("rate", "四厘"),
        ("term", "12"),
        ("signed_on", "2026-11-24"),
        ("repayment_method", "annuity"),
        ("guarantees", "credit"),
        ("first_loan", "1"),
    ];
    let wrong = officer.submit(&form_path, &form_path, &typed).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_beside(&wrong.body, "rate").unwrap().contains("年化利率"));
    assert!(error_beside(&wrong.body, "contract_no").unwrap().contains("合同编号"));
    assert_eq!(value_of(&wrong.body, "line"), "150");
    assert_eq!(value_of(&wrong.body, "rate"), "四厘");
    assert_eq!(value_of(&wrong.body, "signed_on"), "2026-11-24");
    // A line over the approval: refused by the rule, beside 合同额度.
    let mut over = typed;
    (over[0], over[1], over[2]) = (("contract_no", "HT-9"), ("line", "300"), ("rate", "4"));
    let refused = officer.submit(&form_path, &form_path, &over).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_beside(&refused.body, "line").unwrap().contains("不能超过授信额度"), "{}", refused.body);
    assert_eq!(value_of(&refused.body, "contract_no"), "HT-9");
    assert!(Loan::of_offer(&mut app.conn(), approved.offer).unwrap().is_none(), "nothing saved");

    let mut right = over;
    right[1] = ("line", "150");
    let opened = officer.submit(&form_path, &form_path, &right).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    let id = Loan::of_offer(&mut app.conn(), approved.offer).unwrap().unwrap().id;
    let page_path = format!("/officer/loans/{id}");
    assert_eq!(opened.location(), Some(format!("{page_path}?notice=opened").as_str()));
    let page = officer.get(&page_path).await;
    for shown in ["HT-9", "150.00 万元", "首贷", "信用贷款", "尚未放款", "录入贷款"] {
        assert!(page.body.contains(shown), "{shown}");
    }
    let again = officer.get(&offer_page_path(&approved)).await;
    assert!(again.body.contains(&format!("href=\"{page_path}\">查看贷款")));

    // A drawdown over the line: refused beside 金额, nothing saved, what was typed kept.
    let draw = format!("{page_path}/drawdowns");
    let form = officer.get(&draw).await;
    assert_eq!(value_of(&form.body, "value_date"), "2026-11-26", "today in Beijing");
    assert_eq!(value_of(&form.body, "term"), "", "left empty: up to the loan's maturity");
    assert!(form.body.contains("今天起息为 11 个月"), "the whole months left from today to 2027-11-24");
    let too_much = [("iou_no", "JJ-1"), ("amount", "150.01"), ("value_date", "2026-11-24"), ("term", "12")];
    let refused = officer.submit(&draw, &draw, &too_much).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_beside(&refused.body, "amount").unwrap().contains("超过剩余可用额度"), "{}", refused.body);
    assert_eq!(value_of(&refused.body, "amount"), "150.01");
    assert!(Drawdown::of_loan(&mut app.conn(), id).unwrap().is_empty());

    let fits = [("iou_no", "JJ-1"), ("amount", "120"), ("value_date", "2026-11-24"), ("term", "")];
    let drawn = officer.submit(&draw, &draw, &fits).await;
    assert_eq!(drawn.location(), Some(format!("{page_path}?notice=drawn").as_str()));
    let term = Drawdown::of_loan(&mut app.conn(), id).unwrap()[0].term_months;
    assert_eq!(term, 12, "an empty term runs from the value date to the loan's maturity");

    // The repayment form offers the first instalment; it is repaid early, on 2026-11-26.
    let schedule = annuity_at_4(120_000_000, 12);
    let (principal, interest, _) = schedule[0];
    let repay = format!("{page_path}/repayments");
    let form = officer.get(&repay).await;
    let as_input = |fen: u128| Money::from_fen(fen as i64).yuan_input();
    assert_eq!(value_of(&form.body, "principal"), as_input(principal));
    assert_eq!(value_of(&form.body, "interest"), as_input(interest));
    assert_eq!(value_of(&form.body, "paid_on"), "2026-11-26");
    let drawdown = Drawdown::of_loan(&mut app.conn(), id).unwrap()[0].id.to_string();
    let future = [("drawdown", drawdown.as_str()), ("paid_on", "2026-11-27"), ("principal", "1"), ("interest", "0")];
    let refused = officer.submit(&repay, &repay, &future).await;
    assert!(error_beside(&refused.body, "paid_on").unwrap().contains("不能晚于今天"));
    let (p, i) = (as_input(principal), as_input(interest));
    let fields = [("drawdown", drawdown.as_str()), ("paid_on", "2026-11-26"), ("principal", &p), ("interest", &i)];
    let repaid = officer.submit(&repay, &repay, &fields).await;
    assert_eq!(repaid.location(), Some(format!("{page_path}?notice=repaid").as_str()));
    assert_eq!(Repayment::of_loan(&mut app.conn(), id).unwrap().len(), 1);

    // Outstanding: 1,200,000 less the first principal; next: the second instalment, whole.
    let page = officer.get(&page_path).await;
    let outstanding = 120_000_000 - principal;
    let (second_principal, second_interest, _) = schedule[1];
    assert!(page.body.contains(&format!("<strong>{}</strong>", yuan(outstanding))), "{}", page.body);
    let next = format!("2027-01-24 · {}", yuan(second_principal + second_interest));
    assert!(page.body.contains(&next), "{next} in {}", page.body);
    assert!(page.body.contains("借据 JJ-1：放款 1,200,000.00 元"), "the history names the drawdown");
    app.run_jobs().await;
}

fn offer_page_path(approved: &Approved) -> String {
    format!("/officer/offers/{}", approved.offer)
}

#[tokio::test]
async fn a_drawdowns_schedule_csv_is_the_exact_equal_instalment_schedule() {
    let app = TestApp::new();
    let approved = approved(&app, "ent", "officer");
    app.clock.advance(Duration::days(3));
    let own = loan(&app, &approved);
    let new = NewDrawdown {
        iou_no: "JJ-7".into(),
        amount: Money::from_yuan(120_000),
        value_date: day("2026-11-23"),
        term_months: 12,
    };
    let drawdown = record_drawdown(&mut app.conn(), &officer_ctx(&app, &approved), own, new).unwrap().unwrap();
    let officer = signed_in(&app, "officer", "203.0.113.11").await;
    let path = format!("/officer/loans/{}/drawdowns/{drawdown}/schedule", own.loan_id);
    let page = officer.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("借据 JJ-7") && page.body.contains("待还"));

    let csv = officer.get(&format!("{path}.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = csv.body.strip_prefix('\u{feff}').expect("one BOM for Excel");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "期数,到期日,本金（元）,利息（元）,还款额（元）,剩余本金（元）,已还（元）,状态");
    let plain = |fen: u128| format!("{}.{:02}", fen / 100, fen % 100);
    let expected = annuity_at_4(12_000_000, 12);
    assert_eq!(lines.len(), 13);
    let due = ["2026-12-23", "2027-01-23", "2027-02-23", "2027-03-23", "2027-04-23", "2027-05-23"];
    let due: Vec<String> =
        due.iter().map(|d| d.to_string()).chain((6..12).map(|m| format!("2027-{m:02}-23"))).collect();
    for (n, (row, (principal, interest, balance))) in lines[1..].iter().zip(&expected).enumerate() {
        let want = format!(
            "{},{},{},{},{},{},0.00,待还",
            n + 1,
            due[n],
            plain(*principal),
            plain(*interest),
            plain(principal + interest),
            plain(*balance)
        );
        assert_eq!(*row, want, "instalment {}", n + 1);
    }
    // 120,000.00 at 4%: 10,217.99 a month, the last one absorbing the rounding.
    assert_eq!(lines[1], "1,2026-12-23,9817.99,400.00,10217.99,110182.01,0.00,待还");
    app.run_jobs().await;
}

#[tokio::test]
async fn another_bank_and_an_enterprise_never_reach_a_loans_pages() {
    let app = TestApp::new();
    let x = approved(&app, "ent", "officer");
    let y = approved(&app, "ent2", "other-officer");
    app.clock.advance(Duration::days(3));
    let own = loan(&app, &x);
    let new = NewDrawdown {
        iou_no: "JJ-1".into(),
        amount: Money::from_yuan(100_000),
        value_date: day("2026-11-24"),
        term_months: 6,
    };
    let drawdown = record_drawdown(&mut app.conn(), &officer_ctx(&app, &x), own, new).unwrap().unwrap();
    for (admin, institution) in [("admin", x.institution), ("other-admin", y.institution)] {
        let id = app.user(Role::BankAdmin, admin);
        let conn = &mut *app.conn();
        diesel::update(users::table.find(id)).set(users::institution_id.eq(institution)).execute(conn).unwrap();
    }
    app.user(Role::CreditOffice, "office");
    let id = own.loan_id;
    let reads = |base: &str| {
        vec![
            format!("{base}/{id}"),
            format!("{base}/{id}/drawdowns/{drawdown}/schedule"),
            format!("{base}/{id}/drawdowns/{drawdown}/schedule.csv"),
        ]
    };
    let mut officer_reads = reads("/officer/loans");
    officer_reads.push(format!("/officer/loans/{id}/drawdowns"));
    officer_reads.push(format!("/officer/loans/{id}/repayments"));
    officer_reads.push(format!("/officer/offers/{}/loan", x.offer));

    // The bank's own people read it: the officer with its forms, the admin without.
    let officer = signed_in(&app, "officer", "203.0.113.20").await;
    for path in &officer_reads[..5] {
        assert_eq!(officer.get(path).await.status, StatusCode::OK, "{path}");
    }
    let admin = signed_in(&app, "admin", "203.0.113.21").await;
    for path in reads("/bank-admin/loans") {
        assert_eq!(admin.get(&path).await.status, StatusCode::OK, "{path}");
    }
    assert!(!admin.get(&format!("/bank-admin/loans/{id}")).await.body.contains("录入放款"));
    let office = signed_in(&app, "office", "203.0.113.22").await;
    for path in reads("/credit-office/loans") {
        assert_eq!(office.get(&path).await.status, StatusCode::OK, "{path}");
    }

    let before = Loan::find(&mut app.conn(), id).unwrap().unwrap();
    let other_officer = signed_in(&app, "other-officer", "203.0.113.23").await;
    for path in &officer_reads {
        assert_eq!(other_officer.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let token = other_officer.get("/officer").await.csrf();
    let d = drawdown.to_string();
    let posts: [(String, Vec<(&str, &str)>); 3] = [
        (
            format!("/officer/loans/{id}/drawdowns"),
            vec![("iou_no", "JJ-X"), ("amount", "1"), ("value_date", "2026-11-25"), ("term", "3")],
        ),
        (
            format!("/officer/loans/{id}/repayments"),
            vec![("drawdown", &d), ("paid_on", "2026-11-25"), ("principal", "100"), ("interest", "0")],
        ),
        (
            format!("/officer/offers/{}/loan", x.offer),
            vec![("contract_no", "HT-Y"), ("line", "1"), ("rate", "4"), ("term", "12"), ("signed_on", "2026-11-23")],
        ),
    ];
    for (path, fields) in &posts {
        let mut all = vec![("csrf", token.as_str())];
        all.extend(fields.iter().copied());
        assert_eq!(other_officer.post(path, &all).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let other_admin = signed_in(&app, "other-admin", "203.0.113.24").await;
    for path in reads("/bank-admin/loans") {
        assert_eq!(other_admin.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let after = Loan::find(&mut app.conn(), id).unwrap().unwrap();
    assert_eq!((after.drawn, after.outstanding, after.version), (before.drawn, before.outstanding, before.version));
    assert_eq!(Drawdown::of_loan(&mut app.conn(), id).unwrap().len(), 1);
    assert!(Repayment::of_loan(&mut app.conn(), id).unwrap().is_empty());
    assert_eq!(Loan::of_offer(&mut app.conn(), x.offer).unwrap().map(|l| l.contract_no), Some("HT-2026-001".into()));

    let enterprise = signed_in(&app, "ent", "203.0.113.25").await;
    for path in officer_reads.iter().chain(&reads("/bank-admin/loans")).chain(&reads("/credit-office/loans")) {
        let status = enterprise.get(path).await.status;
        assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{path}: {status}");
    }
    let token = enterprise.get("/enterprise").await.csrf();
    for (path, fields) in &posts {
        let mut all = vec![("csrf", token.as_str())];
        all.extend(fields.iter().copied());
        let status = enterprise.post(path, &all).await.status;
        assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{path}: {status}");
    }
    assert_eq!(Drawdown::of_loan(&mut app.conn(), id).unwrap().len(), 1);
    app.run_jobs().await;
}
