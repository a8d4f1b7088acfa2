//! The public catalogue (金融超市): published products matching the filters
//! in the URL, sorted, one page; and the enterprise as the eligibility rules see it.

use diesel::prelude::*;
use serde::Deserialize;

use super::Product;
use crate::db::{DbBackend, DbConn};
use crate::domain::Money;
use crate::domain::credit::Grade;
use crate::domain::product::{Applicant, ProductStatus};
use crate::domain::records::TaxGrade;
use crate::models::page::Pager;
use crate::schema::{institutions, products};

/// The catalogue's filters, all in the URL so that a search can be shared.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CatalogueFilter {
    /// Amount wanted, in 万元.
    #[serde(default)]
    pub amount: String,
    #[serde(default, deserialize_with = "crate::models::page::empty_as_none")]
    pub term: Option<i32>,
    #[serde(default)]
    pub guarantee: String,
    #[serde(default, deserialize_with = "crate::models::page::empty_as_none")]
    pub institution: Option<i64>,
    #[serde(default)]
    pub programme: String,
    #[serde(default)]
    pub region: String,
    /// rate (default), popular or newest
    #[serde(default)]
    pub sort: String,
    #[serde(default, deserialize_with = "crate::models::page::empty_as_none")]
    pub page: Option<i64>,
}

impl CatalogueFilter {
    /// The amount wanted in fen, from 万元 with up to two decimals.
    pub fn amount_fen(&self) -> Option<i64> {
        Money::parse_wan(&self.amount).map(Money::fen)
    }
}

/// A member of a ",a,b," column, for `LIKE`: the wildcards and separator taken out.
fn member(value: &str) -> String {
    format!("%,{},%", value.replace(['%', '_', ','], ""))
}

impl Product {
    /// Every published product with its institution's name, the lowest rate first.
    pub fn all_published(conn: &mut DbConn) -> QueryResult<Vec<(Product, String)>> {
        products::table
            .inner_join(institutions::table)
            .filter(products::status.eq(ProductStatus::Published.as_str()))
            .order(products::rate_min)
            .select((Product::as_select(), institutions::name))
            .load(conn)
    }

    /// The public catalogue: published products matching `filter`, sorted, one page.
    pub fn catalogue(
        conn: &mut DbConn,
        filter: &CatalogueFilter,
        per_page: i64,
    ) -> QueryResult<(Vec<(Product, String)>, Pager)> {
        let query = || {
            let mut query = products::table
                .inner_join(institutions::table)
                .filter(products::status.eq(ProductStatus::Published.as_str()))
                .into_boxed::<DbBackend>();
            if let Some(amount) = filter.amount_fen() {
                query = query.filter(products::amount_min_fen.le(amount).and(products::amount_max_fen.ge(amount)));
            }
            if let Some(term) = filter.term {
                query = query.filter(products::term_min_months.le(term).and(products::term_max_months.ge(term)));
            }
            if !filter.guarantee.is_empty() {
                query = query.filter(products::guarantees.like(member(&filter.guarantee)));
            }
            if let Some(institution) = filter.institution {
                query = query.filter(products::institution_id.eq(institution));
            }
            if !filter.programme.is_empty() {
                query = query.filter(products::programmes.like(member(&filter.programme)));
            }
            if !filter.region.is_empty() {
                query = query.filter(products::regions.eq("").or(products::regions.like(member(&filter.region))));
            }
            query
        };
        let pager = Pager::new(filter.page, per_page, query().count().get_result(conn)?);
        let sorted = match filter.sort.as_str() {
            "popular" => query().order((products::applications.desc(), products::id)),
            "newest" => query().order((products::published_at.desc(), products::id.desc())),
            _ => query().order((products::rate_min, products::id)),
        };
        let rows = sorted
            .offset(pager.offset())
            .limit(pager.per_page)
            .select((Product::as_select(), institutions::name))
            .load(conn)?;
        Ok((rows, pager))
    }
}

/// The enterprise as eligibility rules see it, from its record, its latest
/// evaluation and its latest tax year.
pub fn applicant(conn: &mut DbConn, enterprise_id: i64) -> QueryResult<Applicant> {
    use crate::schema::{credit_evaluations, enterprises, tax_records};
    let (uscc, region, industry, capital, established_on): (String, String, String, i64, chrono::NaiveDate) =
        enterprises::table
            .find(enterprise_id)
            .select((
                enterprises::uscc,
                enterprises::region,
                enterprises::industry,
                enterprises::registered_capital_fen,
                enterprises::established_on,
            ))
            .first(conn)?;
    let evaluation: Option<(String, bool)> = credit_evaluations::table
        .find(&uscc)
        .select((credit_evaluations::grade, credit_evaluations::dishonest))
        .first(conn)
        .optional()?;
    let tax: Option<(String, i64)> = tax_records::table
        .filter(tax_records::uscc.eq(&uscc))
        .order(tax_records::year.desc())
        .select((tax_records::tax_grade, tax_records::revenue_fen))
        .first(conn)
        .optional()?;
    Ok(Applicant {
        region,
        industry,
        grade: evaluation.as_ref().and_then(|(g, _)| Grade::parse(g)),
        dishonest: evaluation.is_some_and(|(_, d)| d),
        latest_tax_grade: tax.as_ref().and_then(|(g, _)| TaxGrade::parse(g)),
        latest_revenue: tax.map(|(_, r)| Money::from_fen(r)),
        registered_capital: Money::from_fen(capital),
        established_on,
    })
}
