//! An enterprise account proves it may act for its enterprise: first its
//! email (the link sent at registration), then control of the enterprise, by
//! a code sent to the contact email the registry holds or by an authorization
//! letter with the company seal that the credit office approves. Until then
//! the portrait, publishing and every other enterprise page stay closed.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::Ctx;
use crate::actions::account;
use crate::actions::claim::{self, LetterUpload};
use crate::auth::{SignedIn, Visitor};
use crate::domain::Role;
use crate::domain::claim::{LETTER_MAX_BYTES, display_file_name, letter_type, mask_email, mask_mobile, typed_code};
use crate::error::{AppError, AppResult};
use crate::models::claim::Letter;
use crate::models::enterprise::Enterprise;
use crate::models::user::User;
use crate::state::AppState;
use crate::web::{FormErrors, Layout, NoticeQuery, notice};

pub use crate::actions::claim::CLAIM_PAGE;

/// How the registry lets this enterprise receive a code.
pub enum Contact {
    Email(String),
    /// The registry holds only a mobile (masked); no SMS is sent.
    MobileOnly(String),
    None,
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprise/claim.html")]
pub struct ClaimPage {
    layout: Layout,
    notice: Option<&'static str>,
    enterprise: Enterprise,
    email: String,
    verified: bool,
    /// Another account already holds the enterprise.
    held_elsewhere: bool,
    contact: Contact,
    letter: Option<Letter>,
    /// The code as typed, kept when it was refused.
    typed_code: String,
    errors: FormErrors,
}

impl ClaimPage {
    /// The latest letter, while the credit office reviews it.
    fn pending_letter(&self) -> Option<&Letter> {
        self.letter.as_ref().filter(|l| l.status.is_pending())
    }

    /// The latest letter, when the credit office rejected it.
    fn rejected_letter(&self) -> Option<&Letter> {
        self.letter.as_ref().filter(|l| l.status.is_rejected())
    }
}

/// The signed-in enterprise account that has not proven control yet; one that
/// has goes to its home, any other role gets a 403.
fn claimant(signed: &SignedIn) -> AppResult<Option<&User>> {
    if signed.user.role() != Role::Enterprise || signed.user.enterprise_id.is_none() {
        return Err(AppError::Forbidden);
    }
    Ok(signed.user.controlled_enterprise().is_none().then_some(&signed.user))
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    notice_key: Option<&str>,
    errors: FormErrors,
) -> AppResult<Response> {
    page_with_code(state, signed, notice_key, String::new(), errors).await
}

async fn page_with_code(
    state: &AppState,
    signed: &SignedIn,
    notice_key: Option<&str>,
    typed_code: String,
    errors: FormErrors,
) -> AppResult<Response> {
    let Some(user) = claimant(signed)? else { return Ok(Redirect::to("/enterprise").into_response()) };
    let (user_id, enterprise_id) = (user.id, user.enterprise_id.unwrap_or_default());
    let (enterprise, holder, letter) = state
        .db
        .query(move |c| {
            Ok((
                Enterprise::find(c, enterprise_id)?,
                User::holder_of(c, enterprise_id)?,
                Letter::latest_of(c, user_id)?,
            ))
        })
        .await?;
    let contact = match (&enterprise.contact_email, &enterprise.contact_mobile) {
        (Some(email), _) => Contact::Email(mask_email(email)),
        (None, Some(mobile)) => Contact::MobileOnly(mask_mobile(mobile)),
        (None, None) => Contact::None,
    };
    Ok(ClaimPage {
        layout: signed.layout(),
        notice: notice(notice_key),
        email: user.email.clone(),
        verified: user.email_verified_at.is_some(),
        held_elsewhere: holder.is_some_and(|h| h.id != user_id),
        contact,
        letter,
        enterprise,
        typed_code,
        errors,
    }
    .into_response())
}

pub async fn claim_page(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    page(&state, &signed, query.notice.as_deref(), FormErrors::default()).await
}

/// Sends a fresh verification link (at most one a minute).
pub async fn resend_verification(State(state): State<AppState>, signed: SignedIn) -> AppResult<Response> {
    let Some(user) = claimant(&signed)?.filter(|u| u.email_verified_at.is_none()).cloned() else {
        return Ok(Redirect::to(CLAIM_PAGE).into_response());
    };
    let ctx = signed.change(&state);
    let sent = state.db.query(move |c| claim::resend_verification(c, &ctx, &user)).await?;
    let key = if sent.is_ok() { "verification_sent" } else { "verification_wait" };
    Ok(Redirect::to(&format!("{CLAIM_PAGE}?notice={key}")).into_response())
}

/// The verified claimant, or the claim page again.
fn verified(signed: &SignedIn) -> AppResult<Result<User, Response>> {
    match claimant(signed)? {
        Some(user) if user.email_verified_at.is_some() => Ok(Ok(user.clone())),
        Some(_) => Ok(Err(Redirect::to(CLAIM_PAGE).into_response())),
        None => Ok(Err(Redirect::to("/enterprise").into_response())),
    }
}

/// Emails a six-digit code to the contact email the registry holds.
pub async fn send_code(State(state): State<AppState>, signed: SignedIn) -> AppResult<Response> {
    let user = match verified(&signed)? {
        Ok(user) => user,
        Err(response) => return Ok(response),
    };
    let ctx = signed.change(&state);
    let Err(refusal) = state.db.query(move |c| claim::send_code(c, &ctx, &user)).await? else {
        return Ok(Redirect::to(&format!("{CLAIM_PAGE}?notice=code_sent")).into_response());
    };
    let mut errors = FormErrors::default();
    errors.add("code", refusal.to_string());
    page(&state, &signed, None, errors).await
}

#[derive(Deserialize, Default)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// Checks the typed code; the right one proves control of the enterprise.
pub async fn verify_code(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    let user = match verified(&signed)? {
        Ok(user) => user,
        Err(response) => return Ok(response),
    };
    let mut errors = FormErrors::default();
    let Some(code) = typed_code(&form.code) else {
        errors.add("code", "请输入邮件中的 6 位数字验证码");
        return page_with_code(&state, &signed, None, form.code, errors).await;
    };
    let ctx = signed.change(&state);
    let Err(refusal) = state.db.query(move |c| claim::verify_code(c, &ctx, &user, &code)).await? else {
        return Ok(Redirect::to("/enterprise?notice=claimed").into_response());
    };
    errors.add("code", refusal.to_string());
    page_with_code(&state, &signed, None, form.code, errors).await
}

/// Receives an authorization letter (PDF, JPG or PNG, at most 5 MB) for the
/// credit office to review. The bytes are stored; the name is only shown.
pub async fn upload_letter(
    State(state): State<AppState>,
    signed: SignedIn,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let user = match verified(&signed)? {
        Ok(user) => user,
        Err(response) => return Ok(response),
    };
    let mut errors = FormErrors::default();
    let (file_name, data, too_large) = match read_letter(&mut multipart).await {
        Ok((file_name, data)) => {
            let too_large = data.len() > LETTER_MAX_BYTES;
            (file_name, data, too_large)
        }
        // The body limit stops a much larger file before it is read.
        Err(error) if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => (String::new(), Vec::new(), true),
        Err(error) => return Err(AppError::Internal(anyhow::anyhow!("the letter upload was interrupted: {error}"))),
    };
    let content_type = letter_type(&data);
    if too_large {
        errors.add("letter", "文件超过 5 MB，请压缩或重新拍照后上传");
    } else if data.is_empty() {
        errors.add("letter", "请选择加盖公章的授权书文件");
    } else if content_type.is_none() {
        errors.add("letter", "仅支持 PDF、JPG、PNG 格式的授权书");
    }
    let Some(content_type) = content_type.filter(|_| errors.is_empty()) else {
        return page(&state, &signed, None, errors).await;
    };
    let (ctx, letter) = (signed.change(&state), LetterUpload { file_name, content_type, data });
    if let Err(refusal) = state.db.query(move |c| claim::submit_letter(c, &ctx, &user, letter)).await? {
        errors.add("letter", refusal.to_string());
        return page(&state, &signed, None, errors).await;
    }
    Ok(Redirect::to(&format!("{CLAIM_PAGE}?notice=letter_sent")).into_response())
}

/// The `letter` field's shown name and bytes (stopping one byte past the limit).
async fn read_letter(multipart: &mut Multipart) -> Result<(String, Vec<u8>), MultipartError> {
    while let Some(mut field) = multipart.next_field().await? {
        if field.name() != Some("letter") {
            continue;
        }
        let file_name = display_file_name(field.file_name().unwrap_or_default());
        let mut data = Vec::new();
        while let Some(bytes) = field.chunk().await? {
            data.extend_from_slice(&bytes);
            if data.len() > LETTER_MAX_BYTES {
                break;
            }
        }
        return Ok((file_name, data));
    }
    Ok((String::new(), Vec::new()))
}

#[derive(Template, WebTemplate)]
#[template(path = "verify_email.html")]
pub struct EmailVerifiedPage {
    layout: Layout,
    verified: bool,
}

/// The link in the verification email: marks the email verified, once.
pub async fn verify_email(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let ctx = Ctx::anonymous(visitor.ip.clone(), state.clock.now(), &state.config.base_url);
    let verified = state.db.query(move |c| account::verify_email(c, &ctx, &token)).await?.is_ok();
    let csrf = visitor.session.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default();
    Ok(EmailVerifiedPage { layout: visitor.layout(&csrf), verified }.into_response())
}
