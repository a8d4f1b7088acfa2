//! The registered drawdowns a claim may take: each with its loan's standing
//! and the principal outstanding (the ceiling of the loss claimed).

use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::loan::{Classification, LoanStatus};
use crate::schema::{drawdowns, fund_claim_items, fund_registrations, loans};

/// A registered drawdown as a claim sees it: the loan's standing and what is outstanding.
#[derive(Clone, Debug)]
pub struct Claimable {
    pub registration_id: i64,
    pub fund_id: i64,
    pub rule_id: i64,
    pub drawdown_id: i64,
    pub loan_id: i64,
    pub institution_id: i64,
    pub ratio_bp: i32,
    pub iou_no: String,
    pub contract_no: String,
    pub status: LoanStatus,
    pub classification: Classification,
    pub outstanding_fen: i64,
}

type ClaimableRow = (i64, i64, i64, i64, i64, i64, i32, String, String, String, String, i64);

fn claimable(row: ClaimableRow) -> QueryResult<Claimable> {
    let (
        registration_id,
        fund_id,
        rule_id,
        drawdown_id,
        loan_id,
        institution_id,
        ratio_bp,
        iou,
        contract,
        status,
        class,
        outstanding,
    ) = row;
    let bad = |what: &str| diesel::result::Error::DeserializationError(format!("unknown {what}").into());
    Ok(Claimable {
        registration_id,
        fund_id,
        rule_id,
        drawdown_id,
        loan_id,
        institution_id,
        ratio_bp,
        iou_no: iou,
        contract_no: contract,
        status: LoanStatus::try_from(status).map_err(|_| bad("loan status"))?,
        classification: Classification::try_from(class).map_err(|_| bad("classification"))?,
        outstanding_fen: outstanding,
    })
}

const CLAIMABLE: (
    fund_registrations::id,
    fund_registrations::fund_id,
    fund_registrations::rule_id,
    fund_registrations::drawdown_id,
    fund_registrations::loan_id,
    fund_registrations::institution_id,
    fund_registrations::ratio_bp,
    drawdowns::iou_no,
    loans::contract_no,
    loans::status,
    loans::classification,
    drawdowns::outstanding_fen,
) = (
    fund_registrations::id,
    fund_registrations::fund_id,
    fund_registrations::rule_id,
    fund_registrations::drawdown_id,
    fund_registrations::loan_id,
    fund_registrations::institution_id,
    fund_registrations::ratio_bp,
    drawdowns::iou_no,
    loans::contract_no,
    loans::status,
    loans::classification,
    drawdowns::outstanding_fen,
);

/// `institution`'s registrations in `fund` whose drawdown is in no live claim,
/// whatever the trigger (the action checks it under each one's rule version).
pub fn unclaimed(conn: &mut DbConn, fund_id: i64, institution: i64) -> QueryResult<Vec<Claimable>> {
    let live = fund_claim_items::table.filter(fund_claim_items::live.eq(true)).select(fund_claim_items::drawdown_id);
    fund_registrations::table
        .inner_join(drawdowns::table.on(drawdowns::id.eq(fund_registrations::drawdown_id)))
        .inner_join(loans::table.on(loans::id.eq(fund_registrations::loan_id)))
        .filter(fund_registrations::fund_id.eq(fund_id))
        .filter(fund_registrations::institution_id.eq(institution))
        .filter(fund_registrations::drawdown_id.ne_all(live))
        .order(fund_registrations::id)
        .select(CLAIMABLE)
        .load::<ClaimableRow>(conn)?
        .into_iter()
        .map(claimable)
        .collect()
}

/// One registration as a claim sees it, when it is `institution`'s.
pub fn registration_of(conn: &mut DbConn, registration_id: i64, institution: i64) -> QueryResult<Option<Claimable>> {
    fund_registrations::table
        .inner_join(drawdowns::table.on(drawdowns::id.eq(fund_registrations::drawdown_id)))
        .inner_join(loans::table.on(loans::id.eq(fund_registrations::loan_id)))
        .filter(fund_registrations::id.eq(registration_id))
        .filter(fund_registrations::institution_id.eq(institution))
        .select(CLAIMABLE)
        .first::<ClaimableRow>(conn)
        .optional()?
        .map(claimable)
        .transpose()
}
