//! Invitations: sending one (credit office -> first bank admin, bank admin ->
//! officers) and accepting one by choosing a name and password.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::auth::Visitor;
use crate::auth::password::hash_async;
use crate::auth::session::{session_cookie, sign_in};
use crate::clock::datetime_text;
use crate::db::{DbConn, write_tx};
use crate::domain::{Role, password};
use crate::email::{Email, EmailTemplate};
use crate::error::{AppError, AppResult};
use crate::models::audit::{self, Actor};
use crate::models::institution::Institution;
use crate::models::invitation::Invitation;
use crate::models::user::{NewUser, User};
use crate::notify::enqueue_email;
use crate::state::AppState;
use crate::web::{FormErrors, Layout};

#[derive(Template)]
#[template(path = "emails/invitation.txt", blocks = ["subject", "body"])]
pub struct InvitationEmail {
    pub institution: String,
    pub role: &'static str,
    pub link: String,
    pub expires: String,
}

impl EmailTemplate for InvitationEmail {
    fn subject(&self) -> askama::Result<String> {
        self.as_subject().render()
    }

    fn body(&self) -> askama::Result<String> {
        self.as_body().render()
    }

    fn action(&self) -> Option<(&str, &str)> {
        Some(("接受邀请", &self.link))
    }
}

/// Records an invitation and enqueues its email, in the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub fn send_invitation(
    conn: &mut DbConn,
    actor: &Actor,
    base_url: &str,
    email: &str,
    role: Role,
    institution: &Institution,
    branch_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<i64, AppError> {
    let (id, token) = Invitation::create(conn, email, role, institution.id, branch_id, actor.user_id, now)?;
    let message = InvitationEmail {
        institution: institution.name.clone(),
        role: role.label(),
        link: format!("{base_url}/invitations/{token}"),
        expires: datetime_text(&(now + crate::models::invitation::INVITATION_VALIDITY)),
    };
    enqueue_email(conn, &Email::render(email, &message)?, now)?;
    audit::record(conn, actor, "invitation_sent", Some(&format!("invitation:{id}")), "ok", now)?;
    Ok(id)
}

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
        .run(move |c| {
            let Some(invitation) = Invitation::find_open(c, &token, now)? else {
                return Ok(None);
            };
            let institution = Institution::find(c, invitation.institution_id)?;
            Ok(Some((invitation, institution)))
        })
        .await
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
    let created = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                if !Invitation::mark_accepted(c, invitation.id, now)? || User::email_taken(c, &invitation.email)? {
                    return Ok::<_, AppError>(None);
                }
                let role = invitation.role();
                let user_id = User::insert(
                    c,
                    &NewUser {
                        username: &invitation.email,
                        email: &invitation.email,
                        display_name: &name,
                        password_hash: &password_hash,
                        role: role.as_str(),
                        enterprise_id: None,
                        institution_id: Some(invitation.institution_id),
                        branch_id: invitation.branch_id,
                        must_change_password: false,
                        created_at: now,
                    },
                )?;
                let actor = Actor {
                    user_id: Some(user_id),
                    role: Some(role.as_str().into()),
                    institution_id: Some(invitation.institution_id),
                    ip: ip.clone(),
                };
                audit::record(
                    c,
                    &actor,
                    "invitation_accepted",
                    Some(&format!("invitation:{}", invitation.id)),
                    "ok",
                    now,
                )?;
                let token = sign_in(c, previous.as_ref(), user_id, ip.as_deref(), now)?;
                Ok(Some((token, role)))
            })
        })
        .await?;
    let Some((token, role)) = created else {
        return Err(AppError::NotFound);
    };
    let jar = CookieJar::new().add(session_cookie(token, state.config.secure_cookies()));
    Ok((jar, Redirect::to(&format!("{}?notice=welcome", role.home()))).into_response())
}
