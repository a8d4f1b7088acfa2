//! `POST /api/v1/token`: the OAuth 2.0 client credentials grant (RFC 6749
//! §4.4). The body is `application/x-www-form-urlencoded` with
//! `grant_type=client_credentials`; the client authenticates with HTTP Basic
//! or with `client_id` and `client_secret` in the body. The answer is a
//! bearer token valid two hours, never kept in a cache (`no-store`).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::problem::{Problem, ProblemBody};
use crate::actions::Ctx;
use crate::actions::api_client;
use crate::auth::password::verify_async;
use crate::auth::session::ClientIp;
use crate::models::api_client::credentials;
use crate::state::AppState;

/// The token request's body. Its `Debug` leaves the secret out.
#[derive(Deserialize, ToSchema, Default)]
pub struct TokenRequest {
    /// Always `client_credentials`.
    #[schema(example = "client_credentials")]
    #[serde(default)]
    pub grant_type: String,
    /// The client id, unless sent with HTTP Basic.
    #[schema(example = "xyd_0123456789abcdef")]
    pub client_id: Option<String>,
    /// The client secret, unless sent with HTTP Basic.
    pub client_secret: Option<String>,
}

/// A bearer token.
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds the token lives (7200).
    #[schema(example = 7200)]
    pub expires_in: i64,
    /// The client's scopes, space-separated.
    #[schema(example = "hall:read offers:write")]
    pub scope: String,
}

/// The client id and secret of HTTP Basic, when the request carries it.
fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let (id, secret) = String::from_utf8(decoded).ok()?.split_once(':').map(|(a, b)| (a.to_string(), b.to_string()))?;
    Some((id, secret))
}

/// The client id and secret of a token request, from Basic or the body (not both).
fn client_credentials(headers: &HeaderMap, body: &[u8]) -> Result<(String, String), Problem> {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !form_type {
        return Err(Problem::new("invalid_request", "请求体应为 application/x-www-form-urlencoded"));
    }
    let form: TokenRequest =
        serde_urlencoded::from_bytes(body).map_err(|_| Problem::new("invalid_request", "请求体无法解析为表单"))?;
    if form.grant_type != "client_credentials" {
        return Err(Problem::new("unsupported_grant_type", "grant_type 只支持 client_credentials"));
    }
    let in_body = form.client_id.zip(form.client_secret);
    match (basic(headers), in_body) {
        (Some(_), Some(_)) => Err(Problem::new("invalid_request", "客户端凭据只能用一种方式提交")),
        (Some(pair), None) | (None, Some(pair)) => Ok(pair),
        (None, None) => {
            Err(Problem::new("invalid_client", "请用 HTTP Basic 或表单字段提交 client_id 和 client_secret"))
        }
    }
}

/// `POST /api/v1/token`.
#[utoipa::path(
    post,
    path = "/api/v1/token",
    tag = "认证",
    summary = "获取访问令牌",
    description = "OAuth 2.0 客户端凭据模式：用客户端编号和密钥换取有效期 2 小时的 Bearer 访问令牌。凭据可放在 HTTP Basic 中，或作为表单字段 client_id、client_secret 提交。",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "访问令牌", body = TokenResponse),
        (status = 400, description = "请求格式不正确", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "客户端认证失败或已停用", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "IP 地址不在允许范围内", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn token(
    State(state): State<AppState>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    let (client_id, secret) = client_credentials(&headers, &body)?;
    let lookup = client_id.clone();
    let stored = state.db.query(move |c| credentials(c, &lookup)).await?.map(|(_, hash)| hash);
    let secret_ok = verify_async(stored, secret).await;
    let ctx = Ctx::anonymous(ip.0, state.clock.now(), &state.config.base_url);
    let issued = state.db.query(move |c| api_client::issue_token(c, &ctx, &client_id, secret_ok)).await??;
    let answer = TokenResponse {
        access_token: issued.token,
        token_type: "Bearer".into(),
        expires_in: issued.expires_in,
        scope: issued.scopes.codes(),
    };
    Ok(([(header::PRAGMA, "no-cache")], Json(answer)).into_response())
}
