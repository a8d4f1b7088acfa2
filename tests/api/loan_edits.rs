//! The officer's edits of a loan through the router: here the classification
//! with its dated history and the write-off through its confirmation; a
//! correction of the terms keeping the old values in `corrections`; the
//! conflict page of a lost update and another bank's officer refused on
//! every edit URL in `conflicts`.

mod conflicts;
mod corrections;

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use xinyidai::actions::loan::{OwnLoan, record_drawdown, record_repayment};
use xinyidai::clock::Clock;
use xinyidai::domain::loan::{Classification, LoanEventKind, LoanStatus};
use xinyidai::domain::{Money, Role};
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::models::loan::repayment::NewRepayment;
use xinyidai::models::loan::{Drawdown, Loan, LoanEventRow};
use xinyidai::models::user::{NewUser, User};
use xinyidai::schema::users;

use crate::helpers::{Client, PASSWORD, Page, TestApp, start};
use crate::loan_setup::{Approved, approved, loan, officer_ctx};
use crate::market_setup::signed_in;

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// A loan of 200 万元 signed on 2026-11-23, three days later (today 2026-11-26 in Beijing).
fn setup(app: &TestApp) -> (Approved, OwnLoan) {
    let approved = approved(app, "ent", "officer");
    let own = loan(app, &approved);
    app.clock.advance(Duration::days(3));
    (approved, own)
}

fn row(app: &TestApp, own: OwnLoan) -> Loan {
    Loan::find(&mut app.conn(), own.loan_id).unwrap().unwrap()
}

fn history(app: &TestApp, own: OwnLoan) -> Vec<LoanEventRow> {
    LoanEventRow::of_loan(&mut app.conn(), own.loan_id).unwrap()
}

/// The value of the hidden or text input `name` on the page.
fn input(page: &Page, name: &str) -> String {
    let at = page.body.find(&format!("name=\"{name}\"")).unwrap_or_else(|| panic!("no {name} input"));
    let start = at + page.body[at..].find("value=\"").unwrap() + "value=\"".len();
    page.body[start..].split('"').next().unwrap().to_string()
}

/// The message shown beside the field `name`.
fn error_beside(page: &Page, name: &str) -> String {
    let marker = format!("id=\"{name}-error\">");
    let start = page.body.find(&marker).unwrap_or_else(|| panic!("no error beside {name}")) + marker.len();
    page.body[start..].split('<').next().unwrap().to_string()
}

/// An officer of the same bank and branch as `approved`'s.
fn colleague(app: &TestApp, approved: &Approved, username: &str) {
    let branch: Option<i64> =
        users::table.find(approved.officer).select(users::branch_id).first(&mut *app.conn()).unwrap();
    let hash = xinyidai::auth::password::hash(PASSWORD).unwrap();
    let email = format!("{username}@example.com");
    let user = NewUser {
        username,
        email: &email,
        display_name: username,
        password_hash: &hash,
        role: Role::Officer,
        enterprise_id: None,
        institution_id: Some(approved.institution),
        branch_id: branch,
        must_change_password: false,
        created_at: start(),
    };
    User::insert(&mut app.conn(), &user).unwrap();
}

/// Posts `fields` to `action` with the CSRF token of `page` (the form the officer sees).
async fn send(client: &Client<'_>, page: &Page, action: &str, fields: &[(&str, &str)]) -> Page {
    let token = page.csrf();
    let mut all = vec![("csrf", token.as_str())];
    all.extend_from_slice(fields);
    client.post(action, &all).await
}

#[tokio::test]
async fn a_classification_change_enters_the_history_with_its_date_entry_time_and_reason() {
    let app = TestApp::new();
    let (_, own) = setup(&app);
    let officer = signed_in(&app, "officer").await;
    let path = format!("/officer/loans/{}/classification", own.loan_id);
    let form = officer.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("正常<span class=\"muted\">（当前）</span>"), "{}", form.body);
    for level in ["关注", "次级（不良）", "可疑（不良）", "损失（不良）"] {
        assert!(form.body.contains(level), "{level}");
    }
    assert_eq!(input(&form, "on"), "2026-11-26", "the event date defaults to today in Beijing");
    let version = input(&form, "version");
    let reason = "企业主要客户流失，现金流明显下降";
    let fields = [("version", version.as_str()), ("to", "special_mention"), ("on", "2026-11-25"), ("reason", reason)];
    let done = send(&officer, &form, &path, &fields).await;
    assert_eq!(done.location(), Some(format!("/officer/loans/{}?notice=loan_classified", own.loan_id).as_str()));

    assert_eq!(row(&app, own).classification, Classification::SpecialMention);
    let entry = &history(&app, own)[0];
    assert_eq!(entry.kind, LoanEventKind::Classification);
    assert_eq!(entry.field.as_deref(), Some("classification"));
    assert_eq!((entry.old_value.as_deref(), entry.new_value.as_deref()), (Some("normal"), Some("special_mention")));
    assert_eq!(entry.happened_on, day("2026-11-25"), "the date the bank states");
    assert_eq!(entry.recorded_at, app.clock.now(), "apart from when it was entered");
    assert_eq!(entry.reason.as_deref(), Some(reason));
    app.run_jobs().await;
}

#[tokio::test]
async fn a_wrong_classification_is_refused_beside_its_field_with_what_was_typed_kept() {
    let app = TestApp::new();
    let (_, own) = setup(&app);
    let officer = signed_in(&app, "officer").await;
    let path = format!("/officer/loans/{}/classification", own.loan_id);
    let form = officer.get(&path).await;
    let version = input(&form, "version");
    let reason = "贷款企业涉及诉讼";
    for (on, reason, field, message) in [
        ("2026-11-27", reason, "on", "日期不能晚于今天"),
        ("2026-11-20", reason, "on", "日期不能早于签约日期 2026-11-23"),
        ("2026-11-25", "", "reason", "请填写原因（4 到 500 字），将记入贷款的变更记录"),
    ] {
        let fields = [("version", version.as_str()), ("to", "doubtful"), ("on", on), ("reason", reason)];
        let refused = send(&officer, &form, &path, &fields).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{on} {reason:?}");
        assert_eq!(error_beside(&refused, field), message);
        assert_eq!(input(&refused, "on"), on, "the typed date is kept");
        assert!(refused.body.contains(&format!(">{reason}</textarea>")), "the typed reason is kept");
        assert!(refused.body.contains("value=\"doubtful\" checked"), "the typed level is kept");
    }
    assert_eq!(row(&app, own).classification, Classification::Normal);
    assert_eq!(history(&app, own).len(), 1, "nothing but the opening was entered");
    app.run_jobs().await;
}

#[tokio::test]
async fn a_write_off_goes_through_its_confirmation_and_then_the_loan_takes_nothing_more() {
    let app = TestApp::new();
    let (approved, own) = setup(&app);
    let ctx = officer_ctx(&app, &approved);
    let new = NewDrawdown {
        iou_no: "JJ-1".into(),
        amount: Money::from_yuan(500_000),
        value_date: day("2026-11-24"),
        term_months: 6,
    };
    let drawdown = record_drawdown(&mut app.conn(), &ctx, own, new).unwrap().unwrap();
    let officer = signed_in(&app, "officer").await;
    let path = format!("/officer/loans/{}/write-off", own.loan_id);
    let form = officer.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    let version = input(&form, "version");
    let reason = "企业破产清算终结，经总行批准核销";
    let fields = [("version", version.as_str()), ("on", "2026-11-26"), ("reason", reason)];
    let confirm = send(&officer, &form, &format!("{path}/confirm"), &fields).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("确认核销贷款") && confirm.body.contains("核销是终态"), "{}", confirm.body);
    assert!(confirm.body.contains("500,000.00 元"), "the principal written off");
    assert_eq!(row(&app, own).status, LoanStatus::Normal, "nothing happens before the confirmation");

    // 返回修改 gives the form back, filled.
    let mut back = fields.to_vec();
    back.push(("intent", "edit"));
    let edit = send(&officer, &confirm, &format!("{path}/confirm"), &back).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.body.contains(&format!(">{reason}</textarea>")));

    let done = send(&officer, &confirm, &path, &fields).await;
    assert_eq!(done.location(), Some(format!("/officer/loans/{}?notice=loan_written_off", own.loan_id).as_str()));
    let loan = row(&app, own);
    assert_eq!((loan.status, loan.status_on), (LoanStatus::WrittenOff, day("2026-11-26")));
    let entry = &history(&app, own)[0];
    assert_eq!((entry.kind, entry.field.as_deref()), (LoanEventKind::Status, Some("status")));
    assert_eq!((entry.old_value.as_deref(), entry.new_value.as_deref()), (Some("normal"), Some("written_off")));
    assert_eq!(entry.reason.as_deref(), Some(reason));

    // Terminal: no drawdown, repayment or classification after.
    let more = NewDrawdown {
        iou_no: "JJ-2".into(),
        amount: Money::from_yuan(1),
        value_date: day("2026-11-26"),
        term_months: 1,
    };
    let refused = record_drawdown(&mut app.conn(), &ctx, own, more).unwrap().unwrap_err();
    assert_eq!(refused.to_string(), "该贷款已核销，不能放款");
    let repay = NewRepayment {
        drawdown_id: drawdown,
        paid_on: day("2026-11-26"),
        principal: Money::from_yuan(1_000),
        interest: Money::from_fen(0),
        penalty: Money::from_fen(0),
    };
    let refused = record_repayment(&mut app.conn(), &ctx, own, repay).unwrap().unwrap_err();
    assert_eq!(refused.to_string(), "该贷款已核销，不能录入还款");
    let classification = format!("/officer/loans/{}/classification", own.loan_id);
    let page = officer.get(&classification).await;
    assert!(page.body.contains("该贷款已核销，不能调整五级分类"));
    assert!(!page.body.contains(&format!("action=\"{classification}\"")), "no form on a written-off loan");
    let version = row(&app, own).version.to_string();
    let fields = [("version", version.as_str()), ("to", "loss"), ("on", "2026-11-26"), ("reason", "补录分类调整")];
    let refused = send(&officer, &page, &classification, &fields).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("该贷款已核销，不能调整五级分类"));
    assert_eq!(row(&app, own).classification, Classification::Normal);
    assert_eq!(Drawdown::of_loan(&mut app.conn(), own.loan_id).unwrap().len(), 1);
    let correction = officer.get(&format!("/officer/loans/{}/correction", own.loan_id)).await;
    assert!(correction.body.contains("该贷款已核销，不能更正合同信息"));
    app.run_jobs().await;
}

/// The correction form's fields as typed: the test contract with these changes.
pub(super) fn terms_fields<'a>(version: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("version", version),
        ("contract_no", "HT-2026-001"),
        ("line", "200"),
        ("rate", "4"),
        ("term", "12"),
        ("signed_on", "2026-11-23"),
        ("repayment_method", "annuity"),
        ("guarantees", "credit"),
        ("first_loan", "1"),
        ("renews", ""),
    ];
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name || *name == "guarantees");
        fields.push((name, value));
    }
    fields
}
