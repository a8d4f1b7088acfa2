//! The bank JSON API (`/api/v1`): banks' own systems act through the same
//! actions as the web pages. A call carries a bearer token (`bearer`), got
//! from the client credentials grant (`token`); errors are problem documents
//! (`problem`); the OpenAPI document is generated from this code (`openapi`).
//! The routes sit outside the session layer: no cookie is read and no CSRF
//! token asked, while the security headers apply as everywhere.

pub mod bearer;
pub mod hall;
pub mod openapi;
pub mod problem;
pub mod token;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::session::ClientIp;
use crate::state::AppState;

/// In front of the API's routes: the caller's address, found as for the pages.
pub async fn layer(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let ip = crate::web::client_ip(&request, state.config.trust_proxy.then_some(state.config.proxy_hops));
    request.extensions_mut().insert(ClientIp(ip));
    next.run(request).await
}

/// `GET /api/docs`: the operations in Chinese, a static page (no script, no network).
pub async fn docs() -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], include_str!("../../static/api-docs.html")).into_response()
}
