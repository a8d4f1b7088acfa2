//! Interest subsidies (贴息): a quarter's batch subsidises the interest each
//! qualifying loan paid in the quarter, within the caps per enterprise per
//! year and in total; a computed batch is replaced by computing it again, an
//! approved one is final; the enterprise sees its approved subsidies only.
//! Every subsidy is worked out here from the repayments the test records.

use diesel::prelude::*;
use xinyidai::domain::Guarantee;
use xinyidai::schema::audit_log;

use crate::helpers::{PASSWORD, TestApp};
use crate::subsidies_setup::{RATE, approve, by_hand, compute, lines, loan_of, move_to, office, pay, programme, yuan};

/// One percentage point, in Rate units.
const ONE_POINT: i64 = 10_000;

#[tokio::test]
async fn a_quarter_subsidises_the_interest_each_qualifying_loan_paid_in_it() {
    let app = TestApp::new();
    let a = loan_of(&app, ("ent-a", "officer-a"), Guarantee::Credit);
    let b = loan_of(&app, ("ent-b", "officer-b"), Guarantee::Credit);
    // A mortgage loan: not a credit loan, so the programme does not cover it.
    let c = loan_of(&app, ("ent-c", "officer-c"), Guarantee::Mortgage);
    move_to(&app, "2027-04-10");
    pay(&app, &a, "2026-12-23", 50_000); // 2026-Q4: not this quarter's
    pay(&app, &a, "2027-01-23", 333_335);
    pay(&app, &a, "2027-03-31", 100_000);
    pay(&app, &b, "2027-02-23", 200_001);
    pay(&app, &b, "2027-04-01", 70_000); // 2027-Q2: not this quarter's
    pay(&app, &c, "2027-01-23", 500_000);

    let clerk = office(&app).await;
    let id = programme(&clerk, "普惠小微贴息", "1", ("100", "1000")).await;
    // The latest quarter ended is offered first.
    let page = clerk.get(&format!("/credit-office/subsidies/{id}")).await;
    assert!(page.body.contains("<option value=\"2027-Q1\" selected>2027年第一季度</option>"), "{}", page.body);
    let batch = compute(&clerk, id, "2027-Q1").await;

    let (a_interest, b_interest) = (333_335 + 100_000, 200_001);
    let (a_subsidy, b_subsidy) = (by_hand(a_interest, ONE_POINT, RATE), by_hand(b_interest, ONE_POINT, RATE));
    // 433,335 × 1/4 = 108,333.75 fen; 200,001 × 1/4 = 50,000.25 fen.
    assert_eq!((a_subsidy, b_subsidy), (108_334, 50_000));
    assert_eq!(
        lines(&app, batch),
        [(a.1.loan_id, a_interest, RATE, a_subsidy, false), (b.1.loan_id, b_interest, RATE, b_subsidy, false),]
    );
    let page = clerk.get(&format!("/credit-office/subsidies/{id}/batches/{batch}")).await;
    assert_eq!(page.status, 200);
    for text in [yuan(a_subsidy), yuan(b_subsidy), yuan(a_subsidy + b_subsidy), yuan(a_interest), "4.00%".into()] {
        assert!(page.body.contains(&text), "{text} on the review page");
    }
    assert!(page.body.contains("HT-ent-a") && !page.body.contains("HT-ent-c"));
    let csv = clerk.get(&format!("/credit-office/subsidies/{id}/batches/{batch}/lines.csv")).await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("HT-ent-b,2000.01,4.00%,500.00,否"), "{}", csv.body);
    app.run_jobs().await;
}

#[tokio::test]
async fn points_above_the_loan_rate_give_the_whole_interest() {
    let app = TestApp::new();
    let a = loan_of(&app, ("ent-a", "officer-a"), Guarantee::Credit);
    move_to(&app, "2027-04-10");
    pay(&app, &a, "2027-02-23", 123_457);
    let clerk = office(&app).await;
    // 5 points on a 4% loan.
    let id = programme(&clerk, "全额贴息", "5", ("100", "1000")).await;
    let batch = compute(&clerk, id, "2027-Q1").await;
    assert_eq!(by_hand(123_457, 50_000, RATE), 123_457);
    assert_eq!(lines(&app, batch), [(a.1.loan_id, 123_457, RATE, 123_457, false)]);
    app.run_jobs().await;
}

#[tokio::test]
async fn the_yearly_cap_per_enterprise_cuts_the_second_quarter() {
    let app = TestApp::new();
    let a = loan_of(&app, ("ent-a", "officer-a"), Guarantee::Credit);
    move_to(&app, "2027-07-10");
    pay(&app, &a, "2027-02-23", 240_000);
    pay(&app, &a, "2027-05-23", 240_000);
    let clerk = office(&app).await;
    // 0.1 万元 = 1,000.00 元 per enterprise per year.
    let (id, cap) = (programme(&clerk, "限额贴息", "1", ("0.1", "10")).await, 100_000);
    let each = by_hand(240_000, ONE_POINT, RATE);
    assert_eq!(each, 60_000);

    let q1 = compute(&clerk, id, "2027-Q1").await;
    assert_eq!(lines(&app, q1), [(a.1.loan_id, 240_000, RATE, each, false)]);
    // Q1 only computed: Q2 computed now counts nothing given yet.
    let q2 = compute(&clerk, id, "2027-Q2").await;
    assert_eq!(lines(&app, q2), [(a.1.loan_id, 240_000, RATE, each, false)]);
    assert_eq!(approve(&clerk, id, q1).await.status, 303);
    // Q2 computed before Q1's approval would pass the cap: it must be computed again.
    let refused = approve(&clerk, id, q2).await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("请重新计算后再批准"), "{}", refused.body);
    assert_eq!(compute(&clerk, id, "2027-Q2").await, q2);
    assert_eq!(lines(&app, q2), [(a.1.loan_id, 240_000, RATE, cap - each, true)]);
    let page = clerk.get(&format!("/credit-office/subsidies/{id}/batches/{q2}")).await;
    assert!(page.body.contains("受上限限制") && page.body.contains(&yuan(cap - each)));
    assert_eq!(approve(&clerk, id, q2).await.status, 303);
    app.run_jobs().await;
}

#[tokio::test]
async fn the_total_cap_holds_the_last_loans_of_the_batch() {
    let app = TestApp::new();
    let a = loan_of(&app, ("ent-a", "officer-a"), Guarantee::Credit);
    let b = loan_of(&app, ("ent-b", "officer-b"), Guarantee::Credit);
    move_to(&app, "2027-04-10");
    pay(&app, &a, "2027-02-23", 240_000);
    pay(&app, &b, "2027-02-23", 240_000);
    let clerk = office(&app).await;
    // 0.1 万元 = 1,000.00 元 in all.
    let id = programme(&clerk, "总额贴息", "1", ("0.1", "0.1")).await;
    let batch = compute(&clerk, id, "2027-Q1").await;
    let each = by_hand(240_000, ONE_POINT, RATE);
    assert_eq!(
        lines(&app, batch),
        [(a.1.loan_id, 240_000, RATE, each, false), (b.1.loan_id, 240_000, RATE, 100_000 - each, true)]
    );
    assert_eq!(approve(&clerk, id, batch).await.status, 303);
    let list = clerk.get("/credit-office/subsidies").await;
    assert!(list.body.contains(&yuan(100_000)) && list.body.contains(&yuan(0)), "{}", list.body);
    app.run_jobs().await;
}

fn audited(app: &TestApp, event: &str) -> i64 {
    audit_log::table.filter(audit_log::event.eq(event)).count().get_result(&mut *app.conn()).unwrap()
}

#[tokio::test]
async fn a_computed_batch_is_replaced_and_an_approved_one_is_final() {
    let app = TestApp::new();
    let a = loan_of(&app, ("ent-a", "officer-a"), Guarantee::Credit);
    move_to(&app, "2027-04-10");
    pay(&app, &a, "2027-01-23", 100_000);
    let clerk = office(&app).await;
    let id = programme(&clerk, "季度贴息", "1", ("100", "1000")).await;
    let batch = compute(&clerk, id, "2027-Q1").await;
    assert_eq!(lines(&app, batch), [(a.1.loan_id, 100_000, RATE, by_hand(100_000, ONE_POINT, RATE), false)]);
    // Interest recorded later for the same quarter: computing again replaces the line.
    pay(&app, &a, "2027-03-01", 40_000);
    assert_eq!(compute(&clerk, id, "2027-Q1").await, batch);
    assert_eq!(lines(&app, batch), [(a.1.loan_id, 140_000, RATE, by_hand(140_000, ONE_POINT, RATE), false)]);

    let confirm = clerk.get(&format!("/credit-office/subsidies/{id}/batches/{batch}/approve")).await;
    assert!(confirm.body.contains("确认批准") && confirm.body.contains(&yuan(35_000)), "{}", confirm.body);
    assert_eq!(approve(&clerk, id, batch).await.status, 303);
    let again = approve(&clerk, id, batch).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("已批准，不能重新计算或再次批准"), "{}", again.body);
    let path = format!("/credit-office/subsidies/{id}");
    let recompute = clerk.submit(&path, &format!("{path}/compute"), &[("quarter", "2027-Q1")]).await;
    assert_eq!(recompute.status, 409);
    assert_eq!(lines(&app, batch).len(), 1);
    assert_eq!((audited(&app, "subsidy_batch_computed"), audited(&app, "subsidy_batch_approved")), (2, 1));
    // A quarter not yet ended is refused.
    let early = clerk.submit(&path, &format!("{path}/compute"), &[("quarter", "2027-Q2")]).await;
    assert_eq!(early.status, 422);
    // Editing a programme with batches says what it changes.
    let edit = clerk.get(&format!("{path}/edit")).await;
    assert!(edit.body.contains("修改只影响之后计算"), "{}", edit.body);
    app.run_jobs().await;
}

#[tokio::test]
async fn the_enterprise_sees_its_approved_subsidy_and_never_another_enterprises() {
    let app = TestApp::new();
    let a = loan_of(&app, ("ent-a", "officer-a"), Guarantee::Credit);
    let b = loan_of(&app, ("ent-b", "officer-b"), Guarantee::Credit);
    move_to(&app, "2027-04-10");
    pay(&app, &a, "2027-01-23", 519_480);
    pay(&app, &b, "2027-01-23", 80_000);
    let clerk = office(&app).await;
    let id = programme(&clerk, "云海市普惠小微贷款贴息", "1", ("100", "1000")).await;
    let batch = compute(&clerk, id, "2027-Q1").await;
    let (a_subsidy, b_subsidy) = (by_hand(519_480, ONE_POINT, RATE), by_hand(80_000, ONE_POINT, RATE));
    assert_eq!(a_subsidy, 129_870);

    let enterprise = app.client();
    enterprise.login("ent-a", PASSWORD).await;
    let own = format!("/enterprise/loans/{}", a.1.loan_id);
    let page = enterprise.get(&own).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("由财政直接拨付给企业"), "a computed batch is not shown");

    assert_eq!(approve(&clerk, id, batch).await.status, 303);
    let page = enterprise.get(&own).await;
    assert!(page.body.contains("贴息 1,298.70 元，由财政直接拨付给企业"), "{}", page.body);
    assert!(page.body.contains("2027年第一季度") && page.body.contains("云海市普惠小微贷款贴息"));
    assert!(!page.body.contains(&yuan(b_subsidy)));

    let other = app.client();
    other.login("ent-b", PASSWORD).await;
    let page = other.get(&format!("/enterprise/loans/{}", b.1.loan_id)).await;
    assert!(page.body.contains(&format!("贴息 {}，由财政直接拨付给企业", yuan(b_subsidy))));
    assert!(!page.body.contains(&yuan(a_subsidy)));
    assert_eq!(other.get(&own).await.status, 404);
    app.run_jobs().await;
}

#[tokio::test]
async fn a_programme_form_shows_each_error_beside_its_field_and_keeps_what_was_typed() {
    let app = TestApp::new();
    let clerk = office(&app).await;
    let fields = [
        ("name", ""),
        ("points", "abc"),
        ("cap_enterprise_year", "20"),
        ("cap_total", "10"),
        ("valid_from", "2026-05-01"),
        ("valid_to", "2026-01-01"),
    ];
    let page = clerk.submit("/credit-office/subsidies/new", "/credit-office/subsidies", &fields).await;
    assert_eq!(page.status, 422);
    for (field, message) in [
        ("name", "请填写贴息项目名称"),
        ("points", "请填写贴息点数（百分点，如 0.5、1、2）"),
        ("cap_enterprise_year", "每户每年上限不能高于总额上限"),
        ("valid_to", "有效期结束日不能早于开始日"),
    ] {
        assert!(
            page.body.contains(&format!("<p class=\"error\" id=\"{field}-error\">{message}")),
            "{field}: {}",
            page.body
        );
    }
    assert!(page.body.contains("value=\"abc\"") && page.body.contains("value=\"2026-05-01\""));
    let none: i64 = xinyidai::schema::subsidy_programmes::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(none, 0);

    programme(&clerk, "普惠小微贴息", "1", ("10", "100")).await;
    let twice = [
        ("name", "普惠小微贴息"),
        ("points", "20"),
        ("cap_enterprise_year", "10"),
        ("cap_total", "100"),
        ("valid_from", "2026-01-01"),
        ("valid_to", "2026-12-31"),
    ];
    let page = clerk.submit("/credit-office/subsidies/new", "/credit-office/subsidies", &twice).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("已有同名的贴息项目") && page.body.contains("不超过 10 个百分点"), "{}", page.body);
}
