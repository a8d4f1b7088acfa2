//! Interest subsidy programmes (贴息) with their rules, and what the list of
//! programmes shows of their batches. A quarter's batch and its lines are in
//! `batch`; what the enterprise sees of its lines in `line`.

pub mod batch;
pub mod line;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::subsidy::{BatchStatus, Rules};
use crate::schema::{subsidy_batches, subsidy_programmes};

/// A programme with its rules read.
#[derive(Clone, Debug)]
pub struct Programme {
    pub id: i64,
    pub name: String,
    pub rules: Rules,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A programme as the credit office defines it.
#[derive(Clone, Debug, PartialEq)]
pub struct NewProgramme {
    pub name: String,
    pub rules: Rules,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
}

type Row = (i64, String, String, NaiveDate, NaiveDate, i64, NaiveDateTime, NaiveDateTime);

const COLUMNS: (
    subsidy_programmes::id,
    subsidy_programmes::name,
    subsidy_programmes::rules,
    subsidy_programmes::valid_from,
    subsidy_programmes::valid_to,
    subsidy_programmes::created_by,
    subsidy_programmes::created_at,
    subsidy_programmes::updated_at,
) = (
    subsidy_programmes::id,
    subsidy_programmes::name,
    subsidy_programmes::rules,
    subsidy_programmes::valid_from,
    subsidy_programmes::valid_to,
    subsidy_programmes::created_by,
    subsidy_programmes::created_at,
    subsidy_programmes::updated_at,
);

fn programme(
    (id, name, rules, valid_from, valid_to, created_by, created_at, updated_at): Row,
) -> QueryResult<Programme> {
    let rules = serde_json::from_str(&rules).map_err(|e| diesel::result::Error::DeserializationError(e.into()))?;
    Ok(Programme { id, name, rules, valid_from, valid_to, created_by, created_at, updated_at })
}

fn rules_json(rules: &Rules) -> String {
    serde_json::to_string(rules).expect("rules serialise")
}

/// A programme in the list: its batches' quarters and what approved batches paid.
#[derive(Clone, Debug)]
pub struct ProgrammeSummary {
    pub programme: Programme,
    /// (quarter code, status), the latest quarter first.
    pub quarters: Vec<(String, BatchStatus)>,
    pub paid_fen: i64,
}

impl ProgrammeSummary {
    /// What is left under the total cap.
    pub fn left_fen(&self) -> i64 {
        (self.programme.rules.cap_total_fen - self.paid_fen).max(0)
    }

    pub fn paid_text(&self) -> String {
        crate::domain::Money::from_fen(self.paid_fen).yuan_text()
    }

    pub fn left_text(&self) -> String {
        crate::domain::Money::from_fen(self.left_fen()).yuan_text()
    }

    /// "1 个百分点".
    pub fn points_text(&self) -> String {
        format!("{} 个百分点", crate::domain::subsidy::points_text(self.programme.rules.points))
    }
}

impl Programme {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Programme>> {
        subsidy_programmes::table.find(id).select(COLUMNS).first(conn).optional()?.map(programme).transpose()
    }

    /// Every programme with its batches, the newest programme first.
    pub fn summaries(conn: &mut DbConn) -> QueryResult<Vec<ProgrammeSummary>> {
        let rows: Vec<Row> =
            subsidy_programmes::table.order(subsidy_programmes::id.desc()).select(COLUMNS).load(conn)?;
        let batches: Vec<(i64, String, String, i64)> = subsidy_batches::table
            .order(subsidy_batches::quarter.desc())
            .select((
                subsidy_batches::programme_id,
                subsidy_batches::quarter,
                subsidy_batches::status,
                subsidy_batches::total_fen,
            ))
            .load(conn)?;
        rows.into_iter()
            .map(|row| {
                let programme = programme(row)?;
                let mine = batches.iter().filter(|b| b.0 == programme.id);
                let mut quarters = Vec::new();
                let mut paid_fen = 0;
                for (_, quarter, status, total) in mine {
                    let status = BatchStatus::try_from(status.clone())
                        .map_err(|e| diesel::result::Error::DeserializationError(e.into()))?;
                    if status == BatchStatus::Approved {
                        paid_fen += total;
                    }
                    quarters.push((quarter.clone(), status));
                }
                Ok(ProgrammeSummary { programme, quarters, paid_fen })
            })
            .collect()
    }

    pub fn name_taken(conn: &mut DbConn, name: &str, other_than: Option<i64>) -> QueryResult<bool> {
        let mut query = subsidy_programmes::table.filter(subsidy_programmes::name.eq(name)).into_boxed();
        if let Some(id) = other_than {
            query = query.filter(subsidy_programmes::id.ne(id));
        }
        Ok(query.count().get_result::<i64>(conn)? > 0)
    }

    /// Creates a programme; its id.
    pub fn create(conn: &mut DbConn, new: &NewProgramme, by: i64, now: NaiveDateTime) -> QueryResult<i64> {
        diesel::insert_into(subsidy_programmes::table)
            .values((
                subsidy_programmes::name.eq(&new.name),
                subsidy_programmes::rules.eq(rules_json(&new.rules)),
                subsidy_programmes::valid_from.eq(new.valid_from),
                subsidy_programmes::valid_to.eq(new.valid_to),
                subsidy_programmes::created_by.eq(by),
                subsidy_programmes::created_at.eq(now),
                subsidy_programmes::updated_at.eq(now),
            ))
            .returning(subsidy_programmes::id)
            .get_result(conn)
    }

    /// Writes the programme's new name, rules and validity; false when it is gone.
    pub fn update(conn: &mut DbConn, id: i64, new: &NewProgramme, now: NaiveDateTime) -> QueryResult<bool> {
        let moved = diesel::update(subsidy_programmes::table.find(id))
            .set((
                subsidy_programmes::name.eq(&new.name),
                subsidy_programmes::rules.eq(rules_json(&new.rules)),
                subsidy_programmes::valid_from.eq(new.valid_from),
                subsidy_programmes::valid_to.eq(new.valid_to),
                subsidy_programmes::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(moved == 1)
    }

    /// Takes the programme's row lock (PostgreSQL; SQLite's write transaction
    /// already holds the database), so that computations and approvals of its
    /// batches, which read what the others gave, run one after the other.
    pub fn lock(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
        let locked = diesel::update(subsidy_programmes::table.find(id))
            .set(subsidy_programmes::updated_at.eq(subsidy_programmes::updated_at))
            .execute(conn)?;
        Ok(locked == 1)
    }
}
