//! The 消息中心's one change: marking the user's messages read.

use super::{Ctx, Outcome, Refusal, guarded, refuse};
use crate::db::DbConn;
use crate::models::message::{self, Message};

/// Marks the actor's message `id` read and returns it (for its link); a
/// message of anyone else is refused as not found.
pub fn read(conn: &mut DbConn, ctx: &Ctx, id: i64) -> Outcome<Message> {
    let Some(user_id) = ctx.actor.user_id else { return Ok(Err(Refusal::NotFound("消息"))) };
    guarded(conn, |c| {
        let Some(found) = message::find_own(c, user_id, id)? else { return refuse(Refusal::NotFound("消息")) };
        message::mark_read(c, user_id, id, ctx.now)?;
        Ok(found)
    })
}

/// Marks every unread message of the actor read; returns how many.
pub fn read_all(conn: &mut DbConn, ctx: &Ctx) -> Outcome<usize> {
    let Some(user_id) = ctx.actor.user_id else { return Ok(Err(Refusal::NotFound("消息"))) };
    guarded(conn, |c| Ok(message::mark_all_read(c, user_id, ctx.now)?))
}
