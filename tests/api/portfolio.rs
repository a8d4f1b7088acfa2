//! The portfolio (贷款管理) through the real router: every filter selects
//! exactly its loans, the sums and the admin's figures equal the book's
//! (`portfolio_setup`), the list pages by 20, the CSV keeps the filters and
//! neutralises formulas, and a bank never sees another bank's loans whatever
//! it types; the credit office sees every bank's.

use xinyidai::domain::Money;
use xinyidai::models::loan::Loan;
use xinyidai::models::loan::portfolio::{GroupFigures, PortfolioFilter, PortfolioSums, Scope};

use crate::helpers::{Client, TestApp};
use crate::market_setup::signed_in;
use crate::portfolio_setup::{Book, book, contract, draw};

/// The contract numbers a portfolio page lists (each row links to `base/{id}`), sorted.
fn contracts(body: &str, base: &str) -> Vec<String> {
    let mut found: Vec<String> = body
        .split(&format!("<a href=\"{base}/"))
        .skip(1)
        .filter_map(|rest| rest.split_once("\">").and_then(|(_, text)| text.split_once("</a>")).map(|(t, _)| t.into()))
        .collect();
    found.sort();
    found
}

async fn listed(client: &Client<'_>, base: &str, query: &str) -> Vec<String> {
    let page = client.get(&format!("{base}?{query}")).await;
    assert_eq!(page.status, 200, "{base}?{query}");
    contracts(&page.body, base)
}

fn wan(n: i64) -> Money {
    Money::from_yuan(n * 10_000)
}

const ALL_X: [&str; 6] = ["=X-06", "X-01", "X-02", "X-03", "X-04", "X-05"];

#[tokio::test]
async fn each_filter_selects_exactly_its_loans() {
    let app = TestApp::new();
    let b = book(&app);
    let admin = signed_in(&app, "xadmin").await;
    let cases: Vec<(String, Vec<&str>)> = vec![
        (String::new(), ALL_X.to_vec()),
        ("status=overdue".into(), vec!["X-02"]),
        ("status=settled".into(), vec!["X-03"]),
        ("status=written_off".into(), vec!["X-05"]),
        ("status=normal".into(), vec!["=X-06", "X-01", "X-04"]),
        ("classification=special_mention".into(), vec!["X-02"]),
        ("classification=doubtful".into(), vec!["X-04"]),
        ("classification=non_performing".into(), vec!["X-04"]),
        (format!("branch={}", b.x_south), vec!["X-03", "X-04"]),
        (format!("branch={}", b.x_main), vec!["=X-06", "X-01", "X-02", "X-05"]),
        (format!("officer={}", b.ox1), vec!["X-01", "X-02", "X-05"]),
        (format!("officer={}", b.ox3), vec!["=X-06"]),
        ("signed_from=2026-11-25&signed_to=2026-12-10".into(), vec!["X-03", "X-04", "X-05"]),
        ("signed_from=2026-12-11".into(), vec!["=X-06"]),
        ("drawn_from=2026-12-01".into(), vec!["X-04", "X-05"]),
        ("drawn_to=2026-11-24".into(), vec!["X-01", "X-02"]),
        ("first_loan=1".into(), vec!["X-01", "X-03"]),
        ("credit_only=1".into(), vec!["X-01", "X-03", "X-05"]),
        ("q=hengda".into(), vec!["X-01", "X-04"]),
        ("first_loan=1&credit_only=1&status=normal".into(), vec!["X-01"]),
        // Malformed values are ignored, not an error.
        ("branch=abc&signed_from=yesterday&status=lost".into(), ALL_X.to_vec()),
    ];
    for (query, expected) in &cases {
        assert_eq!(listed(&admin, "/bank-admin/loans", query).await, *expected, "{query}");
    }
    // The officer's page is the same list; the filter of officers starts at 全部.
    let officer = signed_in(&app, "ox2").await;
    assert_eq!(listed(&officer, "/officer/loans", "").await, ALL_X.to_vec());
    assert_eq!(listed(&officer, "/officer/loans", "status=settled").await, ["X-03"]);
    let page = officer.get("/officer/loans?q=heng&first_loan=1").await.body;
    assert!(page.contains("<option value=\"\" selected>全部</option>"), "{page}");
    assert!(page.contains("value=\"heng\"") && page.contains("name=\"first_loan\" value=\"1\" checked"));
    // The overdue loan says for how long: due 12-23, unpaid on 12-25.
    let overdue = officer.get("/officer/loans?status=overdue").await.body;
    assert!(overdue.contains("逾期</span> <span class=\"danger-text\">2 天</span>"), "{overdue}");
    let office = signed_in_office(&app).await;
    let everything = [ALL_X.to_vec(), vec!["Y-01", "Y-02"]].concat();
    assert_eq!(listed(&office, "/credit-office/loans", "").await, everything);
    assert_eq!(listed(&office, "/credit-office/loans", &format!("institution={}", b.y)).await, ["Y-01", "Y-02"]);
    assert_eq!(listed(&office, "/credit-office/loans", "classification=non_performing").await, ["X-04", "Y-02"]);
    assert_eq!(listed(&office, "/credit-office/loans", "q=hengda").await, ["X-01", "X-04", "Y-01"]);
    let empty = office.get("/credit-office/loans?q=nobody").await.body;
    assert!(empty.contains("没有符合筛选条件的贷款"), "{empty}");
    app.run_jobs().await;
}

async fn signed_in_office(app: &TestApp) -> Client<'_> {
    app.user(xinyidai::domain::Role::CreditOffice, "office");
    signed_in(app, "office").await
}

#[tokio::test]
async fn the_sums_and_the_admins_figures_equal_the_book() {
    let app = TestApp::new();
    let b = book(&app);
    let sums = |scope, filter: &PortfolioFilter| Loan::portfolio_sums(&mut app.conn(), scope, filter).unwrap();
    // Lines 200 + 150 + 100 + 120 + 50 + 80; drawn 100 + 50 + 30 + 80 + 20; X-03 repaid;
    // X-05's 20 written off, so off the balance: 100 + 50 + 80.
    let bank_x = PortfolioSums {
        count: 6,
        line: wan(700),
        drawn: wan(280),
        outstanding: wan(230),
        overdue: wan(50),
        non_performing: wan(80),
    };
    assert_eq!(sums(Scope::Institution(b.x), &PortfolioFilter::default()), bank_x);
    let south = PortfolioFilter { branch: Some(b.x_south), ..Default::default() };
    let expected =
        PortfolioSums { count: 2, line: wan(220), drawn: wan(110), outstanding: wan(80), overdue: wan(0), ..bank_x };
    assert_eq!(sums(Scope::Institution(b.x), &south), expected);
    // Every bank: X's and Y's 60 + 90 of line, 60 + 40 drawn, Y-02 overdue and 损失.
    let all = PortfolioSums {
        count: 8,
        line: wan(850),
        drawn: wan(380),
        outstanding: wan(330),
        overdue: wan(90),
        non_performing: wan(120),
    };
    assert_eq!(sums(Scope::All, &PortfolioFilter::default()), all);
    // A bank's scope ignores the institution typed in the filter.
    let typed = PortfolioFilter { institution: Some(b.y), ..Default::default() };
    assert_eq!(sums(Scope::Institution(b.x), &typed), bank_x);

    let figures = |count, (line, drawn, outstanding, overdue): (i64, i64, i64, i64)| GroupFigures {
        id: None,
        name: None,
        count,
        line: wan(line),
        drawn: wan(drawn),
        outstanding: wan(outstanding),
        overdue: wan(overdue),
    };
    let named = |id, name: &str, f: GroupFigures| GroupFigures { id: Some(id), name: Some(name.into()), ..f };
    let by_branch = Loan::portfolio_by_branch(&mut app.conn(), b.x, &PortfolioFilter::default()).unwrap();
    assert_eq!(
        by_branch,
        [
            named(b.x_south, "南港支行", figures(2, (220, 110, 80, 0))),
            named(b.x_main, "营业部", figures(4, (480, 170, 150, 50))),
        ]
    );
    let by_officer = Loan::portfolio_by_officer(&mut app.conn(), b.x, &PortfolioFilter::default()).unwrap();
    assert_eq!(
        by_officer,
        [
            named(b.ox1, "ox1", figures(3, (400, 170, 150, 50))),
            named(b.ox2, "ox2", figures(2, (220, 110, 80, 0))),
            named(b.ox3, "ox3", figures(1, (80, 0, 0, 0))),
        ]
    );

    // The pages show the same: figure cards on top, the admin's tables below.
    let admin = signed_in(&app, "xadmin").await;
    let page = admin.get("/bank-admin/loans").await.body;
    for (value, label) in [
        ("6", "贷款笔数"),
        ("700.00", "合同额度合计（万元）"),
        ("280.00", "已放款合计（万元）"),
        ("230.00", "贷款余额合计（万元）"),
        ("50.00", "逾期贷款余额（万元）"),
        ("80.00", "不良贷款余额（万元）"),
    ] {
        assert!(
            page.contains(&format!(">{value}</span><span class=\"figure-label\">{label}</span>")),
            "{label}: {page}"
        );
    }
    let row = "<td data-label=\"支行\">营业部</td>\n        <td data-label=\"笔数\" class=\"num\">4</td>";
    assert!(page.contains(row), "{page}");
    assert!(page.contains("<td data-label=\"客户经理\">ox3</td>"), "{page}");
    let officer = signed_in(&app, "ox1").await.get("/officer/loans").await.body;
    assert!(officer.contains(">700.00</span>") && !officer.contains("按支行"), "only the admin has the figures");
    app.run_jobs().await;
}

#[tokio::test]
async fn twenty_five_loans_make_two_pages_that_keep_the_filters() {
    let app = TestApp::new();
    let bank = crate::market_setup::bank_with_product(&app, "officer");
    let officer = crate::loan_setup::user_id(&app, "officer");
    let (enterprise, _) = crate::portrait::enterprise_with_records(&app, "ent");
    app.clock.advance(chrono::Duration::days(3));
    for n in 1..=25 {
        let own = contract(&app, (bank, officer, enterprise), &format!("HT-{n:02}"), 100, "2026-11-23");
        if n % 5 == 0 {
            draw(&app, &own, 10, "2026-11-24", 6);
        }
    }
    let client = signed_in(&app, "officer").await;
    let first = client.get("/officer/loans?first_loan=1").await.body;
    assert_eq!(contracts(&first, "/officer/loans").len(), 20);
    assert!(first.contains("第 1 / 2 页，共 25 条"), "{first}");
    assert!(first.contains("href=\"/officer/loans?first_loan=1&#38;page=2\""), "{first}");
    let second = listed(&client, "/officer/loans", "first_loan=1&page=2").await;
    // Newest first (all signed the same day: the later contract first), so page 2 holds the first five.
    assert_eq!(second, ["HT-01", "HT-02", "HT-03", "HT-04", "HT-05"]);
    // The sums count all 25, not the page.
    assert!(first.contains(">2,500.00</span><span class=\"figure-label\">合同额度合计（万元）"), "{first}");
    assert!(first.contains(">50.00</span><span class=\"figure-label\">已放款合计（万元）"), "{first}");
    app.run_jobs().await;
}

/// The CSV's lines, without the BOM.
fn csv_lines(body: &str) -> Vec<&str> {
    body.trim_start_matches('\u{feff}').lines().collect()
}

#[tokio::test]
async fn the_csv_keeps_the_filters_in_yuan_with_chinese_statuses_and_no_formulas() {
    let app = TestApp::new();
    let b = book(&app);
    let admin = signed_in(&app, "xadmin").await;
    let all = admin.get("/bank-admin/loans.csv").await;
    assert_eq!(all.status, 200);
    assert!(all.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(all.body.starts_with('\u{feff}'), "one BOM first");
    let lines = csv_lines(&all.body);
    assert!(lines[0].starts_with(
        "合同编号,企业,机构,支行,客户经理,合同额度（元）,已放款（元）,贷款余额（元）,状态,逾期天数,五级分类"
    ));
    assert_eq!(lines.len(), 7, "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("'=X-06,kaiyue有限公司,")), "{lines:?}");
    let x02 = lines.iter().find(|l| l.starts_with("X-02,")).unwrap();
    assert!(x02.contains(",营业部,ox1,1500000.00,500000.00,500000.00,逾期,2,关注,否,否,抵押,"), "{x02}");
    assert!(x02.ends_with(",2026-11-23,2027-11-23"), "{x02}");
    let credit = admin.get("/bank-admin/loans.csv?credit_only=1&status=normal").await.body;
    let rows: Vec<&str> = csv_lines(&credit).into_iter().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(rows, ["X-01"]);
    let officer = signed_in(&app, "ox1").await;
    let settled = officer.get("/officer/loans.csv?status=settled").await.body;
    let x03 = csv_lines(&settled)[1];
    assert!(
        x03.starts_with("X-03,boyuan有限公司,ox1银行,南港支行,ox2,1000000.00,300000.00,0.00,结清,,正常,是,是,信用,")
    );
    let office = signed_in_office(&app).await;
    let y = office.get(&format!("/credit-office/loans.csv?institution={}", b.y)).await.body;
    let rows: Vec<&str> = csv_lines(&y).into_iter().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(rows, ["Y-02", "Y-01"]);
    app.run_jobs().await;
}

#[tokio::test]
async fn a_bank_never_sees_another_banks_loans_whatever_it_types() {
    let app = TestApp::new();
    let b: Book = book(&app);
    let typed = [
        String::new(),
        format!("institution={}", b.y),
        format!("officer={}", b.oy1),
        format!("branch={}", b.y_main),
        "q=hengda".into(),
        "classification=loss".into(),
        format!("institution={}&status=overdue", b.y),
    ];
    for (user, base) in [("xadmin", "/bank-admin/loans"), ("ox1", "/officer/loans")] {
        let client = signed_in(&app, user).await;
        for query in &typed {
            let page = client.get(&format!("{base}?{query}")).await.body;
            let file = client.get(&format!("{base}.csv?{query}")).await.body;
            for body in [&page, &file] {
                assert!(!body.contains("Y-01") && !body.contains("Y-02"), "{user} {base}?{query}: {body}");
                assert!(!body.contains("oy1"), "{user} {base}?{query}: Y's officer, bank or branch named");
            }
        }
        let everything = client.get(&format!("{base}?institution={}", b.y)).await.body;
        assert_eq!(contracts(&everything, base), ALL_X.to_vec(), "the typed bank is ignored");
    }
    let y_admin = signed_in(&app, "yadmin").await;
    assert_eq!(listed(&y_admin, "/bank-admin/loans", &format!("institution={}", b.x)).await, ["Y-01", "Y-02"]);
    let y_officer = signed_in(&app, "oy1").await;
    let file = y_officer.get(&format!("/officer/loans.csv?officer={}", b.ox1)).await.body;
    assert_eq!(csv_lines(&file).len(), 1, "only the header: {file}");
    // Only the credit office has the every-bank view.
    assert_eq!(y_officer.get("/credit-office/loans").await.status, 403);
    assert_eq!(y_admin.get("/credit-office/loans.csv").await.status, 403);
    let office = signed_in_office(&app).await;
    let both = office.get("/credit-office/loans.csv").await.body;
    assert!(both.contains("X-01") && both.contains("Y-02"));
    app.run_jobs().await;
}
