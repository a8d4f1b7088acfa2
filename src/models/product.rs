//! Loan products: a bank admin's own institution's products, every change kept
//! in a history; the public catalogue's filtered, sorted, paged query.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::{DbBackend, DbConn};
use crate::domain::credit::Grade;
use crate::domain::product::Criteria;
use crate::domain::records::TaxGrade;
use crate::domain::repayment::RepaymentMethod;
use crate::domain::{Money, Rate};
use crate::models::page::Pager;
use crate::schema::{institutions, needs, product_history, products, users};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = products)]
pub struct Product {
    pub id: i64,
    pub institution_id: i64,
    pub name: String,
    pub description: String,
    pub amount_min_fen: i64,
    pub amount_max_fen: i64,
    pub term_min_months: i32,
    pub term_max_months: i32,
    pub rate_min: i64,
    pub rate_max: i64,
    pub guarantees: String,
    pub regions: String,
    pub industries: String,
    pub programmes: String,
    pub min_grade: Option<String>,
    pub min_tax_grade: Option<String>,
    pub min_years: i32,
    pub status: String,
    pub applications: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub repayment_methods: String,
}

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

/// ",a,b," so that `LIKE '%,a,%'` finds a member; empty stays empty (= all).
pub fn wrap(items: &[String]) -> String {
    if items.is_empty() { String::new() } else { format!(",{},", items.join(",")) }
}

pub fn unwrap(list: &str) -> Vec<String> {
    list.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect()
}

impl Product {
    pub fn terms(&self) -> ProductTerms {
        ProductTerms {
            name: self.name.clone(),
            description: self.description.clone(),
            amount_min_fen: self.amount_min_fen,
            amount_max_fen: self.amount_max_fen,
            term_min_months: self.term_min_months,
            term_max_months: self.term_max_months,
            rate_min: self.rate_min,
            rate_max: self.rate_max,
            guarantees: unwrap(&self.guarantees),
            regions: unwrap(&self.regions),
            industries: unwrap(&self.industries),
            programmes: unwrap(&self.programmes),
            min_grade: self.min_grade.clone(),
            min_tax_grade: self.min_tax_grade.clone(),
            min_years: self.min_years,
            repayment_methods: unwrap(&self.repayment_methods),
        }
    }

    /// The repayment methods the product offers, in their usual order.
    pub fn methods(&self) -> Vec<RepaymentMethod> {
        RepaymentMethod::from_codes(&unwrap(&self.repayment_methods))
    }

    pub fn method_labels(&self) -> Vec<&'static str> {
        self.methods().into_iter().map(RepaymentMethod::label).collect()
    }

    pub fn criteria(&self) -> Criteria {
        Criteria {
            regions: unwrap(&self.regions),
            industries: unwrap(&self.industries),
            min_grade: self.min_grade.as_deref().and_then(Grade::parse),
            min_tax_grade: self.min_tax_grade.as_deref().and_then(TaxGrade::parse),
            min_years: self.min_years,
            amount_max: Money::from_fen(self.amount_max_fen),
        }
    }

    pub fn amount_text(&self) -> String {
        let (low, high) = (Money::from_fen(self.amount_min_fen), Money::from_fen(self.amount_max_fen));
        format!("{} – {}", low.wan_text().trim_end_matches(" 万元"), high.wan_text())
    }

    pub fn rate_text(&self) -> String {
        let (low, high) = (Rate::from_units(self.rate_min), Rate::from_units(self.rate_max));
        if low == high { format!("年化 {low}") } else { format!("年化 {low} – {high}") }
    }

    pub fn term_text(&self) -> String {
        if self.term_min_months == self.term_max_months {
            format!("{} 个月", self.term_min_months)
        } else {
            format!("{} – {} 个月", self.term_min_months, self.term_max_months)
        }
    }

    pub fn guarantee_labels(&self) -> Vec<&'static str> {
        unwrap(&self.guarantees).iter().map(|g| crate::domain::product::guarantee_label(g)).collect()
    }

    pub fn programme_list(&self) -> Vec<String> {
        unwrap(&self.programmes)
    }

    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "draft" => "草稿",
            "published" => "已发布",
            _ => "已下架",
        }
    }

    fn record(conn: &mut DbConn, id: i64, action: &str, user: Option<i64>, now: NaiveDateTime) -> QueryResult<()> {
        let product = products::table.find(id).select(Product::as_select()).first(conn)?;
        let snapshot =
            serde_json::json!({ "status": product.status, "version": product.version, "terms": product.terms() });
        diesel::insert_into(product_history::table)
            .values((
                product_history::product_id.eq(id),
                product_history::action.eq(action),
                product_history::snapshot.eq(snapshot.to_string()),
                product_history::changed_by.eq(user),
                product_history::changed_at.eq(now),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Creates a draft; returns its id.
    pub fn create(
        conn: &mut DbConn,
        institution_id: i64,
        terms: &ProductTerms,
        user: Option<i64>,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        let id = diesel::insert_into(products::table)
            .values((
                products::institution_id.eq(institution_id),
                columns(terms),
                products::status.eq("draft"),
                products::created_at.eq(now),
                products::updated_at.eq(now),
            ))
            .returning(products::id)
            .get_result(conn)?;
        Product::record(conn, id, "created", user, now)?;
        Ok(id)
    }

    /// Saves new terms if nobody saved since `version` was read; false on a conflict.
    pub fn update(
        conn: &mut DbConn,
        id: i64,
        institution_id: i64,
        version: i32,
        terms: &ProductTerms,
        user: Option<i64>,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let changed = diesel::update(
            products::table
                .find(id)
                .filter(products::institution_id.eq(institution_id))
                .filter(products::version.eq(version)),
        )
        .set((columns(terms), products::version.eq(version + 1), products::updated_at.eq(now)))
        .execute(conn)?;
        if changed == 1 {
            Product::record(conn, id, "updated", user, now)?;
        }
        Ok(changed == 1)
    }

    /// Publishes or withdraws one of the institution's products.
    pub fn set_status(
        conn: &mut DbConn,
        id: i64,
        institution_id: i64,
        status: &str,
        user: Option<i64>,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let target = products::table.find(id).filter(products::institution_id.eq(institution_id));
        let changed = if status == "published" {
            diesel::update(target)
                .set((
                    products::status.eq(status),
                    products::published_at.eq(now),
                    products::updated_at.eq(now),
                    products::version.eq(products::version + 1),
                ))
                .execute(conn)?
        } else {
            diesel::update(target)
                .set((
                    products::status.eq(status),
                    products::updated_at.eq(now),
                    products::version.eq(products::version + 1),
                ))
                .execute(conn)?
        };
        if changed == 1 {
            Product::record(conn, id, status, user, now)?;
        }
        Ok(changed == 1)
    }

    /// One of the institution's own products, whatever its status; None for another bank's.
    pub fn find_own(conn: &mut DbConn, id: i64, institution_id: i64) -> QueryResult<Option<Product>> {
        products::table
            .find(id)
            .filter(products::institution_id.eq(institution_id))
            .select(Product::as_select())
            .first(conn)
            .optional()
    }

    pub fn find_published(conn: &mut DbConn, id: i64) -> QueryResult<Option<(Product, String)>> {
        products::table
            .inner_join(institutions::table)
            .filter(products::id.eq(id))
            .filter(products::status.eq("published"))
            .select((Product::as_select(), institutions::name))
            .first(conn)
            .optional()
    }

    /// One page of the institution's products, the latest changed first.
    pub fn page_of_institution(
        conn: &mut DbConn,
        institution_id: i64,
        page: Option<i64>,
        per_page: i64,
    ) -> QueryResult<(Vec<Product>, Pager)> {
        let total = products::table.filter(products::institution_id.eq(institution_id)).count().get_result(conn)?;
        let pager = Pager::new(page, per_page, total);
        let rows = products::table
            .filter(products::institution_id.eq(institution_id))
            .order((products::updated_at.desc(), products::id.desc()))
            .offset(pager.offset())
            .limit(pager.per_page)
            .select(Product::as_select())
            .load(conn)?;
        Ok((rows, pager))
    }

    pub fn all_published(conn: &mut DbConn) -> QueryResult<Vec<(Product, String)>> {
        products::table
            .inner_join(institutions::table)
            .filter(products::status.eq("published"))
            .order(products::rate_min)
            .select((Product::as_select(), institutions::name))
            .load(conn)
    }

    /// The change history, newest first, with who changed it.
    pub fn history(conn: &mut DbConn, id: i64) -> QueryResult<Vec<(String, NaiveDateTime, Option<String>)>> {
        product_history::table
            .left_join(users::table.on(users::id.nullable().eq(product_history::changed_by)))
            .filter(product_history::product_id.eq(id))
            .order(product_history::id.desc())
            .select((product_history::action, product_history::changed_at, users::display_name.nullable()))
            .load(conn)
    }

    /// The repayment methods an offer by `institution` on this need may name:
    /// those of the product the need was published for, otherwise those of the
    /// institution's published products whose amount range holds the need's
    /// amount. Every method when no such product names one.
    pub fn methods_for_need(conn: &mut DbConn, institution_id: i64, need_id: i64) -> QueryResult<Vec<RepaymentMethod>> {
        let (product_id, amount): (Option<i64>, i64) =
            needs::table.find(need_id).select((needs::product_id, needs::amount_fen)).first(conn)?;
        let mut query = products::table
            .filter(products::institution_id.eq(institution_id))
            .filter(products::status.eq("published"))
            .into_boxed::<DbBackend>();
        query = match product_id {
            Some(id) => query.filter(products::id.eq(id)),
            None => query.filter(products::amount_min_fen.le(amount)).filter(products::amount_max_fen.ge(amount)),
        };
        let lists: Vec<String> = query.select(products::repayment_methods).load(conn)?;
        let methods = RepaymentMethod::from_codes(&lists.iter().flat_map(|l| unwrap(l)).collect::<Vec<_>>());
        Ok(if methods.is_empty() { RepaymentMethod::ALL.to_vec() } else { methods })
    }

    pub fn has_published(conn: &mut DbConn, institution_id: i64) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            products::table
                .filter(products::institution_id.eq(institution_id))
                .filter(products::status.eq("published")),
        ))
        .get_result(conn)
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
                .filter(products::status.eq("published"))
                .into_boxed::<DbBackend>();
            if let Some(amount) = filter.amount_fen() {
                query = query.filter(products::amount_min_fen.le(amount).and(products::amount_max_fen.ge(amount)));
            }
            if let Some(term) = filter.term {
                query = query.filter(products::term_min_months.le(term).and(products::term_max_months.ge(term)));
            }
            if !filter.guarantee.is_empty() {
                query = query.filter(
                    products::guarantees.like(format!("%,{},%", filter.guarantee.replace(['%', '_', ','], ""))),
                );
            }
            if let Some(institution) = filter.institution {
                query = query.filter(products::institution_id.eq(institution));
            }
            if !filter.programme.is_empty() {
                query = query.filter(
                    products::programmes.like(format!("%,{},%", filter.programme.replace(['%', '_', ','], ""))),
                );
            }
            if !filter.region.is_empty() {
                let region = filter.region.replace(['%', '_', ','], "");
                query = query.filter(products::regions.eq("").or(products::regions.like(format!("%,{region},%"))));
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

/// The product table's columns for a set of terms.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = products, treat_none_as_null = true)]
struct Columns {
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

fn columns(t: &ProductTerms) -> Columns {
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

/// The enterprise as eligibility rules see it, from its record, its latest
/// evaluation and its latest tax year.
pub fn applicant(conn: &mut DbConn, enterprise_id: i64) -> QueryResult<crate::domain::product::Applicant> {
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
    Ok(crate::domain::product::Applicant {
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
