//! The credit office's funds (风险补偿资金池): define one, put new rules in
//! force (a new version; registrations keep theirs), and the registration
//! (入库) of each drawdown that a fund in force covers, in the drawdown's
//! own transaction.

use chrono::NaiveDate;

use crate::actions::{Ctx, FieldRefusal, Outcome, Refusal, Stop, guarded, refuse};
use crate::db::DbConn;
use crate::domain::fund::Rules;
use crate::models::fund::registration::{self, NewRegistration, Registration};
use crate::models::fund::{Fund, NewFund};
use crate::models::loan::Loan;

fn field(field: &'static str, message: &str) -> FieldRefusal {
    FieldRefusal { field, code: "invalid_fund", message: message.to_string() }
}

/// The fund's own fields and its rules, each problem beside its field.
fn problems(conn: &mut DbConn, new: &NewFund, rules: &Rules, other_than: Option<i64>) -> Result<(), Stop> {
    let mut wrong: Vec<FieldRefusal> = Vec::new();
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        wrong.push(field("name", "请填写资金池名称（60 字以内）"));
    } else if Fund::name_taken(conn, name, other_than)? {
        wrong.push(field("name", "已有同名的资金池"));
    }
    if new.annual_budget_fen <= 0 {
        wrong.push(field("annual_budget", "请填写年度预算（万元，大于 0）"));
    }
    if new.valid_from > new.valid_to {
        wrong.push(field("valid_to", "有效期结束日不能早于开始日"));
    }
    wrong.extend(rules.problems().into_iter().map(|(f, m)| field(f, m)));
    if wrong.is_empty() { Ok(()) } else { refuse(Refusal::Fields(wrong)) }
}

/// Defines a fund with its first rule version; its id.
pub fn create(conn: &mut DbConn, ctx: &Ctx, new: &NewFund, rules: &Rules) -> Outcome<i64> {
    let by = ctx.actor.user_id.unwrap_or_default();
    guarded(conn, |c| {
        problems(c, new, rules, None)?;
        let new = NewFund { name: new.name.trim().to_string(), ..new.clone() };
        let id = Fund::create(c, &new, rules, by, ctx.now)?;
        ctx.audit(c, "fund_created", &format!("fund:{id}"))?;
        Ok(id)
    })
}

/// Puts `rules` in force as the next version of the fund, which the office
/// read at `version`; a change made meanwhile is refused. The new version's number.
pub fn change_rules(conn: &mut DbConn, ctx: &Ctx, fund_id: i64, version: i32, rules: &Rules) -> Outcome<i32> {
    let by = ctx.actor.user_id.unwrap_or_default();
    guarded(conn, |c| {
        let Some(fund) = Fund::find(c, fund_id)? else {
            return refuse(Refusal::NotFound("资金池"));
        };
        let wrong: Vec<_> = rules.problems().into_iter().map(|(f, m)| field(f, m)).collect();
        if !wrong.is_empty() {
            return refuse(Refusal::Fields(wrong));
        }
        if fund.rule_version != version || !Fund::change_rules(c, fund.id, version, rules, by, ctx.now)? {
            return refuse(Refusal::Changed("资金池规则"));
        }
        ctx.audit(c, "fund_rules_changed", &format!("fund:{fund_id}:v{}", version + 1))?;
        Ok(version + 1)
    })
}

/// Registers a just-recorded drawdown in every fund in force on its value
/// date whose rules cover it, under the version in force; call inside the
/// drawdown's transaction. The registrations' ids.
pub fn register_drawdown(
    conn: &mut DbConn,
    ctx: &Ctx,
    loan: &Loan,
    drawdown: (i64, i64, NaiveDate),
) -> diesel::QueryResult<Vec<i64>> {
    let (drawdown_id, principal_fen, value_date) = drawdown;
    let funds = Fund::in_force(conn, value_date)?;
    if funds.is_empty() {
        return Ok(Vec::new());
    }
    let candidate = registration::candidate(conn, loan)?;
    let mut ids = Vec::new();
    for fund in funds {
        let version = fund.rules(conn)?;
        let Some(ratio_bp) = version.rules.ratio(&candidate) else { continue };
        let new = NewRegistration {
            fund_id: fund.id,
            rule_id: version.id,
            drawdown_id,
            loan_id: loan.id,
            institution_id: loan.institution_id,
            principal_fen,
            ratio_bp,
            tags: candidate.tags.clone(),
            registered_on: value_date,
        };
        let id = Registration::insert(conn, &new, ctx.now)?;
        ctx.audit(conn, "fund_registered", &format!("registration:{id}"))?;
        ids.push(id);
    }
    Ok(ids)
}
