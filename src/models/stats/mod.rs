//! Reads the facts the statistics count (`domain::stats::facts`) from the
//! market's and the loans' tables, every row once, with the enterprise's
//! dimensions joined in; and keeps computed figures in an exact cache
//! (`snapshot`).

pub mod report;
pub mod scoreboard;
pub mod snapshot;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::clock::beijing;
use crate::db::{DbConn, read_tx};
use crate::domain::code_list::unwrap;
use crate::domain::loan::Guarantees;
use crate::domain::stats::facts::*;
use crate::domain::stats::{Filter, Period, Statistics};
use crate::domain::{Guarantee, Role};
use crate::schema::{drawdowns, enterprises, institutions, loans, needs, offers, products, regions, users};

fn day(at: NaiveDateTime) -> NaiveDate {
    beijing(at).date_naive()
}

fn unknown(what: String) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(what.into())
}

/// A stored code read into its type; an unknown code fails the read.
fn code<T: TryFrom<String, Error = String>>(text: String) -> QueryResult<T> {
    T::try_from(text).map_err(unknown)
}

/// 抵押 before 质押 when a loan took both; 信用 only when credit alone.
pub fn loan_type(guarantees: &Guarantees) -> LoanType {
    let taken = guarantees.taken();
    if guarantees.credit_only() {
        LoanType::Credit
    } else if taken.contains(&Guarantee::Mortgage) {
        LoanType::Mortgage
    } else if taken.contains(&Guarantee::Pledge) {
        LoanType::Pledge
    } else {
        LoanType::Other
    }
}

/// The statistics for `period` under `filter`, from the cache when they
/// still hold (`snapshot`), with the time their facts were read.
pub fn statistics(
    conn: &mut DbConn,
    now: NaiveDateTime,
    period: &Period,
    filter: &Filter,
) -> QueryResult<(Statistics, NaiveDateTime)> {
    snapshot::cached(conn, &snapshot::Subject::statistics(period, filter), now)
}

/// Every fact, read at `as_of` from one consistent snapshot of the database.
pub fn load(conn: &mut DbConn, as_of: NaiveDateTime) -> QueryResult<Facts> {
    read_tx(conn, |conn| {
        let dims = enterprise_dims(conn)?;
        let mut needs = published_needs(conn, &dims)?;
        let offers = offer_facts(conn, &mut needs)?;
        let loans = loan_facts(conn, &dims, &needs)?;
        let drawdowns = drawdown_facts(conn, &loans)?;
        Ok(Facts {
            as_of,
            enterprises: registered(conn, &dims)?,
            needs,
            offers,
            loans,
            drawdowns,
            institutions: institution_facts(conn)?,
            products: product_facts(conn)?,
            regions: regions::table.order(regions::code).select((regions::code, regions::name)).load(conn)?,
        })
    })
}

/// Each enterprise's dimensions, shared by all its facts.
fn enterprise_dims(conn: &mut DbConn) -> QueryResult<HashMap<i64, Arc<Dims>>> {
    let rows: Vec<(i64, String, String, String)> = enterprises::table
        .select((enterprises::id, enterprises::region, enterprises::industry, enterprises::size_class))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, region, industry, size)| (id, Arc::new(Dims { region, industry, size }))).collect())
}

fn dims_of(dims: &HashMap<i64, Arc<Dims>>, enterprise_id: i64) -> QueryResult<Arc<Dims>> {
    dims.get(&enterprise_id).cloned().ok_or_else(|| unknown(format!("enterprise {enterprise_id}")))
}

fn registered(conn: &mut DbConn, dims: &HashMap<i64, Arc<Dims>>) -> QueryResult<Vec<EnterpriseFact>> {
    let rows: Vec<(Option<i64>, NaiveDateTime)> = users::table
        .filter(users::role.eq(Role::Enterprise.as_str()))
        .filter(users::enterprise_id.is_not_null())
        .select((users::enterprise_id, users::created_at))
        .load(conn)?;
    let mut first: HashMap<i64, NaiveDate> = HashMap::new();
    for (enterprise_id, at) in rows {
        let Some(enterprise_id) = enterprise_id else { continue };
        let on = first.entry(enterprise_id).or_insert(day(at));
        *on = (*on).min(day(at));
    }
    let mut facts = first
        .into_iter()
        .map(|(enterprise_id, registered_on)| {
            Ok(EnterpriseFact { enterprise_id, registered_on, dims: dims_of(dims, enterprise_id)? })
        })
        .collect::<QueryResult<Vec<_>>>()?;
    facts.sort_by_key(|f| f.enterprise_id);
    Ok(facts)
}

#[derive(Queryable)]
struct NeedRow {
    id: i64,
    enterprise_id: i64,
    published_at: Option<NaiveDateTime>,
    amount_fen: i64,
    status: String,
    product_id: Option<i64>,
    institution_id: Option<i64>,
}

/// Published needs in id order; their first grabs are filled in by [`offer_facts`].
fn published_needs(conn: &mut DbConn, dims: &HashMap<i64, Arc<Dims>>) -> QueryResult<Vec<NeedFact>> {
    let programmes: HashMap<i64, Arc<[String]>> = products::table
        .select((products::id, products::programmes))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .map(|(id, text)| (id, unwrap(&text).into()))
        .collect();
    let none: Arc<[String]> = Arc::from(Vec::new());
    let rows: Vec<NeedRow> = needs::table
        .filter(needs::published_at.is_not_null())
        .order(needs::id)
        .select((
            needs::id,
            needs::enterprise_id,
            needs::published_at,
            needs::amount_fen,
            needs::status,
            needs::product_id,
            needs::institution_id,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            let published_at = row.published_at.ok_or_else(|| unknown(format!("need {} unpublished", row.id)))?;
            Ok(NeedFact {
                id: row.id,
                enterprise_id: row.enterprise_id,
                dims: dims_of(dims, row.enterprise_id)?,
                published_at,
                published_on: day(published_at),
                amount_fen: row.amount_fen,
                status: code(row.status)?,
                first_grab_at: None,
                institution_id: row.institution_id,
                programmes: row.product_id.and_then(|p| programmes.get(&p)).unwrap_or(&none).clone(),
            })
        })
        .collect()
}

/// The need `id` among `needs` (in id order).
fn need_at(needs: &[NeedFact], id: i64) -> QueryResult<usize> {
    needs.binary_search_by_key(&id, |n| n.id).map_err(|_| unknown(format!("need {id} unpublished")))
}

#[derive(Queryable)]
struct OfferRow {
    id: i64,
    need_id: i64,
    institution_id: i64,
    created_at: NaiveDateTime,
    contact_due: NaiveDateTime,
    contacted_at: Option<NaiveDateTime>,
    accepted_at: Option<NaiveDateTime>,
    decision: Option<String>,
    decided_at: Option<NaiveDateTime>,
    decision_due: Option<NaiveDateTime>,
    approved_on: Option<NaiveDate>,
    approved_amount_fen: Option<i64>,
    approved_rate: Option<i64>,
    decline_reason: Option<String>,
}

/// Every offer, with its need's enterprise and publication; sets each need's first grab.
fn offer_facts(conn: &mut DbConn, needs: &mut [NeedFact]) -> QueryResult<Vec<OfferFact>> {
    let rows: Vec<OfferRow> = offers::table
        .order(offers::id)
        .select((
            offers::id,
            offers::need_id,
            offers::institution_id,
            offers::created_at,
            offers::contact_due,
            offers::contacted_at,
            offers::accepted_at,
            offers::decision,
            offers::decided_at,
            offers::decision_due,
            offers::approved_on,
            offers::approved_amount_fen,
            offers::approved_rate,
            offers::decline_reason,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            let need = &mut needs[need_at(needs, row.need_id)?];
            need.first_grab_at = Some(need.first_grab_at.map_or(row.created_at, |at| at.min(row.created_at)));
            let decision = match row.decision.as_deref() {
                None => None,
                Some("approved") => Some(Decision::Approved),
                Some("declined") => Some(Decision::Declined),
                Some(other) => return Err(unknown(format!("decision {other:?}"))),
            };
            Ok(OfferFact {
                id: row.id,
                need_id: row.need_id,
                institution_id: row.institution_id,
                enterprise_id: need.enterprise_id,
                dims: need.dims.clone(),
                need_published_at: need.published_at,
                need_published_on: need.published_on,
                created_at: row.created_at,
                created_on: day(row.created_at),
                contact_due: row.contact_due,
                contacted_at: row.contacted_at,
                accepted_at: row.accepted_at,
                accepted_on: row.accepted_at.map(day),
                decision,
                decided_at: row.decided_at,
                decided_on: row.decided_at.map(day),
                decision_due: row.decision_due,
                approved_on: row.approved_on,
                approved_amount_fen: row.approved_amount_fen,
                approved_rate: row.approved_rate,
                decline_reason: row.decline_reason,
            })
        })
        .collect()
}

#[derive(Queryable)]
struct LoanRow {
    id: i64,
    offer_id: i64,
    need_id: i64,
    enterprise_id: i64,
    institution_id: i64,
    institution_kind: String,
    approved_on: Option<NaiveDate>,
    signed_on: NaiveDate,
    rate: i64,
    credit_only: bool,
    guarantees: String,
    first_loan: bool,
    renewal: bool,
    status: String,
    classification: String,
    outstanding_fen: i64,
}

/// Every loan in id order.
fn loan_facts(conn: &mut DbConn, dims: &HashMap<i64, Arc<Dims>>, needs: &[NeedFact]) -> QueryResult<Vec<LoanFact>> {
    let rows: Vec<LoanRow> = loans::table
        .inner_join(offers::table)
        .inner_join(institutions::table)
        .order(loans::id)
        .select((
            loans::id,
            loans::offer_id,
            offers::need_id,
            loans::enterprise_id,
            loans::institution_id,
            institutions::kind,
            offers::approved_on,
            loans::signed_on,
            loans::rate,
            loans::credit_only,
            loans::guarantees,
            loans::first_loan,
            loans::renewal,
            loans::status,
            loans::classification,
            loans::outstanding_fen,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            let guarantees = Guarantees::parse(&row.guarantees)
                .ok_or_else(|| unknown(format!("guarantees {:?}", row.guarantees)))?;
            Ok(LoanFact {
                id: row.id,
                offer_id: row.offer_id,
                need_id: row.need_id,
                enterprise_id: row.enterprise_id,
                institution_id: row.institution_id,
                institution_kind: code(row.institution_kind)?,
                dims: dims_of(dims, row.enterprise_id)?,
                need_published_on: needs[need_at(needs, row.need_id)?].published_on,
                approved_on: row.approved_on.unwrap_or(row.signed_on),
                signed_on: row.signed_on,
                rate: row.rate,
                credit_only: row.credit_only,
                loan_type: loan_type(&guarantees),
                first_loan: row.first_loan,
                renewal: row.renewal,
                status: code(row.status)?,
                classification: code(row.classification)?,
                outstanding_fen: row.outstanding_fen,
            })
        })
        .collect()
}

/// Every drawdown, each loan's in value-date order, pointing at its loan.
fn drawdown_facts(conn: &mut DbConn, loans: &[LoanFact]) -> QueryResult<Vec<DrawdownFact>> {
    let rows: Vec<(i64, NaiveDate, i64)> = drawdowns::table
        .order((drawdowns::loan_id, drawdowns::value_date, drawdowns::id))
        .select((drawdowns::loan_id, drawdowns::value_date, drawdowns::amount_fen))
        .load(conn)?;
    let mut facts = Vec::with_capacity(rows.len());
    let mut previous = None;
    for (loan_id, value_date, amount_fen) in rows {
        let Ok(loan) = loans.binary_search_by_key(&loan_id, |l| l.id) else { continue };
        facts.push(DrawdownFact { loan, value_date, amount_fen, first_of_loan: previous != Some(loan_id) });
        previous = Some(loan_id);
    }
    Ok(facts)
}

fn institution_facts(conn: &mut DbConn) -> QueryResult<Vec<InstitutionFact>> {
    let rows: Vec<(i64, String, String, String, NaiveDateTime)> = institutions::table
        .order(institutions::id)
        .select((
            institutions::id,
            institutions::name,
            institutions::kind,
            institutions::uscc,
            institutions::created_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, name, kind, uscc, created_at)| {
            Ok(InstitutionFact { id, name, kind: code(kind)?, uscc, joined_on: day(created_at) })
        })
        .collect()
}

fn product_facts(conn: &mut DbConn) -> QueryResult<Vec<ProductFact>> {
    let rows: Vec<(i64, NaiveDateTime, String)> = products::table
        .filter(products::published_at.is_not_null())
        .select((products::institution_id, products::published_at.assume_not_null(), products::programmes))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(institution_id, at, programmes)| ProductFact {
            institution_id,
            published_on: day(at),
            programmes: unwrap(&programmes),
        })
        .collect())
}
