//! One error type for every handler. It renders the shared Chinese error page
//! with a reference id; the details go to the log under that id, never to the user.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// The page needs a signed-in user; carries the path to come back to.
    #[error("login required")]
    LoginRequired(String),
    /// Send the browser elsewhere first (e.g. to change a one-time password).
    #[error("redirect to {0}")]
    Redirect(String),
    #[error("csrf check failed")]
    Csrf,
    #[error("rate limited")]
    RateLimited { retry_after_secs: i64 },
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match error {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                info,
            ) => AppError::Unavailable(info.message().to_string()),
            other => AppError::Internal(other.into()),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: crate::web::Layout,
    pub status: u16,
    pub title: &'static str,
    pub message: &'static str,
    pub reference: String,
}

impl ErrorPage {
    pub fn new(status: StatusCode, title: &'static str, message: &'static str) -> ErrorPage {
        ErrorPage {
            layout: crate::web::Layout::new(None, ""),
            status: status.as_u16(),
            title,
            message,
            reference: reference_id(),
        }
    }

    pub fn not_found() -> ErrorPage {
        ErrorPage::new(StatusCode::NOT_FOUND, "页面不存在", "您访问的页面不存在或已被删除。请检查地址，或返回首页。")
    }

    pub fn into_response_with(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match self.render() {
            Ok(html) => (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
            Err(_) => (status, "error").into_response(),
        }
    }
}

/// A short random id that ties the page a user saw to the log line behind it.
pub fn reference_id() -> String {
    hex::encode(rand::random::<[u8; 5]>())
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let page = match &self {
            AppError::LoginRequired(next) => {
                let target = format!("/login?next={}", crate::web::url_encode(next));
                return Redirect::to(&target).into_response();
            }
            AppError::Redirect(target) => return Redirect::to(target).into_response(),
            AppError::NotFound => ErrorPage::not_found(),
            AppError::Forbidden => ErrorPage::new(
                StatusCode::FORBIDDEN,
                "无权访问",
                "您的账号没有访问此页面的权限。如需办理相关业务，请使用对应角色的账号登录。",
            ),
            AppError::Csrf => ErrorPage::new(
                StatusCode::FORBIDDEN,
                "页面已过期",
                "为保护您的账号安全，本次提交未被受理。请返回上一页，刷新后重新提交。",
            ),
            AppError::RateLimited { .. } => {
                ErrorPage::new(StatusCode::TOO_MANY_REQUESTS, "操作过于频繁", "您的操作过于频繁，请稍后再试。")
            }
            AppError::Unavailable(_) => ErrorPage::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "服务暂时不可用",
                "系统正在恢复，请稍后刷新重试。您已提交的数据不会丢失。",
            ),
            AppError::Internal(_) => ErrorPage::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "系统错误",
                "处理您的请求时出现错误，我们已记录此问题。请稍后重试，如仍有问题请联系信用办并提供参考编号。",
            ),
        };
        match &self {
            AppError::Internal(e) => {
                tracing::error!(reference = %page.reference, error = ?e, "request failed")
            }
            // The outage itself is logged once, where it starts (`Db::checkout`).
            AppError::Unavailable(e) => {
                tracing::debug!(reference = %page.reference, error = %e, "database unavailable")
            }
            _ => {}
        }
        let retry_after = match self {
            AppError::RateLimited { retry_after_secs } => Some(retry_after_secs),
            _ => None,
        };
        let mut response = page.into_response_with();
        if let Some(secs) = retry_after
            && let Ok(value) = HeaderValue::from_str(&secs.max(1).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;
