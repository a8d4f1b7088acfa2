//! A programme's quarterly batch (贴息批次): what its computation reads (the
//! interest paid on every loan in the quarter, with the loan's rate, its
//! enterprise's size and its product; what approved batches already gave),
//! one query per table whatever the number of loans; writing or replacing
//! its lines; the guarded approval.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::code_list::unwrap;
use crate::domain::subsidy::{BatchStatus, Candidate, Line};
use crate::schema::{enterprises, loans, needs, offers, products, repayments, subsidy_batches, subsidy_lines};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = subsidy_batches)]
pub struct Batch {
    pub id: i64,
    pub programme_id: i64,
    /// The quarter's code, "2026-Q3".
    pub quarter: String,
    #[diesel(deserialize_as = String)]
    pub status: BatchStatus,
    pub total_fen: i64,
    pub computed_by: i64,
    pub computed_at: NaiveDateTime,
    pub approved_by: Option<i64>,
    pub approved_at: Option<NaiveDateTime>,
}

impl Batch {
    /// "2026年第三季度".
    pub fn quarter_label(&self) -> String {
        crate::domain::stats::Period::parse_code(&self.quarter).map_or_else(|| self.quarter.clone(), |p| p.label())
    }

    pub fn total_text(&self) -> String {
        crate::domain::Money::from_fen(self.total_fen).yuan_text()
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Batch>> {
        subsidy_batches::table.find(id).select(Batch::as_select()).first(conn).optional()
    }

    /// The programme's batches, the latest quarter first.
    pub fn of_programme(conn: &mut DbConn, programme_id: i64) -> QueryResult<Vec<Batch>> {
        subsidy_batches::table
            .filter(subsidy_batches::programme_id.eq(programme_id))
            .order(subsidy_batches::quarter.desc())
            .select(Batch::as_select())
            .load(conn)
    }

    pub fn of_quarter(conn: &mut DbConn, programme_id: i64, quarter: &str) -> QueryResult<Option<Batch>> {
        subsidy_batches::table
            .filter(subsidy_batches::programme_id.eq(programme_id))
            .filter(subsidy_batches::quarter.eq(quarter))
            .select(Batch::as_select())
            .first(conn)
            .optional()
    }

    /// Writes the quarter's batch as computed with `lines`, replacing the
    /// lines of a computed batch of that quarter; None when the quarter's
    /// batch is approved (final). The batch's id.
    pub fn store(
        conn: &mut DbConn,
        (programme_id, quarter): (i64, &str),
        lines: &[Line],
        by: i64,
        now: NaiveDateTime,
    ) -> QueryResult<Option<i64>> {
        let total: i64 = lines.iter().map(|l| l.subsidy_fen).sum();
        let id = match Batch::of_quarter(conn, programme_id, quarter)? {
            Some(batch) => {
                let moved = diesel::update(
                    subsidy_batches::table
                        .find(batch.id)
                        .filter(subsidy_batches::status.eq(BatchStatus::Computed.as_str())),
                )
                .set((
                    subsidy_batches::total_fen.eq(total),
                    subsidy_batches::computed_by.eq(by),
                    subsidy_batches::computed_at.eq(now),
                ))
                .execute(conn)?;
                if moved != 1 {
                    return Ok(None);
                }
                diesel::delete(subsidy_lines::table.filter(subsidy_lines::batch_id.eq(batch.id))).execute(conn)?;
                batch.id
            }
            None => diesel::insert_into(subsidy_batches::table)
                .values((
                    subsidy_batches::programme_id.eq(programme_id),
                    subsidy_batches::quarter.eq(quarter),
                    subsidy_batches::status.eq(BatchStatus::Computed.as_str()),
                    subsidy_batches::total_fen.eq(total),
                    subsidy_batches::computed_by.eq(by),
                    subsidy_batches::computed_at.eq(now),
                ))
                .returning(subsidy_batches::id)
                .get_result(conn)?,
        };
        // One INSERT per line: the MultiConnection backend has no multi-row VALUES.
        for l in lines {
            diesel::insert_into(subsidy_lines::table)
                .values((
                    subsidy_lines::batch_id.eq(id),
                    subsidy_lines::loan_id.eq(l.loan_id),
                    subsidy_lines::enterprise_id.eq(l.enterprise_id),
                    subsidy_lines::institution_id.eq(l.institution_id),
                    subsidy_lines::interest_fen.eq(l.interest_fen),
                    subsidy_lines::rate.eq(l.rate),
                    subsidy_lines::subsidy_fen.eq(l.subsidy_fen),
                    subsidy_lines::capped.eq(l.capped),
                ))
                .execute(conn)?;
        }
        Ok(Some(id))
    }

    /// Approves a computed batch; false when it is approved already (the guarded update decides).
    pub fn approve(conn: &mut DbConn, id: i64, by: i64, now: NaiveDateTime) -> QueryResult<bool> {
        let moved = diesel::update(
            subsidy_batches::table.find(id).filter(subsidy_batches::status.eq(BatchStatus::Computed.as_str())),
        )
        .set((
            subsidy_batches::status.eq(BatchStatus::Approved.as_str()),
            subsidy_batches::approved_by.eq(by),
            subsidy_batches::approved_at.eq(now),
        ))
        .execute(conn)?;
        Ok(moved == 1)
    }

    /// The batch's lines as (enterprise, subsidy).
    pub fn given(conn: &mut DbConn, id: i64) -> QueryResult<Vec<(i64, i64)>> {
        subsidy_lines::table
            .filter(subsidy_lines::batch_id.eq(id))
            .select((subsidy_lines::enterprise_id, subsidy_lines::subsidy_fen))
            .load(conn)
    }
}

/// What the programme's approved batches of `year` gave, as (enterprise, subsidy) per line.
pub fn given_in_year(conn: &mut DbConn, programme_id: i64, year: i32) -> QueryResult<Vec<(i64, i64)>> {
    subsidy_lines::table
        .inner_join(subsidy_batches::table)
        .filter(subsidy_batches::programme_id.eq(programme_id))
        .filter(subsidy_batches::status.eq(BatchStatus::Approved.as_str()))
        .filter(subsidy_batches::quarter.like(format!("{year}-Q%")))
        .select((subsidy_lines::enterprise_id, subsidy_lines::subsidy_fen))
        .load(conn)
}

/// What the programme's approved batches gave in total.
pub fn given_in_total(conn: &mut DbConn, programme_id: i64) -> QueryResult<i64> {
    // Summed here: SUM of a BIGINT is NUMERIC on PostgreSQL and INTEGER on SQLite.
    let totals: Vec<i64> = subsidy_batches::table
        .filter(subsidy_batches::programme_id.eq(programme_id))
        .filter(subsidy_batches::status.eq(BatchStatus::Approved.as_str()))
        .select(subsidy_batches::total_fen)
        .load(conn)?;
    Ok(totals.iter().sum())
}

type PaidRow = (i64, i64, i64, i64, bool, String, i64);

/// Every loan with interest recorded as paid on `from..=to`, with the
/// interest summed, its rate, credit-only flag, enterprise size and product:
/// two queries (the repayments with their loans and enterprises; the
/// products of those loans' offers).
pub fn candidates(conn: &mut DbConn, (from, to): (NaiveDate, NaiveDate)) -> QueryResult<Vec<Candidate>> {
    let paid: Vec<PaidRow> = repayments::table
        .inner_join(loans::table.on(loans::id.eq(repayments::loan_id)))
        .inner_join(enterprises::table.on(enterprises::id.eq(loans::enterprise_id)))
        .filter(repayments::paid_on.between(from, to))
        .order((repayments::loan_id, repayments::id))
        .select((
            loans::id,
            loans::enterprise_id,
            loans::institution_id,
            loans::rate,
            loans::credit_only,
            enterprises::size_class,
            repayments::interest_fen,
        ))
        .load(conn)?;
    let paid_loans = repayments::table.filter(repayments::paid_on.between(from, to)).select(repayments::loan_id);
    let products: Vec<(i64, i64, String)> = loans::table
        .inner_join(offers::table.inner_join(needs::table.inner_join(products::table)))
        .filter(loans::id.eq_any(paid_loans))
        .select((loans::id, products::id, products::programmes))
        .load(conn)?;
    let products: std::collections::HashMap<i64, (i64, String)> =
        products.into_iter().map(|(loan, product, programmes)| (loan, (product, programmes))).collect();
    let mut out: Vec<Candidate> = Vec::new();
    for (loan_id, enterprise_id, institution_id, rate, credit_only, size, interest) in paid {
        match out.last_mut() {
            Some(last) if last.loan_id == loan_id => last.interest_fen += interest,
            _ => {
                let product = products.get(&loan_id);
                out.push(Candidate {
                    loan_id,
                    enterprise_id,
                    institution_id,
                    rate,
                    credit_only,
                    size,
                    product_id: product.map(|(id, _)| *id),
                    programmes: product.map(|(_, p)| unwrap(p)).unwrap_or_default(),
                    interest_fen: interest,
                });
            }
        }
    }
    Ok(out)
}
