//! The 消息中心: every email to a user also lands in their messages with a
//! link to its object; the top bar counts the unread; a message is its user's only.

use axum::http::StatusCode;
use diesel::prelude::*;
use xinyidai::domain::Role;
use xinyidai::models::message;
use xinyidai::models::need::Need;
use xinyidai::schema::messages;

use crate::helpers::{TestApp, start};
use crate::market_setup::{bank_with_product, grab, new_need, offer_id, signed_in};
use crate::portrait::enterprise_with_records;

/// The top bar's unread count on `page`, if it shows one.
fn unread_badge(body: &str) -> Option<String> {
    let marker = "class=\"unread-count\"";
    let start = body.find(marker)? + marker.len();
    let rest = &body[start..];
    let text = &rest[rest.find('>')? + 1..];
    Some(text[..text.find('<')?].to_string())
}

#[tokio::test]
async fn a_grab_puts_a_message_with_its_link_in_the_enterprise_s_list_and_reading_it_clears_the_count() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_product(&app, "甲行经理");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let owner = signed_in(&app, "ent").await;
    assert_eq!(unread_badge(&owner.get("/messages").await.body), None);
    assert!(owner.get("/messages").await.body.contains("暂无消息"));

    offer_id(&grab(&signed_in(&app, "甲行经理").await, need).await);
    app.run_jobs().await;

    let list = owner.get("/messages").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("甲行经理银行对您的融资需求报价"), "{}", list.body);
    assert!(list.body.contains("<li class=\"unread\">"), "unread in bold");
    assert_eq!(unread_badge(&list.body).as_deref(), Some("1"));
    assert_eq!(unread_badge(&owner.get("/enterprise/portrait").await.body).as_deref(), Some("1"), "on every page");
    let home = owner.get("/enterprise").await.body;
    let latest = &home[home.find("最新消息").expect("the home lists the latest messages")..];
    assert!(latest.contains("甲行经理银行对您的融资需求报价") && latest.contains("（1 条未读）"), "{latest}");

    let mine: Vec<message::Message> = message::latest(&mut app.conn(), ent_user(&app), 5).unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].link.as_deref(), Some(format!("/enterprise/needs/{need}").as_str()));
    let id = mine[0].id;
    let shown = owner.get(&format!("/messages/{id}")).await;
    assert!(shown.body.contains("报价") && unread_badge(&shown.body).as_deref() == Some("1"), "a GET changes nothing");

    let token = list.csrf();
    let opened = owner.post(&format!("/messages/{id}/read"), &[("csrf", &token)]).await;
    assert_eq!(opened.location(), Some(format!("/enterprise/needs/{need}").as_str()), "opens what it is about");
    let after = owner.get("/messages").await;
    assert_eq!(unread_badge(&after.body), None);
    assert!(after.body.contains("<li class=\"read\">"));
}

fn ent_user(app: &TestApp) -> i64 {
    use xinyidai::schema::users;
    users::table.filter(users::username.eq("ent")).select(users::id).first(&mut *app.conn()).unwrap()
}

#[tokio::test]
async fn another_user_s_message_is_not_found_and_all_can_be_marked_read() {
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    bank_with_product(&app, "甲行经理");
    bank_with_product(&app, "乙行经理");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    offer_id(&grab(&signed_in(&app, "甲行经理").await, need).await);
    offer_id(&grab(&signed_in(&app, "乙行经理").await, need).await);
    app.run_jobs().await;
    let ids: Vec<i64> = messages::table.select(messages::id).load(&mut *app.conn()).unwrap();
    assert_eq!(ids.len(), 2);

    let stranger = signed_in(&app, "乙行经理").await;
    assert_eq!(stranger.get(&format!("/messages/{}", ids[0])).await.status, StatusCode::NOT_FOUND);
    let token = stranger.get("/messages").await.csrf();
    let read = stranger.post(&format!("/messages/{}/read", ids[0]), &[("csrf", &token)]).await;
    assert_eq!(read.status, StatusCode::NOT_FOUND);
    assert!(!stranger.get("/messages").await.body.contains("对您的融资需求报价"));

    let owner = signed_in(&app, "ent").await;
    assert_eq!(
        unread_badge(&owner.get("/messages").await.body).as_deref(),
        Some("2"),
        "the other's attempt read nothing"
    );
    let token = owner.get("/messages").await.csrf();
    let all = owner.post("/messages/read", &[("csrf", &token)]).await;
    assert_eq!(all.location(), Some("/messages?notice=messages_read"));
    assert_eq!(unread_badge(&owner.get("/messages").await.body), None);
}

#[tokio::test]
async fn an_email_to_an_address_without_an_account_makes_no_message() {
    let app = TestApp::new();
    app.user(Role::BankAdmin, "admin");
    let note = xinyidai::actions::emails::AccountEmail::new("测试通知", "正文");
    for to in ["stranger@example.com", "admin@example.com"] {
        xinyidai::actions::emails::send(&mut app.conn(), to, &note, start()).unwrap();
    }
    let copies: Vec<String> = messages::table.select(messages::subject).load(&mut *app.conn()).unwrap();
    assert_eq!(copies, vec!["测试通知".to_string()], "only the account's address gets a copy");
    assert_eq!(app.emails_to("stranger@example.com").await.len(), 1, "the email itself still goes out");
}

#[tokio::test]
async fn a_disabled_officers_notice_reaches_the_bank_admin_with_a_link_to_the_admins_home() {
    use xinyidai::schema::users;
    let app = TestApp::new();
    let (enterprise, _) = enterprise_with_records(&app, "ent");
    let institution = bank_with_product(&app, "甲行经理");
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let offer = offer_id(&grab(&signed_in(&app, "甲行经理").await, need).await);
    let admin = app.user(Role::BankAdmin, "甲行管理员");
    {
        let conn = &mut *app.conn();
        diesel::update(users::table.find(admin)).set(users::institution_id.eq(institution)).execute(conn).unwrap();
        diesel::update(users::table.filter(users::username.eq("甲行经理")))
            .set(users::disabled.eq(true))
            .execute(conn)
            .unwrap();
    }
    let owner = signed_in(&app, "ent").await;
    let accept = format!("/enterprise/needs/{need}/offers/{offer}/accept");
    owner.submit(&accept, &accept, &[]).await;
    app.run_jobs().await;

    let told: Vec<message::Message> = message::latest(&mut app.conn(), admin, 5).unwrap();
    assert!(!told.is_empty(), "the bank admin hears in place of the disabled officer");
    assert!(
        told.iter().all(|m| m.link.as_deref() == Some("/bank-admin")),
        "{:?}",
        told.iter().map(|m| &m.link).collect::<Vec<_>>()
    );
    assert!(!told.iter().any(|m| m.body.contains("/officer/")), "no link the admin cannot open");
}
