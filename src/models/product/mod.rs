//! Loan products: a bank admin's own institution's products, every change kept
//! in a history (`history`); the form's validated terms (`terms`), how a
//! product reads (`display`), and the public catalogue's filtered, sorted,
//! paged query with the applicant it is judged for (`catalogue`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::{DbBackend, DbConn};
use crate::domain::code_list::CodeList;
use crate::domain::product::ProductStatus;
use crate::domain::repayment::RepaymentMethod;
use crate::domain::{Guarantee, Money, Rate};
use crate::models::page::Pager;
use crate::schema::{institutions, needs, products};

mod catalogue;
mod display;
mod estimate;
mod history;
mod terms;

pub use crate::domain::code_list::{unwrap, wrap};
pub use catalogue::{CatalogueFilter, applicant};
pub use estimate::{Estimate, Estimates};
pub use history::{HistoryLine, ProductChange};
pub use terms::ProductTerms;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = products)]
pub struct Product {
    pub id: i64,
    pub institution_id: i64,
    pub name: String,
    pub description: String,
    #[diesel(column_name = amount_min_fen, deserialize_as = i64)]
    pub amount_min: Money,
    #[diesel(column_name = amount_max_fen, deserialize_as = i64)]
    pub amount_max: Money,
    pub term_min_months: i32,
    pub term_max_months: i32,
    #[diesel(deserialize_as = i64)]
    pub rate_min: Rate,
    #[diesel(deserialize_as = i64)]
    pub rate_max: Rate,
    #[diesel(deserialize_as = String)]
    pub guarantees: CodeList<Guarantee>,
    /// Region codes served, as ",a,b,"; empty means every region.
    pub regions: String,
    /// Industry sections served, as ",a,b,"; empty means every industry.
    pub industries: String,
    pub programmes: String,
    pub min_grade: Option<String>,
    pub min_tax_grade: Option<String>,
    pub min_years: i32,
    #[diesel(deserialize_as = String)]
    pub status: ProductStatus,
    pub applications: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = String)]
    pub repayment_methods: CodeList<RepaymentMethod>,
}

impl Product {
    /// Creates a draft with its history line; returns its id.
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
                terms::columns(terms),
                products::status.eq(ProductStatus::Draft.as_str()),
                products::created_at.eq(now),
                products::updated_at.eq(now),
            ))
            .returning(products::id)
            .get_result(conn)?;
        history::record(conn, id, ProductChange::Created, user, now)?;
        Ok(id)
    }

    /// Saves new terms if nobody saved since `version` was read, with the
    /// history line; false on a conflict (or another bank's product).
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
        .set((terms::columns(terms), products::version.eq(version + 1), products::updated_at.eq(now)))
        .execute(conn)?;
        if changed == 1 {
            history::record(conn, id, ProductChange::Updated, user, now)?;
        }
        Ok(changed == 1)
    }

    /// Publishes or withdraws one of the institution's products, with the history line.
    pub fn set_status(
        conn: &mut DbConn,
        id: i64,
        institution_id: i64,
        status: ProductStatus,
        user: Option<i64>,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let target = products::table.find(id).filter(products::institution_id.eq(institution_id));
        let bump = (
            products::status.eq(status.as_str()),
            products::updated_at.eq(now),
            products::version.eq(products::version + 1),
        );
        let changed = if status.is_published() {
            diesel::update(target).set((bump, products::published_at.eq(now))).execute(conn)?
        } else {
            diesel::update(target).set(bump).execute(conn)?
        };
        if changed == 1 {
            let change = if status.is_published() { ProductChange::Published } else { ProductChange::Withdrawn };
            history::record(conn, id, change, user, now)?;
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
            .filter(products::status.eq(ProductStatus::Published.as_str()))
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

    /// The repayment methods an offer by `institution` on this need may name:
    /// those of the product the need was published for, otherwise those of the
    /// institution's published products whose amount range holds the need's
    /// amount. Every method when no such product names one.
    pub fn methods_for_need(conn: &mut DbConn, institution_id: i64, need_id: i64) -> QueryResult<Vec<RepaymentMethod>> {
        let (product_id, amount): (Option<i64>, i64) =
            needs::table.find(need_id).select((needs::product_id, needs::amount_fen)).first(conn)?;
        let mut query = products::table
            .filter(products::institution_id.eq(institution_id))
            .filter(products::status.eq(ProductStatus::Published.as_str()))
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
                .filter(products::status.eq(ProductStatus::Published.as_str())),
        ))
        .get_result(conn)
    }
}
