//! 统计公报 through the real router: the credit office composes, previews and
//! publishes; the figures freeze at publication and later data leaves the
//! page, the JSON and the CSV as they were; one published bulletin per
//! period; drafts are not public; email subscribers confirm by link, get each
//! new bulletin once and leave by the link in it.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use xinyidai::actions::loan::{OwnLoan, record_drawdown};
use xinyidai::clock::Clock;
use xinyidai::domain::Money;
use xinyidai::domain::Role;
use xinyidai::domain::stats::{Filter, Period, Statistics};
use xinyidai::handlers::bulletins::SUBSCRIBE_ANSWER;
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::models::stats;

use crate::helpers::{BASE_URL, Client, PASSWORD, TestApp, link_in};
use crate::loan_setup::{Approved, approved, loan, officer_ctx};

fn dec(text: &str) -> Option<Decimal> {
    Some(text.parse().unwrap())
}

/// A drawdown of `wan` 万元 on the loan of the approved line, valued 2026-11-23.
fn draw(app: &TestApp, deal: &Approved, own: OwnLoan, iou: &str, wan: i64) {
    let value_date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let new = NewDrawdown { iou_no: iou.into(), amount: Money::from_yuan(wan * 10_000), value_date, term_months: 6 };
    record_drawdown(&mut app.conn(), &officer_ctx(app, deal), own, new).unwrap().unwrap();
}

/// The credit office signed in.
async fn office(app: &TestApp) -> Client<'_> {
    app.user(Role::CreditOffice, "office");
    let client = app.client_from("198.51.100.7");
    assert_eq!(client.login("office", PASSWORD).await.status, StatusCode::SEE_OTHER);
    client
}

/// Saves a draft for `period`; its id.
async fn draft(client: &Client<'_>, period: &str, commentary: &str) -> i64 {
    let fields = [("period", period), ("title", ""), ("commentary", commentary)];
    let saved = client.submit("/credit-office/bulletins/new", "/credit-office/bulletins", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let to = saved.location().unwrap();
    to.trim_start_matches("/credit-office/bulletins/").split('?').next().unwrap().parse().unwrap()
}

/// Publishes a draft as the confirmation page's button does.
async fn publish(client: &Client<'_>, id: i64) -> crate::helpers::Page {
    let token = client.get("/credit-office/bulletins/new").await.csrf();
    client.post(&format!("/credit-office/bulletins/{id}/publish"), &[("csrf", &token)]).await
}

/// The national table's row of 放款金额 with this period's value.
fn loan_amount_row(period: &str) -> String {
    format!(r#"放款金额</td><td data-label="单位">万元</td><td data-label="本期">{period}</td>"#)
}

fn frozen(json: &str) -> Statistics {
    let document: serde_json::Value = serde_json::from_str(json).unwrap();
    serde_json::from_value(document["statistics"].clone()).unwrap()
}

#[tokio::test]
async fn a_published_bulletin_keeps_its_figures_when_new_data_arrives() {
    let app = TestApp::new();
    let deal = approved(&app, "gongbao", "officer");
    let own = loan(&app, &deal);
    draw(&app, &deal, own, "JJ-1", 150);
    let office = office(&app).await;
    let visitor = app.client();

    let id = draft(&office, "2026-11", "本月放款平稳。").await;
    let preview = office.get(&format!("/credit-office/bulletins/{id}")).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("2026年11月信易贷平台融资统计公报"), "the default title");
    assert!(preview.body.contains("预览"));
    assert!(preview.body.contains("本期尚未结束，数据截至"), "November has not ended on 2026-11-23");
    assert!(preview.body.contains(&loan_amount_row("150.00")), "the drawdown is in the preview");
    for path in ["/bulletins/2026-11", "/bulletins/2026-11.json", "/bulletins/2026-11.csv"] {
        assert_eq!(visitor.get(path).await.status, StatusCode::NOT_FOUND, "a draft is not public: {path}");
    }
    assert!(!visitor.get("/bulletins").await.body.contains("2026年11月信易贷平台融资统计公报"));

    let confirm = office.get(&format!("/credit-office/bulletins/{id}/publish")).await;
    assert!(confirm.body.contains("不会改变已发布的公报") && confirm.body.contains("不能撤回"), "{}", confirm.body);
    let published = publish(&office, id).await;
    assert_eq!(published.location(), Some(format!("/credit-office/bulletins/{id}?notice=published").as_str()));

    let list = visitor.get("/bulletins").await;
    assert!(list.body.contains("2026年11月信易贷平台融资统计公报") && list.body.contains("/bulletins/2026-11.csv"));
    let page = visitor.get("/bulletins/2026-11").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("本月放款平稳。") && page.body.contains(&loan_amount_row("150.00")));
    let json = visitor.get("/bulletins/2026-11.json").await;
    assert!(json.headers["content-type"].to_str().unwrap().starts_with("application/json"));
    let document: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(document["title"], "2026年11月信易贷平台融资统计公报");
    assert_eq!(document["commentary"], "本月放款平稳。");
    assert_eq!(document["period"], "2026-11");
    assert!(document["published_at"].is_string());
    assert_eq!(frozen(&json.body).indicator("loan_amount").unwrap().period, dec("150.00"));
    let csv = visitor.get("/bulletins/2026-11.csv").await;
    let html = visitor.get("/bulletins/2026-11").await;

    // A new drawdown after publication: the live figures move, the bulletin's do not.
    app.clock.advance(Duration::minutes(1));
    draw(&app, &deal, own, "JJ-2", 50);
    let live = Statistics::compute(
        &stats::load(&mut app.conn(), app.clock.now()).unwrap(),
        &Period::month(2026, 11).unwrap(),
        &Filter::default(),
    );
    assert_eq!(live.indicator("loan_amount").unwrap().period, dec("200.00"));
    let again = visitor.get("/bulletins/2026-11.json").await;
    assert_eq!(again.body, json.body, "the JSON is the same document");
    assert_eq!(frozen(&again.body).indicator("loan_amount").unwrap().period, dec("150.00"));
    assert_eq!(visitor.get("/bulletins/2026-11.csv").await.body, csv.body);
    assert_eq!(visitor.get("/bulletins/2026-11").await.body, html.body, "the page is the same");
    let office_view = office.get(&format!("/credit-office/bulletins/{id}")).await;
    assert!(
        office_view.body.contains("已发布的公报不能修改"),
        "{}",
        &office_view.body[..office_view.body.len().min(3000)]
    );
    let preview_now = office.get(&format!("/credit-office/bulletins/{}", draft(&office, "2026-Q4", "").await)).await;
    assert!(preview_now.body.contains(&loan_amount_row("200.00")), "a draft's preview counts the new drawdown");
    app.run_jobs().await;
}

#[tokio::test]
async fn one_bulletin_is_published_per_period_and_a_published_one_is_not_edited() {
    let app = TestApp::new();
    let office = office(&app).await;
    let first = draft(&office, "2026-Q4", "").await;
    let second = draft(&office, "2026-Q4", "另一稿").await;
    assert_eq!(publish(&office, first).await.status, StatusCode::SEE_OTHER);

    let twice = publish(&office, first).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert!(twice.body.contains("该公报已发布"));
    let other = publish(&office, second).await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(other.body.contains("该期间的公报已发布"), "beside the period");
    assert!(other.body.contains("另一稿"), "the draft's text is still there");
    let fields = [("period", "2026-Q4"), ("title", "新标题"), ("commentary", "")];
    let another = office.submit("/credit-office/bulletins/new", "/credit-office/bulletins", &fields).await;
    assert_eq!(another.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(another.body.contains("该期间的公报已发布") && another.body.contains("新标题"), "nothing typed lost");
    let path = format!("/credit-office/bulletins/{first}");
    let edit = office.submit(&format!("/credit-office/bulletins/{second}"), &path, &fields).await;
    assert_eq!(edit.status, StatusCode::CONFLICT, "a published bulletin is read-only");
    let delete = format!("/credit-office/bulletins/{first}/delete");
    assert_eq!(office.get(&delete).await.status, StatusCode::NOT_FOUND);

    let list = office.get("/credit-office/bulletins").await;
    assert!(list.body.contains("已发布") && list.body.contains("草稿"));
    let remove = format!("/credit-office/bulletins/{second}/delete");
    assert_eq!(office.submit(&remove, &remove, &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(office.get(&format!("/credit-office/bulletins/{second}")).await.status, StatusCode::NOT_FOUND);

    let long = "长".repeat(61);
    let fields = [("period", "2026-10"), ("title", long.as_str()), ("commentary", "保留")];
    let refused = office.submit("/credit-office/bulletins/new", "/credit-office/bulletins", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("标题不能超过 60 个字") && refused.body.contains("保留"));
    app.run_jobs().await;
}

#[tokio::test]
async fn the_csv_holds_one_bom_the_header_and_the_frozen_values() {
    let app = TestApp::new();
    let deal = approved(&app, "csvgongbao", "officer");
    draw(&app, &deal, loan(&app, &deal), "JJ-1", 150);
    let office = office(&app).await;
    let id = draft(&office, "2026-11", "").await;
    publish(&office, id).await;

    let csv = app.client().get("/bulletins/2026-11.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(csv.body.starts_with("\u{feff}period,section,table,row_code,row,key,name,unit,window,value\n"));
    assert_eq!(csv.body.matches('\u{feff}').count(), 1);
    assert!(csv.body.contains("\n2026-11,national,,,,loan_amount,放款金额,万元,period,150.00\n"), "{}", csv.body);
    assert!(csv.body.contains("\n2026-11,national,,,,loan_count,放款笔数,笔,period,1\n"));
    app.run_jobs().await;
}

/// Subscribes `email` from a fresh visitor; the page's answer.
async fn subscribe(app: &TestApp, email: &str) -> crate::helpers::Page {
    app.client().submit("/bulletins", "/bulletins/subscribe", &[("email", email)]).await
}

/// Opens the confirmation link of the latest email to `email` and confirms.
async fn confirm(app: &TestApp, email: &str) {
    let mails = app.emails_to(email).await;
    let link = link_in(mails.last().unwrap(), &format!("{BASE_URL}/bulletins/subscriptions/"));
    let visitor = app.client();
    let page = visitor.get(&link).await;
    assert!(page.body.contains("确认订阅"), "{}", page.body);
    let done = visitor.submit(&link, &link, &[]).await;
    assert!(done.body.contains("订阅已确认"), "{}", done.body);
    assert_eq!(visitor.post(&link, &[("csrf", &page.csrf())]).await.status, StatusCode::GONE, "once");
}

fn bulletin_mails(mails: &[xinyidai::email::Email]) -> Vec<&xinyidai::email::Email> {
    mails.iter().filter(|m| m.subject.contains("统计公报") && !m.subject.contains("确认")).collect()
}

#[tokio::test]
async fn confirmed_subscribers_get_each_bulletin_once_and_leave_by_its_link() {
    let app = TestApp::new();
    let office = office(&app).await;
    for email in ["a@example.org", "pending@example.org", "c@example.org"] {
        assert!(subscribe(&app, email).await.body.contains(SUBSCRIBE_ANSWER));
    }
    confirm(&app, "a@example.org").await;
    confirm(&app, "c@example.org").await;

    let october = draft(&office, "2026-10", "").await;
    publish(&office, october).await;
    assert_eq!(bulletin_mails(&app.emails_to("a@example.org").await).len(), 1);
    assert!(bulletin_mails(&app.emails_to("pending@example.org").await).is_empty(), "unconfirmed: no bulletin");
    let mails = app.emails_to("c@example.org").await;
    let mail = bulletin_mails(&mails)[0];
    assert!(mail.subject.contains("2026年10月信易贷平台融资统计公报"));
    assert!(mail.text.contains(&format!("{BASE_URL}/bulletins/2026-10")));

    // The unsubscribe link works without signing in; its GET changes nothing.
    let unsubscribe = link_in(mail, &format!("{BASE_URL}/bulletins/subscriptions/"));
    assert!(unsubscribe.ends_with("/unsubscribe"));
    let visitor = app.client();
    assert!(visitor.get(&unsubscribe).await.body.contains("确认退订"));
    assert!(visitor.get(&unsubscribe).await.body.contains("确认退订"), "still subscribed after a GET");
    let forged = unsubscribe.replacen("-", "-0", 1);
    assert_eq!(visitor.get(&forged).await.status, StatusCode::GONE);
    let done = visitor.submit(&unsubscribe, &unsubscribe, &[]).await;
    assert!(done.body.contains("已退订"), "{}", done.body);

    let november = draft(&office, "2026-11", "").await;
    publish(&office, november).await;
    assert_eq!(bulletin_mails(&app.emails_to("a@example.org").await).len(), 2, "each bulletin once");
    assert_eq!(bulletin_mails(&app.emails_to("c@example.org").await).len(), 1, "unsubscribed: no mail");

    // Subscribing again works, and the old unsubscribe link is dead.
    subscribe(&app, "c@example.org").await;
    confirm(&app, "c@example.org").await;
    assert_eq!(visitor.get(&unsubscribe).await.status, StatusCode::GONE);
    let q3 = draft(&office, "2026-Q3", "").await;
    publish(&office, q3).await;
    assert_eq!(bulletin_mails(&app.emails_to("c@example.org").await).len(), 2);
    assert_eq!(bulletin_mails(&app.emails_to("a@example.org").await).len(), 3);
    app.run_jobs().await;
}

#[tokio::test]
async fn the_subscribe_answer_is_the_same_for_a_known_and_an_unknown_email() {
    let app = TestApp::new();
    subscribe(&app, "known@example.org").await;
    confirm(&app, "known@example.org").await;
    let visitor = app.client();
    let known = visitor.submit("/bulletins", "/bulletins/subscribe", &[("email", "known@example.org")]).await;
    let unknown = visitor.submit("/bulletins", "/bulletins/subscribe", &[("email", "unknown@example.org")]).await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(known.status, unknown.status);
    assert_eq!(known.body, unknown.body);
    assert!(known.body.contains(SUBSCRIBE_ANSWER));
    assert_eq!(app.emails_to("known@example.org").await.len(), 1, "a confirmed address gets no second link");
    assert_eq!(app.emails_to("unknown@example.org").await.len(), 1);
    let bad = visitor.submit("/bulletins", "/bulletins/subscribe", &[("email", "not-an-address")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("请填写正确的邮箱地址") && bad.body.contains("not-an-address"));
    app.run_jobs().await;
}
