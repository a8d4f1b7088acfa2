//! Viewing an enterprise's credit portrait as the credit office or a bank:
//! allowed only under an active authorization for the bank, and every view
//! (and every refused one) is logged in the transaction that decides it.

use diesel::OptionalExtension;

use super::{Ctx, Outcome, Refusal, recorded};
use crate::db::DbConn;
use crate::domain::Role;
use crate::models::audit;
use crate::models::authorization::Authorization;
use crate::models::enterprise::Enterprise;
use crate::models::portrait_view::{NewView, PortraitView};

/// Why the credit office looks: its supervision needs no authorization.
pub const SUPERVISION: &str = "信用办监督核查";

/// Who asks to see the portrait of `enterprise_id`.
pub struct ViewRequest {
    pub enterprise_id: i64,
    pub role: Role,
    pub institution_id: Option<i64>,
}

/// Logs the view and returns its purpose (the authorization's, or the credit
/// office's supervision); refused, with the refusal audited, when the bank
/// holds no active authorization.
pub fn view(conn: &mut DbConn, ctx: &Ctx, request: ViewRequest) -> Outcome<String> {
    let ViewRequest { enterprise_id: id, role, institution_id } = request;
    let object = format!("enterprise:{id}");
    recorded(conn, |c| {
        if Enterprise::find(c, id).optional()?.is_none() {
            return Ok(Err(Refusal::NotFound("企业")));
        }
        let (authorization, purpose) = match (role, institution_id) {
            (Role::CreditOffice, _) => (None, SUPERVISION.to_string()),
            (Role::Officer | Role::BankAdmin, Some(institution)) => {
                match Authorization::active(c, id, institution, ctx.now)? {
                    Some(a) => (Some(a.id), a.purpose),
                    None => {
                        audit::record(c, &ctx.actor, "portrait_view", Some(&object), "denied", ctx.now)?;
                        return Ok(Err(not_authorized()));
                    }
                }
            }
            _ => return Ok(Err(not_authorized())),
        };
        let view = NewView {
            enterprise_id: id,
            viewer_id: ctx.actor.user_id.unwrap_or_default(),
            viewer_role: role,
            institution_id,
            authorization_id: authorization,
            purpose: &purpose,
            ip: ctx.actor.ip.as_deref(),
        };
        PortraitView::record(c, &view, ctx.now)?;
        ctx.audit(c, "portrait_view", &object)?;
        Ok(Ok(purpose))
    })
}

fn not_authorized() -> Refusal {
    Refusal::rule("not_authorized", "该企业未授权贵机构查看其信用画像")
}
