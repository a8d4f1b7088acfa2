//! Every POST must come from our own pages: its Origin (or Referer) is our
//! BASE_URL, and it carries a CSRF token in the form body: for file uploads,
//! the multipart body's first field (`multipart`), never the URL, where it
//! would land in logs, history and the Referer.
//!
//! A signed-in visitor's token is the one stored with the session. A form
//! shown to an anonymous visitor (login, registration, an invitation) needs no
//! session row: the visitor gets a random `xyd_form` cookie, and the form's
//! token is that value signed with a key the server keeps in the database
//! (HMAC-SHA256), so a page on another site can neither read nor make one.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, header};

mod multipart;

use crate::auth::Session;
use crate::error::{AppError, AppResult};
use crate::models::server_secret::{self, FORM_KEY};
use crate::state::AppState;

/// Largest form body read here; uploads are multipart and are not buffered.
const FORM_LIMIT: usize = 256 * 1024;

/// The cookie that carries an anonymous visitor's random form value.
pub const FORM_COOKIE: &str = "xyd_form";

/// The anonymous visitor's `xyd_form` value, as the session layer found it.
#[derive(Clone, Debug)]
pub struct FormCookie(pub String);

impl FormCookie {
    /// A well-formed value from the cookie header (32 hex digits), or None.
    pub fn parse(value: &str) -> Option<FormCookie> {
        (value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit())).then(|| FormCookie(value.to_string()))
    }

    /// A fresh random value for a visitor who has none.
    pub fn random() -> FormCookie {
        FormCookie(hex::encode(rand::random::<[u8; 16]>()))
    }

    /// The token that the forms of a visitor holding this cookie carry.
    pub async fn token(&self, state: &AppState) -> AppResult<String> {
        let now = state.clock.now();
        let key = state.db.query(move |c| server_secret::get_or_create(c, FORM_KEY, now)).await?;
        Ok(hex::encode(hmac_sha256(&key, format!("form:{}", self.0).as_bytes())))
    }
}

pub async fn verify(request: Request, state: &AppState) -> Result<Request, AppError> {
    if request.method() != Method::POST {
        return Ok(request);
    }
    if !same_origin(&request, &state.config.base_url) {
        tracing::info!(path = %request.uri().path(), "POST refused: foreign or missing origin");
        return Err(AppError::Csrf);
    }
    let expected = match (request.extensions().get::<Session>(), request.extensions().get::<FormCookie>()) {
        (Some(session), _) => session.csrf_token.clone(),
        (None, Some(cookie)) => cookie.token(state).await?,
        (None, None) => return Err(AppError::Csrf),
    };
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    if content_type.starts_with("multipart/form-data") {
        return multipart::verify(request, &content_type, &expected).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(AppError::Csrf);
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, FORM_LIMIT).await.map_err(|_| AppError::Csrf)?;
    if super::session::holds_nul(&String::from_utf8_lossy(&bytes)) {
        return Err(AppError::BadRequest);
    }
    if !field(&bytes, &expected) {
        return Err(AppError::Csrf);
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn field(encoded: &[u8], expected: &str) -> bool {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(encoded).unwrap_or_default();
    pairs.iter().any(|(k, v)| k == "csrf" && constant_time_eq(v.as_bytes(), expected.as_bytes()))
}

/// Compares without an early exit, so the time taken tells nothing of where a
/// guessed token first differs (only the length, which is public, ends it early).
pub(super) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

fn same_origin(request: &Request, base_url: &str) -> bool {
    let header_value = |name| request.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(origin) = header_value(header::ORIGIN) {
        return origin.trim_end_matches('/') == base_url;
    }
    header_value(header::REFERER)
        .is_some_and(|referer| referer == base_url || referer.starts_with(&format!("{base_url}/")))
}

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_the_rfc_4231_vectors() {
        // Test case 2: a short key.
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block, hashed first.
        assert_eq!(
            hex::encode(hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn tokens_match_only_when_equal() {
        let token = hex::encode([7u8; 32]);
        assert!(constant_time_eq(token.as_bytes(), token.as_bytes()));
        assert!(!constant_time_eq(token.as_bytes(), hex::encode([8u8; 32]).as_bytes()));
        assert!(!constant_time_eq(token.as_bytes(), &token.as_bytes()[..63]));
        assert!(!constant_time_eq(b"", token.as_bytes()));
    }

    #[test]
    fn only_well_formed_cookie_values_are_taken() {
        assert!(FormCookie::parse(&FormCookie::random().0).is_some());
        assert!(FormCookie::parse("short").is_none());
        assert!(FormCookie::parse("zz345678901234567890123456789012").is_none());
    }
}
