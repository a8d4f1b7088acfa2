//! Accepting an invitation (sent by the credit office to a first bank admin,
//! or by a bank admin to officers) by choosing a name and password.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use crate::actions::Ctx;
use crate::actions::invitation::{AcceptInvitation, accept_invitation};
use crate::auth::Visitor;
use crate::auth::password::hash_async;
use crate::auth::session::{session_cookie, sign_in};
use crate::domain::password;
use crate::error::{AppError, AppResult};
use crate::models::audit::Actor;
use crate::models::institution::Institution;
use crate::models::invitation::Invitation;
use crate::state::AppState;
use crate::web::{FormErrors, Layout};

#[derive(Deserialize, Default)]
pub struct AcceptForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "invitations/accept.html")]
pub struct AcceptPage {
    layout: Layout,
    /// None when the link is unknown, used or expired.
    invitation: Option<(String, String, &'static str)>,
    form: AcceptForm,
    errors: FormErrors,
}

async fn load(state: &AppState, token: String) -> AppResult<Option<(Invitation, Institution)>> {
    let now = state.clock.now();
    state
        .db
        .query(move |c| {
            let Some(invitation) = Invitation::find_open(c, &token, now)? else {
                return Ok(None);
            };
            let institution = Institution::find(c, invitation.institution_id)?;
            Ok(Some((invitation, institution)))
        })
        .await
        .map_err(AppError::from)
}

fn summary(found: &Option<(Invitation, Institution)>) -> Option<(String, String, &'static str)> {
    found.as_ref().map(|(i, inst)| (i.email.clone(), inst.name.clone(), i.role().label()))
}

pub async fn accept_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let found = load(&state, token).await?;
    let (jar, csrf) = visitor.form_token(&state).await?;
    let status = if found.is_some() { StatusCode::OK } else { StatusCode::GONE };
    let page = AcceptPage {
        layout: visitor.layout(&csrf),
        invitation: summary(&found),
        form: AcceptForm::default(),
        errors: FormErrors::default(),
    };
    Ok((status, jar, page).into_response())
}

pub async fn accept(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> AppResult<Response> {
    let found = load(&state, token).await?;
    let mut errors = FormErrors::default();
    let name = form.display_name.trim().to_string();
    if name.is_empty() || name.chars().count() > 40 {
        errors.add("display_name", "请填写姓名（不超过 40 个字）");
    }
    if let Err(message) = password::check(&form.password) {
        errors.add("password", message);
    }
    if form.password != form.password_confirm {
        errors.add("password_confirm", "两次输入的密码不一致");
    }
    let Some((invitation, _)) = found.as_ref().filter(|_| errors.is_empty()) else {
        let status = if found.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::GONE };
        let (jar, csrf) = visitor.form_token(&state).await?;
        let page = AcceptPage { layout: visitor.layout(&csrf), invitation: summary(&found), form, errors };
        return Ok((status, jar, page).into_response());
    };
    let invitation = invitation.clone();
    let password_hash = hash_async(form.password.clone()).await?;
    let (now, ip, previous) = (state.clock.now(), visitor.ip.clone(), visitor.session.clone());
    let actor = Actor { ip: ip.clone(), ..Actor::default() };
    let ctx = Ctx { actor, now, base_url: state.config.base_url.clone() };
    let input = AcceptInvitation { invitation, display_name: name, password_hash };
    let (token, role) = state
        .db
        .run(move |c| {
            accept_invitation(c, &ctx, input, |c, joined| {
                Ok((sign_in(c, previous.as_ref(), joined.user_id, ip.as_deref(), now)?, joined.role))
            })
        })
        .await?
        .map_err(|_| AppError::NotFound)?;
    let jar = CookieJar::new().add(session_cookie(token, state.config.secure_cookies()));
    Ok((jar, Redirect::to(&format!("{}?notice=welcome", role.home()))).into_response())
}
