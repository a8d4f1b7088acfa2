//! The demo city is loaded only when asked for: a bare start creates no
//! account at all; a demo start creates exactly the accounts the README
//! lists, and every page of a demo site says 演示数据.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use axum::http::StatusCode;
use diesel::prelude::*;
use xinyidai::schema::{enterprises, users};

use crate::helpers::{TestApp, start};

const BANNER: &str = "<strong>演示数据</strong>";

fn accounts(app: &TestApp) -> BTreeSet<String> {
    users::table.select(users::username).load::<String>(&mut *app.conn()).unwrap().into_iter().collect()
}

#[tokio::test]
async fn a_start_without_the_demo_flag_loads_nothing_and_shows_no_banner() {
    let app = TestApp::new();
    assert!(!xinyidai::seed::on_start(&mut app.conn(), false, start(), crate::helpers::BASE_URL).unwrap());
    assert!(accounts(&app).is_empty());
    let count: i64 = enterprises::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(count, 0);
    for path in ["/", "/login", "/no-such-page"] {
        assert!(!app.client().get(path).await.body.contains(BANNER), "{path}");
    }
}

#[tokio::test]
async fn the_demo_start_creates_the_accounts_the_readme_lists_and_every_page_says_so() {
    let app = TestApp::new();
    assert!(xinyidai::seed::on_start(&mut app.conn(), true, start(), crate::helpers::BASE_URL).unwrap());
    assert!(
        !xinyidai::seed::on_start(&mut app.conn(), true, start(), crate::helpers::BASE_URL).unwrap(),
        "loaded into an empty database only"
    );
    let listed: BTreeSet<String> = xinyidai::seed::DEMO_ACCOUNTS.iter().map(|(name, _)| name.to_string()).collect();
    assert_eq!(accounts(&app), listed);
    assert_eq!(listed.len(), 16);
    let readme = include_str!("../../README.md");
    for name in &listed {
        assert!(readme.contains(&format!("| `{name}` |")), "the README lists {name}");
    }

    for path in ["/", "/login", "/register", "/products", "/no-such-page"] {
        let page = app.client().get(path).await;
        assert!(page.body.contains(BANNER), "{path} says 演示数据");
    }
    for (name, _) in xinyidai::seed::DEMO_ACCOUNTS {
        let browser = app.client();
        let login = browser.login(name, xinyidai::seed::DEMO_PASSWORD).await;
        assert_eq!(login.status, StatusCode::SEE_OTHER, "{name} signs in");
        let home = browser.get(login.location().unwrap()).await;
        assert_eq!(home.status, StatusCode::OK, "{name}");
        assert!(home.body.contains(BANNER), "{name}'s home says 演示数据");
    }
    app.run_jobs().await;
    let sent = app.sent_emails();
    assert!(sent.iter().any(|e| e.text.contains(crate::helpers::BASE_URL)), "the demo's emails link to BASE_URL");
    assert!(!sent.iter().any(|e| e.text.contains("localhost")), "never to a fixed address");
}

/// Runs the real binary on the test's database until it serves, and returns what it printed.
fn serve_once(app: &TestApp, args: &[&str], demo_env: bool) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xinyidai"));
    command
        .args(args)
        .env("DATABASE_URL", &app.db.url)
        .env("DATA_DIR", app.db.dir.path())
        .env("BIND", "127.0.0.1:0")
        .env("RUN_WORKER", "false")
        .env_remove("XINYIDAI_DEMO")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if demo_env {
        command.env("XINYIDAI_DEMO", "1");
    }
    let mut child = command.spawn().expect("start xinyidai");
    let mut printed = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        printed.push_str(&line);
        printed.push('\n');
        if line.starts_with("信易贷 is running") {
            break;
        }
    }
    child.kill().ok();
    child.wait().ok();
    printed
}

#[tokio::test]
async fn a_bare_serve_on_an_empty_database_creates_no_account_and_xinyidai_demo_loads_the_city() {
    let app = TestApp::new();
    let printed = serve_once(&app, &["serve"], false);
    assert!(printed.contains("信易贷 is running"), "{printed}");
    assert!(accounts(&app).is_empty(), "no account at all: {printed}");
    assert!(!printed.contains("demo-credit-office"));

    let printed = serve_once(&app, &[], true);
    assert!(printed.contains("Loaded the demo city"), "{printed}");
    for (name, _) in xinyidai::seed::DEMO_ACCOUNTS {
        assert!(printed.contains(name), "{name} is printed");
    }
    assert_eq!(accounts(&app).len(), 16);
    app.run_jobs().await;
}
