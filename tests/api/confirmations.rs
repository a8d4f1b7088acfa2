//! Confirmation steps: before grabbing, a credit decision, disabling an
//! officer, answering a dispute and saving a whitelist rule, the first step
//! writes nothing and shows what will be done with the values typed; 返回修改
//! gives the form back filled with them; the confirmed POST does it. The need
//! review is a page of its own after a redirect, so the browser's Back shows it again.

use axum::http::StatusCode;
use diesel::prelude::*;
use xinyidai::domain::records::{PenaltyKind, PenaltyRecord, PenaltyStatus, Record};
use xinyidai::domain::whitelist::WhitelistAction;
use xinyidai::domain::{Money, Role, Uscc};
use xinyidai::models::credit_record::{Provenance, store};
use xinyidai::models::need::Need;
use xinyidai::schema::{credit_evaluations as ce, disputes, needs, offers, penalty_records, users, whitelist_rule};

use crate::helpers::{Client, Page, TestApp, start};
use crate::market_setup::{bank_with_product, grab, institution_of, new_need, offer_id, signed_in};
use crate::portrait::enterprise_with_records;

/// The hidden fields of the page's confirming form (the CSRF token among them), unescaped.
fn carried(page: &Page) -> Vec<(String, String)> {
    let unescape = |v: &str| {
        [("&#34;", "\""), ("&#39;", "'"), ("&#60;", "<"), ("&#62;", ">"), ("&#38;", "&")]
            .iter()
            .fold(v.to_string(), |text, (code, plain)| text.replace(code, plain))
    };
    page.body
        .split("<input type=\"hidden\" name=\"")
        .skip(1)
        .map(|rest| {
            let (name, rest) = rest.split_once("\" value=\"").expect("a hidden field with a value");
            (name.to_string(), unescape(rest.split('"').next().unwrap()))
        })
        .collect()
}

/// POSTs the confirmation's carried values to `path`, with `extra` fields.
async fn post_carried(client: &Client<'_>, page: &Page, path: &str, extra: &[(&str, &str)]) -> Page {
    let fields = carried(page);
    let mut all: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    all.extend_from_slice(extra);
    client.post(path, &all).await
}

fn count_offers(app: &TestApp) -> i64 {
    offers::table.count().get_result(&mut *app.conn()).unwrap()
}

const OFFER: [(&str, &str); 7] = [
    ("amount", "180"),
    ("rate", "3.95"),
    ("term", "18"),
    ("repayment_method", "annuity"),
    ("guarantee", "credit"),
    ("conditions", "需提供近一年纳税证明"),
    ("valid_until", "2026-12-12"),
];

#[tokio::test]
async fn a_grab_is_confirmed_beside_the_needs_summary_and_back_gives_the_filled_form() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_product(&app, "甲");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let officer = signed_in(&app, "甲").await;
    let form = format!("/officer/hall/{need}");
    assert!(officer.get(&form).await.body.contains(&format!("action=\"/officer/hall/{need}/confirm\"")));

    let confirm = officer.submit(&form, &format!("{form}/confirm"), &OFFER).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(confirm.body.contains("确认抢单") && confirm.body.contains("200.00 万元"), "the need's summary");
    for shown in ["180.00 万元", "3.95%", "18 个月", "等额本息", "需提供近一年纳税证明", "2026-12-12"]
    {
        assert!(confirm.body.contains(shown), "{shown}: {}", confirm.body);
    }
    assert_eq!(count_offers(&app), 0, "nothing is grabbed before confirming");

    let back = post_carried(&officer, &confirm, &format!("{form}/confirm"), &[("intent", "edit")]).await;
    assert_eq!(back.status, StatusCode::OK);
    assert!(back.body.contains("value=\"180\"") && back.body.contains("value=\"3.95\""), "{}", back.body);
    assert!(back.body.contains("value=\"18\"") && back.body.contains(">需提供近一年纳税证明</textarea>"));
    assert!(back.body.contains("value=\"2026-12-12\""));
    assert_eq!(count_offers(&app), 0);

    let done = post_carried(&officer, &confirm, &form, &[]).await;
    let offer = offer_id(&done);
    let (amount, rate, term, conditions): (i64, i64, i32, String) = offers::table
        .find(offer)
        .select((offers::amount_fen, offers::rate, offers::term_months, offers::conditions))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!((amount, rate, term, conditions.as_str()), (180_000_000, 39_500, 18, "需提供近一年纳税证明"));
    app.run_jobs().await;
}

#[tokio::test]
async fn a_grab_that_does_not_fit_the_need_is_never_confirmed() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_product(&app, "甲");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let officer = signed_in(&app, "甲").await;
    let form = format!("/officer/hall/{need}");
    let mut dear = OFFER;
    dear[1] = ("rate", "5.5");
    let refused = officer.submit(&form, &format!("{form}/confirm"), &dear).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("不能高于企业可接受的最高利率") && refused.body.contains("value=\"5.5\""));
    assert!(!refused.body.contains("确认抢单"));
    // Skipping the step changes nothing: the grab checks again.
    assert_eq!(officer.submit(&form, &form, &dear).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(count_offers(&app), 0);
}

/// An offer of 甲 that the enterprise accepted, waiting for the decision; with 甲's client.
async fn accepted(app: &TestApp) -> (Client<'_>, i64) {
    let (enterprise, _) = enterprise_with_records(app, "ent");
    bank_with_product(app, "甲");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let officer = signed_in(app, "甲").await;
    let offer = offer_id(&grab(&officer, need).await);
    let owner = signed_in(app, "ent").await;
    let accept = format!("/enterprise/needs/{need}/offers/{offer}/accept");
    assert_eq!(owner.submit(&accept, &accept, &[]).await.status, StatusCode::SEE_OTHER);
    (officer, offer)
}

fn decision(app: &TestApp, offer: i64) -> Option<String> {
    offers::table.find(offer).select(offers::decision).first(&mut *app.conn()).unwrap()
}

#[tokio::test]
async fn a_credit_decision_is_confirmed_and_a_failed_decline_keeps_the_approval_form() {
    let app = TestApp::new();
    let (officer, offer) = accepted(&app).await;
    let page = format!("/officer/offers/{offer}");
    let confirm_path = format!("{page}/decision/confirm");
    assert!(officer.get(&page).await.body.contains(&format!("action=\"{confirm_path}\"")));

    // A decline without its explanation: the error beside the field, everything typed kept.
    let approval = [("amount", "150"), ("rate", "4.1"), ("term", "24"), ("date", "2026-11-25")];
    let mut decline = vec![("decision", "decline"), ("reason", "collateral"), ("note", "")];
    decline.extend_from_slice(&approval);
    let failed = officer.submit(&page, &confirm_path, &decline).await;
    assert_eq!(failed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(failed.body.contains("id=\"note-error\"") && failed.body.contains("请说明具体情况"));
    for kept in
        ["value=\"150\"", "value=\"4.1\"", "value=\"24\"", "value=\"2026-11-25\"", "value=\"collateral\" selected"]
    {
        assert!(failed.body.contains(kept), "{kept}: {}", failed.body);
    }

    // A valid decline: its summary, nothing recorded; back to the filled form.
    decline[2] = ("note", "需追加房产抵押后再议");
    let confirm = officer.submit(&page, &confirm_path, &decline).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(confirm.body.contains("确认拒绝授信") && confirm.body.contains("需要提供抵押或担保"));
    assert!(confirm.body.contains("需追加房产抵押后再议"));
    assert_eq!(decision(&app, offer), None, "nothing is recorded before confirming");
    let back = post_carried(&officer, &confirm, &confirm_path, &[("intent", "edit")]).await;
    assert_eq!(back.status, StatusCode::OK);
    assert!(
        back.body.contains(">需追加房产抵押后再议</textarea>") && back.body.contains("value=\"collateral\" selected")
    );
    assert!(back.body.contains("value=\"150\""), "the approval values come back too");

    // Approving instead: its summary, then the confirmed POST records it.
    let mut approve = vec![("decision", "approve")];
    approve.extend_from_slice(&approval);
    let confirm = officer.submit(&page, &confirm_path, &approve).await;
    assert_eq!(confirm.status, StatusCode::OK);
    for shown in ["确认批准授信", "150.00 万元", "4.10%", "24 个月", "2026-11-25"] {
        assert!(confirm.body.contains(shown), "{shown}: {}", confirm.body);
    }
    assert_eq!(decision(&app, offer), None);
    let done = post_carried(&officer, &confirm, &format!("{page}/decision"), &[]).await;
    assert_eq!(done.location(), Some(format!("{page}?notice=decided").as_str()));
    assert_eq!(decision(&app, offer).as_deref(), Some("approved"));
    let amount: Option<i64> =
        offers::table.find(offer).select(offers::approved_amount_fen).first(&mut *app.conn()).unwrap();
    assert_eq!(amount, Some(150_000_000));
    app.run_jobs().await;
}

#[tokio::test]
async fn disabling_an_officer_is_confirmed_first() {
    let app = TestApp::new();
    app.user(Role::BankAdmin, "admin");
    let officer_id = app.user(Role::Officer, "钱经理");
    let institution = institution_of(&app, "admin");
    diesel::update(users::table.find(officer_id))
        .set(users::institution_id.eq(institution))
        .execute(&mut *app.conn())
        .unwrap();
    let officer = signed_in(&app, "钱经理").await;
    let admin = signed_in(&app, "admin").await;
    let confirm_path = format!("/bank-admin/officers/{officer_id}/disable");
    assert!(admin.get("/bank-admin").await.body.contains(&format!("href=\"{confirm_path}\"")));

    let confirm = admin.get(&confirm_path).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("钱经理") && confirm.body.contains("确认停用"), "{}", confirm.body);
    let disabled =
        || -> bool { users::table.find(officer_id).select(users::disabled).first(&mut *app.conn()).unwrap() };
    assert!(!disabled(), "nothing changes before confirming");
    assert_eq!(officer.get("/officer").await.status, StatusCode::OK);

    let done = post_carried(&admin, &confirm, &format!("/bank-admin/officers/{officer_id}"), &[]).await;
    assert_eq!(done.location(), Some("/bank-admin?notice=officer_changed"));
    assert!(disabled());
    assert_eq!(admin.get(&confirm_path).await.status, StatusCode::NOT_FOUND, "a disabled officer is not offered again");

    app.user(Role::BankAdmin, "other-admin");
    let other = signed_in(&app, "other-admin").await;
    assert_eq!(other.get(&confirm_path).await.status, StatusCode::NOT_FOUND, "another bank's officer");
}

#[tokio::test]
async fn a_correction_is_confirmed_with_the_records_value_before_and_after() {
    let app = TestApp::new();
    enterprise_with_records(&app, "ent");
    app.user(Role::CreditOffice, "clerk");
    let penalty: i64 = penalty_records::table.select(penalty_records::id).first(&mut *app.conn()).unwrap();
    let owner = signed_in(&app, "ent").await;
    let form = format!("/enterprise/disputes/new?kind=penalties&id={penalty}");
    let id = penalty.to_string();
    let fields = [("kind", "penalties"), ("id", id.as_str()), ("reason", "该处罚决定已被复议撤销")];
    assert_eq!(owner.submit(&form, "/enterprise/disputes", &fields).await.status, StatusCode::SEE_OTHER);
    let dispute: i64 = disputes::table.select(disputes::id).first(&mut *app.conn()).unwrap();

    let office = signed_in(&app, "clerk").await;
    let page = format!("/credit-office/disputes/{dispute}");
    let confirm_path = format!("{page}/confirm");
    let answer = [("outcome", "corrected"), ("answer", "经核实复议决定，撤销该处罚记录")];
    let confirm = office.submit(&page, &confirm_path, &answer).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(confirm.body.contains("记录原值") && confirm.body.contains("云海市生态环境局 云环罚〔2026〕"));
    assert!(confirm.body.contains("处理后") && confirm.body.contains("撤销该记录"));
    assert!(confirm.body.contains("经核实复议决定，撤销该处罚记录"));
    let state = || -> (String, i64) {
        let conn = &mut *app.conn();
        let status = disputes::table.find(dispute).select(disputes::status).first(conn).unwrap();
        (status, penalty_records::table.count().get_result(conn).unwrap())
    };
    assert_eq!(state(), ("open".to_string(), 1), "nothing changes before confirming");

    let back = post_carried(&office, &confirm, &confirm_path, &[("intent", "edit")]).await;
    assert_eq!(back.status, StatusCode::OK);
    assert!(back.body.contains("value=\"corrected\" checked"), "{}", back.body);
    assert!(back.body.contains(">经核实复议决定，撤销该处罚记录</textarea>"));

    let done = post_carried(&office, &confirm, &page, &[]).await;
    assert_eq!(done.location(), Some("/credit-office/disputes?notice=dispute_answered"));
    assert_eq!(state(), ("corrected".to_string(), 0));
    app.run_jobs().await;
}

/// An evaluated enterprise of `grade`, with an active penalty or not.
fn evaluated(app: &TestApp, name: &str, grade: &str, dishonest: bool, penalised: bool) -> String {
    let (uscc, _) = app.enterprise_on_record(name, "李四");
    let conn = &mut *app.conn();
    diesel::insert_into(ce::table)
        .values((
            ce::uscc.eq(&uscc),
            ce::model_version.eq("test"),
            ce::score.eq(700),
            ce::grade.eq(grade),
            ce::risk_level.eq("low"),
            ce::dishonest.eq(dishonest),
            ce::factors.eq("[]"),
            ce::computed_at.eq(start()),
            ce::whitelisted.eq(false),
        ))
        .execute(conn)
        .unwrap();
    if penalised {
        let code = Uscc::parse(&uscc).unwrap();
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let from = Provenance { department: "市场监管局".into(), as_of: day(10, 31), batch_id: 1 };
        let penalty = PenaltyRecord {
            uscc: code,
            case_no: format!("云罚〔2026〕{name}号"),
            decided_on: day(3, 2),
            authority: "云海市市场监督管理局".into(),
            kind: PenaltyKind::AdministrativePenalty,
            amount: Money::from_yuan(10_000),
            status: PenaltyStatus::Active,
            ended_on: None,
        };
        store(conn, &Record::Penalty(penalty), &from, start()).unwrap();
    }
    uscc
}

fn members(app: &TestApp) -> Vec<String> {
    ce::table.filter(ce::whitelisted.eq(true)).select(ce::uscc).order(ce::uscc).load(&mut *app.conn()).unwrap()
}

#[tokio::test]
async fn a_whitelist_rule_is_saved_after_showing_how_many_enterprises_join_and_leave() {
    let app = TestApp::new();
    let clerk = app.user(Role::CreditOffice, "clerk");
    // Under the default rule (A or better, no active penalty) and then under AA or better, penalties allowed:
    let stays = evaluated(&app, "甲", "AAA", false, false);
    let leaves = evaluated(&app, "乙", "A", false, false);
    let joins_1 = evaluated(&app, "丙", "AA", false, true);
    let joins_2 = evaluated(&app, "丁", "AAA", false, true);
    evaluated(&app, "戊", "B", false, false);
    evaluated(&app, "己", "AAA", true, false);
    evaluated(&app, "庚", "A", false, true);
    let removed_by_hand = evaluated(&app, "辛", "AA", false, false);
    let added_by_hand = evaluated(&app, "壬", "B", false, false);
    {
        let conn = &mut *app.conn();
        xinyidai::models::whitelist::refresh_all(conn).unwrap();
        let mut change = |uscc: &str, action| {
            xinyidai::models::whitelist::record_change(conn, uscc, action, "手工调整", clerk, start())
        };
        change(&removed_by_hand, WhitelistAction::Remove).unwrap();
        change(&added_by_hand, WhitelistAction::Add).unwrap();
    }
    let mut before = vec![stays.clone(), leaves.clone(), added_by_hand.clone()];
    before.sort();
    assert_eq!(members(&app), before);

    let office = signed_in(&app, "clerk").await;
    let page = "/credit-office/whitelist";
    assert!(office.get(page).await.body.contains("action=\"/credit-office/whitelist/rule/confirm\""));
    let confirm = office.submit(page, "/credit-office/whitelist/rule/confirm", &[("min_grade", "AA")]).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(confirm.body.contains("信用等级 AA 及以上</dd>"), "the new rule: {}", confirm.body);
    assert!(confirm.body.contains("<dt>将加入白名单</dt><dd>2 家企业</dd>"));
    assert!(confirm.body.contains("<dt>将移出白名单</dt><dd>1 家企业</dd>"));
    assert!(confirm.body.contains("<dt>保存后白名单</dt><dd>共 4 家企业</dd>"));
    let rules = || -> i64 { whitelist_rule::table.count().get_result(&mut *app.conn()).unwrap() };
    assert_eq!((rules(), members(&app)), (0, before.clone()), "nothing is saved before confirming");

    let back = post_carried(&office, &confirm, "/credit-office/whitelist/rule/confirm", &[("intent", "edit")]).await;
    assert_eq!(back.status, StatusCode::OK);
    assert!(back.body.contains("value=\"AA\" selected"), "{}", back.body);
    assert!(!back.body.contains("name=\"no_active_penalty\" value=\"1\" checked"), "the box left unticked stays so");

    let done = post_carried(&office, &confirm, "/credit-office/whitelist/rule", &[]).await;
    assert_eq!(done.location(), Some("/credit-office/whitelist?notice=whitelist_rule"));
    let mut after = vec![stays, joins_1, joins_2, added_by_hand];
    after.sort();
    assert_eq!((rules(), members(&app)), (1, after));
}

#[tokio::test]
async fn the_need_review_is_a_page_of_its_own_and_back_gives_the_filled_form() {
    let app = TestApp::new();
    enterprise_with_records(&app, "ent");
    let owner = signed_in(&app, "ent").await;
    let fields = [
        ("amount", "320"),
        ("term", "18"),
        ("purpose", "采购数控机床零部件 & 模具"),
        ("guarantee", "credit"),
        ("max_rate", "5"),
        ("window", "168"),
        ("slots", "2"),
    ];
    let posted = owner.submit("/enterprise/needs/new", "/enterprise/needs", &fields).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.body);
    let review = posted.location().expect("redirected to the review").to_string();
    assert!(review.starts_with("/enterprise/needs/review?"), "{review}");
    let published = || -> i64 { needs::table.count().get_result(&mut *app.conn()).unwrap() };
    for _ in 0..2 {
        // The page again, as the browser's Back or a reload shows it.
        let page = owner.get(&review).await;
        assert_eq!(page.status, StatusCode::OK);
        for shown in ["确认发布融资需求", "320.00 万元", "18 个月", "采购数控机床零部件 &#38; 模具", "5.00%", "2 家"]
        {
            assert!(page.body.contains(shown), "{shown}: {}", page.body);
        }
    }
    assert_eq!(published(), 0, "nothing is published before confirming");

    let page = owner.get(&review).await;
    let back = page.body.split("href=\"/enterprise/needs/new?").nth(1).unwrap().split('"').next().unwrap();
    let form = owner.get(&format!("/enterprise/needs/new?{}", back.replace("&#38;", "&"))).await;
    assert_eq!(form.status, StatusCode::OK);
    for kept in
        ["value=\"320\"", "value=\"18\"", "采购数控机床零部件 &#38; 模具", "value=\"5\"", "value=\"168\" selected"]
    {
        assert!(form.body.contains(kept), "{kept}: {}", form.body);
    }
    assert!(form.body.contains("value=\"2\" selected"));

    let done = post_carried(&owner, &page, "/enterprise/needs/publish", &[]).await;
    assert!(done.location().is_some_and(|l| l.ends_with("?notice=need_published")), "{}", done.body);
    let purpose: String = needs::table.select(needs::purpose).first(&mut *app.conn()).unwrap();
    assert_eq!(purpose, "采购数控机床零部件 & 模具");
    app.run_jobs().await;
}
