//! What the clock does to loans, with time moved instead of waited for: an
//! instalment unpaid the day after it fell due (Beijing dates) turns its loan
//! 逾期 and the bank hears once, however many sweeps or workers find it; a
//! repayment brings the loan back to 正常; the enterprise is reminded once, 3
//! days before each due date. The suite starts on 2026-11-23 at 09:30 Beijing
//! time; each loan draws on that day, so its instalments fall due on the 23rd.

use std::sync::{Arc, Barrier};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use xinyidai::actions::loan::{OwnLoan, record_drawdown, record_repayment};
use xinyidai::clock::Clock;
use xinyidai::domain::Money;
use xinyidai::domain::loan::{LoanEventKind, LoanStatus};
use xinyidai::jobs::deadlines::Swept;
use xinyidai::models::loan::drawdown::NewDrawdown;
use xinyidai::models::loan::repayment::NewRepayment;
use xinyidai::models::loan::{Instalment, Loan, LoanEventRow};

use crate::helpers::{BASE_URL, TestApp};
use crate::loan_setup::{Approved, approved, loan, officer_ctx};

const OFFICER: &str = "officer@example.com";
const ENTERPRISE: &str = "ent@example.com";

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// Moves the test clock to `beijing` (a Beijing wall-clock time, "2026-12-24 09:00").
fn set_beijing(app: &TestApp, beijing: &str) {
    let local = NaiveDateTime::parse_from_str(beijing, "%Y-%m-%d %H:%M").unwrap();
    let utc = local - Duration::hours(8);
    let now = app.clock.now();
    assert!(utc >= now, "the clock only moves forward");
    app.clock.advance(utc - now);
}

async fn sweep(app: &TestApp) -> Swept {
    let swept = xinyidai::jobs::deadlines(&app.state).await.unwrap();
    app.run_jobs().await;
    swept
}

/// A loan with one drawdown per IOU, each of 600,000 yuan over 12 months drawn on
/// 2026-11-23 (due on the 23rd of each month); returns the loan and the drawdowns.
async fn drawn_loan(app: &TestApp, ious: &[&str]) -> (Approved, OwnLoan, Vec<i64>) {
    let approved = approved(app, "ent", "officer");
    let own = loan(app, &approved);
    let ctx = officer_ctx(app, &approved);
    let mut drawdowns = Vec::new();
    for iou in ious {
        let new = NewDrawdown {
            iou_no: iou.to_string(),
            amount: Money::from_yuan(600_000),
            value_date: day("2026-11-23"),
            term_months: 12,
        };
        drawdowns.push(record_drawdown(&mut app.conn(), &ctx, own, new).unwrap().unwrap());
    }
    app.run_jobs().await;
    (approved, own, drawdowns)
}

fn loan_row(app: &TestApp, own: OwnLoan) -> Loan {
    Loan::find(&mut app.conn(), own.loan_id).unwrap().unwrap()
}

fn instalment(app: &TestApp, drawdown: i64, number: i32) -> Instalment {
    Instalment::of_drawdown(&mut app.conn(), drawdown).unwrap().into_iter().find(|i| i.number == number).unwrap()
}

fn subjects(app: &TestApp, to: &str, containing: &str) -> Vec<String> {
    app.sent_emails().into_iter().filter(|e| e.to == to && e.subject.contains(containing)).map(|e| e.subject).collect()
}

/// The bank repays instalment `number` of `drawdown` in full on the clock's day.
async fn repay(app: &TestApp, approved: &Approved, own: OwnLoan, drawdown: i64, number: i32) {
    let due = instalment(app, drawdown, number);
    let paid_on = xinyidai::clock::beijing(app.clock.now()).date_naive();
    let new = NewRepayment {
        drawdown_id: drawdown,
        paid_on,
        principal: due.principal,
        interest: due.interest,
        penalty: Money::from_fen(0),
    };
    record_repayment(&mut app.conn(), &officer_ctx(app, approved), own, new).unwrap().unwrap();
    app.run_jobs().await;
}

#[tokio::test]
async fn an_instalment_unpaid_the_day_after_it_fell_due_turns_the_loan_overdue_once() {
    let app = TestApp::new();
    let (approved, own, drawdowns) = drawn_loan(&app, &["JJ-1"]).await;
    assert_eq!(instalment(&app, drawdowns[0], 1).due_on, day("2026-12-23"));

    // Its due date: not overdue yet, whatever the hour.
    set_beijing(&app, "2026-12-23 18:00");
    assert_eq!(sweep(&app).await.instalments_overdue, 0);
    assert_eq!(loan_row(&app, own).status, LoanStatus::Normal);
    assert!(instalment(&app, drawdowns[0], 1).overdue_on.is_none());

    // The day after, still unpaid: overdue, as of that day, entered by the platform.
    set_beijing(&app, "2026-12-24 09:00");
    assert_eq!(sweep(&app).await.instalments_overdue, 1);
    let row = loan_row(&app, own);
    assert_eq!(row.status, LoanStatus::Overdue);
    assert_eq!(row.status_on, day("2026-12-24"));
    assert_eq!(instalment(&app, drawdowns[0], 1).overdue_on, Some(day("2026-12-24")));
    let history = LoanEventRow::of_loan(&mut app.conn(), own.loan_id).unwrap();
    let turned = history.iter().find(|e| e.kind == LoanEventKind::Status).expect("a status entry");
    assert_eq!(turned.actor_id, None, "entered by the system");
    assert_eq!(turned.happened_on, day("2026-12-24"));
    assert_eq!(turned.field.as_deref(), Some("status"));
    assert_eq!((turned.old_value.as_deref(), turned.new_value.as_deref()), (Some("normal"), Some("overdue")));
    assert_eq!(subjects(&app, OFFICER, "贷款逾期").len(), 1, "the officer hears once");
    let email = app.sent_emails().into_iter().find(|e| e.subject.contains("贷款逾期")).unwrap();
    assert!(email.text.contains(&format!("{BASE_URL}/officer/loans/{}", own.loan_id)), "{}", email.text);

    // A second sweep, and one a day later: nothing more.
    assert_eq!(sweep(&app).await, Swept::default());
    set_beijing(&app, "2026-12-25 09:00");
    assert_eq!(sweep(&app).await.instalments_overdue, 0);
    assert_eq!(subjects(&app, OFFICER, "贷款逾期").len(), 1);

    // The bank records the repayment that covers it: 正常 again.
    repay(&app, &approved, own, drawdowns[0], 1).await;
    let row = loan_row(&app, own);
    assert_eq!(row.status, LoanStatus::Normal);
    assert_eq!(row.status_on, day("2026-12-25"));
    assert_eq!(sweep(&app).await.instalments_overdue, 0);
    assert_eq!(loan_row(&app, own).status, LoanStatus::Normal);
}

#[tokio::test]
async fn the_beijing_midnight_decides_the_day() {
    let app = TestApp::new();
    let (_, own, _) = drawn_loan(&app, &["JJ-1"]).await;
    // 15:59 UTC on the 23rd is 23:59 in Beijing, still the due date.
    set_beijing(&app, "2026-12-23 23:59");
    assert_eq!(app.clock.now(), day("2026-12-23").and_hms_opt(15, 59, 0).unwrap());
    assert_eq!(sweep(&app).await.instalments_overdue, 0);
    // 16:00 UTC on the 23rd is midnight in Beijing: the 24th has begun.
    app.clock.advance(Duration::minutes(1));
    assert_eq!(sweep(&app).await.instalments_overdue, 1);
    let row = loan_row(&app, own);
    assert_eq!((row.status, row.status_on), (LoanStatus::Overdue, day("2026-12-24")));
}

/// Two workers, each on its own connection, sweep at the same instant.
fn sweep_at_once(app: &TestApp) -> Vec<Swept> {
    let now = app.clock.now();
    let barrier = Arc::new(Barrier::new(2));
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let (barrier, db) = (barrier.clone(), app.state.db.clone());
                scope.spawn(move || {
                    let mut conn = db.connect_one().unwrap();
                    barrier.wait();
                    xinyidai::jobs::deadlines::sweep(&mut conn, BASE_URL, now).unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn two_workers_sweeping_at_once_tell_the_bank_once_and_remind_the_enterprise_once() {
    let app = TestApp::new();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // Two drawdowns: each month both instalments fall due, one per worker perhaps.
    let (approved, own, drawdowns) = runtime.block_on(drawn_loan(&app, &["JJ-1", "JJ-2"]));
    set_beijing(&app, "2026-12-20 09:00");
    let swept = sweep_at_once(&app);
    runtime.block_on(app.run_jobs());
    assert_eq!(swept.iter().map(|s| s.repayment_reminders).sum::<usize>(), 2, "{swept:?}");
    assert_eq!(subjects(&app, ENTERPRISE, "还款提醒").len(), 2, "one per instalment");
    for month in 1..=4 {
        let due = instalment(&app, drawdowns[0], month).due_on;
        set_beijing(&app, &format!("{} 09:00", due.succ_opt().unwrap()));
        let swept = sweep_at_once(&app);
        runtime.block_on(app.run_jobs());
        let marked: usize = swept.iter().map(|s| s.instalments_overdue).sum();
        assert_eq!(marked, 2, "month {month}: each instalment marked once: {swept:?}");
        assert_eq!(subjects(&app, OFFICER, "贷款逾期").len(), month as usize, "month {month}: one email");
        assert_eq!(loan_row(&app, own).status, LoanStatus::Overdue, "month {month}");
        for drawdown in &drawdowns {
            runtime.block_on(repay(&app, &approved, own, *drawdown, month));
        }
        assert_eq!(loan_row(&app, own).status, LoanStatus::Normal, "month {month}");
    }
    runtime.block_on(app.run_jobs());
}

#[tokio::test]
async fn the_enterprise_is_reminded_once_three_days_before_each_due_date() {
    let app = TestApp::new();
    let (_, own, drawdowns) = drawn_loan(&app, &["JJ-1"]).await;
    let first = instalment(&app, drawdowns[0], 1);

    // Four days before: not yet.
    set_beijing(&app, "2026-12-19 09:00");
    assert_eq!(sweep(&app).await.repayment_reminders, 0);
    assert!(subjects(&app, ENTERPRISE, "还款提醒").is_empty());

    // Three days before: once, with the day and the amount, linking to the loan.
    set_beijing(&app, "2026-12-20 00:00");
    assert_eq!(sweep(&app).await.repayment_reminders, 1);
    let sent = subjects(&app, ENTERPRISE, "还款提醒");
    assert_eq!(sent, vec![format!("【信易贷】还款提醒：12月23日应还 {}", first.payment().yuan_text())]);
    let email = app.sent_emails().into_iter().find(|e| e.subject.contains("还款提醒")).unwrap();
    assert!(email.text.contains(&format!("{BASE_URL}/enterprise/loans/{}", own.loan_id)), "{}", email.text);
    assert!(email.text.contains("HT-2026-001"), "{}", email.text);
    assert_eq!(sweep(&app).await.repayment_reminders, 0);
    set_beijing(&app, "2026-12-22 09:00");
    assert_eq!(sweep(&app).await.repayment_reminders, 0);
    assert_eq!(subjects(&app, ENTERPRISE, "还款提醒").len(), 1, "once");

    // The sweep missed the third and second day before the next due date
    // (2027-01-23): the reminder goes out the day before.
    set_beijing(&app, "2027-01-22 09:00");
    assert_eq!(sweep(&app).await.repayment_reminders, 1);
    assert_eq!(subjects(&app, ENTERPRISE, "还款提醒：1月23日").len(), 1);
    // It missed every day before 2027-02-23: never a reminder after the due date.
    set_beijing(&app, "2027-02-24 09:00");
    assert_eq!(sweep(&app).await.repayment_reminders, 0);
    assert_eq!(subjects(&app, ENTERPRISE, "还款提醒").len(), 2);
}
