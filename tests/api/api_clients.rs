//! `/bank/api-clients` (系统对接): a bank admin creates a client (the secret
//! shown once, never cached), sees the list, and revokes through a
//! confirmation; another bank's client answers 404 as a missing one.

use axum::http::{StatusCode, header};
use diesel::prelude::*;
use xinyidai::domain::Role;
use xinyidai::schema::{api_clients, users};

use crate::api_setup::api_client;
use crate::helpers::{PASSWORD, TestApp};

const NEW: &str = "/bank/api-clients/new";

fn admin_of_bank(app: &TestApp, username: &str) -> (i64, i64) {
    let admin = app.user(Role::BankAdmin, username);
    let institution: Option<i64> =
        users::table.find(admin).select(users::institution_id).first(&mut *app.conn()).unwrap();
    (institution.unwrap(), admin)
}

#[tokio::test]
async fn a_bank_admin_creates_a_client_and_sees_its_secret_once() {
    let app = TestApp::new();
    admin_of_bank(&app, "admin");
    let browser = app.client();
    browser.login("admin", PASSWORD).await;
    let form = browser.get(NEW).await;
    assert!(form.body.contains("查看抢单大厅") && form.body.contains("允许调用的 IP 地址段"));

    let fields = [
        ("name", "信贷核心系统"),
        ("scopes", "hall:read"),
        ("scopes", "loans:write"),
        ("allowed_ips", "10.0.0.0/8\n198.51.100.7"),
    ];
    let created = browser.submit(NEW, NEW, &fields).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(created.headers[header::CACHE_CONTROL], "no-store");
    assert!(created.body.contains("只在本页显示这一次"));
    let at = created.body.find("class=\"secret\">").unwrap() + "class=\"secret\">".len();
    let secret = &created.body[at..at + 64];
    assert!(secret.chars().all(|c| c.is_ascii_hexdigit()));
    let (client_id, hash): (String, String) =
        api_clients::table.select((api_clients::client_id, api_clients::secret_hash)).first(&mut *app.conn()).unwrap();
    assert!(client_id.starts_with("xyd_") && client_id.len() == 20);
    assert!(hash.starts_with("$argon2id$") && !hash.contains(secret));

    let list = browser.get("/bank/api-clients").await;
    assert!(list.body.contains(&client_id) && list.body.contains("查看抢单大厅、贷款放款与还款"));
    assert!(list.body.contains("10.0.0.0/8、198.51.100.7/32") && list.body.contains("从未使用"));
    assert!(!list.body.contains(secret), "the list never shows the secret");
    assert!(list.body.contains("aria-current=\"page\">系统对接"), "the menu marks 系统对接");
}

#[tokio::test]
async fn a_wrong_form_comes_back_with_the_errors_beside_the_fields_and_the_values_kept() {
    let app = TestApp::new();
    admin_of_bank(&app, "admin");
    let browser = app.client();
    browser.login("admin", PASSWORD).await;
    let page = browser.submit(NEW, NEW, &[("name", "  "), ("allowed_ips", "10.0.0.0/8\n10.0.0.300")]).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("id=\"name-error\"") && page.body.contains("请填写名称"));
    assert!(page.body.contains("id=\"scopes-error\"") && page.body.contains("请至少选择一项权限"));
    assert!(page.body.contains("id=\"allowed_ips-error\"") && page.body.contains("“10.0.0.300”不是有效的 IP 地址"));
    assert!(page.body.contains("10.0.0.0/8\n10.0.0.300</textarea>"), "what was typed is kept");
    let page = browser.submit(NEW, NEW, &[("name", "核心"), ("scopes", "offers:write")]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("抢单与报价"));
    let count: i64 = api_clients::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn another_banks_client_is_not_found_and_a_revoked_one_shows_its_state() {
    let app = TestApp::new();
    let (mine, admin) = admin_of_bank(&app, "admin");
    let (theirs, other_admin) = admin_of_bank(&app, "other-admin");
    api_client(&app, other_admin, theirs, "hall:read", "");
    api_client(&app, admin, mine, "hall:read", "");
    let ids: Vec<(i64, i64)> = api_clients::table
        .select((api_clients::id, api_clients::institution_id))
        .order(api_clients::id)
        .load(&mut *app.conn())
        .unwrap();
    let (their_client, my_client) = (ids[0].0, ids[1].0);
    let browser = app.client();
    browser.login("admin", PASSWORD).await;
    assert_eq!(browser.get(&format!("/bank/api-clients/{their_client}/revoke")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(browser.get("/bank/api-clients/999999/revoke").await.status, StatusCode::NOT_FOUND);
    let token = browser.get("/bank/api-clients").await.csrf();
    let page = browser.post(&format!("/bank/api-clients/{their_client}/revoke"), &[("csrf", &token)]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let revoked: Option<chrono::NaiveDateTime> =
        api_clients::table.find(their_client).select(api_clients::revoked_at).first(&mut *app.conn()).unwrap();
    assert!(revoked.is_none(), "another bank's client is untouched");

    let confirm = format!("/bank/api-clients/{my_client}/revoke");
    let done = browser.submit(&confirm, &confirm, &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let list = browser.get("/bank/api-clients?notice=api_client_revoked").await;
    assert!(list.body.contains("已停用") && list.body.contains("其访问令牌已立即失效"));
    assert!(!list.body.contains(&confirm), "no 停用 link for a revoked client");
    assert_eq!(browser.get(&confirm).await.status, StatusCode::NOT_FOUND);
}
