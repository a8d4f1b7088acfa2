//! The product form as the bank admin types it (amounts in 万元, rates in
//! percent), and its parsing into validated terms, each problem beside its field.

use serde::Deserialize;

use crate::domain::credit::Grade;
use crate::domain::product::{GUARANTEES, PROGRAMMES};
use crate::domain::records::TaxGrade;
use crate::domain::repayment::RepaymentMethod;
use crate::domain::{Money, Rate, industry};
use crate::models::product::ProductTerms;
use crate::models::region::Region;
use crate::web::FormErrors;

/// The product form as typed: amounts in 万元, rates in percent.
#[derive(Deserialize, Default, Clone)]
pub struct ProductForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub amount_min: String,
    #[serde(default)]
    pub amount_max: String,
    #[serde(default)]
    pub term_min: String,
    #[serde(default)]
    pub term_max: String,
    #[serde(default)]
    pub rate_min: String,
    #[serde(default)]
    pub rate_max: String,
    #[serde(default)]
    pub guarantees: Vec<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub industries: Vec<String>,
    #[serde(default)]
    pub programmes: Vec<String>,
    #[serde(default)]
    pub repayment_methods: Vec<String>,
    #[serde(default)]
    pub min_grade: String,
    #[serde(default)]
    pub min_tax_grade: String,
    #[serde(default)]
    pub min_years: String,
    #[serde(default)]
    pub version: i32,
}

/// 万元 with up to two decimals, to fen.
fn wan_to_fen(text: &str) -> Option<i64> {
    Money::parse_wan(text).map(Money::fen)
}

fn fen_to_wan(fen: i64) -> String {
    rust_decimal::Decimal::new(fen, 6).normalize().to_string()
}

impl ProductForm {
    pub fn from_terms(terms: &ProductTerms, version: i32) -> ProductForm {
        ProductForm {
            name: terms.name.clone(),
            description: terms.description.clone(),
            amount_min: fen_to_wan(terms.amount_min_fen),
            amount_max: fen_to_wan(terms.amount_max_fen),
            term_min: terms.term_min_months.to_string(),
            term_max: terms.term_max_months.to_string(),
            rate_min: Rate::from_units(terms.rate_min).input_text(),
            rate_max: Rate::from_units(terms.rate_max).input_text(),
            guarantees: terms.guarantees.clone(),
            regions: terms.regions.clone(),
            industries: terms.industries.clone(),
            programmes: terms.programmes.clone(),
            repayment_methods: terms.repayment_methods.clone(),
            min_grade: terms.min_grade.clone().unwrap_or_default(),
            min_tax_grade: terms.min_tax_grade.clone().unwrap_or_default(),
            min_years: terms.min_years.to_string(),
            version,
        }
    }

    /// Validates every field; each problem is reported beside its field.
    pub fn parse(&self, regions: &[Region]) -> Result<ProductTerms, FormErrors> {
        let mut errors = FormErrors::default();
        let name = self.name.trim().to_string();
        if name.chars().count() < 2 || name.chars().count() > 40 {
            errors.add("name", "请填写产品名称（2 到 40 个字）");
        }
        let description = self.description.trim().to_string();
        if description.chars().count() > 1000 {
            errors.add("description", "产品介绍不超过 1000 字");
        }
        let cap = Money::from_yuan(1_000_000_000).fen();
        let amount_min = wan_to_fen(&self.amount_min).filter(|f| *f <= cap);
        let amount_max = wan_to_fen(&self.amount_max).filter(|f| *f <= cap);
        if amount_min.is_none() {
            errors.add("amount_min", "请填写最低额度（万元，大于 0，最多两位小数）");
        }
        if amount_max.is_none() {
            errors.add("amount_max", "请填写最高额度（万元，不超过 100000 万元）");
        }
        if let (Some(low), Some(high)) = (amount_min, amount_max)
            && low > high
        {
            errors.add("amount_max", "最高额度不能低于最低额度");
        }
        let term = |text: &str| text.trim().parse::<i32>().ok().filter(|m| (1..=360).contains(m));
        let (term_min, term_max) = (term(&self.term_min), term(&self.term_max));
        if term_min.is_none() {
            errors.add("term_min", "请填写最短期限（1 到 360 个月）");
        }
        if term_max.is_none() {
            errors.add("term_max", "请填写最长期限（1 到 360 个月）");
        }
        if let (Some(low), Some(high)) = (term_min, term_max)
            && low > high
        {
            errors.add("term_max", "最长期限不能短于最短期限");
        }
        let sane = |r: &Rate| r.units() > 0 && r.units() <= 240_000;
        let rate_min = Rate::parse(&self.rate_min).ok().filter(sane);
        let rate_max = Rate::parse(&self.rate_max).ok().filter(sane);
        if rate_min.is_none() {
            errors.add("rate_min", "请填写最低年化利率（大于 0，不超过 24%）");
        }
        if rate_max.is_none() {
            errors.add("rate_max", "请填写最高年化利率（大于 0，不超过 24%）");
        }
        if let (Some(low), Some(high)) = (rate_min, rate_max)
            && low > high
        {
            errors.add("rate_max", "最高利率不能低于最低利率");
        }
        let guarantees: Vec<String> = GUARANTEES
            .iter()
            .filter(|(g, _)| self.guarantees.iter().any(|x| x == g))
            .map(|(g, _)| g.to_string())
            .collect();
        if guarantees.is_empty() {
            errors.add("guarantees", "请至少选择一种担保方式");
        }
        let repayment_methods: Vec<String> =
            RepaymentMethod::from_codes(&self.repayment_methods).iter().map(|m| m.code().to_string()).collect();
        if repayment_methods.is_empty() {
            errors.add("repayment_methods", "请至少选择一种还款方式");
        }
        let regions: Vec<String> =
            regions.iter().filter(|r| self.regions.contains(&r.code)).map(|r| r.code.clone()).collect();
        let industries: Vec<String> = industry::SECTIONS
            .iter()
            .filter(|(code, _)| self.industries.iter().any(|x| x == code))
            .map(|(code, _)| code.to_string())
            .collect();
        let programmes: Vec<String> =
            PROGRAMMES.iter().filter(|p| self.programmes.iter().any(|x| x == *p)).map(|p| p.to_string()).collect();
        let min_grade = Grade::parse(&self.min_grade).map(|g| g.as_str().to_string());
        let min_tax_grade = TaxGrade::parse(&self.min_tax_grade).map(|g| g.as_str().to_string());
        let min_years = if self.min_years.trim().is_empty() { Some(0) } else { self.min_years.trim().parse().ok() };
        let min_years = min_years.filter(|y| (0..=50).contains(y));
        if min_years.is_none() {
            errors.add("min_years", "成立年限要求应为 0 到 50 年");
        }
        match (amount_min, amount_max, term_min, term_max, rate_min, rate_max, min_years) {
            (
                Some(amount_min_fen),
                Some(amount_max_fen),
                Some(tmin),
                Some(tmax),
                Some(rmin),
                Some(rmax),
                Some(years),
            ) if errors.is_empty() => Ok(ProductTerms {
                name,
                description,
                amount_min_fen,
                amount_max_fen,
                term_min_months: tmin,
                term_max_months: tmax,
                rate_min: rmin.units(),
                rate_max: rmax.units(),
                guarantees,
                regions,
                industries,
                programmes,
                min_grade,
                min_tax_grade,
                min_years: years,
                repayment_methods,
            }),
            _ => Err(errors),
        }
    }
}
