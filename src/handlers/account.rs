//! Changing one's password; the one-time password of `create-admin` must be changed here first.
//! A change ends every other session of the account.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use crate::actions;
use crate::auth::SignedIn;
use crate::auth::password::{hash_async, verify_async};
use crate::auth::session::session_cookie;
use crate::domain::password;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{FormErrors, Layout};

#[derive(Template, WebTemplate)]
#[template(path = "account/password.html")]
pub struct PasswordPage {
    layout: Layout,
    forced: bool,
    errors: FormErrors,
}

pub async fn password_form(signed: SignedIn) -> PasswordPage {
    PasswordPage { layout: signed.layout(), forced: signed.user.must_change_password, errors: FormErrors::default() }
}

/// Checks a new password typed twice under the password rules (also the reset form's).
pub fn new_password(errors: &mut FormErrors, password: &str, confirm: &str) {
    if let Err(message) = password::check(password) {
        errors.add("password", message);
    }
    if password != confirm {
        errors.add("password_confirm", "两次输入的新密码不一致");
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    password: String,
    password_confirm: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::default();
    if !verify_async(Some(signed.user.password_hash.clone()), form.current).await {
        errors.add("current", "当前密码不正确");
    }
    new_password(&mut errors, &form.password, &form.password_confirm);
    if !errors.is_empty() {
        let page = PasswordPage { layout: signed.layout(), forced: signed.user.must_change_password, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = hash_async(form.password).await?;
    let ctx = signed.change(&state);
    let changed = state.db.query(move |c| actions::account::change_password(c, &ctx, &hash)).await?;
    let token = changed.map_err(|_| AppError::NotFound)?;
    let jar = CookieJar::new().add(session_cookie(token, state.config.secure_cookies()));
    let home = format!("{}?notice=password_changed", signed.user.role().home());
    Ok((jar, Redirect::to(&home)).into_response())
}
