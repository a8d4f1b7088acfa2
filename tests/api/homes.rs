//! Each role's home leads with what waits for it. The demo homes are checked
//! against what the demo city is known to hold (src/seed/needs.rs: the demo
//! enterprise has an open need with one offer and one awaiting its choice
//! between two; the demo officer's bank owes three decisions, the oldest
//! overdue); the officer's queue order against a hand-made set of offers; and
//! one status reads with one label and colour on every page.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use xinyidai::actions::Ctx as Change;
use xinyidai::actions::need::{Accept, accept_offer};
use xinyidai::domain::{Money, Rate, Role};
use xinyidai::models::need::Need;
use xinyidai::models::offer::OfferTerms;
use xinyidai::schema::{credit_evaluations, enterprises, institutions, needs, offers, users};

use crate::helpers::{BASE_URL, Client, TestApp, start};
use crate::market_setup::{bank_with_product, grab_as, new_need, signed_in};

/// A 2026 Beijing time as the UTC the database keeps.
fn beijing(month: u32, day: u32, hour: u32, minute: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, month, day).unwrap().and_hms_opt(hour, minute, 0).unwrap() - Duration::hours(8)
}

fn demo_app() -> TestApp {
    let app = TestApp::new();
    assert!(
        xinyidai::seed::on_start(&mut app.conn(), true, start(), (crate::helpers::BASE_URL, app.db.dir.path()))
            .unwrap()
    );
    app
}

async fn demo_client<'a>(app: &'a TestApp, username: &str) -> Client<'a> {
    let client = app.client();
    let login = client.login(username, xinyidai::seed::DEMO_PASSWORD).await;
    assert_eq!(login.status, axum::http::StatusCode::SEE_OTHER, "{username} signs in");
    client
}

/// The table rows (`<tr ...>...</tr>`) of a page.
fn rows(body: &str) -> Vec<&str> {
    body.split("<tr").skip(1).map(|row| row.split("</tr>").next().unwrap_or(row)).collect()
}

/// The enterprises of the demo bank's matched needs, oldest acceptance (soonest due) first.
fn demo_bank_decisions(app: &TestApp) -> Vec<String> {
    let bank: i64 = institutions::table
        .filter(institutions::name.eq("云海银行"))
        .select(institutions::id)
        .first(&mut *app.conn())
        .unwrap();
    offers::table
        .inner_join(needs::table.inner_join(enterprises::table))
        .filter(offers::institution_id.eq(bank))
        .filter(offers::status.eq("accepted"))
        .filter(offers::decision.is_null())
        .order(offers::accepted_at)
        .select(enterprises::name)
        .load(&mut *app.conn())
        .unwrap()
}

#[tokio::test]
async fn the_demo_enterprise_home_shows_its_grade_what_it_could_borrow_and_the_choice_waiting_first() {
    let app = demo_app();
    let client = demo_client(&app, "demo-enterprise").await;
    let home = client.get("/enterprise").await.body;

    let (score, grade): (i32, String) = credit_evaluations::table
        .inner_join(enterprises::table.on(enterprises::uscc.eq(credit_evaluations::uscc)))
        .filter(enterprises::name.eq("云海晨光精密机械有限公司"))
        .select((credit_evaluations::score, credit_evaluations::grade))
        .first(&mut *app.conn())
        .unwrap();
    assert!(home.contains(&format!("<span class=\"score\">{score}</span>")), "{home}");
    assert!(home.contains(&format!("<span class=\"grade grade-{grade}\">{grade}</span>")));
    assert!(home.contains("href=\"/enterprise/portrait\""));

    // The same best line as 能融多少, with the button to publish.
    let estimate = client.get("/enterprise/estimate").await.body;
    let best = estimate.split("单笔最高约 <strong>").nth(1).unwrap().split("</strong>").next().unwrap();
    assert!(home.contains(&format!("能融约 <strong>{best}</strong>")), "{best}: {home}");
    assert!(home.contains("href=\"/enterprise/needs/new\">发布融资需求</a>"));

    // The need whose window ended 8 hours before the demo's start waits for a
    // choice between two offers valid for 10 days after it: 2 December 17:30
    // UTC is 3 December in Beijing. The open need (72 hours from 20 hours
    // before the start) closes on 25 November at 13:30.
    let choice = home.find("2 个报价待选择，12月3日前").unwrap_or_else(|| panic!("the choice waiting: {home}"));
    let open = home
        .find("已收到 1 个报价，可随时选择，11月25日 13:30 截止抢单")
        .unwrap_or_else(|| panic!("the open need: {home}"));
    assert!(choice < open, "what needs action comes first");
    let granted = home.find("已授信").expect("the granted need");
    assert!(open < granted, "the ended need comes last");
    assert!(home.contains("登记信息") && home.contains("统一社会信用代码"), "the registration facts stay");
    app.run_jobs().await;
}

/// The queue's decision rows name `expected` in order, each with `also`
/// (the offer's link, the officer's name); only the first is overdue, in red.
fn decisions_in_order(home: &str, expected: &[String], also: &str) {
    let queue: Vec<&str> = rows(home).into_iter().filter(|r| r.contains("录入授信决定")).collect();
    assert_eq!(queue.len(), expected.len(), "{home}");
    for (k, (row, enterprise)) in queue.iter().zip(expected).enumerate() {
        assert!(row.contains(enterprise.as_str()) && row.contains(also), "{enterprise} in order with {also}: {row}");
        let late = row.starts_with(" class=\"overdue\"") && row.contains("badge danger\">已超时");
        assert_eq!(late, k == 0, "only the oldest is overdue: {row}");
    }
}

#[tokio::test]
async fn the_demo_officer_and_bank_admin_homes_lead_with_the_three_decisions_the_oldest_overdue() {
    let app = demo_app();
    let expected = demo_bank_decisions(&app);
    assert_eq!(expected.len(), 3, "the demo bank owes three decisions");

    let officer = demo_client(&app, "demo-officer").await;
    let home = officer.get("/officer").await.body;
    assert!(home.contains("待办（3）"), "{home}");
    decisions_in_order(&home, &expected, "href=\"/officer/offers/");

    let offers = officer.get("/officer/offers").await.body;
    for enterprise in &expected {
        assert!(offers.contains(enterprise.as_str()), "我的抢单 names {enterprise}");
    }

    let admin = demo_client(&app, "demo-bank-admin").await;
    let home = admin.get("/bank-admin").await.body;
    assert!(home.contains("待处理（3）"), "{home}");
    decisions_in_order(&home, &expected, "周晓明");
    assert!(home.contains("人员（"), "the existing figures stay below");
    app.run_jobs().await;
}

#[tokio::test]
async fn the_demo_credit_office_home_names_the_bank_late_with_a_decision() {
    let app = demo_app();
    let office = demo_client(&app, "demo-credit-office").await;
    let home = office.get("/credit-office").await.body;
    let late = rows(&home).into_iter().find(|r| r.contains("云海银行")).expect("the late bank");
    assert!(late.contains("1 笔决定超时"), "{late}");
    assert!(home.contains("暂无待答复的异议"), "the demo has no dispute");
    assert!(home.contains("没有进行中或近 30 天失败的导入"), "the demo's imports are done");
    assert!(home.contains("在册企业"), "the figures stay below");
    app.run_jobs().await;
}

#[tokio::test]
async fn the_credit_office_home_lists_disputes_by_due_time_and_imports_under_way_or_failed() {
    use xinyidai::domain::records::RecordKind;
    use xinyidai::models::dispute::{Dispute, NewDispute};
    use xinyidai::models::import_batch::{ImportBatch, NewBatch};
    let app = TestApp::new();
    app.user(Role::CreditOffice, "office");
    let user = app.user(Role::Enterprise, "disputer");
    let enterprise: i64 =
        users::table.find(user).select(users::enterprise_id).first::<Option<i64>>(&mut *app.conn()).unwrap().unwrap();
    let dispute = |record_id, summary, at| {
        let new = NewDispute {
            enterprise_id: enterprise,
            kind: xinyidai::domain::dispute::Subject::Record(RecordKind::Tax),
            record_id,
            summary,
            reason: "金额有误",
            user_id: user,
        };
        Dispute::open(&mut app.conn(), &new, at).unwrap().unwrap();
    };
    // Answered within 20 days: the first is due on the 20th day, the second 15 days later.
    dispute(2, "2024 年纳税记录", start() + Duration::days(15));
    dispute(1, "2025 年纳税记录", start());
    let batch = |file_name, at| {
        let new = NewBatch {
            kind: RecordKind::Tax,
            department: "税务局",
            as_of: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
            file_name,
            uploaded_by: None,
        };
        ImportBatch::begin(&mut app.conn(), &new, at).unwrap()
    };
    let failed = batch("坏文件.csv", start());
    ImportBatch::fail(&mut app.conn(), failed, "文件编码无法识别", start()).unwrap();
    let old = batch("上月坏文件.csv", start() - Duration::days(40));
    ImportBatch::fail(&mut app.conn(), old, "文件编码无法识别", start() - Duration::days(40)).unwrap();
    let queued = batch("排队文件.csv", start());
    ImportBatch::queue(&mut app.conn(), queued, 100).unwrap();
    app.clock.advance(Duration::days(21));

    let office = signed_in(&app, "office").await;
    let home = office.get("/credit-office").await.body;
    let disputes: Vec<&str> = rows(&home).into_iter().filter(|r| r.contains("年纳税记录")).collect();
    assert_eq!(disputes.len(), 2, "{home}");
    assert!(
        disputes[0].contains("2025 年纳税记录") && disputes[0].contains("badge danger\">已超时"),
        "{}",
        disputes[0]
    );
    assert!(disputes[1].contains("2024 年纳税记录") && !disputes[1].contains("已超时"), "{}", disputes[1]);
    assert!(disputes[0].contains("disputer有限公司") && disputes[0].contains("/credit-office/disputes/"));
    let imports: Vec<&str> = rows(&home).into_iter().filter(|r| r.contains(".csv")).collect();
    assert_eq!(imports.len(), 2, "the one failed 40 days ago is left out: {home}");
    assert!(imports.iter().any(|r| r.contains("排队文件.csv") && r.contains("badge info\">排队中")));
    assert!(imports.iter().any(|r| r.contains("坏文件.csv") && r.contains("badge danger\">失败")));
    app.run_jobs().await;
}

/// An enterprise on record with an open need of `amount` 万元 published at `at`.
fn need_of(app: &TestApp, name: &str, amount: i64, at: NaiveDateTime) -> (i64, i64) {
    let (_, enterprise) = app.enterprise_on_record(name, "张三");
    (enterprise, Need::publish(&mut app.conn(), enterprise, &new_need(amount, 168), at).unwrap())
}

fn terms(amount: i64) -> OfferTerms {
    OfferTerms {
        amount: Money::from_yuan(amount * 10_000),
        rate: Rate::from_units(38_500),
        term_months: 12,
        repayment_method: xinyidai::domain::repayment::RepaymentMethod::Annuity,
        guarantee: xinyidai::domain::Guarantee::Credit,
        conditions: "无".into(),
        valid_until: beijing(12, 31, 12, 0),
    }
}

#[tokio::test]
async fn the_officer_queue_runs_by_due_time_overdue_first_in_red() {
    let app = TestApp::new();
    let bank = bank_with_product(&app, "queue");
    let officer: i64 =
        users::table.filter(users::username.eq("queue")).select(users::id).first(&mut *app.conn()).unwrap();
    // Each grab's contact is due two working days later; each acceptance's decision ten.
    let grab = |name: &str, amount: i64, at: NaiveDateTime| {
        let (enterprise, need) = need_of(&app, name, amount, at);
        let change = Change::system(at, BASE_URL);
        let offer = grab_as(&mut app.conn(), (need, bank, officer), &terms(amount), &change).unwrap().unwrap();
        (enterprise, need, offer)
    };
    let accept = |(enterprise, need, offer): (i64, i64, i64), at: NaiveDateTime| {
        let input = Accept { enterprise_id: enterprise, need_id: need, offer_id: offer };
        accept_offer(&mut app.conn(), &Change::system(at, BASE_URL), input).unwrap().unwrap();
    };
    // Decision due Tuesday 24 November 09:30: overdue.
    accept(grab("甲精工有限公司", 110, beijing(11, 9, 9, 0)), beijing(11, 10, 9, 30));
    // Contact due Wednesday 25 November 09:30: overdue (before the sweep releases it).
    grab("乙物流有限公司", 120, beijing(11, 23, 9, 30));
    // Contact due Wednesday 25 November 15:00: today.
    grab("丙食品有限公司", 130, beijing(11, 23, 15, 0));
    // Contact due Thursday 26 November 09:30.
    grab("丁电子有限公司", 140, beijing(11, 24, 9, 30));
    // Decision due Monday 7 December 10:00.
    accept(grab("戊建材有限公司", 150, beijing(11, 20, 9, 0)), beijing(11, 23, 10, 0));
    app.clock.advance(beijing(11, 25, 12, 0) - start());

    let client = signed_in(&app, "queue").await;
    let home = client.get("/officer").await.body;
    let queue: Vec<&str> = rows(&home).into_iter().filter(|r| r.contains("有限公司")).collect();
    let order = ["甲精工", "乙物流", "丙食品", "丁电子", "戊建材"];
    assert_eq!(queue.len(), order.len(), "{home}");
    for (row, name) in queue.iter().zip(order) {
        assert!(row.contains(name), "{name} in its place: {row}");
    }
    let marks = ["已超时", "已超时", "今天到期", "待办", "待办"];
    let tasks = ["录入授信决定", "联系企业", "联系企业", "联系企业", "录入授信决定"];
    for ((row, mark), task) in queue.iter().zip(marks).zip(tasks) {
        assert!(row.contains(&format!("\">{mark}</span>")) && row.contains(task), "{mark} {task}: {row}");
        assert_eq!(row.starts_with(" class=\"overdue\""), mark == "已超时", "red only when late: {row}");
    }
    assert!(queue[0].contains("badge danger") && queue[2].contains("badge info"));
    app.run_jobs().await;
}

#[tokio::test]
async fn the_enterprise_home_counts_the_offers_waiting_for_its_choice() {
    let app = TestApp::new();
    let enterprise = app.user(Role::Enterprise, "chooser");
    let enterprise: i64 = users::table
        .find(enterprise)
        .select(users::enterprise_id)
        .first::<Option<i64>>(&mut *app.conn())
        .unwrap()
        .unwrap();
    let need = Need::publish(&mut app.conn(), enterprise, &new_need(200, 24), start()).unwrap();
    for (name, days) in [("first", 12), ("second", 9), ("third", 15)] {
        let bank = bank_with_product(&app, name);
        let officer: i64 =
            users::table.filter(users::username.eq(name)).select(users::id).first(&mut *app.conn()).unwrap();
        let offer = OfferTerms { valid_until: start() + Duration::days(days), ..terms(200) };
        grab_as(&mut app.conn(), (need, bank, officer), &offer, &Change::system(start(), BASE_URL)).unwrap().unwrap();
    }
    let client = signed_in(&app, "chooser").await;
    let home = client.get("/enterprise").await.body;
    assert!(home.contains("已收到 3 个报价，可随时选择，11月24日 09:30 截止抢单"), "{home}");

    app.clock.advance(Duration::hours(24));
    xinyidai::jobs::deadlines(&app.state).await.unwrap();
    app.run_jobs().await;
    // The soonest of the three lapses 9 days after the start: 2 December in Beijing.
    let client = signed_in(&app, "chooser").await;
    let home = client.get("/enterprise").await.body;
    assert!(home.contains("3 个报价待选择，12月2日前"), "{home}");
    assert!(home.contains("href=\"/enterprise/needs/") && home.contains(">去处理</a>"));
    app.run_jobs().await;
}

/// The badge a page gives a status label: `<span class="badge TONE">LABEL</span>`.
fn badge<'a>(body: &'a str, label: &str) -> Option<&'a str> {
    let end = body.find(&format!("\">{label}</span>"))?;
    let start = body[..end].rfind("<span class=\"badge")?;
    Some(&body[start..end])
}

#[tokio::test]
async fn a_status_reads_with_the_same_label_and_colour_on_every_page() {
    let app = demo_app();
    let enterprise = demo_client(&app, "demo-enterprise").await;
    let office = demo_client(&app, "demo-credit-office").await;
    let officer = demo_client(&app, "demo-officer").await;
    let mine = enterprise.get("/enterprise/needs").await.body;
    let granted = office.get("/credit-office/needs?show=granted").await.body;
    assert_eq!(badge(&mine, "已授信"), Some("<span class=\"badge ok"), "done is green: {mine}");
    assert_eq!(badge(&granted, "已授信"), badge(&mine, "已授信"));
    let choosing = office.get("/credit-office/needs?show=awaiting_choice").await.body;
    assert_eq!(badge(&mine, "待选择"), Some("<span class=\"badge info"), "under way is blue");
    assert_eq!(badge(&choosing, "待选择"), badge(&mine, "待选择"));
    assert_eq!(badge(&mine, "抢单中"), Some("<span class=\"badge info"));
    let matched = office.get("/credit-office/needs?show=matched").await.body;
    let offers = officer.get("/officer/offers").await.body;
    assert_eq!(badge(&offers, "已选定银行"), Some("<span class=\"badge info"), "{offers}");
    assert_eq!(badge(&matched, "已选定银行"), badge(&offers, "已选定银行"));
    assert!(matched.contains(">已选定银行</a>"), "the tab says the same word as the badge");
    // Slots read one way: taken of all, on the hall and on the enterprise's pages.
    let hall = officer.get("/officer/hall").await.body;
    assert!(hall.contains("已抢 1 / 共 3 个名额") || hall.contains("已抢 0 / 共 3 个名额"), "{hall}");
    assert!(mine.contains("已抢 2 / 共 3 个名额") && mine.contains("已抢 1 / 共 3 个名额"));
    app.run_jobs().await;
}

#[test]
fn no_list_or_badge_writes_a_status_label_by_hand() {
    let mut pending = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/templates"))];
    let mut found = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "html") && !path.ends_with("macros.html") {
                // A status in a list's cell or in a badge of its own: colours
                // that must compare across rows and pages. (A fact line, "状态：失败",
                // and prose may name a status in words.)
                let text = std::fs::read_to_string(&path).unwrap();
                let by_hand = |line: &&str| {
                    ["status.label()", "stage().label()", "status.tone()"].iter().any(|n| line.contains(n))
                        && (line.contains("<td") || line.contains("class=\"badge"))
                };
                for line in text.lines().filter(by_hand) {
                    found.push(format!("{}: {}", path.display(), line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "render statuses with m::badge: {found:?}");
}
