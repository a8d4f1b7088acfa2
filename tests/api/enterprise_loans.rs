//! The enterprise's loans: its home and loan page show what it owes and
//! when, each drawdown's schedule as an exact computation written here gives
//! it; it confirms a drawdown's receipt or reports it wrong, which opens a
//! dispute the credit office answers once; and no other enterprise reaches
//! any of it, whatever ids it types.

use chrono::{Duration, Months, NaiveDate};
use diesel::prelude::*;
use xinyidai::actions::loan::{OwnLoan, open_loan, record_drawdown, record_repayment};
use xinyidai::actions::offer::OwnOffer;
use xinyidai::domain::repayment::RepaymentMethod;
use xinyidai::domain::{Money, Role};
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::models::loan::repayment::NewRepayment;
use xinyidai::schema::{disputes, drawdowns, institutions, loan_events};

use crate::helpers::{Client, PASSWORD, TestApp};
use crate::loan_setup::{Approved, approved, officer_ctx, terms};

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// A loan of `approved` at 4% 等额本金 (contract `contract`), with one
/// drawdown JJ-1 of 120,000 元 on 2026-11-23 over 6 months; returns the loan and the drawdown.
fn loan_with_drawdown(app: &TestApp, approved: &Approved, contract: &str) -> (OwnLoan, i64) {
    let ctx = officer_ctx(app, approved);
    let offer = OwnOffer { institution_id: approved.institution, offer_id: approved.offer };
    let terms = xinyidai::models::loan::LoanTerms {
        repayment_method: RepaymentMethod::EqualPrincipal,
        ..terms(contract, approved.on)
    };
    let loan_id = open_loan(&mut app.conn(), &ctx, offer, terms).unwrap().unwrap();
    let own = OwnLoan { institution_id: approved.institution, loan_id };
    let new = NewDrawdown {
        iou_no: "JJ-1".into(),
        amount: Money::from_yuan(120_000),
        value_date: day("2026-11-23"),
        term_months: 6,
    };
    (own, record_drawdown(&mut app.conn(), &ctx, own, new).unwrap().unwrap())
}

/// One row of a schedule: number, due date, principal, interest, payment, balance (fen).
type Row = (i32, NaiveDate, i64, i64, i64, i64);

/// 等额本金 written again: the same principal each month (the amount ÷ n,
/// half-up to the fen; the last takes what is left), interest on what is
/// still owed at the monthly rate (annual ÷ 12, half-up to the fen), due the
/// same day k months on.
fn equal_principal(amount_fen: i64, annual_percent: i64, months: i64, from: NaiveDate) -> Vec<Row> {
    let half_up = |num: i64, den: i64| (2 * num + den) / (2 * den);
    let each = half_up(amount_fen, months);
    let mut owed = amount_fen;
    (1..=months)
        .map(|k| {
            let interest = half_up(owed * annual_percent, 100 * 12);
            let principal = if k == months { owed } else { each };
            owed -= principal;
            let due = from.checked_add_months(Months::new(u32::try_from(k).unwrap())).unwrap();
            (i32::try_from(k).unwrap(), due, principal, interest, principal + interest, owed)
        })
        .collect()
}

fn yuan(fen: i64) -> String {
    Money::from_fen(fen).yuan_text()
}

/// The text of each cell of each row of the table after `marker`, tags stripped.
fn table_after(body: &str, marker: &str) -> Vec<Vec<String>> {
    let start = body.find(marker).unwrap_or_else(|| panic!("no {marker} in {body}"));
    let table = &body[start..];
    let table = &table[..table.find("</table>").unwrap()];
    table
        .split("<tr>")
        .skip(2)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| strip_tags(&cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()]))
                .collect()
        })
        .collect()
}

fn strip_tags(html: &str) -> String {
    let mut text = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => text.push(c),
            _ => {}
        }
    }
    text.trim().to_string()
}

async fn signed_in<'a>(app: &'a TestApp, username: &str) -> Client<'a> {
    let client = app.client();
    client.login(username, PASSWORD).await;
    client
}

fn receipt_events(app: &TestApp, loan: i64) -> i64 {
    loan_events::table
        .filter(loan_events::loan_id.eq(loan))
        .filter(loan_events::kind.eq("receipt"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

fn receipt(app: &TestApp, drawdown: i64) -> String {
    drawdowns::table.find(drawdown).select(drawdowns::receipt).first(&mut *app.conn()).unwrap()
}

#[tokio::test]
async fn the_loan_page_shows_what_is_owed_and_the_schedule_as_computed_by_hand() {
    let app = TestApp::new();
    let approved = approved(&app, "ent", "officer");
    let (own, drawdown) = loan_with_drawdown(&app, &approved, "HT-2026-001");
    // A month on, the first instalment is repaid on its due date: 20,000 元 and its interest.
    app.clock.advance(Duration::days(30));
    let expected = equal_principal(12_000_000, 4, 6, day("2026-11-23"));
    let (_, first_due, principal, interest, _, _) = expected[0];
    assert_eq!((first_due, principal, interest), (day("2026-12-23"), 2_000_000, 40_000));
    let repay = NewRepayment {
        drawdown_id: drawdown,
        paid_on: first_due,
        principal: Money::from_fen(principal),
        interest: Money::from_fen(interest),
        penalty: Money::from_fen(0),
    };
    record_repayment(&mut app.conn(), &officer_ctx(&app, &approved), own, repay).unwrap().unwrap();

    let enterprise = signed_in(&app, "ent").await;
    let page = enterprise.get(&format!("/enterprise/loans/{}", own.loan_id)).await;
    assert_eq!(page.status, 200);
    // Outstanding: what was drawn less the principal repaid. Next: the second instalment in full.
    let outstanding = 12_000_000 - principal;
    let (_, next_due, _, _, next_payment, _) = expected[1];
    assert_eq!((outstanding, next_due, next_payment), (10_000_000, day("2027-01-23"), 2_033_333));
    assert!(
        page.body.contains(&format!("<dt>剩余本金</dt><dd><strong>{}</strong>", yuan(outstanding))),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("{next_due}</span> 应还 <strong>{}</strong>", yuan(next_payment))));
    assert!(page.body.contains(&format!("<dt>已放款</dt><dd>{}</dd>", yuan(12_000_000))));
    assert!(page.body.contains("200.00 万元") && page.body.contains("正常"));
    assert!(
        !page.body.contains("五级分类") && !page.body.contains("关注"),
        "the classification is the bank's own view"
    );
    // Every row of the schedule, exact to the fen; the first paid, the rest to pay.
    let rows = table_after(&page.body, &format!("id=\"drawdown-{drawdown}\""));
    let shown: Vec<Vec<String>> = expected
        .iter()
        .map(|(k, due, p, i, pay, left)| {
            let state = if *k == 1 { "已还清" } else { "待还" };
            vec![k.to_string(), due.to_string(), yuan(*p), yuan(*i), yuan(*pay), yuan(*left), state.to_string()]
        })
        .collect();
    assert_eq!(rows, shown);
    assert_eq!(rows[2][3], "266.67 元", "80,000 × 4% ÷ 12 = 266.666… rounds up");
    assert!(page.body.contains("本金 20,000.00 元，利息 400.00 元，罚息 0.00 元"), "the repayment is listed");

    // The home lists the loan with the same figures, the drawdown flagged to confirm.
    let home = enterprise.get("/enterprise").await.body;
    assert!(home.contains("id=\"my-loans\"") && home.contains("合同 HT-2026-001"), "{home}");
    assert!(home.contains(&format!("剩余本金 {}", yuan(outstanding))));
    assert!(home.contains(&format!("下次还款 <span>{next_due}</span> {}", yuan(next_payment))));
    assert!(home.contains("1 笔放款待您确认到账"));

    // Unpaid the day after it falls due, the second instalment reads 逾期 and the next payment is late.
    app.clock.advance(Duration::days(33));
    let enterprise = signed_in(&app, "ent").await;
    let page = enterprise.get(&format!("/enterprise/loans/{}", own.loan_id)).await.body;
    let rows = table_after(&page, &format!("id=\"drawdown-{drawdown}\""));
    assert_eq!(
        rows.iter().map(|r| r[6].as_str()).collect::<Vec<_>>(),
        ["已还清", "逾期", "待还", "待还", "待还", "待还"]
    );
    assert!(page.contains("（已逾期）"));
    app.run_jobs().await;
}

#[tokio::test]
async fn the_home_shows_no_loans_block_without_a_loan() {
    let app = TestApp::new();
    app.user(Role::Enterprise, "ent");
    let enterprise = signed_in(&app, "ent").await;
    let home = enterprise.get("/enterprise").await.body;
    assert!(home.contains("href=\"/enterprise/loans\"") && !home.contains("id=\"my-loans\""), "{home}");
    assert!(enterprise.get("/enterprise/loans").await.body.contains("暂无贷款"));
}

#[tokio::test]
async fn confirming_receipt_shows_the_badge_and_enters_the_history_once() {
    let app = TestApp::new();
    let approved = approved(&app, "ent", "officer");
    let (own, drawdown) = loan_with_drawdown(&app, &approved, "HT-2026-001");
    let enterprise = signed_in(&app, "ent").await;
    let path = format!("/enterprise/loans/{}", own.loan_id);
    let page = enterprise.get(&path).await.body;
    assert!(page.contains("<span class=\"badge info\">待企业确认</span>") && page.contains(">确认到账</button>"));
    let action = format!("{path}/drawdowns/{drawdown}/receipt");
    let done = enterprise.submit(&path, &action, &[]).await;
    assert_eq!(done.location(), Some(format!("{path}?notice=receipt_confirmed#drawdown-{drawdown}").as_str()));
    let page = enterprise.get(done.location().unwrap()).await.body;
    assert!(page.contains("<span class=\"badge ok\">企业已确认到账</span>"), "{page}");
    assert!(page.contains("借据 JJ-1：企业已确认到账"), "the history says it");
    assert!(!page.contains(">确认到账</button>") && !page.contains("金额或日期不对</a>"));
    assert_eq!(receipt_events(&app, own.loan_id), 1);

    // A second confirm (another tab) changes nothing; nor can it be reported wrong now.
    let token = enterprise.get(&path).await.csrf();
    let again = enterprise.post(&action, &[("csrf", &token)]).await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("您已确认该笔放款到账，无需重复确认"));
    let report = enterprise
        .post(&format!("{path}/drawdowns/{drawdown}/dispute"), &[("csrf", &token), ("what", "金额不对，少了一万")])
        .await;
    assert_eq!(report.status, 409);
    assert_eq!(
        enterprise.get(&format!("{path}/drawdowns/{drawdown}/dispute")).await.location(),
        Some(format!("{path}#drawdown-{drawdown}").as_str())
    );
    assert_eq!((receipt_events(&app, own.loan_id), receipt(&app, drawdown)), (1, "confirmed".to_string()));
    let open: i64 = disputes::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(open, 0);
    app.run_jobs().await;
}

#[tokio::test]
async fn a_drawdown_reported_wrong_is_a_dispute_the_credit_office_answers_once() {
    let app = TestApp::new();
    let approved = approved(&app, "ent", "officer");
    app.user(Role::CreditOffice, "clerk");
    let (own, drawdown) = loan_with_drawdown(&app, &approved, "HT-2026-001");
    let bank: String =
        institutions::table.find(approved.institution).select(institutions::name).first(&mut *app.conn()).unwrap();
    let enterprise = signed_in(&app, "ent").await;
    let path = format!("/enterprise/loans/{}", own.loan_id);
    let form = format!("{path}/drawdowns/{drawdown}/dispute");
    let page = enterprise.get(&form).await;
    assert!(page.body.contains("120,000.00 元") && page.body.contains("2026-11-23"), "{}", page.body);
    // Too short: said beside the field, what was typed kept, nothing saved.
    let short = enterprise.submit(&form, &form, &[("what", "不对")]).await;
    assert_eq!(short.status, 422);
    assert!(short.body.contains("请写明哪里不对（4 到 500 字）") && short.body.contains(">不对</textarea>"));
    assert_eq!(receipt(&app, drawdown), "pending");
    let what = "实际到账 100,000.00 元，少了 2 万元";
    let done = enterprise.submit(&form, &form, &[("what", what)]).await;
    assert_eq!(done.location(), Some(format!("{path}?notice=drawdown_disputed#drawdown-{drawdown}").as_str()));
    let page = enterprise.get(&path).await.body;
    assert!(page.contains("<span class=\"badge danger\">企业提出异议</span>"), "{page}");
    assert!(page.contains(what), "the history keeps what was said");

    // The credit office sees it on its home and list, with the bank, and a link to the loan.
    let summary = format!("借据 JJ-1 · 120,000.00 元 · 2026-11-23 · {bank}");
    let loan_link = format!("<a href=\"/credit-office/loans/{}\">", own.loan_id);
    let office = signed_in(&app, "clerk").await;
    let list = office.get("/credit-office/disputes").await.body;
    assert!(list.contains(&format!("放款异议：{summary}")) && list.contains(&loan_link), "{list}");
    let home = office.get("/credit-office").await.body;
    assert!(home.contains(&summary) && home.contains(&loan_link), "{home}");
    let id: i64 = disputes::table.select(disputes::id).first(&mut *app.conn()).unwrap();
    let shown = office.get(&format!("/credit-office/disputes/{id}")).await.body;
    assert!(shown.contains(what) && shown.contains(&loan_link) && !shown.contains("value=\"repaired\""), "{shown}");
    // The loan's officer heard, with a link to the bank's page of the loan.
    let to_officer = app.emails_to("officer@example.com").await;
    let heard =
        to_officer.iter().find(|e| e.subject.contains("企业对放款提出异议：借据 JJ-1")).expect("the officer is told");
    assert!(heard.text.contains(&format!("/officer/loans/{}", own.loan_id)) && heard.text.contains(what));
    assert!(app.emails_to("clerk@example.com").await.iter().any(|e| e.text.contains(&summary)));

    // The answer: the bank corrected it; the enterprise is asked to confirm again.
    let answer = [("outcome", "corrected"), ("answer", "经核实银行已更正放款记录")];
    let confirm = office
        .submit(&format!("/credit-office/disputes/{id}"), &format!("/credit-office/disputes/{id}/confirm"), &answer)
        .await;
    assert!(confirm.body.contains("银行已更正该笔放款，企业可重新核对并确认到账"), "{}", confirm.body);
    let answered = office
        .submit(&format!("/credit-office/disputes/{id}"), &format!("/credit-office/disputes/{id}"), &answer)
        .await;
    assert_eq!(answered.location(), Some("/credit-office/disputes?notice=dispute_answered"));
    assert_eq!(receipt(&app, drawdown), "pending");
    let events = receipt_events(&app, own.loan_id);
    // A second answer on the same drawdown's dispute changes nothing.
    let token = office.get(&format!("/credit-office/disputes/{id}")).await.csrf();
    let upheld = [("csrf", token.as_str()), ("outcome", "upheld"), ("answer", "维持原记录，不作更改")];
    assert_eq!(office.post(&format!("/credit-office/disputes/{id}"), &upheld).await.status, 422);
    let status: String = disputes::table.find(id).select(disputes::status).first(&mut *app.conn()).unwrap();
    assert_eq!(
        (status.as_str(), receipt(&app, drawdown).as_str(), receipt_events(&app, own.loan_id)),
        ("corrected", "pending", events)
    );
    let told = app.emails_to("ent@example.com").await;
    assert!(told.iter().any(|e| e.subject.contains("放款异议已答复：已更正")
        && e.text.contains(&format!("/enterprise/loans/{}", own.loan_id))));
    let page = enterprise.get(&path).await.body;
    assert!(page.contains("<span class=\"badge info\">待企业确认</span>") && page.contains(">确认到账</button>"));
    app.run_jobs().await;
}

#[tokio::test]
async fn another_enterprise_gets_404_on_every_url_of_a_loan_and_changes_nothing() {
    let app = TestApp::new();
    let mine = approved(&app, "ent", "officer");
    let theirs = approved(&app, "other", "officer2");
    let (own, drawdown) = loan_with_drawdown(&app, &mine, "HT-2026-001");
    let (their_loan, _) = loan_with_drawdown(&app, &theirs, "HT-2026-002");
    let other = signed_in(&app, "other").await;
    let token = other.get("/enterprise/loans").await.csrf();
    let path = format!("/enterprise/loans/{}", own.loan_id);
    assert!(!other.get("/enterprise/loans").await.body.contains("HT-2026-001"));
    assert!(!other.get("/enterprise").await.body.contains("HT-2026-001"));
    for get in [path.clone(), format!("{path}/drawdowns/{drawdown}/dispute")] {
        assert_eq!(other.get(&get).await.status, 404, "GET {get}");
    }
    // Its own loan's id with this drawdown: still not its drawdown.
    let crossed = format!("/enterprise/loans/{}/drawdowns/{drawdown}", their_loan.loan_id);
    let what = ("what", "金额不对，少了一万元");
    for post in [
        format!("{path}/drawdowns/{drawdown}/receipt"),
        format!("{path}/drawdowns/{drawdown}/dispute"),
        format!("{crossed}/receipt"),
        format!("{crossed}/dispute"),
    ] {
        assert_eq!(other.post(&post, &[("csrf", &token), what]).await.status, 404, "POST {post}");
        assert_eq!(
            other.post(&post, &[("csrf", &token), ("what", "")]).await.status,
            404,
            "POST {post}, nothing typed"
        );
    }
    assert_eq!(other.get(&format!("{crossed}/dispute")).await.status, 404);
    assert_eq!((receipt(&app, drawdown), receipt_events(&app, own.loan_id)), ("pending".to_string(), 0));
    let opened: i64 = disputes::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(opened, 0);
    app.run_jobs().await;
}
