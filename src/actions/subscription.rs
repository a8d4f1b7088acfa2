//! An officer's saved filters (订阅): saving one within the limit, deleting one.
//! Neither is an audited event (docs/security.md lists those): a filter only
//! chooses which published needs the officer hears of.

use crate::actions::{Ctx, Outcome, Refusal, guarded, refuse};
use crate::db::DbConn;
use crate::domain::Money;
use crate::domain::credit::Grade;
use crate::models::subscription::{MAX_PER_OFFICER, NewSubscription, Subscription};

/// A filter as the officer asked for it; every bound is optional.
#[derive(Clone, Debug)]
pub struct Filter {
    pub name: String,
    pub amount_min: Option<Money>,
    pub amount_max: Option<Money>,
    /// A region code the site knows.
    pub region: Option<String>,
    /// An industry section letter.
    pub industry: Option<String>,
    pub min_grade: Option<Grade>,
}

/// Saves the acting officer's filter unless they already keep [`MAX_PER_OFFICER`];
/// one write transaction, so two saves cannot both pass the count.
pub fn subscribe(conn: &mut DbConn, ctx: &Ctx, filter: Filter) -> Outcome<i64> {
    let Some(officer_id) = ctx.actor.user_id else { return Ok(Err(Refusal::NotFound("订阅"))) };
    guarded(conn, |c| {
        if Subscription::count_of(c, officer_id)? >= MAX_PER_OFFICER {
            return refuse(Refusal::rule(
                "subscription_limit",
                format!("最多保存 {MAX_PER_OFFICER} 个订阅，请先删除不再需要的订阅"),
            ));
        }
        let new = NewSubscription {
            officer_id,
            name: filter.name,
            amount_min_fen: filter.amount_min.map(Money::fen),
            amount_max_fen: filter.amount_max.map(Money::fen),
            region: filter.region,
            industry: filter.industry,
            min_grade: filter.min_grade.map(|g| g.as_str().to_string()),
            created_at: ctx.now,
        };
        Ok(Subscription::insert(c, &new)?)
    })
}

/// Deletes one of the acting officer's filters; another's is not found.
pub fn unsubscribe(conn: &mut DbConn, ctx: &Ctx, id: i64) -> Outcome<()> {
    let Some(officer_id) = ctx.actor.user_id else { return Ok(Err(Refusal::NotFound("订阅"))) };
    guarded(conn, |c| if Subscription::delete(c, id, officer_id)? { Ok(()) } else { refuse(Refusal::NotFound("订阅")) })
}
