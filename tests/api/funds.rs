//! The credit office's fund pages and a bank's coverage through the real
//! router: defining a fund (errors beside the fields, nothing typed lost),
//! changing its rules after a confirmation (a stale version refused), the
//! fund's use over claim rows built here with figures computed by hand, the
//! banks against the stop line, and /bank/fund showing a bank only its own.

use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use xinyidai::domain::Role;
use xinyidai::domain::fund::{Rules, Tier};
use xinyidai::schema::{fund_budgets, fund_claims, users};

use crate::funds_registration::{define, draw, jan_1, office_ctx, plain};
use crate::helpers::{Client, PASSWORD, TestApp};
use crate::loan_setup::{approved, loan};

const WAN: i64 = 1_000_000;

async fn signed_in<'a>(app: &'a TestApp, username: &str) -> Client<'a> {
    let client = app.client();
    assert_eq!(client.login(username, PASSWORD).await.status, StatusCode::SEE_OTHER);
    client
}

/// The new-fund form's fields, valid; `with` replaces or adds fields.
fn fund_fields<'a>(with: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("name", "南宁市中小微企业风险补偿资金池"),
        ("mode", "bank"),
        ("annual_budget", "5000"),
        ("valid_from", "2026-01-01"),
        ("valid_to", "2026-12-31"),
        ("sizes", "small"),
        ("sizes", "micro"),
        ("regions", "450100"),
        ("tier_up", "500"),
        ("tier_ratio", "40%"),
        ("tier_up", "1500"),
        ("tier_ratio", "30"),
        ("tier_up", ""),
        ("tier_ratio", ""),
        ("bonus_first_loan", "15"),
        ("bonus_credit", "5"),
        ("cap", "50"),
        ("trigger", "written_off"),
        ("stop_line", "3"),
    ];
    for (name, value) in with {
        if let Some(pos) = fields.iter().position(|(n, _)| n == name) {
            fields[pos].1 = value;
        } else {
            fields.push((name, value));
        }
    }
    fields
}

#[tokio::test]
async fn a_new_fund_shows_its_errors_beside_the_fields_and_keeps_what_was_typed() {
    let app = TestApp::new();
    app.user(Role::CreditOffice, "office");
    let office = signed_in(&app, "office").await;
    let form = office.get("/credit-office/funds/new").await;
    assert_eq!(form.status, StatusCode::OK);
    // Guangzhou's rules filled in: 500 万 at 40 %, the cap at 50, the stop line at 3.
    for filled in [
        r#"name="tier_up" type="text" inputmode="decimal" value="500""#,
        r#"value="40""#,
        r#"name="cap" type="text" value="50""#,
    ] {
        assert!(form.body.contains(filled), "{filled}");
    }
    assert!(form.body.contains(r#"value="written_off" checked"#));

    // No name, the tiers out of order and a cap that is no percent.
    let wrong = fund_fields(&[("name", ""), ("tier_up", "1500"), ("cap", "五十")]);
    let refused = office.submit("/credit-office/funds/new", "/credit-office/funds", &wrong).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(r#"id="cap-error">请填写比例上限（%，如 50）"#), "{}", refused.body);
    // What was typed is all there.
    for kept in [r#"value="450100""#, r#"value="五十""#, r#"value="15""#, r#"value="small" checked"#] {
        assert!(refused.body.contains(kept), "{kept}");
    }
    // With the cap fixed the action's own checks speak: the name and the tiers' order.
    let wrong = fund_fields(&[("name", ""), ("tier_up", "1500")]);
    let refused = office.submit("/credit-office/funds/new", "/credit-office/funds", &wrong).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("请填写资金池名称（60 字以内）"));
    assert!(refused.body.contains("各档贷款金额上限须从小到大排列"));
    assert!(refused.body.contains(r#"value="1500""#));

    let created = office.submit("/credit-office/funds/new", "/credit-office/funds", &fund_fields(&[])).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let page = office.get(created.location().unwrap()).await;
    assert!(page.body.contains("资金池已创建"));
    assert!(page.body.contains("500.00 万元及以下 40.00%；500.00 万元 以上至 1,500.00 万元 30.00%"));
    assert!(page.body.contains("首贷 +15.00 个百分点、信用贷款 +5.00 个百分点"));
    assert!(page.body.contains("小型、微型"));
    assert!(page.body.contains("第 1 版"));
    // The list shows it with this year's budget untouched.
    let list = office.get("/credit-office/funds").await;
    assert!(list.body.contains("南宁市中小微企业风险补偿资金池"));
    assert!(list.body.contains("已用 0.00 万元 / 剩余 5,000.00 万元"));
    // The same name again is refused beside the name.
    let again = office.submit("/credit-office/funds/new", "/credit-office/funds", &fund_fields(&[])).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("已有同名的资金池"));
}

#[tokio::test]
async fn new_rules_are_confirmed_old_beside_new_and_a_stale_version_is_refused() {
    let app = TestApp::new();
    let ctx = office_ctx(&app);
    let id = define(&app, &ctx, "改规则资金池", jan_1(), &Rules::guangzhou());
    let office = signed_in(&app, "fund-office").await;
    let rules = format!("/credit-office/funds/{id}/rules");
    let form = office.get(&rules).await;
    assert!(form.body.contains(r#"name="version" value="1""#));
    // The first tier at 35 % instead of 40 %.
    let typed = [
        ("version", "1"),
        ("sizes", "micro"),
        ("sizes", "small"),
        ("sizes", "medium"),
        ("tier_up", "500"),
        ("tier_ratio", "35"),
        ("tier_up", "1500"),
        ("tier_ratio", "30"),
        ("tier_up", "3000"),
        ("tier_ratio", "20"),
        ("bonus_first_loan", "15"),
        ("bonus_credit", "5"),
        ("bonus_pledge", "15"),
        ("cap", "50"),
        ("trigger", "written_off"),
        ("stop_line", "3"),
    ];
    let confirm = office.submit(&rules, &format!("{rules}/confirm"), &typed).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("第 1 版 → 第 2 版，共 1 项变化"), "{}", confirm.body);
    assert!(confirm.body.contains("500.00 万元及以下 40.00%") && confirm.body.contains("→ 500.00 万元及以下 35.00%"));
    assert!(!confirm.body.contains("比例上限</"), "an unchanged line is not listed");
    assert!(confirm.body.contains(r#"name="tier_ratio" value="35""#), "the typed values are carried");
    // Nothing changed until confirmed.
    assert!(office.get(&format!("/credit-office/funds/{id}")).await.body.contains("40.00%"));

    let done = office.submit(&rules, &rules, &typed).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let page = office.get(done.location().unwrap()).await;
    assert!(page.body.contains("新版规则已生效"));
    assert!(page.body.contains("现行规则（第 2 版）"));
    assert!(page.body.contains("500.00 万元及以下 35.00%"));
    assert!(page.body.contains("fund-office"), "each version names its author");

    // A form read at version 1 is refused now, at the confirmation and at the final POST.
    let stale = office.submit(&rules, &format!("{rules}/confirm"), &typed).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.body.contains("已被他人修改"));
    assert!(stale.body.contains(r#"name="version" value="2""#));
    let stale = office.submit(&rules, &rules, &typed).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(office.get(&format!("/credit-office/funds/{id}")).await.body.contains("现行规则（第 2 版）"));
}

/// A claim row as the claims' actions would leave it.
fn claim(
    app: &TestApp,
    fund: (i64, i64),
    status: &str,
    (loss, payout, approved): (i64, i64, Option<i64>),
    at: NaiveDateTime,
) {
    let by: i64 = users::table.select(users::id).first(&mut *app.conn()).unwrap();
    diesel::insert_into(fund_claims::table)
        .values((
            fund_claims::fund_id.eq(fund.0),
            fund_claims::institution_id.eq(fund.1),
            fund_claims::status.eq(status),
            fund_claims::loss_fen.eq(loss),
            fund_claims::payout_fen.eq(payout),
            fund_claims::approved_fen.eq(approved),
            fund_claims::budget_year.eq(approved.map(|_| 2026)),
            fund_claims::submitted_by.eq(by),
            fund_claims::submitted_at.eq(at),
            fund_claims::created_at.eq(at),
            fund_claims::updated_at.eq(at),
        ))
        .execute(&mut *app.conn())
        .unwrap();
}

fn day(y: i32, m: u32, d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(2, 0, 0).unwrap()
}

/// The table row that begins with `label`, up to its end.
fn row<'a>(body: &'a str, label: &str) -> &'a str {
    let from = body.find(label).unwrap_or_else(|| panic!("{label} in the page"));
    let rest = &body[from..];
    &rest[..rest.find("</tr>").unwrap()]
}

#[tokio::test]
async fn the_fund_page_counts_its_use_and_each_bank_against_the_stop_line() {
    let app = TestApp::new();
    let ctx = office_ctx(&app);
    let id = define(&app, &ctx, "使用情况", jan_1(), &plain(&[(500 * WAN, 4_000)]));
    // Bank A registers 100 万元 in 2026.
    let a = approved(&app, "甲企业", "bank-a-officer");
    draw(&app, &a, loan(&app, &a), "JJ-A", 100);
    let b = approved(&app, "乙企业", "bank-b-officer");
    // Bank A's claims (today is 2026-11-23).
    claim(&app, (id, a.institution), "submitted", (1_000_000, 400_000, None), day(2026, 11, 13)); // 10 days
    claim(&app, (id, a.institution), "submitted", (500_000, 200_000, None), day(2026, 10, 1)); // 53 days
    claim(&app, (id, a.institution), "approved", (1_500_000, 600_000, Some(600_000)), day(2026, 6, 1));
    claim(&app, (id, a.institution), "rejected", (50_000_000, 20_000_000, None), day(2026, 3, 1));
    // Submitted last year, still waiting: 114 days, outside 2026's figures.
    claim(&app, (id, a.institution), "submitted", (2_000_000, 800_000, None), day(2025, 8, 1));
    // Bank B claims 1 元 with nothing registered.
    claim(&app, (id, b.institution), "submitted", (100, 40, None), day(2026, 11, 20)); // 3 days
    diesel::insert_into(fund_budgets::table)
        .values((
            fund_budgets::fund_id.eq(id),
            fund_budgets::year.eq(2026),
            fund_budgets::budget_fen.eq(5_000 * WAN),
            fund_budgets::used_fen.eq(600_000),
        ))
        .execute(&mut *app.conn())
        .unwrap();

    let office = signed_in(&app, "fund-office").await;
    let page = office.get(&format!("/credit-office/funds/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("0.60 万元</span><span class=\"figure-label\">已批准使用"), "{body}");
    assert!(body.contains("4,999.40 万元</span><span class=\"figure-label\">剩余"));
    // 2026 by state: three waiting (1万 + 0.5万 + 1 元), one approved, one rejected.
    let waiting = row(body, "待审核</span>");
    assert!(
        waiting.contains(">3 件</a>") && waiting.contains("15,001.00 元") && waiting.contains("6,000.40 元"),
        "{waiting}"
    );
    let done = row(body, "已批准</span>");
    // Each count links to the claims of that state in the fund and year.
    let list =
        format!("/credit-office/fund-claims?fund={id}&amp;status=submitted&amp;from=2026-01-01&amp;to=2026-12-31");
    assert!(waiting.contains(&list), "{waiting}");
    assert!(done.contains(">1 件</a>") && done.contains("15,000.00 元") && done.contains("6,000.00 元"), "{done}");
    assert!(row(body, "已驳回</span>").contains("500,000.00 元"));
    assert!(row(body, "已拨付</span>").contains(">0 件<"));
    // Waiting by age, whatever the year: 3 and 10 days, 53 days, 114 days.
    for (n, band) in [(2, "0–30 天"), (1, "31–60 天"), (0, "61–90 天"), (1, "90 天以上")] {
        assert!(body.contains(&format!("{n} 件</span><span class=\"figure-label\">已等待 {band}")), "{band}");
    }
    // Bank A: 1万 + 0.5万 + 1.5万 = 3万 of 100万 = 3.00 %, at the line and not past it
    // (the rejected claim does not count, nor last year's).
    let bank_a = row(body, "bank-a-officer银行");
    assert!(bank_a.contains("100.00 万元") && bank_a.contains("30,000.00 元") && bank_a.contains("3.00%"), "{bank_a}");
    assert!(bank_a.contains("未超过"));
    // Bank B: a loss with nothing registered is past the line.
    let bank_b = row(body, "bank-b-officer银行");
    assert!(bank_b.contains("—") && bank_b.contains("已超过，暂停补偿"), "{bank_b}");

    // One more fen of loss puts bank A past the line.
    claim(&app, (id, a.institution), "returned", (1, 0, None), day(2026, 11, 22));
    let page = office.get(&format!("/credit-office/funds/{id}")).await;
    assert!(row(&page.body, "bank-a-officer银行").contains("已超过，暂停补偿"));
    // The list counts the fund's registrations and its claims waiting (four submitted, last year's among them).
    let list = office.get("/credit-office/funds").await;
    assert!(list.body.contains("1 笔 · 100.00 万元"));
    assert!(list.body.contains(">4 件<"), "{}", list.body);
    app.run_jobs().await;
}

/// A bank admin of `institution`.
fn bank_admin(app: &TestApp, username: &str, institution: i64) {
    let id = app.user(Role::BankAdmin, username);
    diesel::update(users::table.find(id)).set(users::institution_id.eq(institution)).execute(&mut *app.conn()).unwrap();
}

#[tokio::test]
async fn a_bank_sees_only_its_own_registrations() {
    let app = TestApp::new();
    let ctx = office_ctx(&app);
    let rules = Rules { tiers: vec![Tier { up_to_fen: 500 * WAN, ratio_bp: 4_000 }], ..Rules::guangzhou() };
    define(&app, &ctx, "覆盖资金池", jan_1(), &rules);
    let a = approved(&app, "甲企业", "cov-a-officer");
    draw(&app, &a, loan(&app, &a), "JJ-A-1", 80);
    let b = approved(&app, "乙企业", "cov-b-officer");
    draw(&app, &b, loan(&app, &b), "JJ-B-1", 60);
    bank_admin(&app, "cov-a-admin", a.institution);
    bank_admin(&app, "cov-b-admin", b.institution);

    let admin_a = signed_in(&app, "cov-a-admin").await;
    let page = admin_a.get("/bank/fund").await;
    assert_eq!(page.status, StatusCode::OK);
    let line = row(&page.body, "HT-2026-001");
    // 40 % + 15 (首贷) + 5 (信用) = 60 %, held at the 50 % cap.
    assert!(line.contains("JJ-A-1") && line.contains("80.00 万元") && line.contains("50.00%"), "{line}");
    assert!(line.contains("第 1 版") && line.contains("首贷、信用贷款") && line.contains("2026-11-23"));
    assert!(!page.body.contains("JJ-B-1"));
    assert!(row(&page.body, "覆盖资金池</td>").contains("未超过"));
    assert!(page.body.contains(r#"href="/bank/fund" class="active""#), "the 入库贷款 tab is shown");
    // Another year: none.
    assert!(!admin_a.get("/bank/fund?year=2025").await.body.contains("JJ-A-1"));

    let page = signed_in(&app, "cov-b-admin").await.get("/bank/fund").await;
    assert!(page.body.contains("JJ-B-1") && !page.body.contains("JJ-A-1"));
    // The credit office's menu leads to the funds.
    let office = signed_in(&app, "fund-office").await;
    let list = office.get("/credit-office/funds").await;
    assert!(list.body.contains(r#"href="/credit-office/funds""#) && list.body.contains("风险补偿"));
    app.run_jobs().await;
}

#[tokio::test]
async fn a_claim_counts_in_the_year_of_its_beijing_date() {
    let app = TestApp::new();
    let ctx = office_ctx(&app);
    let id = define(&app, &ctx, "跨年", jan_1(), &plain(&[(500 * WAN, 4_000)]));
    let a = approved(&app, "甲企业", "bank-a-officer");
    let at = |y: i32, m: u32, d: u32, h: u32| NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, 0, 0).unwrap();
    // 2025-12-31 17:00 UTC is 2026-01-01 01:00 in Beijing: 2026's.
    claim(&app, (id, a.institution), "submitted", (1_000, 400, None), at(2025, 12, 31, 17));
    // 2026-12-31 15:59 UTC is 23:59 in Beijing: still 2026's.
    claim(&app, (id, a.institution), "submitted", (20_000, 8_000, None), at(2026, 12, 31, 15));
    // 2026-12-31 16:00 UTC is 2027-01-01 00:00 in Beijing: 2027's.
    claim(&app, (id, a.institution), "submitted", (300_000, 120_000, None), at(2026, 12, 31, 16));
    let losses =
        |year| xinyidai::models::fund::claim::losses_in_year(&mut app.conn(), id, a.institution, year).unwrap();
    assert_eq!(losses(2025), 0);
    assert_eq!(losses(2026), 21_000);
    assert_eq!(losses(2027), 300_000);
    app.run_jobs().await;
}
