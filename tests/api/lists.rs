//! The whitelist and the dishonest list kept by the credit office.

use axum::http::StatusCode;
use diesel::prelude::*;
use xinyidai::domain::Role;
use xinyidai::schema::credit_evaluations as ce;

use crate::helpers::{PASSWORD, TestApp, start};

fn members(app: &TestApp) -> Vec<String> {
    ce::table.filter(ce::whitelisted.eq(true)).select(ce::uscc).order(ce::uscc).load(&mut *app.conn()).unwrap()
}

#[tokio::test]
async fn the_lists_follow_the_rule_the_records_and_the_manual_decisions() {
    let app = TestApp::new();
    xinyidai::seed::demo(&mut app.conn(), start(), (crate::helpers::BASE_URL, app.db.dir.path())).unwrap();
    app.user(Role::CreditOffice, "clerk");
    let office = app.client();
    office.login("clerk", PASSWORD).await;

    let dishonest: Vec<String> =
        ce::table.filter(ce::dishonest.eq(true)).select(ce::uscc).load(&mut *app.conn()).unwrap();
    assert_eq!(dishonest.len(), 1, "the demo city has one dishonest judgment debtor");
    let page = office.get("/credit-office/enterprises?list=dishonest").await;
    assert!(page.body.contains(&dishonest[0]));
    assert!(page.body.contains("严重失信"));

    let rule = office
        .submit(
            "/credit-office/whitelist",
            "/credit-office/whitelist/rule",
            &[("min_grade", "AAA"), ("no_active_penalty", "1")],
        )
        .await;
    assert_eq!(rule.location(), Some("/credit-office/whitelist?notice=whitelist_rule"));
    let aaa: Vec<String> = ce::table.filter(ce::grade.eq("AAA")).select(ce::uscc).load(&mut *app.conn()).unwrap();
    let whitelisted = members(&app);
    assert!(!whitelisted.is_empty());
    assert!(whitelisted.iter().all(|u| aaa.contains(u)), "only AAA under an AAA rule");

    let removed = whitelisted[0].clone();
    let page = office
        .submit(
            "/credit-office/whitelist",
            "/credit-office/whitelist/changes",
            &[("uscc", &removed), ("action", "remove"), ("reason", "近期被投诉，暂缓推荐")],
        )
        .await;
    assert_eq!(page.location(), Some("/credit-office/whitelist?notice=whitelist_changed"));
    assert!(office.get(page.location().unwrap()).await.body.contains("白名单已调整，理由已记录"));
    assert!(!members(&app).contains(&removed));

    // Adding a dishonest debtor is refused with the reason, and nothing is recorded.
    let decisions = |app: &TestApp| -> i64 {
        xinyidai::schema::whitelist_changes::table.count().get_result(&mut *app.conn()).unwrap()
    };
    let recorded = decisions(&app);
    let refused = office
        .submit(
            "/credit-office/whitelist",
            "/credit-office/whitelist/changes",
            &[("uscc", &dishonest[0]), ("action", "add"), ("reason", "误操作测试")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("该企业在严重失信主体名单上"), "{}", refused.body);
    assert!(!refused.body.contains("白名单已调整"));
    assert!(refused.body.contains(&format!("value=\"{}\"", dishonest[0])), "the code typed is kept");
    assert!(refused.body.contains("误操作测试"), "the reason typed is kept");
    assert_eq!(decisions(&app), recorded, "no decision is recorded");
    assert!(!members(&app).contains(&dishonest[0]), "a dishonest debtor never enters the whitelist");
    assert!(!office.get("/credit-office/whitelist").await.body.contains("误操作测试"), "nor appears in the history");

    // The manual removal survives a rule change.
    let rule = office.submit("/credit-office/whitelist", "/credit-office/whitelist/rule", &[("min_grade", "A")]).await;
    assert_eq!(rule.location(), Some("/credit-office/whitelist?notice=whitelist_rule"));
    assert!(!members(&app).contains(&removed));
    assert!(office.get("/credit-office/whitelist").await.body.contains("近期被投诉，暂缓推荐"));

    let bad = office
        .submit(
            "/credit-office/whitelist",
            "/credit-office/whitelist/changes",
            &[("uscc", "123"), ("action", "add"), ("reason", "x")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("统一社会信用代码应为 18 位"));
    app.run_jobs().await;
}

#[tokio::test]
async fn the_directory_finds_enterprises_by_name_or_code_and_pages() {
    let app = TestApp::new();
    xinyidai::seed::demo(&mut app.conn(), start(), (crate::helpers::BASE_URL, app.db.dir.path())).unwrap();
    app.user(Role::CreditOffice, "clerk");
    let office = app.client();
    office.login("clerk", PASSWORD).await;
    let all = office.get("/credit-office/enterprises").await;
    assert!(all.body.contains("共 200 条"), "the 200 demo enterprises");
    let found = office.get(&format!("/credit-office/enterprises?q={}", xinyidai::web::url_encode("晨光精密"))).await;
    assert!(found.body.contains("云海晨光精密机械有限公司"));
    let page2 = office.get("/credit-office/enterprises?page=2").await;
    assert!(page2.body.contains("第 2 / 7 页"));
    app.run_jobs().await;
}
