//! Test records: builders for each record type and the four enterprises of the
//! worked examples in `docs/credit-model.md`, all evaluated on 2026-06-15.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::EnterpriseFacts;
use crate::domain::records::{
    HonourRecord, PenaltyKind, PenaltyRecord, PenaltyStatus, PropertyRecord, SocialSecurityRecord, TaxGrade, TaxRecord,
    Utility, UtilityRecord,
};
use crate::domain::{Money, Uscc};

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// The evaluation date of every worked example.
pub fn as_of() -> NaiveDate {
    day(2026, 6, 15)
}

fn uscc() -> Uscc {
    Uscc::with_check_character("91330100MA2H3K4L5").expect("valid code")
}

/// First days of the months from `(y, m)` to `(y2, m2)`, both included.
pub fn months(from: (i32, u32), to: (i32, u32)) -> Vec<NaiveDate> {
    let mut month = day(from.0, from.1, 1);
    let last = day(to.0, to.1, 1);
    let mut all = Vec::new();
    while month <= last {
        all.push(month);
        month = month.checked_add_months(chrono::Months::new(1)).expect("in range");
    }
    all
}

pub fn tax(year: i32, grade: TaxGrade, paid_yuan: i64) -> TaxRecord {
    TaxRecord {
        uscc: uscc(),
        year,
        tax_grade: grade,
        tax_paid: Money::from_yuan(paid_yuan),
        revenue: Money::from_yuan(paid_yuan * 20),
    }
}

pub fn utility(month: NaiveDate, utility: Utility, usage: i64, arrears_yuan: i64) -> UtilityRecord {
    UtilityRecord {
        uscc: uscc(),
        month,
        utility,
        usage: Decimal::from(usage),
        billed: Money::from_yuan(usage),
        arrears: Money::from_yuan(arrears_yuan),
    }
}

pub fn social(month: NaiveDate, insured: i32, arrears_yuan: i64) -> SocialSecurityRecord {
    SocialSecurityRecord { uscc: uscc(), month, insured, arrears: Money::from_yuan(arrears_yuan) }
}

pub fn property(certificate_no: &str, kind: &str, value_yuan: i64, mortgaged: bool) -> PropertyRecord {
    PropertyRecord {
        uscc: uscc(),
        certificate_no: certificate_no.into(),
        kind: kind.into(),
        area: Decimal::from(1000),
        assessed_value: Money::from_yuan(value_yuan),
        mortgaged,
    }
}

pub fn penalty(case_no: &str, decided_on: NaiveDate, kind: PenaltyKind, amount_yuan: i64) -> PenaltyRecord {
    let authority = match kind {
        PenaltyKind::AdministrativePenalty => "云海市市场监督管理局",
        _ => "云海市中级人民法院",
    };
    PenaltyRecord {
        uscc: uscc(),
        case_no: case_no.into(),
        decided_on,
        authority: authority.into(),
        kind,
        amount: Money::from_yuan(amount_yuan),
        status: PenaltyStatus::Active,
        ended_on: None,
    }
}

pub fn repaired(mut record: PenaltyRecord, ended_on: NaiveDate) -> PenaltyRecord {
    record.status = PenaltyStatus::Repaired;
    record.ended_on = Some(ended_on);
    record
}

pub fn honour(name: &str, awarded_on: NaiveDate, expires_on: Option<NaiveDate>) -> HonourRecord {
    HonourRecord { uscc: uscc(), honour: name.into(), issuer: "云海市人民政府".into(), awarded_on, expires_on }
}

/// Owned records of one enterprise, lent to the model as `EnterpriseFacts`.
#[derive(Clone, Debug, Default)]
pub struct Enterprise {
    pub established_on: Option<NaiveDate>,
    pub tax: Vec<TaxRecord>,
    pub utilities: Vec<UtilityRecord>,
    pub property: Vec<PropertyRecord>,
    pub social_security: Vec<SocialSecurityRecord>,
    pub penalties: Vec<PenaltyRecord>,
    pub honours: Vec<HonourRecord>,
}

impl Enterprise {
    pub fn facts(&self) -> EnterpriseFacts<'_> {
        EnterpriseFacts {
            established_on: self.established_on.expect("established_on"),
            as_of: as_of(),
            tax: &self.tax,
            utilities: &self.utilities,
            property: &self.property,
            social_security: &self.social_security,
            penalties: &self.penalties,
            honours: &self.honours,
        }
    }
}

/// Example 1: 宏达精密制造有限公司, an established manufacturer with a clean record.
pub fn strong_manufacturer() -> Enterprise {
    let mut utilities = Vec::new();
    for month in months((2024, 6), (2026, 5)) {
        utilities.push(utility(month, Utility::Electricity, 85_000, 0));
        utilities.push(utility(month, Utility::Water, 1_200, 0));
    }
    let insured = [116, 118, 120, 121, 124, 122, 119, 118, 120, 121, 123, 120];
    Enterprise {
        established_on: Some(day(2008, 4, 1)),
        tax: vec![
            tax(2022, TaxGrade::A, 3_000_000),
            tax(2023, TaxGrade::B, 3_200_000),
            tax(2024, TaxGrade::A, 3_500_000),
            tax(2025, TaxGrade::A, 4_000_000),
        ],
        utilities,
        property: vec![
            property("浙(2015)云海市不动产权第0001234号", "工业用地", 8_000_000, false),
            property("浙(2016)云海市不动产权第0002345号", "厂房", 6_000_000, true),
        ],
        social_security: months((2025, 6), (2026, 5)).into_iter().zip(insured).map(|(m, n)| social(m, n, 0)).collect(),
        penalties: vec![repaired(
            penalty("云环罚〔2019〕58号", day(2019, 6, 10), PenaltyKind::AdministrativePenalty, 20_000),
            day(2020, 3, 1),
        )],
        honours: vec![
            honour("高新技术企业", day(2024, 11, 20), Some(day(2027, 11, 19))),
            honour("专精特新中小企业", day(2025, 8, 1), Some(day(2028, 7, 31))),
            honour("A级纳税人", day(2025, 5, 1), Some(day(2026, 4, 30))),
        ],
    }
}

/// Example 2: 小林便利店, a micro shop a year old with little on record.
pub fn young_shop() -> Enterprise {
    let utilities = months((2025, 9), (2026, 5))
        .into_iter()
        .map(|m| utility(m, Utility::Electricity, 800, if m == day(2026, 1, 1) { 120 } else { 0 }))
        .collect();
    Enterprise {
        established_on: Some(day(2025, 3, 10)),
        tax: vec![tax(2025, TaxGrade::M, 3_000)],
        utilities,
        social_security: months((2026, 1), (2026, 5)).into_iter().map(|m| social(m, 2, 0)).collect(),
        ..Enterprise::default()
    }
}

/// The administrative penalty of example 3, before it was repaired.
pub fn food_penalty() -> PenaltyRecord {
    penalty("云市监罚〔2025〕317号", day(2025, 8, 20), PenaltyKind::AdministrativePenalty, 50_000)
}

/// Example 3: 绿源食品有限公司, fined in 2025 and repaired since.
pub fn repaired_penalty_firm() -> Enterprise {
    let mut utilities = Vec::new();
    for month in months((2024, 6), (2026, 5)) {
        utilities.push(utility(month, Utility::Electricity, 20_000, 0));
        utilities.push(utility(month, Utility::Gas, 3_000, 0));
    }
    let insured = [30, 31, 32, 33, 34, 35, 36, 38, 37, 36, 36, 36];
    Enterprise {
        established_on: Some(day(2016, 9, 1)),
        tax: vec![tax(2023, TaxGrade::B, 500_000), tax(2024, TaxGrade::B, 620_000), tax(2025, TaxGrade::B, 600_000)],
        utilities,
        social_security: months((2025, 6), (2026, 5)).into_iter().zip(insured).map(|(m, n)| social(m, n, 0)).collect(),
        property: vec![property("浙(2018)云海市不动产权第0003456号", "办公用房", 1_800_000, true)],
        penalties: vec![repaired(food_penalty(), day(2025, 12, 1))],
        honours: vec![honour("守合同重信用企业", day(2024, 1, 15), None)],
    }
}

/// Example 4: 恒泰建材有限公司, a decent record but on the dishonest list.
pub fn dishonest_debtor() -> Enterprise {
    let unpaid = [day(2026, 3, 1), day(2026, 4, 1), day(2026, 5, 1)];
    let utilities = months((2024, 6), (2026, 5))
        .into_iter()
        .map(|m| {
            let arrears = if m == day(2026, 5, 1) {
                8_600
            } else if unpaid.contains(&m) {
                4_300
            } else {
                0
            };
            utility(m, Utility::Electricity, 40_000, arrears)
        })
        .collect();
    let insured = [60, 58, 57, 55, 52, 50, 48, 47, 45, 44, 43, 42];
    Enterprise {
        established_on: Some(day(2012, 5, 1)),
        tax: vec![tax(2023, TaxGrade::A, 900_000), tax(2024, TaxGrade::B, 850_000), tax(2025, TaxGrade::B, 700_000)],
        utilities,
        property: vec![property("浙(2013)云海市不动产权第0005678号", "厂房", 5_000_000, true)],
        social_security: months((2025, 6), (2026, 5)).into_iter().zip(insured).map(|(m, n)| social(m, n, 0)).collect(),
        penalties: vec![
            penalty("(2025)浙01执123号", day(2025, 3, 10), PenaltyKind::CourtEnforcement, 1_200_000),
            penalty("(2025)浙01执456号", day(2025, 11, 5), PenaltyKind::DishonestDebtor, 1_200_000),
        ],
        ..Enterprise::default()
    }
}
