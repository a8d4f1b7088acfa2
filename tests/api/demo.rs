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
    assert!(
        !xinyidai::seed::on_start(&mut app.conn(), false, start(), (crate::helpers::BASE_URL, app.db.dir.path()))
            .unwrap()
    );
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
    assert!(
        xinyidai::seed::on_start(&mut app.conn(), true, start(), (crate::helpers::BASE_URL, app.db.dir.path()))
            .unwrap()
    );
    assert!(
        !xinyidai::seed::on_start(&mut app.conn(), true, start(), (crate::helpers::BASE_URL, app.db.dir.path()))
            .unwrap(),
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

/// The demo's loans, read back from their rows: every status, a renewal of a
/// settled loan, 首贷 and credit-only ones, drawn within each line, and each
/// loan's outstanding equal to its drawdowns less the principal repaid.
#[tokio::test]
async fn the_demo_has_loans_at_every_status_and_their_figures_add_up() {
    use xinyidai::domain::loan::{Classification, LoanStatus, Receipt};
    use xinyidai::models::loan::{Drawdown, Loan, Repayment};
    use xinyidai::schema::loans;

    let app = TestApp::new();
    assert!(
        xinyidai::seed::on_start(&mut app.conn(), true, start(), (crate::helpers::BASE_URL, app.db.dir.path()))
            .unwrap()
    );
    app.run_jobs().await;
    let ids: Vec<i64> = loans::table.select(loans::id).order(loans::id).load(&mut *app.conn()).unwrap();
    let all: Vec<Loan> = ids.iter().map(|id| Loan::find(&mut app.conn(), *id).unwrap().unwrap()).collect();
    for status in [LoanStatus::Normal, LoanStatus::Overdue, LoanStatus::Settled, LoanStatus::WrittenOff] {
        assert!(all.iter().any(|l| l.status == status), "a loan {}", status.label());
    }
    let renewal = all.iter().find(|l| l.renewal && l.renews_loan_id.is_some()).expect("a renewal");
    let renewed = all.iter().find(|l| Some(l.id) == renewal.renews_loan_id).unwrap();
    assert_eq!(renewed.status, LoanStatus::Settled, "the renewal links to a settled loan");
    assert_eq!(renewed.enterprise_id, renewal.enterprise_id);
    assert!(all.iter().any(|l| l.first_loan), "a 首贷");
    assert!(all.iter().any(|l| l.credit_only), "a credit-only loan");
    assert!(all.iter().any(|l| !l.credit_only), "a guaranteed or secured loan");
    let written_off = all.iter().find(|l| l.status == LoanStatus::WrittenOff).unwrap();
    assert_eq!(written_off.classification, Classification::Loss);
    let banks: BTreeSet<i64> = all.iter().map(|l| l.institution_id).collect();
    assert!(banks.len() >= 2, "at least two banks lend");

    for loan in &all {
        let drawdowns = Drawdown::of_loan(&mut app.conn(), loan.id).unwrap();
        let repayments = Repayment::of_loan(&mut app.conn(), loan.id).unwrap();
        let drawn: i64 = drawdowns.iter().map(|d| d.amount.fen()).sum();
        let repaid: i64 = repayments.iter().map(|r| r.principal.fen()).sum();
        assert_eq!(loan.drawn.fen(), drawn, "{}: drawn is the sum of its drawdowns", loan.contract_no);
        assert!(drawn <= loan.line.fen(), "{}: drawn never above the line", loan.contract_no);
        assert_eq!(loan.outstanding.fen(), drawn - repaid, "{}: outstanding", loan.contract_no);
    }
    let several = all.iter().any(|l| Drawdown::of_loan(&mut app.conn(), l.id).unwrap().len() >= 3);
    assert!(several, "a loan with several drawdowns");

    // The demo enterprise has a loan with a drawdown awaiting its 确认到账.
    let demo: i64 = enterprises::table
        .filter(enterprises::name.eq("云海晨光精密机械有限公司"))
        .select(enterprises::id)
        .first(&mut *app.conn())
        .unwrap();
    let pending = all
        .iter()
        .filter(|l| l.enterprise_id == demo)
        .any(|l| Drawdown::of_loan(&mut app.conn(), l.id).unwrap().iter().any(|d| d.receipt == Receipt::Pending));
    assert!(pending, "a drawdown of the demo enterprise awaits its confirmation");
}
