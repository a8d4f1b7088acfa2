//! A bank's claim (补偿申请) on a fund: its row with the status moved by
//! one guarded update at a stated version, its items (one per drawdown, kept
//! in one live claim by `fund_claim_items_live`), its history and the year's
//! losses that the stop line weighs. The registrations a claim may take are
//! in `claim/claimable`, the names its pages show in `claim/detail`, files
//! in `claim/file`, the lists' queries in `claim/listing`.

mod claimable;
mod detail;
pub mod file;
mod listing;

pub use claimable::{Claimable, registration_of, unclaimed};
pub use detail::{EventLine, ItemLine, enterprise_names};
pub use listing::ListLine;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::fund::ClaimStatus;
use crate::models::fund::registration::year_instants;
use crate::schema::{fund_claim_events, fund_claim_items, fund_claims, users};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = fund_claims)]
pub struct Claim {
    pub id: i64,
    pub fund_id: i64,
    pub institution_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: ClaimStatus,
    pub loss_fen: i64,
    pub payout_fen: i64,
    pub approved_fen: Option<i64>,
    pub budget_year: Option<i32>,
    pub reason: Option<String>,
    pub recovered_fen: i64,
    pub refunded_fen: i64,
    pub version: i32,
    pub submitted_by: i64,
    pub submitted_at: NaiveDateTime,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub paid_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = fund_claim_items)]
pub struct Item {
    pub id: i64,
    pub claim_id: i64,
    pub registration_id: i64,
    pub drawdown_id: i64,
    pub loss_fen: i64,
    pub ratio_bp: i32,
    pub payout_fen: i64,
    pub live: bool,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = fund_claim_events)]
pub struct Event {
    pub id: i64,
    pub claim_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: ClaimStatus,
    pub reason: Option<String>,
    pub amount_fen: Option<i64>,
    pub actor_id: i64,
    pub at: NaiveDateTime,
}

/// The filters of a claims list; `institution` is always set for a bank.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub institution: Option<i64>,
    pub status: Option<ClaimStatus>,
    pub fund: Option<i64>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

impl Claim {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Claim>> {
        fund_claims::table.find(id).select(Claim::as_select()).first(conn).optional()
    }

    /// The claim when it is `institution`'s; None for another bank's, as for none.
    pub fn find_of(conn: &mut DbConn, id: i64, institution: i64) -> QueryResult<Option<Claim>> {
        Ok(Claim::find(conn, id)?.filter(|c| c.institution_id == institution))
    }

    pub fn insert(
        conn: &mut DbConn,
        (fund_id, institution_id): (i64, i64),
        (loss_fen, payout_fen): (i64, i64),
        by: i64,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(fund_claims::table)
            .values((
                fund_claims::fund_id.eq(fund_id),
                fund_claims::institution_id.eq(institution_id),
                fund_claims::status.eq(ClaimStatus::Submitted.as_str()),
                fund_claims::loss_fen.eq(loss_fen),
                fund_claims::payout_fen.eq(payout_fen),
                fund_claims::recovered_fen.eq(0_i64),
                fund_claims::refunded_fen.eq(0_i64),
                fund_claims::version.eq(1),
                fund_claims::submitted_by.eq(by),
                fund_claims::submitted_at.eq(now),
                fund_claims::created_at.eq(now),
                fund_claims::updated_at.eq(now),
            ))
            .returning(fund_claims::id)
            .get_result(conn)
    }

    /// Moves the claim from `from` at `version` to `to`; false when it is no
    /// longer there (decided meanwhile): the one guard of every decision.
    pub fn step(
        conn: &mut DbConn,
        (id, version): (i64, i32),
        from: ClaimStatus,
        to: ClaimStatus,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let moved = diesel::update(
            fund_claims::table
                .find(id)
                .filter(fund_claims::status.eq(from.as_str()))
                .filter(fund_claims::version.eq(version)),
        )
        .set((
            fund_claims::status.eq(to.as_str()),
            fund_claims::version.eq(version + 1),
            fund_claims::updated_at.eq(now),
        ))
        .execute(conn)?;
        Ok(moved == 1)
    }

    /// Decides a submitted claim at `version` in one guarded update with
    /// the amount approved, the budget year and the reason; false when it
    /// was decided meanwhile.
    pub fn decide_at(
        conn: &mut DbConn,
        (id, version): (i64, i32),
        to: ClaimStatus,
        (approved, year, reason): (Option<i64>, Option<i32>, Option<&str>),
        (by, now): (i64, NaiveDateTime),
    ) -> QueryResult<bool> {
        let moved = diesel::update(
            fund_claims::table
                .find(id)
                .filter(fund_claims::status.eq(ClaimStatus::Submitted.as_str()))
                .filter(fund_claims::version.eq(version)),
        )
        .set((
            fund_claims::status.eq(to.as_str()),
            fund_claims::version.eq(version + 1),
            fund_claims::approved_fen.eq(approved),
            fund_claims::budget_year.eq(year),
            fund_claims::reason.eq(reason),
            fund_claims::decided_by.eq(by),
            fund_claims::decided_at.eq(now),
            fund_claims::updated_at.eq(now),
        ))
        .execute(conn)?;
        Ok(moved == 1)
    }

    pub fn set_reason(conn: &mut DbConn, id: i64, reason: Option<&str>) -> QueryResult<()> {
        diesel::update(fund_claims::table.find(id)).set(fund_claims::reason.eq(reason)).execute(conn).map(drop)
    }

    pub fn set_totals(conn: &mut DbConn, id: i64, loss_fen: i64, payout_fen: i64) -> QueryResult<()> {
        diesel::update(fund_claims::table.find(id))
            .set((fund_claims::loss_fen.eq(loss_fen), fund_claims::payout_fen.eq(payout_fen)))
            .execute(conn)
            .map(drop)
    }

    pub fn set_paid(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<()> {
        diesel::update(fund_claims::table.find(id)).set(fund_claims::paid_at.eq(at)).execute(conn).map(drop)
    }

    /// Adds a recovery and its refund at `version`; false when changed meanwhile.
    pub fn add_recovery(
        conn: &mut DbConn,
        (id, version): (i64, i32),
        amount_fen: i64,
        refund_fen: i64,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let moved = diesel::update(fund_claims::table.find(id).filter(fund_claims::version.eq(version)))
            .set((
                fund_claims::recovered_fen.eq(fund_claims::recovered_fen + amount_fen),
                fund_claims::refunded_fen.eq(fund_claims::refunded_fen + refund_fen),
                fund_claims::version.eq(version + 1),
                fund_claims::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(moved == 1)
    }

    pub fn items(&self, conn: &mut DbConn) -> QueryResult<Vec<Item>> {
        fund_claim_items::table
            .filter(fund_claim_items::claim_id.eq(self.id))
            .order(fund_claim_items::id)
            .select(Item::as_select())
            .load(conn)
    }

    /// The emails of the bank's active admins, who hear of each decision.
    pub fn bank_admin_emails(&self, conn: &mut DbConn) -> QueryResult<Vec<String>> {
        users::table
            .filter(users::institution_id.eq(self.institution_id))
            .filter(users::role.eq("bank_admin"))
            .filter(users::disabled.eq(false))
            .select(users::email)
            .load(conn)
    }
}

impl Item {
    pub fn insert(conn: &mut DbConn, claim_id: i64, c: &Claimable, loss_fen: i64, payout_fen: i64) -> QueryResult<i64> {
        diesel::insert_into(fund_claim_items::table)
            .values((
                fund_claim_items::claim_id.eq(claim_id),
                fund_claim_items::registration_id.eq(c.registration_id),
                fund_claim_items::drawdown_id.eq(c.drawdown_id),
                fund_claim_items::loss_fen.eq(loss_fen),
                fund_claim_items::ratio_bp.eq(c.ratio_bp),
                fund_claim_items::payout_fen.eq(payout_fen),
                fund_claim_items::live.eq(true),
            ))
            .returning(fund_claim_items::id)
            .get_result(conn)
    }

    pub fn set_loss(conn: &mut DbConn, id: i64, loss_fen: i64, payout_fen: i64) -> QueryResult<()> {
        diesel::update(fund_claim_items::table.find(id))
            .set((fund_claim_items::loss_fen.eq(loss_fen), fund_claim_items::payout_fen.eq(payout_fen)))
            .execute(conn)
            .map(drop)
    }

    /// A rejected claim's drawdowns may be claimed again.
    pub fn release(conn: &mut DbConn, claim_id: i64) -> QueryResult<()> {
        diesel::update(fund_claim_items::table.filter(fund_claim_items::claim_id.eq(claim_id)))
            .set(fund_claim_items::live.eq(false))
            .execute(conn)
            .map(drop)
    }
}

impl Event {
    pub fn insert(
        conn: &mut DbConn,
        claim_id: i64,
        status: ClaimStatus,
        what: (Option<&str>, Option<i64>),
        actor: i64,
        at: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::insert_into(fund_claim_events::table)
            .values((
                fund_claim_events::claim_id.eq(claim_id),
                fund_claim_events::status.eq(status.as_str()),
                fund_claim_events::reason.eq(what.0),
                fund_claim_events::amount_fen.eq(what.1),
                fund_claim_events::actor_id.eq(actor),
                fund_claim_events::at.eq(at),
            ))
            .execute(conn)
            .map(drop)
    }
}

/// The losses `institution` claimed in `fund` in `year` (claims not
/// rejected, by submission date), which the stop line weighs.
pub fn losses_in_year(conn: &mut DbConn, fund_id: i64, institution: i64, year: i32) -> QueryResult<i64> {
    let (from, to) = year_instants(year);
    // Summed here: SUM of a BIGINT is NUMERIC on PostgreSQL and INTEGER on SQLite.
    let rows: Vec<i64> = fund_claims::table
        .filter(fund_claims::fund_id.eq(fund_id))
        .filter(fund_claims::institution_id.eq(institution))
        .filter(fund_claims::status.ne(ClaimStatus::Rejected.as_str()))
        .filter(fund_claims::submitted_at.ge(from))
        .filter(fund_claims::submitted_at.lt(to))
        .select(fund_claims::loss_fen)
        .load(conn)?;
    Ok(rows.iter().sum())
}

/// The Beijing date's year, the year of a budget and of the stop line.
pub fn year_of(day: NaiveDate) -> i32 {
    chrono::Datelike::year(&day)
}

/// A recovery after payout and the refund it gives the fund.
pub fn file_recovery(
    conn: &mut DbConn,
    claim_id: i64,
    (amount, refund, on): (i64, i64, NaiveDate),
    by: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    use crate::schema::fund_recoveries as r;
    diesel::insert_into(r::table)
        .values((
            r::claim_id.eq(claim_id),
            r::amount_fen.eq(amount),
            r::refund_fen.eq(refund),
            r::recovered_on.eq(on),
            r::recorded_by.eq(by),
            r::recorded_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}
