//! The claims lists: one filtered query (`Filter`) behind the page of
//! claims, its count for the pager, the count of each state above the list,
//! and the names and item counts a page's lines show.

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::{Claim, Filter};
use crate::db::DbConn;
use crate::domain::fund::ClaimStatus;
use crate::models::page::Pager;
use crate::schema::{fund_claim_items, fund_claims, funds, institutions};

type Backend = <DbConn as diesel::Connection>::Backend;

/// The claims under `filter`, unordered.
fn filtered(filter: &Filter) -> fund_claims::BoxedQuery<'static, Backend> {
    let mut query = fund_claims::table.into_boxed();
    if let Some(i) = filter.institution {
        query = query.filter(fund_claims::institution_id.eq(i));
    }
    if let Some(s) = filter.status {
        query = query.filter(fund_claims::status.eq(s.as_str()));
    }
    if let Some(f) = filter.fund {
        query = query.filter(fund_claims::fund_id.eq(f));
    }
    if let Some(from) = filter.from {
        query = query.filter(fund_claims::submitted_at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(fund_claims::submitted_at.lt(to));
    }
    query
}

/// A claim as a list shows it: with its fund's and its bank's names and how many drawdowns it claims.
#[derive(Clone, Debug)]
pub struct ListLine {
    pub claim: Claim,
    pub fund: String,
    pub bank: String,
    pub items: i64,
}

impl Claim {
    /// The claims under `filter`, newest first.
    pub fn list(conn: &mut DbConn, filter: &Filter, limit: i64, offset: i64) -> QueryResult<Vec<Claim>> {
        filtered(filter).order(fund_claims::id.desc()).limit(limit).offset(offset).select(Claim::as_select()).load(conn)
    }

    /// How many claims `filter` lets through.
    pub fn count(conn: &mut DbConn, filter: &Filter) -> QueryResult<i64> {
        filtered(filter).count().get_result(conn)
    }

    /// Page `page` of the claims under `filter`, `per_page` lines long, newest first.
    pub fn page(
        conn: &mut DbConn,
        filter: &Filter,
        page: Option<i64>,
        per_page: i64,
    ) -> QueryResult<(Vec<ListLine>, Pager)> {
        let pager = Pager::new(page, per_page, Claim::count(conn, filter)?);
        let claims = Claim::list(conn, filter, pager.per_page, pager.offset())?;
        let ids: Vec<i64> = claims.iter().map(|c| c.id).collect();
        let items: BTreeMap<i64, i64> = fund_claim_items::table
            .filter(fund_claim_items::claim_id.eq_any(&ids))
            .group_by(fund_claim_items::claim_id)
            .select((fund_claim_items::claim_id, diesel::dsl::count_star()))
            .load::<(i64, i64)>(conn)?
            .into_iter()
            .collect();
        let fund_names: BTreeMap<i64, String> = funds::table
            .filter(funds::id.eq_any(claims.iter().map(|c| c.fund_id).collect::<Vec<_>>()))
            .select((funds::id, funds::name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect();
        let bank_names: BTreeMap<i64, String> = institutions::table
            .filter(institutions::id.eq_any(claims.iter().map(|c| c.institution_id).collect::<Vec<_>>()))
            .select((institutions::id, institutions::name))
            .load::<(i64, String)>(conn)?
            .into_iter()
            .collect();
        let lines = claims
            .into_iter()
            .map(|claim| ListLine {
                fund: fund_names.get(&claim.fund_id).cloned().unwrap_or_default(),
                bank: bank_names.get(&claim.institution_id).cloned().unwrap_or_default(),
                items: items.get(&claim.id).copied().unwrap_or_default(),
                claim,
            })
            .collect();
        Ok((lines, pager))
    }

    /// The claims of each state under `filter` (its own state filter set aside), in `ClaimStatus::ALL`'s order.
    pub fn count_by_status(conn: &mut DbConn, filter: &Filter) -> QueryResult<Vec<(ClaimStatus, i64)>> {
        let all = Filter { status: None, ..filter.clone() };
        // Counted here: a boxed query has no GROUP BY, and a list of claims stays short.
        let mut rows: BTreeMap<String, i64> = BTreeMap::new();
        for status in filtered(&all).select(fund_claims::status).load::<String>(conn)? {
            *rows.entry(status).or_default() += 1;
        }
        Ok(ClaimStatus::ALL.into_iter().map(|s| (s, rows.get(s.as_str()).copied().unwrap_or_default())).collect())
    }
}
