//! The life of a need over HTTP: the hall, grabbing with an offer, the
//! enterprise's choice, the bank's decision, and what the clock does.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::Duration;
use diesel::prelude::*;
use tower::ServiceExt;
use xinyidai::models::need::Need;
use xinyidai::schema::{audit_log, needs, offers};

use crate::helpers::{BASE_URL, TestApp, start};
use crate::market_setup::{bank_with_product, grab, new_need, offer_id, signed_in};
use crate::portrait::enterprise_with_records;

fn emails_to(app: &TestApp, address: &str) -> Vec<String> {
    app.sent_emails().into_iter().filter(|e| e.to == address).map(|e| format!("{}\n{}", e.subject, e.text)).collect()
}

fn status_of(app: &TestApp, need: i64) -> String {
    needs::table.find(need).select(needs::status).first(&mut *app.conn()).unwrap()
}

fn offer_status(app: &TestApp, offer: i64) -> String {
    offers::table.find(offer).select(offers::status).first(&mut *app.conn()).unwrap()
}

#[tokio::test]
async fn an_officer_grabs_from_the_hall_the_enterprise_accepts_and_the_bank_approves() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_product(&app, "甲行经理");
    bank_with_product(&app, "乙行经理");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let first = signed_in(&app, "甲行经理").await;

    let hall = first.get("/officer/hall").await;
    assert_eq!(hall.status, StatusCode::OK);
    assert!(hall.body.contains("200.00 万元") && hall.body.contains("剩余 3天 0小时"), "{}", hall.body);
    assert!(!hall.body.contains("ent有限公司"), "the hall shows no identity");

    let too_dear = first
        .submit(
            &format!("/officer/hall/{need}"),
            &format!("/officer/hall/{need}"),
            &[
                ("amount", "200"),
                ("rate", "5.5"),
                ("term", "12"),
                ("repayment_method", "annuity"),
                ("guarantee", "credit"),
                ("valid_until", "2026-12-10"),
            ],
        )
        .await;
    assert_eq!(too_dear.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_dear.body.contains("不能高于企业可接受的最高利率 4.50%") && too_dear.body.contains("5.5"));

    let grabbed = grab(&first, need).await;
    let won = offer_id(&grabbed);
    let offer_page = first.get(grabbed.location().unwrap()).await;
    assert!(offer_page.body.contains("ent有限公司"), "identity after the grab");
    assert!(offer_page.body.contains("抢单成功"));
    assert!(!first.get("/officer/hall").await.body.contains("200.00 万元"), "taken needs leave this bank's hall");

    let second = signed_in(&app, "乙行经理").await;
    let lost = offer_id(&grab(&second, need).await);

    let enterprise_page = signed_in(&app, "ent").await;
    let compare = enterprise_page.get(&format!("/enterprise/needs/{need}")).await;
    assert!(compare.body.contains("甲行经理银行") && compare.body.contains("乙行经理银行"));
    // 200 万元 at 3.85% over 12 months, equal instalments: 170,162.77 元 a month.
    assert!(compare.body.contains("170,162.77 元"), "{}", compare.body);
    let confirm = enterprise_page.get(&format!("/enterprise/needs/{need}/offers/{won}/accept")).await;
    assert!(confirm.body.contains("确认接受报价"));
    assert_eq!(status_of(&app, need), "open", "nothing changes before confirming");
    let accepted = enterprise_page
        .submit(
            &format!("/enterprise/needs/{need}/offers/{won}/accept"),
            &format!("/enterprise/needs/{need}/offers/{won}/accept"),
            &[],
        )
        .await;
    assert_eq!(accepted.location(), Some(format!("/enterprise/needs/{need}?notice=accepted").as_str()));
    assert_eq!(
        (status_of(&app, need), offer_status(&app, won), offer_status(&app, lost)),
        ("matched".to_string(), "accepted".to_string(), "not_selected".to_string())
    );

    let missing_note = first
        .submit(
            &format!("/officer/offers/{won}"),
            &format!("/officer/offers/{won}/decision"),
            &[("decision", "decline"), ("reason", "collateral"), ("note", "")],
        )
        .await;
    assert_eq!(missing_note.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing_note.body.contains("请说明具体情况"));
    let approved = first
        .submit(
            &format!("/officer/offers/{won}"),
            &format!("/officer/offers/{won}/decision"),
            &[("decision", "approve"), ("amount", "180"), ("rate", "3.85"), ("term", "12"), ("date", "2026-11-25")],
        )
        .await;
    assert_eq!(approved.location(), Some(format!("/officer/offers/{won}?notice=decided").as_str()));
    assert_eq!(status_of(&app, need), "granted");
    let granted = enterprise_page.get(&format!("/enterprise/needs/{need}")).await;
    assert!(granted.body.contains("甲行经理银行已批准授信"), "{}", granted.body);
    assert!(granted.body.contains("额度 180.00 万元，年化 3.85%，期限 12 个月，授信日期 2026-11-25"));

    app.run_jobs().await;
    let to_enterprise = emails_to(&app, "ent@example.com").join("\n");
    assert!(to_enterprise.contains("甲行经理银行对您的融资需求报价"));
    assert!(to_enterprise.contains("您已接受甲行经理银行的报价") && to_enterprise.contains("下一步：银行作出授信决定"));
    assert!(to_enterprise.contains("授信额度 180.00 万元"));
    assert!(emails_to(&app, "甲行经理@example.com").join("\n").contains("企业接受了贵行的报价"));
    assert!(emails_to(&app, "乙行经理@example.com").join("\n").contains("报价未被选中"));
    let events: Vec<String> = audit_log::table.select(audit_log::event).load(&mut *app.conn()).unwrap();
    for event in ["offer_made", "offer_accepted", "credit_granted"] {
        assert!(events.iter().any(|e| e == event), "{event} audited");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_identical_grab_posts_make_one_offer() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_product(&app, "officer");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let officer = signed_in(&app, "officer").await;
    let token = officer.get(&format!("/officer/hall/{need}")).await.csrf();
    let body = serde_urlencoded::to_string([
        ("csrf", token.as_str()),
        ("amount", "200"),
        ("rate", "3.85"),
        ("term", "12"),
        ("repayment_method", "annuity"),
        ("guarantee", "credit"),
        ("valid_until", "2026-12-10"),
    ])
    .unwrap();
    let mut clicks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let request = Request::post(format!("/officer/hall/{need}"))
            .header(header::ORIGIN, BASE_URL)
            .header(header::COOKIE, officer.cookie())
            .header("x-forwarded-for", "198.51.100.7")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.clone()))
            .unwrap();
        clicks.spawn(app.router.clone().oneshot(request));
    }
    let mut statuses = Vec::new();
    while let Some(response) = clicks.join_next().await {
        statuses.push(response.unwrap().unwrap().status());
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::SEE_OTHER).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::SEE_OTHER || *s == StatusCode::CONFLICT), "{statuses:?}");
    let count: i64 = offers::table.filter(offers::need_id.eq(need)).count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(count, 1);
    app.run_jobs().await;
}

#[tokio::test]
async fn a_late_or_full_grab_gets_a_clear_page_and_keeps_what_was_typed() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_product(&app, "甲");
    bank_with_product(&app, "乙");
    let mut one_slot = new_need(200, 24);
    one_slot.slots = 1;
    let need = Need::publish(&mut app.conn(), enterprise, &one_slot, start()).unwrap();
    let (first, second) = (signed_in(&app, "甲").await, signed_in(&app, "乙").await);
    let token = second.get(&format!("/officer/hall/{need}")).await.csrf();
    offer_id(&grab(&first, need).await);
    let fields = [
        ("csrf", token.as_str()),
        ("amount", "150"),
        ("rate", "3.9"),
        ("term", "12"),
        ("guarantee", "credit"),
        ("valid_until", "2026-12-10"),
        ("repayment_method", "annuity"),
    ];
    let full = second.post(&format!("/officer/hall/{need}"), &fields).await;
    assert_eq!(full.status, StatusCode::CONFLICT);
    assert!(full.body.contains("抢单未成功：名额已满") && full.body.contains("150"), "{}", full.body);

    let late = Need::publish(&mut app.conn(), enterprise, &new_need(100, 24), start()).unwrap();
    app.clock.advance(Duration::hours(24));
    let second = signed_in(&app, "乙").await;
    let mut fields = fields[1..].to_vec();
    fields[4].1 = "2026-12-20";
    let path = format!("/officer/hall/{late}");
    let closed = second.submit(&path, &path, &fields).await;
    assert_eq!(closed.status, StatusCode::CONFLICT);
    assert!(closed.body.contains("抢单已截止"), "{}", closed.body);
    app.run_jobs().await;
}

#[tokio::test]
async fn nobody_sees_or_touches_another_tenants_needs_and_offers() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    enterprise_with_records(&app, "other-ent");
    bank_with_product(&app, "mine");
    bank_with_product(&app, "theirs");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let offer = offer_id(&grab(&signed_in(&app, "mine").await, need).await);

    let theirs = signed_in(&app, "theirs").await;
    assert_eq!(theirs.get(&format!("/officer/offers/{offer}")).await.status, StatusCode::NOT_FOUND);
    let contact = theirs
        .submit(
            "/officer/offers",
            &format!("/officer/offers/{offer}/contact"),
            &[("method", "phone"), ("contacted_at", "2026-11-23T09:30")],
        )
        .await;
    assert_eq!(contact.status, StatusCode::NOT_FOUND);
    let other = signed_in(&app, "other-ent").await;
    assert_eq!(other.get(&format!("/enterprise/needs/{need}")).await.status, StatusCode::NOT_FOUND);
    let path = format!("/enterprise/needs/{need}/offers/{offer}/accept");
    let accept = other.submit("/enterprise/needs", &path, &[]).await;
    assert_eq!(accept.status, StatusCode::NOT_FOUND, "another enterprise's need does not exist for it");
    assert!(accept.body.contains("页面不存在"), "{}", accept.body);
    assert_eq!(status_of(&app, need), "open");
    assert_eq!(other.get("/officer/hall").await.status, StatusCode::FORBIDDEN);
    let contacted: Option<chrono::NaiveDateTime> =
        offers::table.find(offer).select(offers::contacted_at).first(&mut *app.conn()).unwrap();
    assert_eq!(contacted, None);
    app.run_jobs().await;
}

#[tokio::test]
async fn the_enterprise_cancels_a_need_and_the_banks_are_told() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_product(&app, "officer");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let offer = offer_id(&grab(&signed_in(&app, "officer").await, need).await);
    let browser = signed_in(&app, "ent").await;
    let confirm = browser.get(&format!("/enterprise/needs/{need}/cancel")).await;
    assert!(confirm.body.contains("已收到的 1 份报价将全部关闭"));
    let path = format!("/enterprise/needs/{need}/cancel");
    let done = browser.submit(&path, &path, &[]).await;
    assert_eq!(done.location(), Some(format!("/enterprise/needs/{need}?notice=cancelled").as_str()));
    assert_eq!((status_of(&app, need), offer_status(&app, offer)), ("cancelled".into(), "not_selected".into()));
    app.run_jobs().await;
    assert!(emails_to(&app, "officer@example.com").join("\n").contains("企业已撤销融资需求"));
}

#[test]
fn the_database_refuses_a_need_status_the_lifecycle_does_not_know() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let update = diesel::update(needs::table.find(need)).set(needs::status.eq("opened")).execute(&mut *app.conn());
    assert!(update.is_err(), "an update to an unknown status is refused");
    let insert = diesel::insert_into(needs::table)
        .values((
            needs::enterprise_id.eq(enterprise),
            needs::amount_fen.eq(200 * 1_000_000),
            needs::term_months.eq(12),
            needs::purpose.eq("采购原材料"),
            needs::guarantee.eq("credit"),
            needs::max_rate.eq(45_000),
            needs::window_hours.eq(72),
            needs::slots.eq(3),
            needs::status.eq("bogus"),
            needs::created_at.eq(start()),
            needs::updated_at.eq(start()),
        ))
        .execute(&mut *app.conn());
    assert!(insert.is_err(), "an insert with an unknown status is refused");
    assert_eq!(status_of(&app, need), "open", "the need keeps its status");
    let count: i64 = needs::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(count, 1);
    for status in xinyidai::domain::need::NeedStatus::ALL {
        let moved =
            diesel::update(needs::table.find(need)).set(needs::status.eq(status.as_str())).execute(&mut *app.conn());
        assert_eq!(moved, Ok(1), "{status} is a known status");
    }
}
