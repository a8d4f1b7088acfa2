//! The whitelist (守信激励名单): the credit office's rule and its manual changes.

use diesel::QueryResult;

use super::{Ctx, Outcome, Refusal, guarded, refuse};
use crate::db::{DbConn, write_tx};
use crate::domain::Uscc;
use crate::domain::whitelist::WhitelistAction;
use crate::models::audit;
use crate::models::whitelist::{self, Rule};

/// Sets the rule and applies it to every evaluated enterprise at once.
pub fn set_rule(conn: &mut DbConn, ctx: &Ctx, rule: &Rule) -> QueryResult<()> {
    let user_id = ctx.actor.user_id.unwrap_or_default();
    write_tx(conn, |c| {
        whitelist::set_rule(c, rule, user_id, ctx.now)?;
        let outcome = format!("min_grade={} no_active_penalty={}", rule.min_grade.as_str(), rule.no_active_penalty);
        audit::record(c, &ctx.actor, "whitelist_rule", None, &outcome, ctx.now)?;
        Ok(())
    })
}

/// A manual addition or removal, with the reason kept on record.
pub struct Change {
    pub uscc: Uscc,
    pub action: WhitelistAction,
    pub reason: String,
}

/// Why a dishonest debtor cannot be added by hand, shown beside the code.
pub const DISHONEST: &str =
    "该企业在严重失信主体名单上（存在未履行的失信被执行人记录），不能加入白名单；法院将其移出名单后方可加入";

/// Records the change and applies it; refuses to add an enterprise on the
/// dishonest list, which the whitelist could never show.
pub fn change(conn: &mut DbConn, ctx: &Ctx, change: &Change) -> Outcome<()> {
    let (uscc, user_id) = (change.uscc.as_str(), ctx.actor.user_id.unwrap_or_default());
    guarded(conn, |c| {
        if change.action.is_add() && whitelist::is_dishonest(c, uscc)? {
            return refuse(Refusal::rule("dishonest_listed", DISHONEST));
        }
        whitelist::record_change(c, uscc, change.action, &change.reason, user_id, ctx.now)?;
        let event = if change.action.is_add() { "whitelist_add" } else { "whitelist_remove" };
        ctx.audit(c, event, &format!("enterprise:{uscc}"))?;
        Ok(())
    })
}
