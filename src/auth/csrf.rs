//! Every POST must come from our own pages: its Origin (or Referer) is our
//! BASE_URL, and it carries the session's CSRF token, in the form body or,
//! for file uploads, in the `csrf` query parameter.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, header};

use crate::auth::Session;
use crate::error::AppError;

/// Largest form body read here; uploads are multipart and are not buffered.
const FORM_LIMIT: usize = 256 * 1024;

pub async fn verify(request: Request, base_url: &str) -> Result<Request, AppError> {
    if request.method() != Method::POST {
        return Ok(request);
    }
    if !same_origin(&request, base_url) {
        tracing::info!(path = %request.uri().path(), "POST refused: foreign or missing origin");
        return Err(AppError::Csrf);
    }
    let expected = request.extensions().get::<Session>().map(|s| s.csrf_token.clone()).ok_or(AppError::Csrf)?;
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    if content_type.starts_with("multipart/form-data") {
        let query = request.uri().query().unwrap_or("");
        return if field(query.as_bytes(), &expected) { Ok(request) } else { Err(AppError::Csrf) };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(AppError::Csrf);
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, FORM_LIMIT).await.map_err(|_| AppError::Csrf)?;
    if !field(&bytes, &expected) {
        return Err(AppError::Csrf);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn field(encoded: &[u8], expected: &str) -> bool {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(encoded).unwrap_or_default();
    pairs.iter().any(|(k, v)| k == "csrf" && constant_time_eq(v.as_bytes(), expected.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn same_origin(request: &Request, base_url: &str) -> bool {
    let header_value = |name| request.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(origin) = header_value(header::ORIGIN) {
        return origin.trim_end_matches('/') == base_url;
    }
    header_value(header::REFERER)
        .is_some_and(|referer| referer == base_url || referer.starts_with(&format!("{base_url}/")))
}
