//! Reads the facts the statistics count (`domain::stats::facts`) from the
//! market's and the loans' tables, every row once, with the enterprise's
//! dimensions joined in; and keeps computed figures in an exact cache
//! (`snapshot`).

pub mod report;
pub mod scoreboard;
pub mod snapshot;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::clock::beijing;
use crate::db::DbConn;
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

fn dims((region, industry, size): (String, String, String)) -> Dims {
    Dims { region, industry, size }
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
    let key = format!("statistics:{}:{}", period.code(), filter.code());
    snapshot::cached(conn, &key, now, |c| Ok(Statistics::compute(&load(c, now)?, period, filter)))
}

type DimColumns = (enterprises::region, enterprises::industry, enterprises::size_class);
const DIMS: DimColumns = (enterprises::region, enterprises::industry, enterprises::size_class);

/// Every fact, read at `as_of`.
pub fn load(conn: &mut DbConn, as_of: NaiveDateTime) -> QueryResult<Facts> {
    Ok(Facts {
        as_of,
        enterprises: registered(conn)?,
        needs: published_needs(conn)?,
        offers: offer_facts(conn)?,
        loans: Vec::new(),
        drawdowns: Vec::new(),
        institutions: institution_facts(conn)?,
        products: product_facts(conn)?,
        regions: regions::table.order(regions::code).select((regions::code, regions::name)).load(conn)?,
    })
    .and_then(|facts| with_loans(conn, facts))
}

fn registered(conn: &mut DbConn) -> QueryResult<Vec<EnterpriseFact>> {
    let rows: Vec<(i64, NaiveDateTime, (String, String, String))> = users::table
        .inner_join(enterprises::table)
        .filter(users::role.eq(Role::Enterprise.as_str()))
        .select((enterprises::id, users::created_at, DIMS))
        .load(conn)?;
    let mut first: HashMap<i64, EnterpriseFact> = HashMap::new();
    for (enterprise_id, at, d) in rows {
        let on = day(at);
        let fact =
            first.entry(enterprise_id).or_insert(EnterpriseFact { enterprise_id, registered_on: on, dims: dims(d) });
        fact.registered_on = fact.registered_on.min(on);
    }
    let mut facts: Vec<_> = first.into_values().collect();
    facts.sort_by_key(|f| f.enterprise_id);
    Ok(facts)
}

// The rows are read as diesel's tuples, one field per selected column.
#[allow(clippy::type_complexity)]
fn published_needs(conn: &mut DbConn) -> QueryResult<Vec<NeedFact>> {
    let first_grabs: HashMap<i64, NaiveDateTime> = offers::table
        .group_by(offers::need_id)
        .select((offers::need_id, diesel::dsl::min(offers::created_at)))
        .load::<(i64, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .filter_map(|(id, at)| at.map(|at| (id, at)))
        .collect();
    let rows: Vec<(i64, i64, (String, String, String), NaiveDateTime, i64, String, Option<i64>, Option<String>)> =
        needs::table
            .inner_join(enterprises::table)
            .left_join(products::table)
            .filter(needs::published_at.is_not_null())
            .order(needs::id)
            .select((
                needs::id,
                needs::enterprise_id,
                DIMS,
                needs::published_at.assume_not_null(),
                needs::amount_fen,
                needs::status,
                needs::institution_id,
                products::programmes.nullable(),
            ))
            .load(conn)?;
    rows.into_iter()
        .map(|(id, enterprise_id, d, published_at, amount_fen, status, institution_id, programmes)| {
            Ok(NeedFact {
                id,
                enterprise_id,
                dims: dims(d),
                published_at,
                published_on: day(published_at),
                amount_fen,
                status: code(status)?,
                first_grab_at: first_grabs.get(&id).copied(),
                institution_id,
                programmes: programmes.map(|p| unwrap(&p)).unwrap_or_default(),
            })
        })
        .collect()
}

// The rows are read as diesel's tuples, one field per selected column.
#[allow(clippy::type_complexity)]
fn offer_facts(conn: &mut DbConn) -> QueryResult<Vec<OfferFact>> {
    type Times = (NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>);
    type Decided = (Option<String>, Option<NaiveDateTime>, Option<NaiveDateTime>, Option<NaiveDate>);
    type Approved = (Option<i64>, Option<i64>, Option<String>);
    let rows: Vec<(i64, i64, i64, i64, (String, String, String), NaiveDateTime, Times, Decided, Approved)> =
        offers::table
            .inner_join(needs::table.inner_join(enterprises::table))
            .order(offers::id)
            .select((
                offers::id,
                offers::need_id,
                offers::institution_id,
                needs::enterprise_id,
                DIMS,
                needs::published_at.assume_not_null(),
                (offers::created_at, offers::contact_due, offers::contacted_at, offers::accepted_at),
                (offers::decision, offers::decided_at, offers::decision_due, offers::approved_on),
                (offers::approved_amount_fen, offers::approved_rate, offers::decline_reason),
            ))
            .load(conn)?;
    rows.into_iter()
        .map(|(id, need_id, institution_id, enterprise_id, d, need_published_at, times, decided, approved)| {
            let (created_at, contact_due, contacted_at, accepted_at) = times;
            let (decision, decided_at, decision_due, approved_on) = decided;
            let decision = match decision.as_deref() {
                None => None,
                Some("approved") => Some(Decision::Approved),
                Some("declined") => Some(Decision::Declined),
                Some(other) => return Err(unknown(format!("decision {other:?}"))),
            };
            Ok(OfferFact {
                id,
                need_id,
                institution_id,
                enterprise_id,
                dims: dims(d),
                need_published_at,
                need_published_on: day(need_published_at),
                created_at,
                created_on: day(created_at),
                contact_due,
                contacted_at,
                accepted_at,
                accepted_on: accepted_at.map(day),
                decision,
                decided_at,
                decided_on: decided_at.map(day),
                decision_due,
                approved_on,
                approved_amount_fen: approved.0,
                approved_rate: approved.1,
                decline_reason: approved.2,
            })
        })
        .collect()
}

// The rows are read as diesel's tuples, one field per selected column.
#[allow(clippy::type_complexity)]
fn with_loans(conn: &mut DbConn, mut facts: Facts) -> QueryResult<Facts> {
    type Flags = (i64, bool, String, bool, bool);
    type Standing = (String, String, i64);
    let rows: Vec<(
        i64,
        i64,
        i64,
        i64,
        i64,
        String,
        (String, String, String),
        NaiveDateTime,
        Option<NaiveDate>,
        NaiveDate,
        Flags,
        Standing,
    )> = loans::table
        .inner_join(offers::table.inner_join(needs::table.inner_join(enterprises::table)))
        .inner_join(institutions::table)
        .order(loans::id)
        .select((
            loans::id,
            loans::offer_id,
            offers::need_id,
            loans::enterprise_id,
            loans::institution_id,
            institutions::kind,
            DIMS,
            needs::published_at.assume_not_null(),
            offers::approved_on,
            loans::signed_on,
            (loans::rate, loans::credit_only, loans::guarantees, loans::first_loan, loans::renewal),
            (loans::status, loans::classification, loans::outstanding_fen),
        ))
        .load(conn)?;
    let mut index = HashMap::new();
    for (
        id,
        offer_id,
        need_id,
        enterprise_id,
        institution_id,
        kind,
        d,
        published_at,
        approved_on,
        signed_on,
        flags,
        standing,
    ) in rows
    {
        let (rate, credit_only, guarantees, first_loan, renewal) = flags;
        let guarantees = Guarantees::parse(&guarantees).ok_or_else(|| unknown(format!("guarantees {guarantees:?}")))?;
        index.insert(id, facts.loans.len());
        facts.loans.push(LoanFact {
            id,
            offer_id,
            need_id,
            enterprise_id,
            institution_id,
            institution_kind: code(kind)?,
            dims: dims(d),
            need_published_on: day(published_at),
            approved_on: approved_on.unwrap_or(signed_on),
            signed_on,
            rate,
            credit_only,
            loan_type: loan_type(&guarantees),
            first_loan,
            renewal,
            status: code(standing.0)?,
            classification: code(standing.1)?,
            outstanding_fen: standing.2,
        });
    }
    let rows: Vec<(i64, NaiveDate, i64)> = drawdowns::table
        .order((drawdowns::loan_id, drawdowns::value_date, drawdowns::id))
        .select((drawdowns::loan_id, drawdowns::value_date, drawdowns::amount_fen))
        .load(conn)?;
    let mut previous = None;
    for (loan_id, value_date, amount_fen) in rows {
        let Some(&loan) = index.get(&loan_id) else { continue };
        facts.drawdowns.push(DrawdownFact { loan, value_date, amount_fen, first_of_loan: previous != Some(loan_id) });
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
