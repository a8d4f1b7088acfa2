//! Password reset by email: `/password-reset` asks for the account and answers
//! the same whether or not it exists; `/password-reset/{token}` is the emailed
//! one-time link, valid for an hour, that sets a new password.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::Ctx;
use crate::actions::password_reset::{self, ResetRequested};
use crate::auth::Visitor;
use crate::auth::password::hash_async;
use crate::error::AppResult;
use crate::models::password_reset as links;
use crate::models::rate_limit;
use crate::state::AppState;
use crate::web::{FormErrors, Layout};

#[derive(Template, WebTemplate)]
#[template(path = "password_reset/request.html")]
pub struct RequestPage {
    layout: Layout,
    login: String,
    sent: bool,
    errors: FormErrors,
}

/// `GET /password-reset`: the form asking for the account.
pub async fn request_form(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let (jar, csrf) = visitor.form_token(&state).await?;
    let page =
        RequestPage { layout: visitor.layout(&csrf), login: String::new(), sent: false, errors: FormErrors::default() };
    Ok((jar, page).into_response())
}

#[derive(Deserialize)]
pub struct RequestForm {
    login: String,
}

/// `POST /password-reset`: sends the link when the account exists, and says
/// the same either way; at most `rate_limit::PASSWORD_RESET` from one address.
pub async fn request_reset(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<RequestForm>,
) -> AppResult<Response> {
    crate::web::check_rate_limit(&state, "password_reset", visitor.ip.as_deref(), rate_limit::PASSWORD_RESET).await?;
    let (jar, csrf) = visitor.form_token(&state).await?;
    let login = form.login.trim().to_string();
    if login.is_empty() {
        let mut errors = FormErrors::default();
        errors.add("login", "请填写账号或注册邮箱");
        let page = RequestPage { layout: visitor.layout(&csrf), login, sent: false, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, jar, page).into_response());
    }
    let ctx = Ctx::anonymous(visitor.ip.clone(), state.clock.now(), &state.config.base_url);
    let asked = login.clone();
    let outcome: ResetRequested = state.db.query(move |c| password_reset::request_reset(c, &ctx, &asked)).await?;
    tracing::info!(outcome = outcome.as_str(), "password reset requested");
    let page = RequestPage { layout: visitor.layout(&csrf), login, sent: true, errors: FormErrors::default() };
    Ok((jar, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "password_reset/reset.html")]
pub struct ResetPage {
    layout: Layout,
    token: String,
    valid: bool,
    errors: FormErrors,
}

impl ResetPage {
    /// The answer to a link that is unknown, used or expired: a way to ask again.
    fn dead(layout: Layout) -> Response {
        let page = ResetPage { layout, token: String::new(), valid: false, errors: FormErrors::default() };
        (StatusCode::GONE, page).into_response()
    }
}

/// Whether the link `token` is still open (unused, within its hour).
async fn link_open(state: &AppState, token: &str) -> AppResult<bool> {
    let (token, now) = (token.to_string(), state.clock.now());
    Ok(state.db.query(move |c| links::open(c, &token, now)).await?.is_some())
}

/// `GET /password-reset/{token}`: the new password's form, or why the link is dead.
pub async fn reset_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let (jar, csrf) = visitor.form_token(&state).await?;
    if !link_open(&state, &token).await? {
        return Ok((jar, ResetPage::dead(visitor.layout(&csrf))).into_response());
    }
    let page = ResetPage { layout: visitor.layout(&csrf), token, valid: true, errors: FormErrors::default() };
    Ok((jar, page).into_response())
}

#[derive(Deserialize)]
pub struct ResetForm {
    password: String,
    password_confirm: String,
}

/// `POST /password-reset/{token}`: sets the new password under the password
/// rules; every session of the account ends and the link dies.
pub async fn reset_password(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> AppResult<Response> {
    let (jar, csrf) = visitor.form_token(&state).await?;
    if !link_open(&state, &token).await? {
        return Ok((jar, ResetPage::dead(visitor.layout(&csrf))).into_response());
    }
    let mut errors = FormErrors::default();
    super::account::new_password(&mut errors, &form.password, &form.password_confirm);
    if !errors.is_empty() {
        let page = ResetPage { layout: visitor.layout(&csrf), token, valid: true, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, jar, page).into_response());
    }
    let hash = hash_async(form.password).await?;
    let ctx = Ctx::anonymous(visitor.ip.clone(), state.clock.now(), &state.config.base_url);
    match state.db.query(move |c| password_reset::reset_password(c, &ctx, &token, &hash)).await? {
        Ok(user_id) => {
            tracing::info!(user = user_id, "password reset");
            Ok(Redirect::to("/login?notice=password_reset").into_response())
        }
        Err(_) => Ok((jar, ResetPage::dead(visitor.layout(&csrf))).into_response()),
    }
}
