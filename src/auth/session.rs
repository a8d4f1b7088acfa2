//! The session middleware and the extractors built on it. Every dynamic request
//! passes through `layer`: it finds the session behind the cookie, applies the
//! idle and absolute timeouts, and refuses a POST that fails the CSRF check.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::NaiveDateTime;

use super::csrf::{FORM_COOKIE, FormCookie};
use crate::db::{DbConn, write_tx};
use crate::domain::Role;
use crate::error::{AppError, AppResult, Refused};
use crate::models::audit::Actor;
use crate::models::session::SessionRow;
use crate::models::user::User;
use crate::state::AppState;
use crate::web::Layout;

pub const COOKIE: &str = "xyd_session";

/// The live session of this request, as the middleware found it. Its
/// `Debug` leaves out the id and the CSRF token.
#[derive(Clone)]
pub struct Session {
    pub id: String,
    pub csrf_token: String,
    pub user: Option<User>,
    /// The user's unread messages, counted once per request for the top bar.
    pub unread: i64,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("user", &self.user).finish_non_exhaustive()
    }
}

/// The client's address (from the socket, or X-Forwarded-For behind a trusted proxy).
#[derive(Clone, Debug)]
pub struct ClientIp(pub Option<String>);

pub async fn layer(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let ip = crate::web::client_ip(&request, state.config.trust_proxy.then_some(state.config.proxy_hops));
    request.extensions_mut().insert(ClientIp(ip));
    let jar = CookieJar::from_headers(request.headers());
    if let Some(cookie) = jar.get(FORM_COOKIE).and_then(|c| FormCookie::parse(c.value())) {
        request.extensions_mut().insert(cookie);
    }
    if holds_nul(request.uri().path()) || request.uri().query().is_some_and(holds_nul) {
        return AppError::BadRequest.into_response();
    }
    let token = jar.get(COOKIE).map(|c| c.value().to_string());
    if let Some(token) = token.filter(|t| t.len() == 32) {
        let now = state.clock.now();
        match state.db.query(move |conn| load_with_unread(conn, &token, now)).await {
            Ok(Some((row, user, unread))) => {
                request.extensions_mut().insert(Session { id: row.id, csrf_token: row.csrf_token, user, unread });
            }
            Ok(None) => {}
            Err(error) => return AppError::from(error).into_response(),
        }
    }
    let route = format!("{} {}", request.method(), request.uri().path());
    let actor = Actor::of(request.extensions().get::<Session>().and_then(|s| s.user.as_ref()), ip_of(&request));
    let signed_in = request.extensions().get::<Session>().filter(|s| s.user.is_some()).cloned();
    let mut response = match super::csrf::verify(request, &state).await {
        Ok(request) => next.run(request).await,
        Err(error) => error.into_response(),
    };
    // An error page shows the signed-in user's menu, as every other page does.
    if let Some(session) = signed_in {
        response = crate::error::with_layout(response, || session.layout());
    }
    if response.extensions().get::<Refused>().is_some() {
        audit_refusal(&state, actor, route).await;
    }
    response
}

/// The live session behind `token`, its user and, for a signed-in user, the
/// count of unread messages (one indexed count) that the top bar shows.
fn load_with_unread(
    conn: &mut DbConn,
    token: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<Option<(SessionRow, Option<User>, i64)>> {
    let Some((row, user)) = SessionRow::load(conn, token, now)? else { return Ok(None) };
    let unread = match &user {
        Some(user) => crate::models::message::unread_count(conn, user.id)?,
        None => 0,
    };
    Ok(Some((row, user, unread)))
}

impl Session {
    /// The layout of a page for this session: its user's menu and unread count.
    pub fn layout(&self) -> Layout {
        Layout::new(self.user.as_ref(), &self.csrf_token).with_unread(self.unread)
    }
}

/// Whether a URL-encoded text holds a NUL, which no page sends and which
/// PostgreSQL cannot store in a text column.
pub fn holds_nul(encoded: &str) -> bool {
    encoded.as_bytes().windows(3).any(|w| w.eq_ignore_ascii_case(b"%00")) || encoded.contains('\0')
}

fn ip_of(request: &Request) -> Option<String> {
    request.extensions().get::<ClientIp>().and_then(|ip| ip.0.clone())
}

/// Records a role refusal (a 403 for lack of permission) with who asked for what.
async fn audit_refusal(state: &AppState, actor: Actor, route: String) {
    let now = state.clock.now();
    let object: String = format!("route:{route}").chars().take(300).collect();
    let written = state
        .db
        .query(move |c| {
            write_tx(c, |c| crate::models::audit::record(c, &actor, "access_denied", Some(&object), "denied", now))
        })
        .await;
    if let Err(error) = written {
        tracing::error!(error = %error, "could not audit a refusal");
    }
}

pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((COOKIE, token)).path("/").http_only(true).same_site(SameSite::Lax).secure(secure).build()
}

pub fn removal_cookie() -> Cookie<'static> {
    Cookie::build((COOKIE, "")).path("/").max_age(time::Duration::ZERO).build()
}

fn form_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((FORM_COOKIE, value)).path("/").http_only(true).same_site(SameSite::Lax).secure(secure).build()
}

/// Signs `user_id` in: ends the visitor's earlier session, so every sign-in
/// gets a new id, and starts a new one, at most `rate_limit::SESSION` per
/// address. Call inside the transaction that records the sign-in; returns the
/// cookie token.
pub fn sign_in(
    conn: &mut DbConn,
    previous: Option<&Session>,
    user_id: i64,
    ip: Option<&str>,
    now: NaiveDateTime,
) -> AppResult<String> {
    SessionRow::sign_in(conn, previous.map(|p| p.id.as_str()), user_id, ip, now)?
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })
}

/// Anyone, signed in or not. Pages with a form call `form_token` for a CSRF token.
pub struct Visitor {
    pub session: Option<Session>,
    pub ip: Option<String>,
    form_cookie: Option<FormCookie>,
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Visitor {
            session: parts.extensions.get::<Session>().cloned(),
            ip: parts.extensions.get::<ClientIp>().and_then(|ip| ip.0.clone()),
            form_cookie: parts.extensions.get::<FormCookie>().cloned(),
        })
    }
}

impl Visitor {
    pub fn user(&self) -> Option<&User> {
        self.session.as_ref().and_then(|s| s.user.as_ref())
    }

    /// This visitor's CSRF token: the session's, or for an anonymous visitor
    /// one signed over the `xyd_form` cookie, which is set when missing. Never
    /// writes a row.
    pub async fn form_token(&self, state: &AppState) -> AppResult<(CookieJar, String)> {
        if let Some(session) = &self.session {
            return Ok((CookieJar::new(), session.csrf_token.clone()));
        }
        let Some(cookie) = &self.form_cookie else {
            let cookie = FormCookie::random();
            let token = cookie.token(state).await?;
            return Ok((CookieJar::new().add(form_cookie(cookie.0, state.config.secure_cookies())), token));
        };
        Ok((CookieJar::new(), cookie.token(state).await?))
    }

    pub fn layout(&self, csrf: &str) -> Layout {
        let unread = self.session.as_ref().map_or(0, |s| s.unread);
        Layout::new(self.user(), csrf).with_unread(unread)
    }
}

/// A signed-in user. Refuses anonymous requests with a redirect to the login
/// page, and sends a user who must change the password to do that first.
pub struct SignedIn {
    pub user: User,
    pub session: Session,
    pub ip: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let visitor = Visitor::from_request_parts(parts, state).await?;
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
        let Some(session) = visitor.session.filter(|s| s.user.is_some()) else {
            return Err(AppError::LoginRequired(path));
        };
        let user = session.user.clone().expect("filtered above");
        if user.must_change_password && parts.uri.path() != "/account/password" && parts.uri.path() != "/logout" {
            return Err(AppError::Redirect("/account/password".into()));
        }
        Ok(SignedIn { user, session, ip: visitor.ip })
    }
}

impl SignedIn {
    /// Allows the request only for `role`; anything else is a 403. An
    /// enterprise account that has not yet proven control of its enterprise
    /// is sent to the claim page instead.
    pub fn require(&self, role: Role) -> AppResult<()> {
        if role == Role::Enterprise && self.user.role() == role && self.user.controlled_enterprise().is_none() {
            return Err(AppError::Redirect(crate::handlers::claim::CLAIM_PAGE.into()));
        }
        if self.user.role() == role {
            Ok(())
        } else {
            tracing::info!(user = self.user.id, wanted = role.as_str(), "access denied");
            Err(AppError::Forbidden)
        }
    }

    pub fn actor(&self) -> Actor {
        Actor::of(Some(&self.user), self.ip.clone())
    }

    /// The signed-in enterprise's id; 403 for every other role.
    pub fn enterprise(&self) -> AppResult<i64> {
        self.require(Role::Enterprise)?;
        self.user.controlled_enterprise().ok_or(AppError::Forbidden)
    }

    /// The signed-in officer's institution; 403 for every other role.
    pub fn officer_institution(&self) -> AppResult<i64> {
        self.require(Role::Officer)?;
        self.user.institution_id.ok_or(AppError::Forbidden)
    }

    /// A change to a need or offer made by this user now.
    pub fn change(&self, state: &crate::state::AppState) -> crate::actions::Ctx {
        crate::actions::Ctx { actor: self.actor(), now: state.clock.now(), base_url: state.config.base_url.clone() }
    }

    pub fn layout(&self) -> Layout {
        self.session.layout()
    }
}
