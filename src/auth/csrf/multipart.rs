//! The token of a file upload: the multipart body's first field, named
//! `csrf` (the `csrf` macro's hidden input placed first in the form, which a
//! browser sends first). Only the start of the body is read here; the rest
//! streams on to the handler untouched, so uploads are still not buffered.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use http_body::Frame;

use crate::error::AppError;

/// The most of a body read for its first field: a boundary (at most 70
/// characters), the part's headers and a 64-character token fit well within.
const FIRST_PART_LIMIT: usize = 1024;

pub(super) async fn verify(request: Request, content_type: &str, expected: &str) -> Result<Request, AppError> {
    let boundary = boundary(content_type).ok_or(AppError::Csrf)?;
    let (parts, mut body) = request.into_parts();
    let mut start = Vec::new();
    let token = loop {
        if let Some(token) = first_field(&start, &boundary) {
            break token;
        }
        if start.len() >= FIRST_PART_LIMIT {
            return Err(AppError::Csrf);
        }
        match std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    start.extend_from_slice(&data);
                }
            }
            Some(Err(_)) | None => return Err(AppError::Csrf),
        }
    };
    if !super::constant_time_eq(token.as_bytes(), expected.as_bytes()) {
        return Err(AppError::Csrf);
    }
    Ok(Request::from_parts(parts, Body::new(Replayed { start: Some(Bytes::from(start)), rest: body })))
}

/// The boundary parameter of a `multipart/form-data` content type.
fn boundary(content_type: &str) -> Option<String> {
    content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_string())
        .find(|b| !b.is_empty() && b.len() <= 70)
}

/// The value of the first part when it is the `csrf` field and has arrived
/// whole. Bytes, not text: what follows the token is the file, in any encoding.
fn first_field(start: &[u8], boundary: &str) -> Option<String> {
    let rest = start.strip_prefix(format!("--{boundary}\r\n").as_bytes())?;
    let (headers, rest) = split_once(rest, b"\r\n\r\n")?;
    let headers = std::str::from_utf8(headers).ok()?;
    let disposition = headers.lines().find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?;
    if !disposition.split(';').any(|p| p.trim() == "name=\"csrf\"") {
        return None;
    }
    let (value, _) = split_once(rest, format!("\r\n--{boundary}").as_bytes())?;
    String::from_utf8(value.to_vec()).ok()
}

fn split_once<'a>(bytes: &'a [u8], separator: &[u8]) -> Option<(&'a [u8], &'a [u8])> {
    let at = bytes.windows(separator.len()).position(|w| w == separator)?;
    Some((&bytes[..at], &bytes[at + separator.len()..]))
}

/// The body again: the start read for the token, then the rest as it comes.
struct Replayed {
    start: Option<Bytes>,
    rest: Body,
}

impl HttpBody for Replayed {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        if let Some(start) = self.start.take() {
            return Poll::Ready(Some(Ok(Frame::data(start))));
        }
        Pin::new(&mut self.rest).poll_frame(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_the_first_field_only() {
        let b = "----x";
        let body =
            |first: &str| format!("--{b}\r\nContent-Disposition: form-data; name=\"{first}\"\r\n\r\nabc\r\n--{b}\r\n");
        assert_eq!(first_field(body("csrf").as_bytes(), b).as_deref(), Some("abc"));
        assert_eq!(first_field(body("kind").as_bytes(), b), None, "a later csrf field is not looked for");
        assert_eq!(first_field(&body("csrf").as_bytes()[..60], b), None, "not yet arrived whole");
        let mut with_gbk_file = body("csrf").into_bytes();
        with_gbk_file.extend_from_slice(&[0xD4, 0xC6, 0xBA, 0xA3, 0xFF]);
        assert_eq!(first_field(&with_gbk_file, b).as_deref(), Some("abc"), "the file's bytes do not matter");
        assert_eq!(boundary("multipart/form-data; boundary=\"----x\"").as_deref(), Some("----x"));
        assert_eq!(boundary("multipart/form-data"), None);
    }
}
