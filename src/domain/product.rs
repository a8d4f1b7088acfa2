//! Loan products' vocabulary and the rules that say whether an enterprise
//! qualifies for a product (each reason it does not), and how much it could
//! ask for ("能融多少"), from its own portrait. Pure: no I/O.

use chrono::{Datelike, NaiveDate};

use super::Money;
use super::credit::Grade;
use super::records::TaxGrade;

/// 担保方式: how a loan is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Guarantee {
    Credit,
    Mortgage,
    Guarantee,
    Pledge,
}

crate::stored_as_text!(Guarantee);

impl Guarantee {
    pub const ALL: [Guarantee; 4] = [Guarantee::Credit, Guarantee::Mortgage, Guarantee::Guarantee, Guarantee::Pledge];

    pub fn as_str(self) -> &'static str {
        match self {
            Guarantee::Credit => "credit",
            Guarantee::Mortgage => "mortgage",
            Guarantee::Guarantee => "guarantee",
            Guarantee::Pledge => "pledge",
        }
    }

    pub fn parse(text: &str) -> Option<Guarantee> {
        Guarantee::ALL.into_iter().find(|g| g.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Guarantee::Credit => "信用",
            Guarantee::Mortgage => "抵押",
            Guarantee::Guarantee => "保证",
            Guarantee::Pledge => "质押",
        }
    }
}

/// 产品状态: a draft is the bank's alone; a published product is in the
/// catalogue and the hall's fit; a withdrawn one is neither, and may be published again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProductStatus {
    Draft,
    Published,
    Withdrawn,
}

crate::stored_as_text!(ProductStatus);

impl ProductStatus {
    pub const ALL: [ProductStatus; 3] = [ProductStatus::Draft, ProductStatus::Published, ProductStatus::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::Published => "published",
            ProductStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<ProductStatus> {
        ProductStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            ProductStatus::Draft => "草稿",
            ProductStatus::Published => "已发布",
            ProductStatus::Withdrawn => "已下架",
        }
    }

    pub fn tone(self) -> super::Tone {
        match self {
            ProductStatus::Published => super::Tone::Good,
            ProductStatus::Draft | ProductStatus::Withdrawn => super::Tone::Neutral,
        }
    }

    pub fn is_published(self) -> bool {
        self == ProductStatus::Published
    }
}

/// 担保方式 as (code, label) pairs, for selects.
pub const GUARANTEES: [(&str, &str); 4] =
    [("credit", "信用"), ("mortgage", "抵押"), ("guarantee", "保证"), ("pledge", "质押")];

/// Programme tags banks put on products.
pub const PROGRAMMES: [&str; 6] = ["税易贷", "科技贷", "首贷", "绿色贷", "创业贷", "供应链贷"];

pub fn guarantee_label(code: &str) -> &'static str {
    GUARANTEES.iter().find(|(c, _)| *c == code).map_or("其他", |(_, label)| *label)
}

/// Who a product is for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Criteria {
    /// Region codes served; empty means every region.
    pub regions: Vec<String>,
    /// Industry sections served; empty means every industry.
    pub industries: Vec<String>,
    pub min_grade: Option<Grade>,
    /// The worst tax grade accepted (B accepts A and B).
    pub min_tax_grade: Option<TaxGrade>,
    pub min_years: i32,
    pub amount_max: Money,
}

/// What the platform knows of an enterprise that matters for eligibility.
#[derive(Clone, Debug, PartialEq)]
pub struct Applicant {
    pub region: String,
    pub industry: String,
    pub grade: Option<Grade>,
    pub dishonest: bool,
    pub latest_tax_grade: Option<TaxGrade>,
    /// Declared revenue of the latest tax year.
    pub latest_revenue: Option<Money>,
    pub registered_capital: Money,
    pub established_on: NaiveDate,
}

/// Whole years from `established_on` to `today`.
pub fn years_in_operation(established_on: NaiveDate, today: NaiveDate) -> i32 {
    let mut years = today.year() - established_on.year();
    if (today.month(), today.day()) < (established_on.month(), established_on.day()) {
        years -= 1;
    }
    years.max(0)
}

/// Each reason the applicant does not qualify, in words it can act on; empty when it qualifies.
pub fn ineligibility(criteria: &Criteria, applicant: &Applicant, today: NaiveDate) -> Vec<String> {
    let mut reasons = Vec::new();
    if applicant.dishonest {
        reasons.push("已被列入严重失信主体名单，信用修复前不能申请".to_string());
    }
    if let Some(min) = criteria.min_grade {
        match applicant.grade {
            None => reasons.push(format!("尚无信用评价，产品要求信用等级 {} 及以上", min.as_str())),
            Some(grade) if !grade.at_least(min) => {
                reasons.push(format!("信用等级 {} 低于产品要求的 {} 及以上", grade.as_str(), min.as_str()))
            }
            _ => {}
        }
    }
    if !criteria.regions.is_empty() && !criteria.regions.contains(&applicant.region) {
        reasons.push("企业所在区域不在产品服务范围内".to_string());
    }
    if !criteria.industries.is_empty() && !criteria.industries.contains(&applicant.industry) {
        reasons.push("产品不服务本企业所属行业".to_string());
    }
    if let Some(min) = criteria.min_tax_grade {
        match applicant.latest_tax_grade {
            None => reasons.push(format!("暂无纳税信用等级，产品要求 {} 级及以上", min.as_str())),
            Some(grade) if grade > min => {
                reasons.push(format!("纳税信用等级 {} 低于产品要求的 {} 级及以上", grade.as_str(), min.as_str()))
            }
            _ => {}
        }
    }
    let years = years_in_operation(applicant.established_on, today);
    if years < criteria.min_years {
        reasons.push(format!("成立 {years} 年，产品要求成立满 {} 年", criteria.min_years));
    }
    reasons
}

/// The share of annual revenue the platform suggests as a credit line, by grade.
fn revenue_share(grade: Option<Grade>) -> (i64, i64) {
    match grade {
        Some(Grade::AAA) => (1, 2),
        Some(Grade::AA) => (2, 5),
        Some(Grade::A) => (3, 10),
        Some(Grade::B) => (1, 5),
        Some(Grade::C) => (1, 10),
        _ => (0, 1),
    }
}

/// The most the applicant could reasonably ask for under a product: the
/// product's maximum, capped by a share of its latest revenue (or of its
/// registered capital when no revenue is on record) that grows with its grade.
pub fn estimate(product_min: Money, criteria: &Criteria, applicant: &Applicant) -> Option<(Money, Money)> {
    let (numerator, denominator) = revenue_share(applicant.grade);
    let base = applicant.latest_revenue.unwrap_or(applicant.registered_capital).fen();
    let cap = Money::from_fen(base / denominator * numerator);
    let high = cap.min(criteria.amount_max);
    (high >= product_min).then_some((product_min, high))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn applicant() -> Applicant {
        Applicant {
            region: "990102".into(),
            industry: "C".into(),
            grade: Some(Grade::A),
            dishonest: false,
            latest_tax_grade: Some(TaxGrade::B),
            latest_revenue: Some(Money::from_yuan(10_000_000)),
            registered_capital: Money::from_yuan(5_000_000),
            established_on: day(2020, 6, 1),
        }
    }

    #[test]
    fn a_matching_applicant_has_no_reasons() {
        let criteria = Criteria {
            min_grade: Some(Grade::B),
            min_tax_grade: Some(TaxGrade::B),
            min_years: 3,
            ..Criteria::default()
        };
        assert!(ineligibility(&criteria, &applicant(), day(2026, 11, 23)).is_empty());
    }

    #[test]
    fn each_rule_gives_its_own_reason() {
        let today = day(2026, 11, 23);
        let cases: [(Criteria, &str); 5] = [
            (Criteria { min_grade: Some(Grade::AA), ..Criteria::default() }, "信用等级 A 低于产品要求的 AA"),
            (Criteria { regions: vec!["990106".into()], ..Criteria::default() }, "区域不在产品服务范围"),
            (Criteria { industries: vec!["I".into(), "M".into()], ..Criteria::default() }, "不服务本企业所属行业"),
            (Criteria { min_tax_grade: Some(TaxGrade::A), ..Criteria::default() }, "纳税信用等级 B 低于产品要求的 A"),
            (Criteria { min_years: 8, ..Criteria::default() }, "成立 6 年，产品要求成立满 8 年"),
        ];
        for (criteria, expected) in cases {
            let reasons = ineligibility(&criteria, &applicant(), today);
            assert_eq!(reasons.len(), 1, "{expected}");
            assert!(reasons[0].contains(expected), "{reasons:?}");
        }
        let dishonest = Applicant { dishonest: true, ..applicant() };
        assert!(ineligibility(&Criteria::default(), &dishonest, today)[0].contains("严重失信"));
    }

    #[test]
    fn years_count_whole_years() {
        assert_eq!(years_in_operation(day(2020, 6, 1), day(2026, 5, 31)), 5);
        assert_eq!(years_in_operation(day(2020, 6, 1), day(2026, 6, 1)), 6);
    }

    #[test]
    fn the_estimate_grows_with_the_grade_and_stops_at_the_product_maximum() {
        let criteria = Criteria { amount_max: Money::from_yuan(5_000_000), ..Criteria::default() };
        let min = Money::from_yuan(100_000);
        assert_eq!(estimate(min, &criteria, &applicant()), Some((min, Money::from_yuan(3_000_000))));
        let aaa = Applicant { grade: Some(Grade::AAA), ..applicant() };
        assert_eq!(estimate(min, &criteria, &aaa), Some((min, Money::from_yuan(5_000_000))));
        let small = Applicant { grade: Some(Grade::C), latest_revenue: Some(Money::from_yuan(500_000)), ..applicant() };
        assert_eq!(estimate(min, &criteria, &small), None, "50,000 is below the product's minimum");
    }
}
