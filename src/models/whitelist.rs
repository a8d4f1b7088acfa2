//! The whitelist (守信激励名单): enterprises that meet the rule the credit office
//! sets (a minimum grade, optionally no active penalty, never a dishonest
//! debtor), plus manual additions and minus manual removals, each with a reason.
//! Membership is kept on the evaluation row so lists and filters stay cheap.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::{DbConn, write_tx};
use crate::domain::credit::Grade;
use crate::domain::whitelist::WhitelistAction;
use crate::schema::{credit_evaluations, enterprises, penalty_records, users, whitelist_changes, whitelist_rule};

#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub min_grade: Grade,
    pub no_active_penalty: bool,
}

impl Default for Rule {
    /// Grade A or better and no active penalty, until the credit office sets its own.
    fn default() -> Rule {
        Rule { min_grade: Grade::A, no_active_penalty: true }
    }
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = whitelist_changes)]
pub struct Change {
    pub id: i64,
    pub uscc: String,
    #[diesel(deserialize_as = String)]
    pub action: WhitelistAction,
    pub reason: String,
    pub changed_by: i64,
    pub changed_at: NaiveDateTime,
}

pub fn rule(conn: &mut DbConn) -> QueryResult<Rule> {
    let row: Option<(String, bool)> = whitelist_rule::table
        .order(whitelist_rule::id.desc())
        .select((whitelist_rule::min_grade, whitelist_rule::no_active_penalty))
        .first(conn)
        .optional()?;
    Ok(row
        .and_then(|(grade, no_active_penalty)| Some(Rule { min_grade: Grade::parse(&grade)?, no_active_penalty }))
        .unwrap_or_default())
}

/// Sets the rule and re-applies it to every evaluated enterprise.
pub fn set_rule(conn: &mut DbConn, rule: &Rule, user_id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(whitelist_rule::table)
        .values((
            whitelist_rule::min_grade.eq(rule.min_grade.as_str()),
            whitelist_rule::no_active_penalty.eq(rule.no_active_penalty),
            whitelist_rule::updated_by.eq(user_id),
            whitelist_rule::updated_at.eq(now),
        ))
        .execute(conn)?;
    refresh_all(conn)
}

/// What saving a rule would do to the whitelist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleEffect {
    /// Enterprises not on the whitelist now that the rule would put on it.
    pub joins: usize,
    /// Enterprises on the whitelist now that the rule would take off it.
    pub leaves: usize,
    /// How many the whitelist would hold.
    pub members: usize,
}

/// What `set_rule` would do, found by doing it (the same code, so the counts
/// cannot drift from what saving does) in a transaction that is rolled back.
pub fn rule_effect(conn: &mut DbConn, rule: &Rule, user_id: i64, now: NaiveDateTime) -> QueryResult<RuleEffect> {
    enum Trial {
        Undone(RuleEffect),
        Failed(diesel::result::Error),
    }
    impl From<diesel::result::Error> for Trial {
        fn from(error: diesel::result::Error) -> Trial {
            Trial::Failed(error)
        }
    }
    let trial = write_tx(conn, |c| {
        let before = members(c)?;
        set_rule(c, rule, user_id, now)?;
        let after = members(c)?;
        let effect = RuleEffect {
            joins: after.difference(&before).count(),
            leaves: before.difference(&after).count(),
            members: after.len(),
        };
        Err::<std::convert::Infallible, _>(Trial::Undone(effect))
    });
    match trial {
        Err(Trial::Undone(effect)) => Ok(effect),
        Err(Trial::Failed(error)) => Err(error),
        Ok(never) => match never {},
    }
}

/// The enterprises on the whitelist now.
fn members(conn: &mut DbConn) -> QueryResult<std::collections::HashSet<String>> {
    let usccs: Vec<String> = credit_evaluations::table
        .filter(credit_evaluations::whitelisted.eq(true))
        .select(credit_evaluations::uscc)
        .load(conn)?;
    Ok(usccs.into_iter().collect())
}

/// Whether the enterprise is on the dishonest list (its evaluation says so).
pub fn is_dishonest(conn: &mut DbConn, uscc: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        credit_evaluations::table.find(uscc).filter(credit_evaluations::dishonest.eq(true)),
    ))
    .get_result(conn)
}

/// Records a manual addition or removal and applies it to the enterprise's evaluation.
pub fn record_change(
    conn: &mut DbConn,
    uscc: &str,
    action: WhitelistAction,
    reason: &str,
    user_id: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(whitelist_changes::table)
        .values((
            whitelist_changes::uscc.eq(uscc),
            whitelist_changes::action.eq(action.as_str()),
            whitelist_changes::reason.eq(reason),
            whitelist_changes::changed_by.eq(user_id),
            whitelist_changes::changed_at.eq(now),
        ))
        .execute(conn)?;
    refresh_one(conn, uscc)
}

/// The latest manual decision about one enterprise, if any.
fn manual(conn: &mut DbConn, uscc: &str) -> QueryResult<Option<bool>> {
    let action: Option<String> = whitelist_changes::table
        .filter(whitelist_changes::uscc.eq(uscc))
        .order(whitelist_changes::id.desc())
        .select(whitelist_changes::action)
        .first(conn)
        .optional()?;
    Ok(action.map(|a| a == WhitelistAction::Add.as_str()))
}

fn grades_at_least(min: Grade) -> Vec<&'static str> {
    Grade::ALL.into_iter().filter(|g| g.at_least(min)).map(Grade::as_str).collect()
}

/// Re-applies rule and manual decisions to one enterprise's evaluation.
pub fn refresh_one(conn: &mut DbConn, uscc: &str) -> QueryResult<()> {
    let rule = rule(conn)?;
    let evaluation: Option<(String, bool)> = credit_evaluations::table
        .find(uscc)
        .select((credit_evaluations::grade, credit_evaluations::dishonest))
        .first(conn)
        .optional()?;
    let Some((grade, dishonest)) = evaluation else { return Ok(()) };
    let active_penalty: bool = diesel::select(diesel::dsl::exists(
        penalty_records::table.filter(penalty_records::uscc.eq(uscc)).filter(penalty_records::status.eq("active")),
    ))
    .get_result(conn)?;
    let by_rule = !dishonest
        && Grade::parse(&grade).is_some_and(|g| g.at_least(rule.min_grade))
        && !(rule.no_active_penalty && active_penalty);
    // A dishonest debtor is never on the whitelist, whatever was decided by hand.
    let member = !dishonest && manual(conn, uscc)?.unwrap_or(by_rule);
    diesel::update(credit_evaluations::table.find(uscc))
        .set(credit_evaluations::whitelisted.eq(member))
        .execute(conn)
        .map(drop)
}

/// Re-applies the rule to every evaluation, then the manual decisions.
pub fn refresh_all(conn: &mut DbConn) -> QueryResult<()> {
    let rule = rule(conn)?;
    diesel::update(credit_evaluations::table)
        .set(
            credit_evaluations::whitelisted.eq(credit_evaluations::grade
                .eq_any(grades_at_least(rule.min_grade))
                .and(credit_evaluations::dishonest.eq(false))),
        )
        .execute(conn)?;
    if rule.no_active_penalty {
        let penalised =
            penalty_records::table.filter(penalty_records::status.eq("active")).select(penalty_records::uscc);
        diesel::update(credit_evaluations::table.filter(credit_evaluations::uscc.eq_any(penalised)))
            .set(credit_evaluations::whitelisted.eq(false))
            .execute(conn)?;
    }
    let decided: Vec<String> = whitelist_changes::table.select(whitelist_changes::uscc).distinct().load(conn)?;
    for uscc in decided {
        refresh_one(conn, &uscc)?;
    }
    Ok(())
}

/// The manual decisions, newest first, with the enterprise's name and who decided.
pub fn history(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(Change, Option<String>, String)>> {
    whitelist_changes::table
        .left_join(enterprises::table.on(enterprises::uscc.eq(whitelist_changes::uscc)))
        .inner_join(users::table.on(users::id.eq(whitelist_changes::changed_by)))
        .order(whitelist_changes::id.desc())
        .limit(limit)
        .select((Change::as_select(), enterprises::name.nullable(), users::display_name))
        .load(conn)
}
