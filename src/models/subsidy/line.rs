//! A batch's lines as the credit office reviews them (a page at a time, or
//! all for the CSV), and the approved lines an enterprise sees on its loan.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::subsidy::BatchStatus;
use crate::domain::{Money, Rate};
use crate::models::page::Pager;
use crate::schema::{enterprises, institutions, loans, subsidy_batches, subsidy_lines, subsidy_programmes};

/// One line of a batch with the names it is read by.
#[derive(Queryable, Clone, Debug)]
pub struct LineView {
    pub loan_id: i64,
    pub contract_no: String,
    pub enterprise: String,
    pub institution: String,
    pub interest_fen: i64,
    pub rate: i64,
    pub subsidy_fen: i64,
    pub capped: bool,
}

impl LineView {
    pub fn interest_text(&self) -> String {
        Money::from_fen(self.interest_fen).yuan_text()
    }

    pub fn rate_text(&self) -> String {
        Rate::from_units(self.rate).percent_text()
    }

    pub fn subsidy_text(&self) -> String {
        Money::from_fen(self.subsidy_fen).yuan_text()
    }

    /// The CSV row under [`CSV_HEADER`].
    pub fn csv_row(&self) -> Vec<String> {
        vec![
            self.enterprise.clone(),
            self.institution.clone(),
            self.contract_no.clone(),
            format!("{:.2}", Money::from_fen(self.interest_fen).to_decimal()),
            self.rate_text(),
            format!("{:.2}", Money::from_fen(self.subsidy_fen).to_decimal()),
            if self.capped { "是" } else { "否" }.to_string(),
        ]
    }
}

pub const CSV_HEADER: [&str; 7] =
    ["企业", "贷款机构", "合同编号", "当季已付利息（元）", "贷款利率", "贴息（元）", "受上限限制"];

/// One page of the batch's lines, by enterprise name then loan; the pager with the count.
pub fn page(conn: &mut DbConn, batch_id: i64, page: Option<i64>, per_page: i64) -> QueryResult<(Vec<LineView>, Pager)> {
    let total: i64 = subsidy_lines::table.filter(subsidy_lines::batch_id.eq(batch_id)).count().get_result(conn)?;
    let pager = Pager::new(page, per_page, total);
    let lines = subsidy_lines::table
        .inner_join(loans::table)
        .inner_join(enterprises::table.on(enterprises::id.eq(subsidy_lines::enterprise_id)))
        .inner_join(institutions::table.on(institutions::id.eq(subsidy_lines::institution_id)))
        .filter(subsidy_lines::batch_id.eq(batch_id))
        .order((enterprises::name, subsidy_lines::loan_id))
        .limit(pager.per_page)
        .offset(pager.offset())
        .select((
            subsidy_lines::loan_id,
            loans::contract_no,
            enterprises::name,
            institutions::name,
            subsidy_lines::interest_fen,
            subsidy_lines::rate,
            subsidy_lines::subsidy_fen,
            subsidy_lines::capped,
        ))
        .load(conn)?;
    Ok((lines, pager))
}

/// The batch's sums: (lines, interest, capped lines).
pub fn totals(conn: &mut DbConn, batch_id: i64) -> QueryResult<(i64, i64, i64)> {
    // Summed here: SUM of a BIGINT is NUMERIC on PostgreSQL and INTEGER on SQLite.
    let rows: Vec<(i64, bool)> = subsidy_lines::table
        .filter(subsidy_lines::batch_id.eq(batch_id))
        .select((subsidy_lines::interest_fen, subsidy_lines::capped))
        .load(conn)?;
    let interest = rows.iter().map(|r| r.0).sum();
    let capped = rows.iter().filter(|r| r.1).count();
    Ok((rows.len() as i64, interest, capped as i64))
}

/// An approved subsidy on one of the enterprise's loans.
#[derive(Queryable, Clone, Debug)]
pub struct LoanSubsidy {
    pub quarter: String,
    pub programme: String,
    pub interest_fen: i64,
    pub subsidy_fen: i64,
}

impl LoanSubsidy {
    /// "2026年第三季度".
    pub fn quarter_label(&self) -> String {
        crate::domain::stats::Period::parse_code(&self.quarter).map_or_else(|| self.quarter.clone(), |p| p.label())
    }

    pub fn interest_text(&self) -> String {
        Money::from_fen(self.interest_fen).yuan_text()
    }

    pub fn subsidy_text(&self) -> String {
        Money::from_fen(self.subsidy_fen).yuan_text()
    }
}

/// The approved subsidies of the enterprise's loan, the latest quarter first
/// (a computed batch is not yet the enterprise's to see).
pub fn of_loan(conn: &mut DbConn, loan_id: i64, enterprise_id: i64) -> QueryResult<Vec<LoanSubsidy>> {
    subsidy_lines::table
        .inner_join(subsidy_batches::table.inner_join(subsidy_programmes::table))
        .filter(subsidy_lines::loan_id.eq(loan_id))
        .filter(subsidy_lines::enterprise_id.eq(enterprise_id))
        .filter(subsidy_batches::status.eq(BatchStatus::Approved.as_str()))
        .order((subsidy_batches::quarter.desc(), subsidy_programmes::name))
        .select((
            subsidy_batches::quarter,
            subsidy_programmes::name,
            subsidy_lines::interest_fen,
            subsidy_lines::subsidy_fen,
        ))
        .load(conn)
}
