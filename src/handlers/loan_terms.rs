//! The contract's terms as a form: recording a loan on an approval and
//! correcting it later type the same fields, parsed here into
//! `models::loan::LoanTerms`, every wrong field reported at once beside itself.
//! The fields are `templates/loans/terms_fields.html`.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::domain::loan::Guarantees;
use crate::domain::repayment::RepaymentMethod;
use crate::domain::{Guarantee, Rate};
use crate::models::loan::LoanTerms;
use crate::web::FormErrors;

#[derive(Deserialize, Serialize, Default, Clone, Debug)]
pub struct LoanTermsForm {
    #[serde(default)]
    pub contract_no: String,
    /// 万元.
    #[serde(default)]
    pub line: String,
    /// Percent a year.
    #[serde(default)]
    pub rate: String,
    #[serde(default)]
    pub term: String,
    #[serde(default)]
    pub signed_on: String,
    #[serde(default)]
    pub repayment_method: String,
    #[serde(default, deserialize_with = "one_or_many")]
    pub guarantees: Vec<String>,
    /// "1" when ticked.
    #[serde(default)]
    pub first_loan: String,
    #[serde(default)]
    pub renewal: String,
    /// The renewed loan's id, or empty when it is not on the platform.
    #[serde(default)]
    pub renews: String,
}

/// One ticked checkbox arrives as a value, several as a list; inside a form
/// that embeds these fields (`#[serde(flatten)]`, the correction's) the form
/// reader cannot tell a lone value from a list, so both are taken.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

impl LoanTermsForm {
    /// The form filled with `terms`.
    pub fn from_terms(terms: &LoanTerms) -> LoanTermsForm {
        let tick = |b: bool| if b { "1" } else { "" }.to_string();
        LoanTermsForm {
            contract_no: terms.contract_no.clone(),
            line: terms.line.wan_input(),
            rate: terms.rate.input_text(),
            term: terms.term_months.to_string(),
            signed_on: terms.signed_on.to_string(),
            repayment_method: terms.repayment_method.code().to_string(),
            guarantees: terms.guarantees.taken().iter().map(|g| g.as_str().to_string()).collect(),
            first_loan: tick(terms.first_loan),
            renewal: tick(terms.renewal),
            renews: terms.renews.map(|r| r.to_string()).unwrap_or_default(),
        }
    }

    /// The terms, or every field that is wrong.
    pub fn validate(&self) -> Result<LoanTerms, FormErrors> {
        let mut errors = FormErrors::default();
        let contract_no = self.contract_no.trim().to_string();
        if contract_no.is_empty() || contract_no.chars().count() > 64 {
            errors.add("contract_no", "请填写合同编号（不超过 64 个字符）");
        }
        let line = errors.loan_amount("line", &self.line, "合同额度");
        let rate = Rate::parse(&self.rate).ok().filter(|r| r.units() > 0 && r.units() <= 240_000);
        if rate.is_none() {
            errors.add("rate", "请填写年化利率（大于 0，不超过 24%）");
        }
        let term = errors.term_months("term", &self.term);
        let signed_on = NaiveDate::parse_from_str(self.signed_on.trim(), "%Y-%m-%d").ok();
        if signed_on.is_none() {
            errors.add("signed_on", "请填写签约日期，格式如 2026-11-23");
        }
        let method = RepaymentMethod::parse(&self.repayment_method);
        if method.is_none() {
            errors.add("repayment_method", "请选择还款方式");
        }
        let taken: Option<Vec<Guarantee>> = self.guarantees.iter().map(|g| Guarantee::parse(g)).collect();
        let guarantees = taken.map(Guarantees::new).filter(|g| !g.is_empty());
        if guarantees.is_none() {
            errors.add("guarantees", "请勾选实际采用的担保方式（至少一项）");
        }
        let renewal = !self.renewal.is_empty();
        let renews = match self.renews.trim() {
            "" => Ok(None),
            id => id.parse::<i64>().map(Some),
        };
        match renews {
            Ok(Some(_)) if !renewal => errors.add("renews", "只有续贷才能选择所接续的贷款"),
            Err(_) => errors.add("renews", "请选择所接续的贷款"),
            Ok(_) => {}
        }
        match (line, rate, term, signed_on, method, guarantees, renews) {
            (
                Some(line),
                Some(rate),
                Some(term_months),
                Some(signed_on),
                Some(repayment_method),
                Some(guarantees),
                Ok(renews),
            ) if errors.is_empty() => Ok(LoanTerms {
                contract_no,
                line,
                rate,
                term_months,
                signed_on,
                repayment_method,
                guarantees,
                first_loan: !self.first_loan.is_empty(),
                renewal,
                renews,
            }),
            _ => Err(errors),
        }
    }

    /// Whether the guarantee `code` is ticked.
    pub fn guarantee_ticked(&self, code: &str) -> bool {
        self.guarantees.iter().any(|g| g == code)
    }

    /// The repayment methods as the select lists them.
    pub fn methods(&self) -> Vec<(&'static str, &'static str)> {
        RepaymentMethod::ALL.iter().map(|m| (m.code(), m.label())).collect()
    }

    /// The guarantees as the checkboxes list them.
    pub fn guarantee_choices(&self) -> Vec<(&'static str, &'static str)> {
        Guarantee::ALL.iter().map(|g| (g.as_str(), g.label())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_wrong_field_is_reported_at_once_and_a_right_form_parses() {
        let wrong = LoanTermsForm { renews: "7".into(), ..LoanTermsForm::default() }.validate().unwrap_err();
        for field in ["contract_no", "line", "rate", "term", "signed_on", "repayment_method", "guarantees", "renews"] {
            assert!(wrong.has(field), "{field}");
        }
        let form = LoanTermsForm {
            contract_no: " HT-1 ".into(),
            line: "150.5".into(),
            rate: "3.85".into(),
            term: "12".into(),
            signed_on: "2026-11-23".into(),
            repayment_method: "annuity".into(),
            guarantees: vec!["guarantee".into(), "credit".into()],
            first_loan: "1".into(),
            renewal: "1".into(),
            renews: "7".into(),
        };
        let terms = form.validate().unwrap();
        assert_eq!(terms.contract_no, "HT-1");
        assert_eq!(terms.line.fen(), 150_500_000);
        assert!(!terms.guarantees.credit_only() && terms.first_loan && terms.renews == Some(7));
        assert_eq!(LoanTermsForm::from_terms(&terms).validate().unwrap(), terms);
    }
}
