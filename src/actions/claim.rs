//! Claiming an enterprise: the account's side (a fresh verification link, the
//! code sent to the registry's contact, the authorization letter) and the
//! credit office's (deciding a letter, unbinding a wrong claim).

use super::emails;
use super::{Ctx, Outcome, Refusal, guarded, recorded, refuse};
use crate::db::DbConn;
use crate::domain::Role;
use crate::models::audit;
use crate::models::authorization::Authorization;
use crate::models::claim::{self, CodeCheck, Letter};
use crate::models::email_verification;
use crate::models::enterprise::Enterprise;
use crate::models::user::User;

/// Where an enterprise account proves control (the link in the decision email).
pub const CLAIM_PAGE: &str = "/enterprise/claim";

/// Sends a fresh verification link to an account still waiting for it, at most one a minute.
pub fn resend_verification(conn: &mut DbConn, ctx: &Ctx, user: &User) -> Outcome<()> {
    guarded(conn, |c| {
        if !email_verification::may_resend(c, user.id, ctx.now)? {
            return refuse(Refusal::rule("verification_wait", "验证邮件刚刚发出，请稍后再试"));
        }
        let mail = emails::verification(c, user.id, &user.display_name, &ctx.base_url, ctx.now)?;
        emails::send(c, &user.email, &mail, ctx.now)?;
        Ok(())
    })
}

/// Emails a six-digit code to the contact email the registry holds for the
/// account's enterprise (at most one a minute).
pub fn send_code(conn: &mut DbConn, ctx: &Ctx, user: &User) -> Outcome<()> {
    let enterprise_id = user.enterprise_id.unwrap_or_default();
    guarded(conn, |c| {
        let enterprise = Enterprise::find(c, enterprise_id)?;
        let Some(contact) = enterprise.contact_email.clone() else {
            return refuse(Refusal::rule("no_contact_email", "登记信息中没有联系邮箱，请使用授权书方式"));
        };
        let code = match claim::issue_code(c, user.id, &contact, ctx.now)? {
            Ok(code) => code,
            Err(wait) => {
                return refuse(Refusal::rule("code_wait", format!("验证码刚刚发出，请 {wait} 秒后再重新获取")));
            }
        };
        emails::send(c, &contact, &emails::claim_code(&enterprise.name, &user.email, &code), ctx.now)?;
        ctx.audit(c, "claim_code_sent", &format!("enterprise:{enterprise_id}"))?;
        Ok(())
    })
}

/// Checks a typed code (six digits); the right one proves control of the
/// enterprise. A wrong code counts as a try even though it is refused.
pub fn verify_code(conn: &mut DbConn, ctx: &Ctx, user: &User, code: &str) -> Outcome<()> {
    let enterprise_id = user.enterprise_id.unwrap_or_default();
    recorded(conn, |c| {
        let refusal = match claim::check_code(c, user.id, code, ctx.now)? {
            CodeCheck::Right if User::prove_control(c, user, "registry_email", ctx.now)? => {
                let object = format!("enterprise:{enterprise_id}");
                audit::record(c, &ctx.actor, "claim_proven", Some(&object), "code", ctx.now)?;
                return Ok(Ok(()));
            }
            CodeCheck::Right => Refusal::rule("enterprise_held", "该企业已由其他账号完成认证。如有异议，请联系信用办"),
            CodeCheck::Wrong(left) if left > 0 => {
                Refusal::rule("code_wrong", format!("验证码不正确，该验证码还可尝试 {left} 次"))
            }
            CodeCheck::Wrong(_) => Refusal::rule("code_spent", "验证码不正确，该验证码已失效，请重新获取"),
            CodeCheck::NoCode => Refusal::rule("code_expired", "验证码已过期或已失效，请重新获取"),
        };
        Ok(Err(refusal))
    })
}

/// An authorization letter for the credit office to review; its bytes are
/// stored, its name only shown.
pub struct LetterUpload {
    pub file_name: String,
    pub content_type: &'static str,
    pub data: Vec<u8>,
}

/// Queues the account's letter; refused while an earlier one waits.
pub fn submit_letter(conn: &mut DbConn, ctx: &Ctx, user: &User, letter: LetterUpload) -> Outcome<i64> {
    let enterprise_id = user.enterprise_id.unwrap_or_default();
    guarded(conn, |c| {
        if Letter::latest_of(c, user.id)?.is_some_and(|l| l.status.is_pending()) {
            return refuse(Refusal::rule("letter_pending", "已有一份授权书在审核中，请等待信用办处理"));
        }
        let LetterUpload { file_name, content_type, data } = &letter;
        let id = Letter::submit(c, user.id, enterprise_id, file_name, content_type, data, ctx.now)?;
        ctx.audit(c, "claim_letter_uploaded", &format!("claim_letter:{id}"))?;
        Ok(id)
    })
}

/// The credit office's decision on a letter: approve, or reject with a reason.
pub struct LetterDecision {
    pub letter_id: i64,
    pub approve: bool,
    /// Required to reject; optional to approve.
    pub reason: Option<String>,
}

/// Approves a letter (the account then holds the enterprise) or rejects it,
/// and tells the account by email.
pub fn decide_letter(conn: &mut DbConn, ctx: &Ctx, decision: LetterDecision) -> Outcome<()> {
    let LetterDecision { letter_id: id, approve, reason } = decision;
    let officer = ctx.actor.user_id.unwrap_or_default();
    guarded(conn, |c| {
        let letter = Letter::find(c, id)?;
        let user = User::find(c, letter.user_id)?;
        let enterprise = Enterprise::find(c, letter.enterprise_id)?;
        if !Letter::decide(c, id, approve, officer, reason.as_deref(), ctx.now)? {
            return refuse(Refusal::rule("letter_decided", "该授权书已处理过"));
        }
        if approve && !User::prove_control(c, &user, "letter", ctx.now)? {
            return refuse(Refusal::rule(
                "enterprise_held",
                "该企业已由其他账号认证（或此账号已解绑），不能批准；如需更换，请先解绑原账号",
            ));
        }
        let event = if approve { "claim_letter_approved" } else { "claim_letter_rejected" };
        ctx.audit(c, event, &format!("claim_letter:{id}"))?;
        let rejected_because = reason.as_deref().filter(|_| !approve);
        let mail = emails::letter_decision(&enterprise.name, rejected_because, &ctx.base_url);
        emails::send(c, &user.email, &mail, ctx.now)?;
        Ok(())
    })
}

/// Unbinds a wrongly claimed enterprise account: it loses the enterprise and
/// is closed, whatever it authorized ends, its pending letters are closed,
/// and it is told why. An account unbound already is left as it is.
pub fn unbind_account(conn: &mut DbConn, ctx: &Ctx, user_id: i64, reason: &str) -> Outcome<()> {
    let clerk = ctx.actor.user_id.unwrap_or_default();
    guarded(conn, |c| {
        let account = User::find(c, user_id)?;
        let Some(enterprise_id) = account.enterprise_id.filter(|_| account.role() == Role::Enterprise) else {
            return refuse(Refusal::NotFound("企业账号"));
        };
        if !User::unbind(c, user_id, ctx.now)? {
            return Ok(());
        }
        let ended = Authorization::revoke_all_of_enterprise(c, enterprise_id, ctx.now)?;
        claim::reject_pending_of(c, user_id, clerk, ctx.now)?;
        let outcome = format!("ok; {ended} authorizations ended");
        audit::record(c, &ctx.actor, "claim_unbound", Some(&format!("user:{user_id}")), &outcome, ctx.now)?;
        emails::send(c, &account.email, &emails::unbound(reason), ctx.now)?;
        Ok(())
    })
}
