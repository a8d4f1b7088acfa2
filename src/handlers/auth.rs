//! Signing in and out. Unknown user, wrong password and locked account all get
//! the same answer; five failures in a row lock the account for 15 minutes.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use crate::actions::account::{self, FailedLogin, SignIn};
use crate::actions::{Ctx, Refusal};
use crate::auth::Visitor;
use crate::auth::password::verify_async;
use crate::auth::session::{removal_cookie, session_cookie};
use crate::error::{AppError, AppResult};
use crate::models::audit::Actor;
use crate::models::rate_limit;
use crate::models::user::User;
use crate::state::AppState;
use crate::web::{Layout, safe_next};

pub const LOGIN_FAILED: &str = "账号或密码错误。连续输错 5 次，账号将被锁定 15 分钟。";

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    layout: Layout,
    login: String,
    next: String,
    error: Option<&'static str>,
    /// What just happened (`?notice=password_reset`).
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    notice: Option<String>,
}

pub async fn login_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<LoginQuery>,
) -> AppResult<Response> {
    if let Some(user) = visitor.user() {
        return Ok(Redirect::to(user.role().home()).into_response());
    }
    let (jar, csrf) = visitor.form_token(&state).await?;
    let next = safe_next(query.next.as_deref()).unwrap_or_default();
    let notice = crate::web::notice(query.notice.as_deref());
    let page = LoginPage { layout: visitor.layout(&csrf), login: String::new(), next, error: None, notice };
    Ok((jar, page).into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let now = state.clock.now();
    let ip = visitor.ip.clone();
    crate::web::check_rate_limit(&state, "login", ip.as_deref(), rate_limit::LOGIN).await?;

    let login = form.login.clone();
    let user = state.db.query(move |c| User::find_by_login(c, &login)).await?;
    let usable = user.clone().filter(|u| !u.disabled && !u.is_locked(now));
    let password_ok = verify_async(usable.as_ref().map(|u| u.password_hash.clone()), form.password).await;
    let ctx = Ctx { actor: Actor::of(user.as_ref(), ip), now, base_url: state.config.base_url.clone() };

    let Some(user) = usable.filter(|_| password_ok) else {
        let failed = user
            .as_ref()
            .map_or(FailedLogin::UnknownUser, |u| FailedLogin::Account { user_id: u.id, locked: u.is_locked(now) });
        state.db.query(move |c| account::fail_sign_in(c, &ctx, failed)).await?;
        let (jar, csrf) = visitor.form_token(&state).await?;
        let page = LoginPage {
            layout: visitor.layout(&csrf),
            login: form.login,
            next: safe_next(form.next.as_deref()).unwrap_or_default(),
            error: Some(LOGIN_FAILED),
            notice: None,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, jar, page).into_response());
    };

    let input = SignIn { user_id: user.id, previous: visitor.session.as_ref().map(|s| s.id.clone()) };
    let token = match state.db.query(move |c| account::sign_in(c, &ctx, input)).await? {
        Ok(token) => token,
        Err(Refusal::TooMany { retry_after_secs }) => return Err(AppError::RateLimited { retry_after_secs }),
        Err(refusal) => return Err(AppError::Internal(anyhow::anyhow!("sign-in refused: {refusal}"))),
    };
    tracing::info!(user = user.id, role = %user.role, "signed in");
    let target = if user.must_change_password {
        "/account/password".to_string()
    } else {
        safe_next(form.next.as_deref()).unwrap_or_else(|| user.role().home().to_string())
    };
    let jar = CookieJar::new().add(session_cookie(token, state.config.secure_cookies()));
    Ok((jar, Redirect::to(&target)).into_response())
}

pub async fn logout(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    if let Some(session) = visitor.session.clone() {
        let actor = Actor::of(session.user.as_ref(), visitor.ip.clone());
        let ctx = Ctx { actor, now: state.clock.now(), base_url: state.config.base_url.clone() };
        state.db.query(move |c| account::sign_out(c, &ctx, &session.id)).await?;
    }
    Ok((CookieJar::new().add(removal_cookie()), Redirect::to("/")).into_response())
}
