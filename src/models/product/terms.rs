//! A product's terms as the form edits them and the history keeps them (the
//! snapshot's JSON shape stays stable), and the columns they are written to.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Product, unwrap, wrap};
use crate::domain::credit::Grade;
use crate::domain::product::Criteria;
use crate::domain::records::TaxGrade;
use crate::schema::products;

/// The product's terms, validated; what the form edits and the history keeps.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductTerms {
    pub name: String,
    pub description: String,
    pub amount_min_fen: i64,
    pub amount_max_fen: i64,
    pub term_min_months: i32,
    pub term_max_months: i32,
    pub rate_min: i64,
    pub rate_max: i64,
    pub guarantees: Vec<String>,
    pub regions: Vec<String>,
    pub industries: Vec<String>,
    pub programmes: Vec<String>,
    pub min_grade: Option<String>,
    pub min_tax_grade: Option<String>,
    pub min_years: i32,
    /// Codes of `RepaymentMethod`, in its order; the form asks for at least one.
    #[serde(default)]
    pub repayment_methods: Vec<String>,
}

impl Product {
    pub fn terms(&self) -> ProductTerms {
        ProductTerms {
            name: self.name.clone(),
            description: self.description.clone(),
            amount_min_fen: self.amount_min.fen(),
            amount_max_fen: self.amount_max.fen(),
            term_min_months: self.term_min_months,
            term_max_months: self.term_max_months,
            rate_min: self.rate_min.units(),
            rate_max: self.rate_max.units(),
            guarantees: self.guarantees.codes(),
            regions: unwrap(&self.regions),
            industries: unwrap(&self.industries),
            programmes: unwrap(&self.programmes),
            min_grade: self.min_grade.clone(),
            min_tax_grade: self.min_tax_grade.clone(),
            min_years: self.min_years,
            repayment_methods: self.repayment_methods.codes(),
        }
    }

    /// Who the product is for, as the eligibility rules read it.
    pub fn criteria(&self) -> Criteria {
        Criteria {
            regions: unwrap(&self.regions),
            industries: unwrap(&self.industries),
            min_grade: self.min_grade.as_deref().and_then(Grade::parse),
            min_tax_grade: self.min_tax_grade.as_deref().and_then(TaxGrade::parse),
            min_years: self.min_years,
            amount_max: self.amount_max,
        }
    }
}

/// The product table's columns for a set of terms.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = products, treat_none_as_null = true)]
pub(super) struct Columns {
    name: String,
    description: String,
    amount_min_fen: i64,
    amount_max_fen: i64,
    term_min_months: i32,
    term_max_months: i32,
    rate_min: i64,
    rate_max: i64,
    guarantees: String,
    regions: String,
    industries: String,
    programmes: String,
    min_grade: Option<String>,
    min_tax_grade: Option<String>,
    min_years: i32,
    repayment_methods: String,
}

pub(super) fn columns(t: &ProductTerms) -> Columns {
    Columns {
        name: t.name.clone(),
        description: t.description.clone(),
        amount_min_fen: t.amount_min_fen,
        amount_max_fen: t.amount_max_fen,
        term_min_months: t.term_min_months,
        term_max_months: t.term_max_months,
        rate_min: t.rate_min,
        rate_max: t.rate_max,
        guarantees: wrap(&t.guarantees),
        regions: wrap(&t.regions),
        industries: wrap(&t.industries),
        programmes: wrap(&t.programmes),
        min_grade: t.min_grade.clone(),
        min_tax_grade: t.min_tax_grade.clone(),
        min_years: t.min_years,
        repayment_methods: wrap(&t.repayment_methods),
    }
}
