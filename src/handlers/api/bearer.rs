//! The bearer token of an API call (RFC 6750): the extractor reads it from
//! `Authorization: Bearer …` (a missing or malformed header is a 401 problem
//! before the handler runs), and `admit` asks `actions::api_client::authenticate`
//! whether the call may go on with the operation's scope. Cookies play no
//! part: the API routes sit outside the session layer.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use super::problem::Problem;
use crate::actions::Ctx;
use crate::actions::api_client::{self, Call, Caller};
use crate::auth::session::ClientIp;
use crate::domain::api::Scope;
use crate::state::AppState;

/// The token of this call, the route it asks for and where it comes from.
/// Its `Debug` leaves the token out.
pub struct Bearer {
    token: String,
    route: String,
    ip: Option<String>,
}

impl std::fmt::Debug for Bearer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bearer").field("route", &self.route).finish_non_exhaustive()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let value = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let Some(value) = value else {
            return Err(Problem::new("missing_token", "请在 Authorization 请求头中携带 Bearer 访问令牌"));
        };
        let token = match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => token.trim(),
            _ => return Err(Problem::new("missing_token", "Authorization 请求头应为 “Bearer 访问令牌”")),
        };
        Ok(Bearer {
            token: token.to_string(),
            route: format!("{} {}", parts.method, parts.uri.path()),
            ip: parts.extensions.get::<ClientIp>().and_then(|ip| ip.0.clone()),
        })
    }
}

impl Bearer {
    /// The client this call acts for, once its token, address, rate and
    /// `scope` pass; the refusal as a problem otherwise.
    pub async fn admit(self, state: &AppState, scope: Scope) -> Result<Caller, Problem> {
        let ctx = Ctx::anonymous(self.ip, state.clock.now(), &state.config.base_url);
        let admitted = state
            .db
            .query(move |c| api_client::authenticate(c, &ctx, &Call { token: &self.token, scope, route: &self.route }))
            .await?;
        admitted.map_err(Problem::from)
    }
}
