//! The route table (`docs/routes.md`) against the router's real route list
//! (`router::routes()`, what the router is built from): every route has its
//! row and every row a route, and every route and method answers each kind of
//! visitor as the table of audiences says.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use diesel::prelude::*;
use xinyidai::auth::Audience;
use xinyidai::domain::Role;
use xinyidai::models::need::Need;
use xinyidai::router::{Route, routes};
use xinyidai::schema::{audit_log, users};

use crate::api_setup::{api_client, token_from};
use crate::helpers::{Client, PASSWORD, Page, TestApp, start};
use crate::market_setup::{bank_with_product, grab, new_need, offer_id};
use crate::portrait::enterprise_with_records;

const TABLE: &str = include_str!("../../docs/routes.md");

/// An id no table holds.
const NO_SUCH_ID: i64 = 999_999;

/// The visitors the table has a column for, in its order.
const KINDS: [&str; 7] = [
    "anonymous",
    "enterprise",
    "enterprise, control not proven",
    "officer",
    "bank admin",
    "credit office",
    "API client",
];

/// The body rows of the markdown table whose header row starts with `header`.
fn rows(header: &str) -> Vec<Vec<String>> {
    let mut lines = TABLE.lines().skip_while(|l| !l.starts_with(header)).skip(2);
    std::iter::from_fn(|| lines.next().filter(|l| l.starts_with('|')))
        .map(|l| l.trim_matches('|').split('|').map(|c| c.trim().trim_matches('`').to_string()).collect())
        .collect()
}

/// What the table says `kind` (a column of KINDS) gets from a route of `audience`.
fn expected(audience: Audience, kind: usize) -> String {
    let row = rows("| audience |").into_iter().find(|r| r[0] == audience.name());
    row.unwrap_or_else(|| panic!("no row for the audience {}", audience.name()))[kind + 1].clone()
}

#[test]
fn every_route_has_a_row_and_every_row_a_route() {
    let real: Vec<(String, String, String)> =
        routes().iter().map(|r| (r.method.into(), r.path.into(), r.audience.name().into())).collect();
    let real_set: BTreeSet<_> = real.iter().cloned().collect();
    assert_eq!(real.len(), real_set.len(), "a method of a path is listed twice");
    let table: BTreeSet<_> =
        rows("| method |").into_iter().map(|r| (r[0].clone(), r[1].clone(), r[2].clone())).collect();
    let without_row: Vec<_> = real_set.difference(&table).collect();
    let without_route: Vec<_> = table.difference(&real_set).collect();
    assert!(
        without_row.is_empty(),
        "routes without a row (or with another audience) in docs/routes.md: {without_row:?}"
    );
    assert!(without_route.is_empty(), "rows of docs/routes.md without a route: {without_route:?}");
}

#[test]
fn the_audiences_table_admits_the_roles_the_code_admits() {
    let columns = [(1, Role::Enterprise), (3, Role::Officer), (4, Role::BankAdmin), (5, Role::CreditOffice)];
    for audience in Audience::ALL {
        let admitted: BTreeSet<&str> = columns
            .iter()
            .filter(|(kind, _)| expected(audience, *kind) == "✓")
            .map(|(_, role)| role.as_str())
            .collect();
        let code: BTreeSet<&str> = audience.roles().iter().map(|r| r.as_str()).collect();
        assert_eq!(admitted, code, "{}", audience.name());
        let anonymous = expected(audience, 0);
        assert_eq!(anonymous == "✓", audience == Audience::Public, "{}: anonymous gets {anonymous}", audience.name());
    }
}

/// Real objects for the paths' ids: an enterprise's need with an offer of the bank.
struct World {
    enterprise: i64,
    need: i64,
    offer: i64,
}

/// A signed-in browser of each kind but the first (anonymous), all on the
/// enterprise and bank of the world; each from its own address.
async fn world(app: &TestApp) -> (World, Vec<Client<'_>>) {
    let (enterprise, _) = enterprise_with_records(app, "enterprise");
    let institution = bank_with_product(app, "officer");
    let admin = app.user(Role::BankAdmin, "admin");
    let unproven = app.user(Role::Enterprise, "unproven");
    app.user(Role::CreditOffice, "office");
    {
        let conn = &mut *app.conn();
        diesel::update(users::table.find(admin)).set(users::institution_id.eq(institution)).execute(conn).unwrap();
        diesel::update(users::table.find(unproven))
            .set(users::control_proven_at.eq(None::<chrono::NaiveDateTime>))
            .execute(conn)
            .unwrap();
    }
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 72), start()).unwrap();
    let mut clients = vec![app.client_from("203.0.113.1")];
    for (n, username) in ["enterprise", "unproven", "officer", "admin", "office"].into_iter().enumerate() {
        let client = app.client_from(&format!("203.0.113.{}", n + 2));
        assert_eq!(client.login(username, PASSWORD).await.status, StatusCode::SEE_OTHER, "{username}");
        clients.push(client);
    }
    let offer = offer_id(&grab(&clients[3], need).await);
    // A bank's system: a bearer token of a client with every scope, no session.
    let (client_id, secret) =
        api_client(app, admin, institution, "hall:read offers:write loans:write claims:write", "");
    let token = token_from(app, "203.0.113.8", &client_id, &secret).await;
    clients.push(app.client_from("203.0.113.8").with_bearer(&token));
    (World { enterprise, need, offer }, clients)
}

/// The route's path with its placeholders filled: real objects for a GET,
/// ids that do not exist for a POST (the check runs before the handler, and
/// nothing real is changed).
fn concrete(route: &Route, world: &World) -> String {
    let get = route.method == "GET";
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| route.path.starts_with(p));
    let id = match () {
        _ if get && starts(&["/offers/", "/officer/offers/"]) => world.offer,
        _ if get && starts(&["/enterprise/needs/", "/officer/hall/"]) => world.need,
        _ if get && starts(&["/portraits/"]) => world.enterprise,
        _ => NO_SUCH_ID,
    };
    let offer = if get { world.offer } else { NO_SUCH_ID };
    let path = (route.path.replace("{id}", &id.to_string()).replace("{offer}", &offer.to_string()))
        .replace("{drawdown}", &NO_SUCH_ID.to_string())
        .replace("{batch}", &NO_SUCH_ID.to_string())
        .replace("{token}", "0123456789abcdef")
        .replace("{drawdown}", &NO_SUCH_ID.to_string())
        .replace("{day}", "2099-01-01")
        .replace("{month}", "2026-10")
        .replace("{kind}", "tax.csv")
        .replace("{file}", "by_industry.csv")
        .replace("{period}", "2026-11")
        .replace("{name}", "app.css");
    assert!(!path.contains('{'), "a placeholder of {} is not filled", route.path);
    path
}

/// How the answer reads in the table's words (✓ for anything but a refusal).
fn verdict(page: &Page) -> &'static str {
    match (page.status, page.location()) {
        (StatusCode::SEE_OTHER, Some(to)) if to.starts_with("/login?next=") => "login",
        (StatusCode::SEE_OTHER, Some("/enterprise/claim")) => "claim",
        (StatusCode::FORBIDDEN, _) if page.body.contains("无权访问") => "403",
        (StatusCode::FORBIDDEN, _) => "403 of another kind (a failed CSRF check?)",
        (StatusCode::NOT_FOUND, _) => "404",
        (StatusCode::UNAUTHORIZED, _) if page.body.contains("\"code\":\"missing_token\"") => "401",
        _ => "✓",
    }
}

/// Whether `verdict` is what the table's `cell` says: a refusal exactly, or
/// for ✓ no refusal of any kind the audience's row uses.
fn consistent(audience: Audience, cell: &str, verdict: &str) -> bool {
    if cell != "✓" {
        return cell == verdict;
    }
    let refusals: BTreeSet<String> =
        (0..KINDS.len()).map(|kind| expected(audience, kind)).filter(|c| c != "✓").collect();
    !(verdict == "login" || verdict.starts_with("403") || refusals.contains(verdict))
}

#[tokio::test]
async fn every_route_answers_each_kind_of_visitor_as_the_table_says() {
    let app = TestApp::new();
    let (world, clients) = world(&app).await;
    let mut tokens = vec![clients[0].get("/login").await.csrf()];
    for client in &clients[1..6] {
        tokens.push(client.get("/account/password").await.csrf());
    }
    tokens.push(clients[6].get("/login").await.csrf());
    // Signing out ends the session the other routes are tried with: last.
    let mut all = routes();
    all.sort_by_key(|r| (r.method, r.path) == ("POST", "/logout"));

    let (mut mismatches, mut refused) = (Vec::new(), 0);
    for route in &all {
        let path = concrete(route, &world);
        for (kind, (client, token)) in clients.iter().zip(&tokens).enumerate() {
            let page = match route.method {
                "GET" => client.get(&path).await,
                _ => client.post(&path, &[("csrf", token)]).await,
            };
            let (cell, verdict) = (expected(route.audience, kind), verdict(&page));
            refused += usize::from(verdict == "403");
            if !consistent(route.audience, &cell, verdict) {
                mismatches.push(format!(
                    "{} {path} ({}) for {}: the table says {cell}, the answer was {} {:?} ({verdict})",
                    route.method,
                    route.audience.name(),
                    KINDS[kind],
                    page.status,
                    page.location(),
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
    assert!(refused > 200, "the walk met the role check: {refused} refusals");

    let audited: i64 =
        audit_log::table.filter(audit_log::event.eq("access_denied")).count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(audited, refused as i64, "every 403 for lack of a role is in the audit log");
    app.run_jobs().await;
}
