//! A claim as its pages show it: each item with its loan's contract, IOU
//! and enterprise, and each step of its history with who took it.

use diesel::prelude::*;

use super::{Claim, Event, Item};
use crate::db::DbConn;
use crate::schema::{drawdowns, enterprises, fund_claim_events, fund_claim_items, loans, users};

/// An item with what names its loan.
#[derive(Clone, Debug)]
pub struct ItemLine {
    pub item: Item,
    pub loan_id: i64,
    pub contract_no: String,
    pub iou_no: String,
    pub enterprise: String,
}

/// A step of the history and the name of who took it.
#[derive(Clone, Debug)]
pub struct EventLine {
    pub event: Event,
    pub actor: String,
}

impl Claim {
    pub fn item_lines(&self, conn: &mut DbConn) -> QueryResult<Vec<ItemLine>> {
        let rows: Vec<(Item, i64, String, String, String)> = fund_claim_items::table
            .inner_join(drawdowns::table.on(drawdowns::id.eq(fund_claim_items::drawdown_id)))
            .inner_join(loans::table.on(loans::id.eq(drawdowns::loan_id)))
            .inner_join(enterprises::table.on(enterprises::id.eq(loans::enterprise_id)))
            .filter(fund_claim_items::claim_id.eq(self.id))
            .order(fund_claim_items::id)
            .select((Item::as_select(), loans::id, loans::contract_no, drawdowns::iou_no, enterprises::name))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(item, loan_id, contract_no, iou_no, enterprise)| ItemLine {
                item,
                loan_id,
                contract_no,
                iou_no,
                enterprise,
            })
            .collect())
    }

    pub fn event_lines(&self, conn: &mut DbConn) -> QueryResult<Vec<EventLine>> {
        let rows: Vec<(Event, String)> = fund_claim_events::table
            .inner_join(users::table.on(users::id.eq(fund_claim_events::actor_id)))
            .filter(fund_claim_events::claim_id.eq(self.id))
            .order(fund_claim_events::id)
            .select((Event::as_select(), users::display_name))
            .load(conn)?;
        Ok(rows.into_iter().map(|(event, actor)| EventLine { event, actor }).collect())
    }
}

/// The enterprise of each of `loans`, by loan id, for lines that name their borrower.
pub fn enterprise_names(conn: &mut DbConn, loan_ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    loans::table
        .inner_join(enterprises::table.on(enterprises::id.eq(loans::enterprise_id)))
        .filter(loans::id.eq_any(loan_ids))
        .select((loans::id, enterprises::name))
        .load(conn)
}
