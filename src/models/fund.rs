//! The funds, their rule versions, registrations (入库) and the budget of
//! each fund's year. Claims are in `claim`.

pub mod budget;
pub mod claim;
pub mod registration;
pub mod usage;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::fund::{FundMode, Rules};
use crate::schema::{fund_rules, funds};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = funds)]
pub struct Fund {
    pub id: i64,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub mode: FundMode,
    pub annual_budget_fen: i64,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// The version in force.
    pub rule_version: i32,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One version of a fund's rules.
#[derive(Clone, Debug)]
pub struct RuleVersion {
    pub id: i64,
    pub fund_id: i64,
    pub version: i32,
    pub rules: Rules,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
}

type RuleRow = (i64, i64, i32, String, i64, NaiveDateTime);

fn rule_version((id, fund_id, version, rules, created_by, created_at): RuleRow) -> QueryResult<RuleVersion> {
    let rules = serde_json::from_str(&rules).map_err(|e| diesel::result::Error::DeserializationError(e.into()))?;
    Ok(RuleVersion { id, fund_id, version, rules, created_by, created_at })
}

const RULE_COLUMNS: (
    fund_rules::id,
    fund_rules::fund_id,
    fund_rules::version,
    fund_rules::rules,
    fund_rules::created_by,
    fund_rules::created_at,
) = (
    fund_rules::id,
    fund_rules::fund_id,
    fund_rules::version,
    fund_rules::rules,
    fund_rules::created_by,
    fund_rules::created_at,
);

/// A fund as the credit office defines it.
#[derive(Clone, Debug, PartialEq)]
pub struct NewFund {
    pub name: String,
    pub mode: FundMode,
    pub annual_budget_fen: i64,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
}

impl Fund {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Fund>> {
        funds::table.find(id).select(Fund::as_select()).first(conn).optional()
    }

    /// Every fund, the newest first.
    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Fund>> {
        funds::table.order(funds::id.desc()).select(Fund::as_select()).load(conn)
    }

    /// The funds in force on `day`.
    pub fn in_force(conn: &mut DbConn, day: NaiveDate) -> QueryResult<Vec<Fund>> {
        funds::table
            .filter(funds::valid_from.le(day))
            .filter(funds::valid_to.ge(day))
            .order(funds::id)
            .select(Fund::as_select())
            .load(conn)
    }

    pub fn name_taken(conn: &mut DbConn, name: &str, other_than: Option<i64>) -> QueryResult<bool> {
        let mut query = funds::table.filter(funds::name.eq(name)).into_boxed();
        if let Some(id) = other_than {
            query = query.filter(funds::id.ne(id));
        }
        Ok(query.count().get_result::<i64>(conn)? > 0)
    }

    /// Creates a fund with its first rule version; its id.
    pub fn create(conn: &mut DbConn, new: &NewFund, rules: &Rules, by: i64, now: NaiveDateTime) -> QueryResult<i64> {
        let id = diesel::insert_into(funds::table)
            .values((
                funds::name.eq(&new.name),
                funds::mode.eq(new.mode.as_str()),
                funds::annual_budget_fen.eq(new.annual_budget_fen),
                funds::valid_from.eq(new.valid_from),
                funds::valid_to.eq(new.valid_to),
                funds::rule_version.eq(1),
                funds::created_by.eq(by),
                funds::created_at.eq(now),
                funds::updated_at.eq(now),
            ))
            .returning(funds::id)
            .get_result(conn)?;
        insert_rules(conn, id, 1, rules, by, now)?;
        Ok(id)
    }

    /// Puts `rules` in force as the version after `current`; false when another
    /// change made that version first.
    pub fn change_rules(
        conn: &mut DbConn,
        id: i64,
        current: i32,
        rules: &Rules,
        by: i64,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let moved = diesel::update(funds::table.find(id).filter(funds::rule_version.eq(current)))
            .set((funds::rule_version.eq(current + 1), funds::updated_at.eq(now)))
            .execute(conn)?;
        if moved != 1 {
            return Ok(false);
        }
        insert_rules(conn, id, current + 1, rules, by, now)?;
        Ok(true)
    }

    /// The rules in force.
    pub fn rules(&self, conn: &mut DbConn) -> QueryResult<RuleVersion> {
        fund_rules::table
            .filter(fund_rules::fund_id.eq(self.id))
            .filter(fund_rules::version.eq(self.rule_version))
            .select(RULE_COLUMNS)
            .first(conn)
            .and_then(rule_version)
    }

    /// Every version, the newest first.
    pub fn versions(&self, conn: &mut DbConn) -> QueryResult<Vec<RuleVersion>> {
        fund_rules::table
            .filter(fund_rules::fund_id.eq(self.id))
            .order(fund_rules::version.desc())
            .select(RULE_COLUMNS)
            .load(conn)?
            .into_iter()
            .map(rule_version)
            .collect()
    }
}

impl RuleVersion {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<RuleVersion>> {
        fund_rules::table.find(id).select(RULE_COLUMNS).first(conn).optional()?.map(rule_version).transpose()
    }
}

fn insert_rules(
    conn: &mut DbConn,
    fund_id: i64,
    version: i32,
    rules: &Rules,
    by: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let json = serde_json::to_string(rules).map_err(|e| diesel::result::Error::SerializationError(e.into()))?;
    diesel::insert_into(fund_rules::table)
        .values((
            fund_rules::fund_id.eq(fund_id),
            fund_rules::version.eq(version),
            fund_rules::rules.eq(json),
            fund_rules::created_by.eq(by),
            fund_rules::created_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}
