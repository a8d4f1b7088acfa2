//! An independent reference for repayment schedules: the rule of
//! docs/repayment.md written again from the words, not from the app's code,
//! in yuan with `rust_decimal` (the app works in integer fen). The annuity is
//! `P·r·(1 + r)^n / ((1 + r)^n − 1)` with the power taken by n plain
//! multiplications; due dates come from chrono's month arithmetic. Shared by
//! the domain's unit tests and the integration suite.

#![allow(dead_code)]

use chrono::{Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

/// One row of a schedule, in yuan.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub number: u32,
    pub due: NaiveDate,
    pub principal: Decimal,
    pub interest: Decimal,
    pub payment: Decimal,
    pub balance: Decimal,
}

fn fen(value: Decimal) -> Decimal {
    value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// The schedule of `yuan` borrowed at `percent` a year over `months`,
/// drawn down on `start`, under the method with this code.
pub fn schedule(method: &str, yuan: &str, percent: &str, months: u32, start: NaiveDate) -> Vec<Row> {
    let principal: Decimal = yuan.parse().unwrap();
    let monthly = percent.parse::<Decimal>().unwrap() / Decimal::from(1200);
    let due = |k: u32| start.checked_add_months(Months::new(k)).unwrap();
    if method == "bullet" {
        let interest = fen(principal * monthly * Decimal::from(months));
        let payment = principal + interest;
        return vec![Row { number: 1, due: due(months), principal, interest, payment, balance: Decimal::ZERO }];
    }
    let payment = match method {
        "annuity" if monthly.is_zero() => fen(principal / Decimal::from(months)),
        "annuity" => {
            let mut growth = Decimal::ONE;
            for _ in 0..months {
                growth *= Decimal::ONE + monthly;
            }
            fen(principal * monthly * growth / (growth - Decimal::ONE))
        }
        _ => Decimal::ZERO,
    };
    let part = fen(principal / Decimal::from(months));
    let mut balance = principal;
    let mut rows = Vec::new();
    for number in 1..=months {
        let interest = fen(balance * monthly);
        let repaid = if number == months {
            balance
        } else {
            match method {
                "annuity" => (payment - interest).max(Decimal::ZERO).min(balance),
                "equal_principal" => part.min(balance),
                "interest_only" => Decimal::ZERO,
                other => panic!("no method {other}"),
            }
        };
        balance -= repaid;
        rows.push(Row { number, due: due(number), principal: repaid, interest, payment: repaid + interest, balance });
    }
    rows
}

/// (first payment, largest payment, total interest, total repayable) in yuan.
pub fn cost(rows: &[Row]) -> (Decimal, Decimal, Decimal, Decimal) {
    let largest = rows.iter().map(|r| r.payment).max().unwrap();
    let interest: Decimal = rows.iter().map(|r| r.interest).sum();
    let total: Decimal = rows.iter().map(|r| r.payment).sum();
    (rows[0].payment, largest, interest, total)
}

/// "1,234,567.89 元", as the pages show yuan.
pub fn yuan_text(value: Decimal) -> String {
    let text = format!("{:.2}", value);
    let (int, frac) = text.split_once('.').unwrap();
    let digits: Vec<char> = int.chars().collect();
    let mut grouped = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(*c);
    }
    format!("{grouped}.{frac} 元")
}
