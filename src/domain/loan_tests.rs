use chrono::NaiveDate;

use super::*;
use crate::domain::Money;

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn due(on: &str, principal: i64, interest: i64) -> Due {
    Due { due_on: day(on), principal: Money::from_fen(principal), interest: Money::from_fen(interest) }
}

#[test]
fn settled_and_written_off_loans_take_nothing_more() {
    for status in [LoanStatus::Settled, LoanStatus::WrittenOff] {
        for event in [LoanEvent::Draw, LoanEvent::Repay, LoanEvent::Classify, LoanEvent::WriteOff, LoanEvent::Settle] {
            assert_eq!(transition(status, event), Err(LoanTransitionError { status, event }));
        }
    }
    assert_eq!(
        transition(LoanStatus::Overdue, LoanEvent::Draw).unwrap_err().message(),
        "该贷款已逾期，逾期期间不能放款"
    );
    assert_eq!(transition(LoanStatus::Normal, LoanEvent::FallOverdue), Ok(LoanStatus::Overdue));
    assert_eq!(transition(LoanStatus::Overdue, LoanEvent::CatchUp), Ok(LoanStatus::Normal));
}

#[test]
fn repayments_cover_instalments_in_due_order() {
    let schedule = [due("2026-02-10", 1000, 50), due("2026-03-10", 1000, 40), due("2026-04-10", 1000, 30)];
    let covered = cover(&schedule, Money::from_fen(1500), Money::from_fen(50));
    assert_eq!(covered[0], Covered { principal: Money::from_fen(1000), interest: Money::from_fen(50) });
    assert_eq!(covered[1], Covered { principal: Money::from_fen(500), interest: Money::from_fen(0) });
    assert_eq!(covered[2], Covered { principal: Money::from_fen(0), interest: Money::from_fen(0) });
    // The second instalment is due on 3-10: unpaid on 3-11, one day past due.
    assert_eq!(past_due(&schedule, &covered, day("2026-03-10")), None);
    assert_eq!(past_due(&schedule, &covered, day("2026-03-11")), Some((day("2026-03-10"), 1)));
    assert_eq!(next_payment(&schedule, &covered), Some((day("2026-03-10"), Money::from_fen(540))));
}

#[test]
fn a_credit_loan_is_credit_only() {
    let credit = Guarantees::parse("credit").unwrap();
    assert!(credit.credit_only());
    let mixed = Guarantees::parse("guarantee,credit").unwrap();
    assert!(!mixed.credit_only());
    assert_eq!(mixed.codes(), "credit,guarantee");
    assert_eq!(mixed.labels(), "信用、保证");
    assert_eq!(Guarantees::parse("gold"), None);
    assert_eq!(Guarantees::parse(""), None);
}

#[test]
fn a_drawdown_over_the_line_or_out_of_dates_is_refused_beside_its_field() {
    let check = DrawdownCheck {
        amount: Money::from_yuan(600_000),
        value_date: day("2026-11-01"),
        maturity: day("2027-11-01"),
        line: Money::from_yuan(1_000_000),
        drawn: Money::from_yuan(500_000),
        approved_on: day("2026-11-05"),
        loan_maturity: day("2027-11-05"),
        today: day("2026-12-01"),
    };
    let errors = check_drawdown(&check);
    assert_eq!(errors.iter().map(|e| e.field()).collect::<Vec<_>>(), ["amount", "value_date"]);
    assert_eq!(errors[0].to_string(), "放款金额超过剩余可用额度（500,000.00 元）");
    let fits = DrawdownCheck { amount: Money::from_yuan(500_000), value_date: day("2026-11-05"), ..check };
    assert_eq!(check_drawdown(&fits), []);
    assert_eq!(months_within(day("2026-11-05"), day("2027-11-05")), 12);
    assert_eq!(months_within(day("2026-11-20"), day("2027-11-05")), 11);
}

/// Every event, listed by a match that stops compiling when an event is added.
fn every_event() -> [LoanEvent; 7] {
    let all = [
        LoanEvent::Draw,
        LoanEvent::Repay,
        LoanEvent::FallOverdue,
        LoanEvent::CatchUp,
        LoanEvent::Settle,
        LoanEvent::WriteOff,
        LoanEvent::Classify,
    ];
    for event in all {
        match event {
            LoanEvent::Draw
            | LoanEvent::Repay
            | LoanEvent::FallOverdue
            | LoanEvent::CatchUp
            | LoanEvent::Settle
            | LoanEvent::WriteOff
            | LoanEvent::Classify => {}
        }
    }
    all
}

#[test]
fn every_status_and_event_pair_follows_the_lifecycle_table() {
    use LoanEvent as E;
    use LoanStatus as S;
    // (status, event) -> the status it moves to, or the words of the refusal.
    let table: [(S, E, Result<S, &str>); 28] = [
        (S::Normal, E::Draw, Ok(S::Normal)),
        (S::Normal, E::Repay, Ok(S::Normal)),
        (S::Normal, E::FallOverdue, Ok(S::Overdue)),
        (S::Normal, E::CatchUp, Ok(S::Normal)),
        (S::Normal, E::Settle, Ok(S::Settled)),
        (S::Normal, E::WriteOff, Ok(S::WrittenOff)),
        (S::Normal, E::Classify, Ok(S::Normal)),
        (S::Overdue, E::Draw, Err("该贷款已逾期，逾期期间不能放款")),
        (S::Overdue, E::Repay, Ok(S::Overdue)),
        (S::Overdue, E::FallOverdue, Ok(S::Overdue)),
        (S::Overdue, E::CatchUp, Ok(S::Normal)),
        (S::Overdue, E::Settle, Ok(S::Settled)),
        (S::Overdue, E::WriteOff, Ok(S::WrittenOff)),
        (S::Overdue, E::Classify, Ok(S::Overdue)),
        (S::Settled, E::Draw, Err("该贷款已结清，不能放款")),
        (S::Settled, E::Repay, Err("该贷款已结清，不能录入还款")),
        (S::Settled, E::FallOverdue, Err("该贷款已结清，不能转为逾期")),
        (S::Settled, E::CatchUp, Err("该贷款已结清，不能恢复正常")),
        (S::Settled, E::Settle, Err("该贷款已结清，不能结清")),
        (S::Settled, E::WriteOff, Err("该贷款已结清，不能核销")),
        (S::Settled, E::Classify, Err("该贷款已结清，不能调整五级分类")),
        (S::WrittenOff, E::Draw, Err("该贷款已核销，不能放款")),
        (S::WrittenOff, E::Repay, Err("该贷款已核销，不能录入还款")),
        (S::WrittenOff, E::FallOverdue, Err("该贷款已核销，不能转为逾期")),
        (S::WrittenOff, E::CatchUp, Err("该贷款已核销，不能恢复正常")),
        (S::WrittenOff, E::Settle, Err("该贷款已核销，不能结清")),
        (S::WrittenOff, E::WriteOff, Err("该贷款已核销，不能核销")),
        (S::WrittenOff, E::Classify, Err("该贷款已核销，不能调整五级分类")),
    ];
    for status in LoanStatus::ALL {
        for event in every_event() {
            let rows: Vec<_> = table.iter().filter(|(s, e, _)| *s == status && *e == event).collect();
            assert_eq!(rows.len(), 1, "the table has one row for ({status:?}, {event:?})");
            let got = transition(status, event).map_err(|e| {
                assert_eq!(e, LoanTransitionError { status, event });
                e.message()
            });
            assert_eq!(got, rows[0].2.map_err(str::to_string), "({status:?}, {event:?})");
        }
    }
    for status in LoanStatus::ALL {
        assert_eq!(status.is_terminal(), every_event().iter().all(|e| transition(status, *e).is_err()), "{status:?}");
    }
}

#[test]
fn only_a_written_off_loan_is_closed_to_corrections_and_history_fields_read_in_words() {
    for status in LoanStatus::ALL {
        assert_eq!(correction_refused(status).is_some(), status == LoanStatus::WrittenOff, "{status:?}");
    }
    assert_eq!(field_label("classification"), "五级分类");
    assert_eq!(field_label("term_months"), "期限（月）");
    assert_eq!(field_label("renews"), "所接续的贷款");
    assert_eq!(field_label("no_such_field"), "其他");
    assert_eq!(value_label("classification", "substandard"), "次级");
    assert_eq!(value_label("status", "written_off"), "核销");
    assert_eq!(value_label("line", "200.00 万元"), "200.00 万元");
}
