//! The credit portrait: who may see it, the view log, consent, disputes.

use axum::http::StatusCode;
use chrono::NaiveDate;
use diesel::prelude::*;
use xinyidai::domain::records::{PenaltyKind, PenaltyRecord, PenaltyStatus, Record, TaxGrade, TaxRecord};
use xinyidai::domain::{Money, Role, Uscc};
use xinyidai::models::credit_record::{Provenance, store};
use xinyidai::schema::{penalty_records, portrait_views, users};

use crate::helpers::{PASSWORD, TestApp, start};

/// An enterprise account with a tax record and an active penalty, evaluated.
pub fn enterprise_with_records(app: &TestApp, username: &str) -> (i64, String) {
    let user_id = app.user(Role::Enterprise, username);
    let conn = &mut *app.conn();
    let enterprise_id: i64 =
        users::table.find(user_id).select(users::enterprise_id).first::<Option<i64>>(conn).unwrap().unwrap();
    let uscc: String = xinyidai::schema::enterprises::table
        .find(enterprise_id)
        .select(xinyidai::schema::enterprises::uscc)
        .first(conn)
        .unwrap();
    let code = Uscc::parse(&uscc).unwrap();
    let from =
        Provenance {
            department: "税务局".into(), as_of: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(), batch_id: 1
        };
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    store(
        conn,
        &Record::Tax(TaxRecord {
            uscc: code.clone(),
            year: 2025,
            tax_grade: TaxGrade::B,
            tax_paid: Money::from_yuan(80_000),
            revenue: Money::from_yuan(2_000_000),
        }),
        &from,
        start(),
    )
    .unwrap();
    store(
        conn,
        &Record::Penalty(PenaltyRecord {
            uscc: code,
            case_no: format!("云环罚〔2026〕{enterprise_id}号"),
            decided_on: day(2026, 3, 2),
            authority: "云海市生态环境局".into(),
            kind: PenaltyKind::AdministrativePenalty,
            amount: Money::from_yuan(20_000),
            status: PenaltyStatus::Active,
            ended_on: None,
        }),
        &from,
        start(),
    )
    .unwrap();
    xinyidai::credit::recompute_one(conn, &uscc, day(2026, 11, 23), start()).unwrap();
    (enterprise_id, uscc)
}

fn views(app: &TestApp, enterprise_id: i64) -> i64 {
    portrait_views::table
        .filter(portrait_views::enterprise_id.eq(enterprise_id))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

#[tokio::test]
async fn the_enterprise_sees_its_portrait_with_score_factors_and_sources() {
    let app = TestApp::new();
    enterprise_with_records(&app, "ent");
    let browser = app.client();
    browser.login("ent", PASSWORD).await;
    let page = browser.get("/enterprise/portrait").await;
    assert_eq!(page.status, StatusCode::OK);
    // By docs/credit-model.md on 2026-11-23: tax grade B in 2025 (one year) +80;
    // one year with tax paid, no trend +10; no utilities, social security,
    // property or honours 0; the 2 万元 penalty of 2026-03-02 (age 0, active)
    // -50; no court record +20; 11 years in operation (since 2015-03-01),
    // capped +50. 450 + 110 = 560: grade C, risk 高.
    assert!(page.body.contains("<span class=\"score\">560</span>"), "{}", page.body);
    assert!(page.body.contains("<span class=\"grade grade-C\">C</span>"));
    assert!(page.body.contains("风险高"));
    for (label, points) in [("纳税信用等级", "+80"), ("行政处罚", "-50"), ("司法执行", "+20"), ("经营年限", "+50")]
    {
        let row = format!("<td data-label=\"因素\">{label}</td>");
        let cell = page.body.split(&row).nth(1).expect(label).split("</span>").next().unwrap().to_string();
        assert!(cell.contains(&format!(">{points}<")), "{label}: {cell}");
    }
    for text in ["评分构成", "纳税信用等级", "税务局 · 截至 2026-10-31", "云海市生态环境局", "如何提升", "异议"]
    {
        assert!(page.body.contains(text), "{text}");
    }
}

#[tokio::test]
async fn a_bank_sees_the_portrait_only_under_an_active_authorization_and_every_view_is_logged() {
    let app = TestApp::new();
    let (enterprise_id, _) = enterprise_with_records(&app, "ent");
    app.user(Role::Officer, "officer");
    let institution: i64 = users::table
        .filter(users::username.eq("officer"))
        .select(users::institution_id)
        .first::<Option<i64>>(&mut *app.conn())
        .unwrap()
        .unwrap();
    let officer = app.client();
    officer.login("officer", PASSWORD).await;
    let path = format!("/portraits/{enterprise_id}");

    assert_eq!(officer.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(views(&app, enterprise_id), 0);

    let enterprise = app.client();
    enterprise.login("ent", PASSWORD).await;
    let granted = enterprise
        .submit(
            "/enterprise/authorizations",
            "/enterprise/authorizations",
            &[("institution_id", &institution.to_string()), ("purpose", "贷款申请审查"), ("days", "90")],
        )
        .await;
    assert_eq!(granted.location(), Some("/enterprise/authorizations?notice=authorized"));

    for _ in 0..3 {
        let page = officer.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("贷款申请审查"));
        assert!(!page.body.contains("/enterprise/disputes/new"), "a bank gets no dispute links");
    }
    assert_eq!(views(&app, enterprise_id), 3);
    let log = enterprise.get("/enterprise/authorizations").await;
    assert!(log.body.contains("查询记录（3）"));
    assert!(log.body.contains("officer银行"));

    // Revoking takes effect at once.
    let authorizations = enterprise.get("/enterprise/authorizations").await;
    let revoke =
        authorizations.body.split("href=\"/enterprise/authorizations/").nth(1).unwrap().split('"').next().unwrap();
    let confirm_path = format!("/enterprise/authorizations/{revoke}");
    let confirm = enterprise.get(&confirm_path).await;
    assert!(confirm.body.contains("确认撤回授权"));
    let done = enterprise.post(&confirm_path, &[("csrf", &confirm.csrf())]).await;
    assert_eq!(done.location(), Some("/enterprise/authorizations?notice=revoked"));
    assert_eq!(officer.get(&path).await.status, StatusCode::FORBIDDEN);
    assert_eq!(views(&app, enterprise_id), 3, "a refused view is not a view");
}

#[tokio::test]
async fn an_authorization_expires() {
    let app = TestApp::new();
    let (enterprise_id, _) = enterprise_with_records(&app, "ent");
    app.user(Role::BankAdmin, "admin");
    let institution: i64 = users::table
        .filter(users::username.eq("admin"))
        .select(users::institution_id)
        .first::<Option<i64>>(&mut *app.conn())
        .unwrap()
        .unwrap();
    xinyidai::models::authorization::Authorization::grant(
        &mut app.conn(),
        enterprise_id,
        institution,
        "授信审查",
        chrono::Duration::days(30),
        start(),
    )
    .unwrap();
    let admin = app.client();
    admin.login("admin", PASSWORD).await;
    assert_eq!(admin.get(&format!("/portraits/{enterprise_id}")).await.status, StatusCode::OK);
    app.clock.advance(chrono::Duration::days(30));
    admin.login("admin", PASSWORD).await;
    assert_eq!(admin.get(&format!("/portraits/{enterprise_id}")).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn enterprises_cannot_see_or_dispute_each_others_records() {
    let app = TestApp::new();
    let (a_id, _) = enterprise_with_records(&app, "ent-a");
    enterprise_with_records(&app, "ent-b");
    let b = app.client();
    b.login("ent-b", PASSWORD).await;
    assert_eq!(b.get(&format!("/portraits/{a_id}")).await.status, StatusCode::FORBIDDEN);
    let a_penalty: i64 = penalty_records::table
        .filter(penalty_records::case_no.like(format!("%{a_id}号")))
        .select(penalty_records::id)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(
        b.get(&format!("/enterprise/disputes/new?kind=penalties&id={a_penalty}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_credit_office_sees_any_portrait_and_its_views_are_logged() {
    let app = TestApp::new();
    let (enterprise_id, _) = enterprise_with_records(&app, "ent");
    app.user(Role::CreditOffice, "clerk");
    let office = app.client();
    office.login("clerk", PASSWORD).await;
    assert_eq!(office.get(&format!("/portraits/{enterprise_id}")).await.status, StatusCode::OK);
    assert_eq!(office.get("/portraits/999999").await.status, StatusCode::NOT_FOUND);
    assert_eq!(views(&app, enterprise_id), 1);
}

#[tokio::test]
async fn a_dispute_round_trip_repairs_a_penalty_and_raises_the_score() {
    let app = TestApp::new();
    let (enterprise_id, uscc) = enterprise_with_records(&app, "ent");
    app.user(Role::CreditOffice, "clerk");
    let score = |app: &TestApp| -> i32 {
        use xinyidai::schema::credit_evaluations;
        credit_evaluations::table.find(&uscc).select(credit_evaluations::score).first(&mut *app.conn()).unwrap()
    };
    let before = score(&app);
    let penalty: i64 = penalty_records::table.select(penalty_records::id).first(&mut *app.conn()).unwrap();

    let enterprise = app.client();
    enterprise.login("ent", PASSWORD).await;
    let form = format!("/enterprise/disputes/new?kind=penalties&id={penalty}");
    let short = enterprise
        .submit(&form, "/enterprise/disputes", &[("kind", "penalties"), ("id", &penalty.to_string()), ("reason", "错")])
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let opened = enterprise
        .submit(
            &form,
            "/enterprise/disputes",
            &[("kind", "penalties"), ("id", &penalty.to_string()), ("reason", "罚款已于2026年4月缴清并完成整改")],
        )
        .await;
    assert_eq!(opened.location(), Some("/enterprise/portrait?notice=dispute_opened#disputes"));
    assert!(enterprise.get("/enterprise/portrait").await.body.contains("异议处理中"));
    app.run_jobs().await;
    let to_office = app.sent_emails();
    assert_eq!(to_office.len(), 1);
    assert_eq!(to_office[0].to, "clerk@example.com");
    assert!(to_office[0].text.contains("罚款已于2026年4月缴清"));

    let office = app.client();
    office.login("clerk", PASSWORD).await;
    let list = office.get("/credit-office/disputes").await;
    let dispute_path = format!(
        "/credit-office/disputes/{}",
        list.body.split("/credit-office/disputes/").nth(1).unwrap().split('"').next().unwrap()
    );
    let answered = office
        .submit(&dispute_path, &dispute_path, &[("outcome", "repaired"), ("answer", "经核实企业已整改，予以信用修复")])
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER);
    let status: String =
        penalty_records::table.find(penalty).select(penalty_records::status).first(&mut *app.conn()).unwrap();
    assert_eq!(status, "repaired");
    assert!(score(&app) > before, "repairing the penalty raises the score");

    app.run_jobs().await;
    let to_enterprise = app.sent_emails();
    assert_eq!(to_enterprise.len(), 2);
    assert_eq!(to_enterprise[1].to, "ent@example.com");
    assert!(to_enterprise[1].subject.contains("已信用修复"));
    let portrait = enterprise.get("/enterprise/portrait").await;
    assert!(portrait.body.contains("经核实企业已整改"));
    assert!(portrait.body.contains("已修复"));

    // Answered once; a second answer changes nothing.
    let again =
        office.submit(&dispute_path, &dispute_path, &[("outcome", "upheld"), ("answer", "维持原记录不变")]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    let _ = enterprise_id;
}

#[tokio::test]
async fn revoking_one_of_two_authorizations_to_a_bank_ends_its_access_at_once() {
    let app = TestApp::new();
    let (enterprise_id, _) = enterprise_with_records(&app, "ent");
    app.user(Role::Officer, "officer");
    let institution: i64 = users::table
        .filter(users::username.eq("officer"))
        .select(users::institution_id)
        .first::<Option<i64>>(&mut *app.conn())
        .unwrap()
        .unwrap();
    let enterprise = app.client();
    enterprise.login("ent", PASSWORD).await;
    for (purpose, days) in [("贷款申请审查", "90"), ("贷后管理", "180")] {
        let fields = [("institution_id", institution.to_string()), ("purpose", purpose.into()), ("days", days.into())];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let granted = enterprise.submit("/enterprise/authorizations", "/enterprise/authorizations", &fields).await;
        assert_eq!(granted.location(), Some("/enterprise/authorizations?notice=authorized"));
    }
    let officer = app.client();
    officer.login("officer", PASSWORD).await;
    let path = format!("/portraits/{enterprise_id}");
    assert_eq!(officer.get(&path).await.status, StatusCode::OK);

    // Revoke the 90-day one, which the bank does not even need for access.
    let first: i64 = xinyidai::schema::authorizations::table
        .filter(xinyidai::schema::authorizations::purpose.eq("贷款申请审查"))
        .select(xinyidai::schema::authorizations::id)
        .first(&mut *app.conn())
        .unwrap();
    let confirm_path = format!("/enterprise/authorizations/{first}/revoke");
    let confirm = enterprise.get(&confirm_path).await;
    assert!(
        confirm.body.contains("officer银行将立即无法查看您的信用画像（您给该机构的全部 2 项有效授权将一并撤回"),
        "{}",
        confirm.body
    );
    let done = enterprise.post(&confirm_path, &[("csrf", &confirm.csrf())]).await;
    assert_eq!(done.location(), Some("/enterprise/authorizations?notice=revoked"));
    assert!(enterprise.get(done.location().unwrap()).await.body.contains("该机构已无法查看您的信用画像"));
    assert_eq!(officer.get(&path).await.status, StatusCode::FORBIDDEN, "the bank's access ended at once");
    let running: i64 = xinyidai::schema::authorizations::table
        .filter(xinyidai::schema::authorizations::revoked_at.is_null())
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(running, 0, "both authorizations are revoked");
    let audited: i64 = xinyidai::schema::audit_log::table
        .filter(xinyidai::schema::audit_log::event.eq("authorization_revoked"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(audited, 2, "each revoked authorization is audited");
}

/// The actions are the faces' common ground (the bank API will call them as
/// the pages do): granting, viewing and revoking through them directly keeps
/// the same rules, and a refused view stays in the audit log.
#[tokio::test]
async fn authorizations_hold_the_same_rules_when_called_without_the_web() {
    use xinyidai::actions::authorization::{Grant, grant, revoke};
    use xinyidai::actions::portrait::{ViewRequest, view};
    use xinyidai::actions::{Ctx, Refusal};
    use xinyidai::domain::authorization::Term;
    use xinyidai::models::audit::Actor;
    use xinyidai::schema::audit_log;

    let app = TestApp::new();
    let (enterprise_id, _) = enterprise_with_records(&app, "ent");
    let (other_enterprise, _) = enterprise_with_records(&app, "ent-other");
    let admin = app.user(Role::BankAdmin, "admin");
    let institution: Option<i64> =
        users::table.find(admin).select(users::institution_id).first(&mut *app.conn()).unwrap();
    let as_user = |user_id, role: Role, institution_id| Ctx {
        actor: Actor { user_id: Some(user_id), role: Some(role.as_str().into()), institution_id, ip: None },
        now: start(),
        base_url: "http://localhost".into(),
    };
    let owner: i64 = users::table.filter(users::username.eq("ent")).select(users::id).first(&mut *app.conn()).unwrap();
    let enterprise = as_user(owner, Role::Enterprise, None);
    let bank = as_user(admin, Role::BankAdmin, institution);
    let request = || ViewRequest { enterprise_id, role: Role::BankAdmin, institution_id: institution };
    let conn = &mut *app.conn();

    let input =
        Grant {
            enterprise_id, institution_id: institution.unwrap(), purpose: "授信审查".into(), term: Term::Days30
        };
    let granted = grant(conn, &enterprise, input).unwrap().expect("granted");
    assert_eq!(view(conn, &bank, request()).unwrap(), Ok("授信审查".to_string()));
    assert_eq!(revoke(conn, &enterprise, other_enterprise, granted).unwrap(), Err(Refusal::NotFound("授权")));
    assert_eq!(view(conn, &bank, request()).unwrap(), Ok("授信审查".to_string()), "still authorized");
    assert_eq!(revoke(conn, &enterprise, enterprise_id, granted).unwrap(), Ok(vec![granted]));
    let refused = view(conn, &bank, request()).unwrap().expect_err("revoked");
    assert_eq!(refused.code(), "not_authorized");
    let denied: i64 = audit_log::table
        .filter(audit_log::event.eq("portrait_view"))
        .filter(audit_log::outcome.eq("denied"))
        .count()
        .get_result(conn)
        .unwrap();
    assert_eq!(denied, 1, "the refused view is audited");
}
