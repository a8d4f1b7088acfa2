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
    /// The request holds what no page sends (a NUL character).
    #[error("bad request")]
    BadRequest,
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

impl From<crate::db::DbError> for AppError {
    fn from(error: crate::db::DbError) -> Self {
        use crate::db::DbError;
        match error {
            DbError::Unavailable(message) => AppError::Unavailable(message),
            DbError::Query(e) => e.into(),
            DbError::Task(message) => AppError::Internal(anyhow::anyhow!("database task failed: {message}")),
        }
    }
}

impl crate::db::Db {
    /// [`Db::blocking`](crate::db::Db::blocking) for a page's work, which may
    /// end in any [`AppError`] (a 404 for an object that is not the user's).
    pub async fn run<T, F>(&self, work: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut crate::db::DbConn) -> AppResult<T> + Send + 'static,
    {
        self.blocking(work).await
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

    /// The page for a status the framework answers by itself.
    pub fn for_status(status: StatusCode) -> ErrorPage {
        let (title, message) = match status {
            StatusCode::NOT_FOUND => return ErrorPage::not_found(),
            StatusCode::BAD_REQUEST => ("请求有误", "页面地址或提交的内容格式不正确。请返回上一页，检查后重试。"),
            StatusCode::METHOD_NOT_ALLOWED => {
                ("操作方式不支持", "该地址不支持此操作方式。请从页面上的链接或按钮进入。")
            }
            StatusCode::PAYLOAD_TOO_LARGE => (
                "提交的内容过大",
                "提交的内容超过了大小上限。网页上传的数据文件不超过 64 MB，更大的文件请拆分后上传，或由信用办使用命令行导入。",
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ("提交格式不支持", "提交内容的格式不正确。请从页面上的表单提交。"),
            StatusCode::UNPROCESSABLE_ENTITY => {
                ("提交的内容不完整", "表单缺少必填内容或格式不正确。请返回上一页，刷新后重新填写提交。")
            }
            status if status.is_server_error() => ("系统错误", INTERNAL_MESSAGE),
            _ => ("请求无法处理", "您的请求无法处理。请返回上一页，刷新后重试。"),
        };
        ErrorPage::new(status, title, message)
    }

    /// The page as a response, which keeps what it showed (see [`with_layout`]).
    pub fn into_response_with(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let shown =
            Shown { status: self.status, title: self.title, message: self.message, reference: self.reference.clone() };
        let mut response = match self.render() {
            Ok(html) => (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
            Err(_) => return (status, "error").into_response(),
        };
        response.extensions_mut().insert(shown);
        response
    }
}

/// What an error page said, kept on its response: the page is rendered where
/// the error is (which does not know who is signed in), and the session layer,
/// which does, shows it again with the user's menu.
#[derive(Clone, Debug)]
pub struct Shown {
    status: u16,
    title: &'static str,
    message: &'static str,
    reference: String,
}

/// An error page again with `layout` (the signed-in user's menu), the same
/// words, reference id, status and headers; any other response as it is.
pub fn with_layout(response: Response, layout: impl FnOnce() -> crate::web::Layout) -> Response {
    let Some(shown) = response.extensions().get::<Shown>().cloned() else {
        return response;
    };
    let page = ErrorPage {
        layout: layout(),
        status: shown.status,
        title: shown.title,
        message: shown.message,
        reference: shown.reference,
    };
    let Ok(html) = page.render() else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(html))
}

const INTERNAL_MESSAGE: &str =
    "处理您的请求时出现错误，我们已记录此问题。请稍后重试，如仍有问题请联系信用办并提供参考编号。";

/// Marks a 403 for lack of permission (not a failed CSRF check), so that the
/// session layer can audit it with who asked and for what.
#[derive(Clone, Copy, Debug)]
pub struct Refused;

/// Answers that axum and tower-http make by themselves (a path or query that
/// does not parse, a form missing a field, a wrong method or content type, a
/// body over the limit) are plain text; they get the Chinese error page and
/// its reference id instead, and their own words go to the log under it.
pub async fn framework_rejections(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| v.to_str().is_ok_and(|t| t.starts_with("text/plain")));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return response;
    }
    let (parts, body) = response.into_parts();
    let detail = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let page = ErrorPage::for_status(status);
    tracing::info!(reference = %page.reference, status = status.as_u16(), detail = %String::from_utf8_lossy(&detail), "request rejected");
    let mut rendered = page.into_response_with();
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(value) = parts.headers.get(&name) {
            rendered.headers_mut().insert(name, value.clone());
        }
    }
    rendered
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
            AppError::BadRequest => ErrorPage::for_status(StatusCode::BAD_REQUEST),
            AppError::Internal(_) => ErrorPage::new(StatusCode::INTERNAL_SERVER_ERROR, "系统错误", INTERNAL_MESSAGE),
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
        let refused = matches!(self, AppError::Forbidden);
        let retry_after = match self {
            AppError::RateLimited { retry_after_secs } => Some(retry_after_secs),
            _ => None,
        };
        let mut response = page.into_response_with();
        if refused {
            response.extensions_mut().insert(Refused);
        }
        if let Some(secs) = retry_after
            && let Ok(value) = HeaderValue::from_str(&secs.max(1).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

pub type AppResult<T> = Result<T, AppError>;
