//! The credit office's claim pages (补偿审核) through the router: the list's
//! filters, counts and pager on a set built by hand, the CSV's rows, the
//! decision and payment through their confirmations, errors beside the
//! fields, two decisions at one version, and who may see the pages.

use axum::http::StatusCode;
use chrono::Duration;
use xinyidai::actions::fund_claim::review::{Decision, decide};
use xinyidai::actions::fund_claim::{Draft, attach, submit};
use xinyidai::domain::Role;
use xinyidai::domain::fund::{ClaimStatus, FileKind, Rules};
use xinyidai::models::fund::claim::Claim;
use xinyidai::models::institution::Institution;

use crate::fund_claims_setup::{Bank, PDF, WAN, admin, bad_loan, bank, fund, office};
use crate::helpers::{Client, PASSWORD, TestApp};

/// A claim of `bank` on `fund` for one new written-off loan of 100万 (a credit loan: 45 %) losing `loss`.
fn claim(app: &TestApp, fund: i64, bank: Bank, who: &str, loss: i64) -> i64 {
    use diesel::prelude::*;
    use xinyidai::schema::fund_registrations as r;
    let any = bad_loan(app, bank, who, (100 * WAN, 100 * WAN), false);
    // Registered in every fund in force: the registration in `fund`.
    let loan: i64 = r::table.find(any).select(r::loan_id).first(&mut *app.conn()).unwrap();
    let reg: i64 =
        r::table.filter(r::loan_id.eq(loan)).filter(r::fund_id.eq(fund)).select(r::id).first(&mut *app.conn()).unwrap();
    let draft = Draft { fund_id: fund, losses: vec![(reg, loss)] };
    submit(&mut app.conn(), &admin(app, bank), bank.institution, &draft).unwrap().unwrap()
}

fn with_dossier(app: &TestApp, bank: Bank, id: i64, dir: &std::path::Path) {
    for kind in [FileKind::Application, FileKind::Contract, FileKind::LossStatement] {
        attach(&mut app.conn(), &admin(app, bank), bank.institution, (id, kind), dir, PDF).unwrap().unwrap();
    }
}

/// A fund of 5,000万 and bank a's claim losing 2万 (9,000 元 at 45 %), with its required files when `dossier`.
fn one_claim(app: &TestApp, dossier: bool) -> i64 {
    let f = fund(app, "甲资金池", 5_000, &Rules::guangzhou());
    let a = bank(app, "a");
    let id = claim(app, f, a, "甲", 2 * WAN);
    if dossier {
        with_dossier(app, a, id, tempfile::tempdir().unwrap().path());
    }
    id
}

async fn as_office(app: &TestApp) -> Client<'_> {
    office(app);
    let browser = app.client();
    assert_eq!(browser.login("office", PASSWORD).await.status, StatusCode::SEE_OTHER);
    browser
}

fn row(id: i64) -> String {
    format!("href=\"/credit-office/fund-claims/{id}\"")
}

fn status(app: &TestApp, id: i64) -> ClaimStatus {
    Claim::find(&mut app.conn(), id).unwrap().unwrap().status
}

#[tokio::test]
async fn the_list_filters_by_state_bank_fund_and_dates_and_counts_each_state() {
    let app = TestApp::new();
    let (f1, f2) =
        (fund(&app, "甲资金池", 5_000, &Rules::guangzhou()), fund(&app, "乙资金池", 5_000, &Rules::guangzhou()));
    let (a, b) = (bank(&app, "a"), bank(&app, "b"));
    // Submitted 2026-11-23, 11-25 and 11-28 (Beijing); the first rejected on 11-28.
    let c1 = claim(&app, f1, a, "甲", 2 * WAN);
    app.clock.advance(Duration::days(2));
    let c2 = claim(&app, f1, b, "乙", WAN);
    app.clock.advance(Duration::days(3));
    let c3 = claim(&app, f2, a, "丙", 3 * WAN);
    decide(&mut app.conn(), &office(&app), (c1, 1), &Decision::Reject("不符合代偿条件".into())).unwrap().unwrap();
    app.run_jobs().await;
    let browser = as_office(&app).await;
    let shown = |body: &str| [c1, c2, c3].into_iter().filter(|id| body.contains(&row(*id))).collect::<Vec<_>>();

    let all = browser.get("/credit-office/fund-claims").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(shown(&all.body), [c1, c2, c3]);
    for count in [
        "全部 <strong>3</strong>",
        "待审核 <strong>2</strong>",
        "已驳回 <strong>1</strong>",
        "已批准 <strong>0</strong>",
    ] {
        assert!(all.body.contains(count), "{count}");
    }
    // Newest first; c2 has waited 3 days, c3 none; the rejected one waits for nothing.
    assert!(all.body.find(&row(c3)).unwrap() < all.body.find(&row(c2)).unwrap());
    assert!(all.body.contains("9,000.00 元"), "2万 × 45 %");

    let submitted = browser.get("/credit-office/fund-claims?status=submitted").await;
    assert_eq!(shown(&submitted.body), [c2, c3]);
    let of_b = browser.get(&format!("/credit-office/fund-claims?bank={}", b.institution)).await;
    assert_eq!(shown(&of_b.body), [c2]);
    assert!(of_b.body.contains("全部 <strong>1</strong>"), "the counts follow the other filters");
    let of_f2 = browser.get(&format!("/credit-office/fund-claims?fund={f2}")).await;
    assert_eq!(shown(&of_f2.body), [c3]);
    let dates = browser.get("/credit-office/fund-claims?from=2026-11-24&to=2026-11-25").await;
    assert_eq!(shown(&dates.body), [c2]);
    let first_day = browser.get("/credit-office/fund-claims?to=2026-11-23&status=").await;
    assert_eq!(shown(&first_day.body), [c1]);
    // A state's count links to the list of that state, the other filters kept.
    assert!(of_f2.body.contains(&format!("/credit-office/fund-claims?fund={f2}&#38;status=submitted")));

    let csv = browser.get(&format!("/credit-office/fund-claims.csv?fund={f1}")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'));
    let name = |bank: Bank| Institution::find(&mut app.conn(), bank.institution).unwrap().name;
    let lines: Vec<&str> = csv.body.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines,
        [
            "申请编号,资金池,申请机构,笔数,本金损失（元）,按规则补偿（元）,批准金额（元）,状态,提交日期,决定日期,拨付日期,已等待（天）",
            &format!("{c2},甲资金池,{},1,10000.00,4500.00,,待审核,2026-11-25,,,3", name(b)),
            &format!("{c1},甲资金池,{},1,20000.00,9000.00,,已驳回,2026-11-23,2026-11-28,,", name(a)),
        ]
    );
}

#[tokio::test]
async fn the_list_pages_by_twenty_keeping_its_filters() {
    let app = TestApp::new();
    let f = fund(&app, "甲资金池", 5_000, &Rules::guangzhou());
    let a = bank(&app, "a");
    let by = office(&app).actor.user_id.unwrap();
    // Rows straight in the table: the pager counts claims, not what they claim.
    for _ in 0..21 {
        Claim::insert(&mut app.conn(), (f, a.institution), (WAN, 450_000), by, crate::helpers::start()).unwrap();
    }
    let browser = as_office(&app).await;
    let first = browser.get(&format!("/credit-office/fund-claims?fund={f}&status=submitted")).await;
    assert_eq!(first.body.matches("data-label=\"申请编号\"").count(), 20);
    assert!(first.body.contains("第 1 / 2 页，共 21 条"));
    assert!(first.body.contains(&format!("?fund={f}&#38;status=submitted&#38;page=2")));
    let second = browser.get(&format!("/credit-office/fund-claims?fund={f}&status=submitted&page=2")).await;
    assert_eq!(second.body.matches("data-label=\"申请编号\"").count(), 1);
}

#[tokio::test]
async fn an_approval_through_its_confirmation_takes_the_budget_and_is_paid() {
    let app = TestApp::new();
    let id = one_claim(&app, true);
    let browser = as_office(&app).await;
    let page_path = format!("/credit-office/fund-claims/{id}");
    let page = browser.get(&page_path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("5,000.00 万元"), "the year's budget left");
    assert!(page.body.contains("本年度损失率"), "the bank's stop line");

    let fields = [("choice", "approve"), ("amount", ""), ("reason", ""), ("version", "1")];
    let confirm = browser.submit(&page_path, &format!("{page_path}/decision/confirm"), &fields).await;
    assert_eq!(confirm.status, StatusCode::OK);
    // 2万 × 45 % = 9,000 元; 5,000万 − 0.9万 = 4,999.10万.
    assert!(confirm.body.contains("批准补偿 0.90 万元（9,000.00 元），从 2026 年度预算中扣减，剩余 4,999.10 万元"));
    assert!(confirm.body.contains("name=\"version\" value=\"1\""));
    let done = browser.submit(&page_path, &format!("{page_path}/decision"), &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), Some(format!("{page_path}?notice=decided").as_str()));
    app.run_jobs().await;
    assert_eq!(status(&app, id), ClaimStatus::Approved);
    let after = browser.get(&page_path).await;
    assert!(after.body.contains("已批准使用 0.90 万元"));
    assert!(after.body.contains("4,999.10 万元"));

    let pay = [("on", "2026-11-23"), ("version", "2")];
    let confirm = browser.submit(&page_path, &format!("{page_path}/pay/confirm"), &pay).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("0.90 万元（9,000.00 元），拨付日期 2026-11-23"));
    let paid = browser.submit(&page_path, &format!("{page_path}/pay"), &pay).await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER);
    app.run_jobs().await;
    assert_eq!(status(&app, id), ClaimStatus::Paid);
}

#[tokio::test]
async fn a_bad_amount_or_a_missing_reason_comes_back_beside_its_field_with_the_values_typed() {
    let app = TestApp::new();
    let id = one_claim(&app, false);
    app.run_jobs().await;
    let browser = as_office(&app).await;
    let page_path = format!("/credit-office/fund-claims/{id}");
    let confirm = format!("{page_path}/decision/confirm");
    // 1.5万 is not below the 0.9万 the rules give.
    let partly = [("choice", "partly"), ("amount", "1.5"), ("reason", "部分材料不实"), ("version", "1")];
    let page = browser.submit(&page_path, &confirm, &partly).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"amount-error\""));
    assert!(page.body.contains("低于按规则测算的 0.90 万元"));
    assert!(page.body.contains("value=\"1.5\""));
    assert!(page.body.contains(">部分材料不实</textarea>"));
    assert!(page.body.contains("value=\"partly\" checked"));

    let back = browser.submit(&page_path, &confirm, &[("choice", "return"), ("reason", " "), ("version", "1")]).await;
    assert_eq!(back.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(back.body.contains("<p class=\"error\" id=\"reason-error\">请填写原因（将告知申请银行）</p>"));
    assert!(back.body.contains("value=\"return\" checked"));
    let none = browser.submit(&page_path, &confirm, &[("version", "1")]).await;
    assert!(none.body.contains("请选择审核结论"));
    assert_eq!(status(&app, id), ClaimStatus::Submitted);
}

#[tokio::test]
async fn two_decisions_at_one_version_decide_the_claim_once_and_the_second_hears_why() {
    let app = TestApp::new();
    let id = one_claim(&app, true);
    let browser = as_office(&app).await;
    let page_path = format!("/credit-office/fund-claims/{id}");
    let decision = format!("{page_path}/decision");
    let first = browser.submit(&page_path, &decision, &[("choice", "approve"), ("version", "1")]).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second =
        browser.submit(&page_path, &decision, &[("choice", "reject"), ("reason", "材料不实"), ("version", "1")]).await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(second.body.contains("这期间该申请已被他人处理"));
    app.run_jobs().await;
    assert_eq!(status(&app, id), ClaimStatus::Approved);
    let decisions: i64 = {
        use diesel::prelude::*;
        use xinyidai::schema::fund_claim_events as e;
        e::table
            .filter(e::claim_id.eq(id))
            .filter(e::status.ne("submitted"))
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(decisions, 1);
}

#[tokio::test]
async fn only_the_credit_office_sees_the_claim_pages() {
    let app = TestApp::new();
    let id = one_claim(&app, false);
    app.run_jobs().await;
    let paths = ["/credit-office/fund-claims".to_string(), format!("/credit-office/fund-claims/{id}")];
    for role in [Role::Enterprise, Role::Officer, Role::BankAdmin] {
        let username = format!("user-{}", role.as_str());
        app.user(role, &username);
        let browser = app.client();
        browser.login(&username, PASSWORD).await;
        for path in &paths {
            assert_eq!(browser.get(path).await.status, StatusCode::FORBIDDEN, "{} on {path}", role.as_str());
        }
    }
    for path in &paths {
        assert_eq!(app.client().get(path).await.status, StatusCode::SEE_OTHER);
    }
    let browser = as_office(&app).await;
    assert_eq!(browser.get(&format!("/credit-office/fund-claims/{}", id + 1)).await.status, StatusCode::NOT_FOUND);
}
