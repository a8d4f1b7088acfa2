use super::*;

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
