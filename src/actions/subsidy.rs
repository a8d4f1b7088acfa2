//! Interest subsidies (贴息): define and edit a programme, compute a quarter's
//! batch (again, until it is approved) and approve it, which is final. A
//! programme's computations and approvals run one after the other under its
//! row lock, since each reads what the approved batches already gave.

use chrono::Datelike;

use crate::actions::{Ctx, FieldRefusal, Outcome, Refusal, Stop, guarded, refuse};
use crate::db::DbConn;
use crate::domain::stats::Period;
use crate::domain::subsidy::{self, BatchStatus, counted_days, ended_quarters, over_caps};
use crate::models::subsidy::batch::{self, Batch};
use crate::models::subsidy::{NewProgramme, Programme};

fn field(field: &'static str, message: &str) -> FieldRefusal {
    FieldRefusal { field, code: "invalid_subsidy_programme", message: message.to_string() }
}

fn problems(conn: &mut DbConn, new: &NewProgramme, other_than: Option<i64>) -> Result<(), Stop> {
    let mut wrong: Vec<FieldRefusal> = Vec::new();
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        wrong.push(field("name", "请填写贴息项目名称（60 字以内）"));
    } else if Programme::name_taken(conn, name, other_than)? {
        wrong.push(field("name", "已有同名的贴息项目"));
    }
    if new.valid_from > new.valid_to {
        wrong.push(field("valid_to", "有效期结束日不能早于开始日"));
    }
    wrong.extend(new.rules.problems().into_iter().map(|(f, m)| field(f, m)));
    if wrong.is_empty() { Ok(()) } else { refuse(Refusal::Fields(wrong)) }
}

fn trimmed(new: &NewProgramme) -> NewProgramme {
    NewProgramme { name: new.name.trim().to_string(), ..new.clone() }
}

/// Defines a programme; its id.
pub fn create(conn: &mut DbConn, ctx: &Ctx, new: &NewProgramme) -> Outcome<i64> {
    let by = ctx.actor.user_id.unwrap_or_default();
    guarded(conn, |c| {
        problems(c, new, None)?;
        let id = Programme::create(c, &trimmed(new), by, ctx.now)?;
        ctx.audit(c, "subsidy_programme_created", &format!("subsidy_programme:{id}"))?;
        Ok(id)
    })
}

/// Changes a programme: the batches computed from now on follow the new
/// rules; approved batches keep what they gave.
pub fn update(conn: &mut DbConn, ctx: &Ctx, id: i64, new: &NewProgramme) -> Outcome<()> {
    guarded(conn, |c| {
        if Programme::find(c, id)?.is_none() {
            return refuse(Refusal::NotFound("贴息项目"));
        }
        problems(c, new, Some(id))?;
        Programme::update(c, id, &trimmed(new), ctx.now)?;
        ctx.audit(c, "subsidy_programme_changed", &format!("subsidy_programme:{id}"))?;
        Ok(())
    })
}

/// The programme under its row lock, or the not-found refusal.
fn locked(c: &mut DbConn, id: i64) -> Result<Programme, Stop> {
    if !Programme::lock(c, id)? {
        return refuse(Refusal::NotFound("贴息项目"));
    }
    Programme::find(c, id)?.ok_or(Stop::Refused(Refusal::NotFound("贴息项目")))
}

fn approved_already() -> Refusal {
    Refusal::rule("subsidy_batch_approved", "该季度的贴息批次已批准，不能重新计算或再次批准")
}

/// Computes the programme's batch for `quarter` (a code such as "2026-Q3":
/// a quarter of the validity that has ended): every covered loan's subsidy
/// on the interest paid in the quarter, held within the caps after what
/// approved batches gave. Replaces the lines of a computed batch; refused
/// for an approved one. The batch's id.
pub fn compute(conn: &mut DbConn, ctx: &Ctx, programme_id: i64, quarter: &str) -> Outcome<i64> {
    let by = ctx.actor.user_id.unwrap_or_default();
    let today = crate::clock::beijing(ctx.now).date_naive();
    guarded(conn, |c| {
        let programme = locked(c, programme_id)?;
        let choices = ended_quarters(programme.valid_from, programme.valid_to, today);
        let Some(period) = Period::parse_code(quarter).filter(|p| choices.contains(p)) else {
            return refuse(Refusal::Fields(vec![field("quarter", "请选择项目有效期内已结束的季度")]));
        };
        let rules = &programme.rules;
        let loans = batch::candidates(c, counted_days(&period, programme.valid_from, programme.valid_to))?;
        let year_given = batch::given_in_year(c, programme.id, period.from.year())?;
        let total_given = batch::given_in_total(c, programme.id)?;
        let lines = subsidy::lines(rules, &loans, &year_given, total_given);
        let Some(id) = Batch::store(c, (programme.id, &period.code()), &lines, by, ctx.now)? else {
            return refuse(approved_already());
        };
        ctx.audit(c, "subsidy_batch_computed", &format!("subsidy_batch:{id}"))?;
        Ok(id)
    })
}

/// Approves a computed batch: final, and the enterprises see their lines.
/// Refused when it is approved already, and when a batch of the programme
/// approved since it was computed leaves it over a cap (compute it again).
pub fn approve(conn: &mut DbConn, ctx: &Ctx, batch_id: i64) -> Outcome<()> {
    let by = ctx.actor.user_id.unwrap_or_default();
    guarded(conn, |c| {
        let Some(found) = Batch::find(c, batch_id)? else {
            return refuse(Refusal::NotFound("贴息批次"));
        };
        let programme = locked(c, found.programme_id)?;
        // Read again under the lock: another approval may have committed meanwhile.
        let batch = Batch::find(c, batch_id)?.ok_or(Stop::Refused(Refusal::NotFound("贴息批次")))?;
        if batch.status == BatchStatus::Approved {
            return refuse(approved_already());
        }
        let year = Period::parse_code(&batch.quarter).map_or(0, |p| p.from.year());
        let lines = Batch::given(c, batch.id)?;
        let year_given = batch::given_in_year(c, programme.id, year)?;
        let total_given = batch::given_in_total(c, programme.id)?;
        if over_caps(&programme.rules, &lines, &year_given, total_given) {
            return refuse(Refusal::rule(
                "subsidy_batch_stale",
                "本项目另一季度的批次已在本批次计算后批准，本批次会超出贴息上限：请重新计算后再批准",
            ));
        }
        if !Batch::approve(c, batch.id, by, ctx.now)? {
            return refuse(approved_already());
        }
        ctx.audit(c, "subsidy_batch_approved", &format!("subsidy_batch:{batch_id}"))?;
        Ok(())
    })
}
