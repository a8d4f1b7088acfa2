//! The API's errors: `application/problem+json` (RFC 9457) with a stable
//! `type` URI and machine `code`, a Chinese `title`, the `detail` in words and,
//! for values refused, `errors` naming each field. Every refusal of an action
//! becomes a problem here, in one place (`From<Refusal>`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::actions::Refusal;
use crate::actions::api_client::{
    CLIENT_REVOKED, INSUFFICIENT_SCOPE, INVALID_CLIENT, INVALID_TOKEN, IP_NOT_ALLOWED, TOKEN_EXPIRED,
};
use crate::db::DbError;

/// Where the problem types are named; `type` is this and the code.
pub const TYPE_BASE: &str = "https://xinyidai.example/problems/";

/// A problem document (RFC 9457), boxed: handlers return it as their error.
#[derive(Debug, Clone)]
pub struct Problem(pub Box<ProblemBody>);

/// A problem document (RFC 9457).
#[derive(Serialize, ToSchema, Debug, Clone)]
#[schema(as = Problem)]
pub struct ProblemBody {
    /// A stable URI naming the kind of problem.
    #[serde(rename = "type")]
    #[schema(example = "https://xinyidai.example/problems/invalid_token")]
    pub kind: String,
    /// What went wrong, in Chinese.
    #[schema(example = "访问令牌无效")]
    pub title: String,
    /// The HTTP status.
    #[schema(example = 401)]
    pub status: u16,
    /// The stable machine code, the last segment of `type`.
    #[schema(example = "invalid_token")]
    pub code: String,
    /// This occurrence, in words.
    pub detail: String,
    /// Each value refused, by field (validation problems only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For a rate limit: seconds until the next call is admitted (also in `Retry-After`).
    #[serde(skip)]
    pub retry_after: Option<i64>,
}

/// One refused value: the field and why.
#[derive(Serialize, ToSchema, Debug, Clone)]
pub struct FieldError {
    #[schema(example = "cursor")]
    pub field: String,
    pub message: String,
}

/// The status and Chinese title of each code.
fn status_and_title(code: &str) -> (StatusCode, &'static str) {
    match code {
        INVALID_CLIENT => (StatusCode::UNAUTHORIZED, "客户端认证失败"),
        CLIENT_REVOKED => (StatusCode::UNAUTHORIZED, "接口客户端已停用"),
        INVALID_TOKEN | "missing_token" => (StatusCode::UNAUTHORIZED, "访问令牌无效"),
        TOKEN_EXPIRED => (StatusCode::UNAUTHORIZED, "访问令牌已过期"),
        IP_NOT_ALLOWED => (StatusCode::FORBIDDEN, "IP 地址不在允许范围内"),
        INSUFFICIENT_SCOPE => (StatusCode::FORBIDDEN, "权限不足"),
        "rate_limited" => (StatusCode::TOO_MANY_REQUESTS, "请求过于频繁"),
        "not_found" => (StatusCode::NOT_FOUND, "找不到该对象"),
        "changed" | "not_allowed_in_status" => (StatusCode::CONFLICT, "当前状态不允许该操作"),
        "invalid_request" | "unsupported_grant_type" => (StatusCode::BAD_REQUEST, "请求格式不正确"),
        "validation_failed" => (StatusCode::UNPROCESSABLE_ENTITY, "提交的数据有误"),
        "unavailable" => (StatusCode::SERVICE_UNAVAILABLE, "服务暂时不可用"),
        "internal" => (StatusCode::INTERNAL_SERVER_ERROR, "服务器内部错误"),
        _ => (StatusCode::UNPROCESSABLE_ENTITY, "请求未通过业务规则校验"),
    }
}

impl Problem {
    /// The problem of `code`, with its status and title, and `detail`.
    pub fn new(code: &str, detail: impl Into<String>) -> Problem {
        let (status, title) = status_and_title(code);
        Problem(Box::new(ProblemBody {
            kind: format!("{TYPE_BASE}{code}"),
            title: title.into(),
            status: status.as_u16(),
            code: code.into(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }))
    }

    /// A request the API cannot read, naming the field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Problem {
        let message = message.into();
        let mut problem = Problem::new("invalid_request", message.clone());
        problem.0.errors = vec![FieldError { field: field.into(), message }];
        problem
    }
}

impl From<Refusal> for Problem {
    fn from(refusal: Refusal) -> Problem {
        let detail = refusal.to_string();
        let code = match &refusal {
            Refusal::Fields(_) => "validation_failed",
            other => other.code(),
        };
        let mut problem = Problem::new(code, detail);
        match refusal {
            Refusal::TooMany { retry_after_secs } => problem.0.retry_after = Some(retry_after_secs.max(1)),
            Refusal::Fields(fields) => {
                problem.0.errors =
                    fields.into_iter().map(|f| FieldError { field: f.field.into(), message: f.message }).collect();
            }
            _ => {}
        }
        problem
    }
}

impl From<DbError> for Problem {
    fn from(error: DbError) -> Problem {
        let reference = crate::error::reference_id();
        match error {
            DbError::Unavailable(_) => {
                tracing::warn!(reference = %reference, error = %error, "API: database unavailable");
                Problem::new("unavailable", format!("系统正在恢复，请稍后重试（参考编号 {reference}）"))
            }
            _ => {
                tracing::error!(reference = %reference, error = %error, "API: request failed");
                Problem::new("internal", format!("请稍后重试；如仍失败请联系平台并提供参考编号 {reference}"))
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = *self.0;
        let status = StatusCode::from_u16(body.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry_after = body.retry_after;
        let unauthorized = status == StatusCode::UNAUTHORIZED;
        let challenge = match body.code.as_str() {
            INVALID_CLIENT => "Basic realm=\"xinyidai\"".to_string(),
            "missing_token" => "Bearer realm=\"xinyidai\"".to_string(),
            code => format!("Bearer realm=\"xinyidai\", error=\"{}\"", challenge_error(code)),
        };
        let body = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response();
        let headers = response.headers_mut();
        if unauthorized && let Ok(value) = HeaderValue::from_str(&challenge) {
            headers.insert(header::WWW_AUTHENTICATE, value);
        }
        if let Some(value) = retry_after.and_then(|secs| HeaderValue::from_str(&secs.to_string()).ok()) {
            headers.insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// The RFC 6750 error of a refused bearer token.
fn challenge_error(code: &str) -> &'static str {
    match code {
        INSUFFICIENT_SCOPE => "insufficient_scope",
        _ => "invalid_token",
    }
}
