//! The credit office's outbox: sending a failed or still failing email again.

use super::{Ctx, Outcome, Refusal, guarded, refuse};
use crate::db::DbConn;
use crate::jobs::queue;
use crate::notify::{MAIL_RETRY_HORIZON, SEND_EMAIL};

/// Sends the email of job `job_id` again now, with a fresh retry horizon;
/// refused when it is not an email waiting to go out.
pub fn resend(conn: &mut DbConn, ctx: &Ctx, job_id: i64) -> Outcome<()> {
    guarded(conn, |c| {
        if !queue::retry_now(c, job_id, SEND_EMAIL, MAIL_RETRY_HORIZON, ctx.now)? {
            return refuse(Refusal::NotFound("邮件"));
        }
        ctx.audit(c, "mail_resent", &format!("job:{job_id}"))?;
        Ok(())
    })
}
