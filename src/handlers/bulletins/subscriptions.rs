//! The links of the bulletin emails, used without signing in: confirming a
//! subscription (`/bulletins/subscriptions/{token}/confirm`) and ending one
//! (`…/unsubscribe`). Each GET only shows a page with a button; the POST
//! changes the subscription, so a mail scanner that follows links changes nothing.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::actions::Ctx;
use crate::actions::bulletin::subscription;
use crate::auth::Visitor;
use crate::error::AppResult;
use crate::models::bulletin::subscriber::Subscriber;
use crate::state::AppState;
use crate::web::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "bulletins/subscription.html")]
pub struct SubscriptionPage {
    layout: Layout,
    title: &'static str,
    message: String,
    /// Where the button posts, and its label; None once done or for a dead link.
    form: Option<(String, &'static str)>,
}

const DEAD: &str = "链接无效、已使用或已过期。如需订阅统计公报，请在统计公报页面重新填写邮箱。";

async fn answer(
    state: &AppState,
    visitor: &Visitor,
    status: StatusCode,
    title: &'static str,
    message: String,
    form: Option<(String, &'static str)>,
) -> AppResult<Response> {
    let (jar, csrf) = visitor.form_token(state).await?;
    Ok((status, jar, SubscriptionPage { layout: visitor.layout(&csrf), title, message, form }).into_response())
}

fn ctx(state: &AppState, visitor: &Visitor) -> Ctx {
    Ctx::anonymous(visitor.ip.clone(), state.clock.now(), &state.config.base_url)
}

/// `GET /bulletins/subscriptions/{token}/confirm`: the button that confirms.
pub async fn confirm_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let (link, now) = (token.clone(), state.clock.now());
    let open = state.db.query(move |c| Subscriber::open_link(c, &link, now)).await?;
    let Some(subscriber) = open else {
        return answer(&state, &visitor, StatusCode::GONE, "链接已失效", DEAD.into(), None).await;
    };
    let message = format!("确认后，{} 将在每期统计公报发布时收到邮件。", subscriber.email);
    let form = Some((format!("/bulletins/subscriptions/{token}/confirm"), "确认订阅"));
    answer(&state, &visitor, StatusCode::OK, "确认订阅统计公报", message, form).await
}

/// `POST /bulletins/subscriptions/{token}/confirm`: confirms, once.
pub async fn confirm(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let ctx = ctx(&state, &visitor);
    match state.db.query(move |c| subscription::confirm(c, &ctx, &token)).await? {
        Ok(()) => {
            let message = "订阅已确认。每期统计公报发布时，我们会发邮件给您；邮件中附有退订链接。".to_string();
            answer(&state, &visitor, StatusCode::OK, "订阅成功", message, None).await
        }
        Err(_) => answer(&state, &visitor, StatusCode::GONE, "链接已失效", DEAD.into(), None).await,
    }
}

/// `GET /bulletins/subscriptions/{token}/unsubscribe`: the button that unsubscribes.
pub async fn unsubscribe_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let (ctx, link) = (ctx(&state, &visitor), token.clone());
    let found = state.db.query(move |c| subscription::by_unsubscribe_token(c, &ctx, &link)).await?;
    let Some(subscriber) = found else {
        let message = "链接无效，或该邮箱已经退订。".to_string();
        return answer(&state, &visitor, StatusCode::GONE, "链接已失效", message, None).await;
    };
    let message = format!("退订后，{} 将不再收到统计公报邮件。您随时可以重新订阅。", subscriber.email);
    let form = Some((format!("/bulletins/subscriptions/{token}/unsubscribe"), "确认退订"));
    answer(&state, &visitor, StatusCode::OK, "退订统计公报", message, form).await
}

/// `POST /bulletins/subscriptions/{token}/unsubscribe`: ends the subscription.
pub async fn unsubscribe(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let ctx = ctx(&state, &visitor);
    match state.db.query(move |c| subscription::unsubscribe(c, &ctx, &token)).await? {
        Ok(()) => {
            let message = "已退订，您将不再收到统计公报邮件。如需重新订阅，请到统计公报页面填写邮箱。".to_string();
            answer(&state, &visitor, StatusCode::OK, "已退订", message, None).await
        }
        Err(_) => {
            let message = "链接无效，或该邮箱已经退订。".to_string();
            answer(&state, &visitor, StatusCode::GONE, "链接已失效", message, None).await
        }
    }
}
