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

use super::account_email::{self, AccountEmail};
use crate::auth::{SignedIn, Visitor};
use crate::db::write_tx;
use crate::domain::{Role, claim};
use crate::error::{AppError, AppResult};
use crate::models::audit::{self, Actor};
use crate::models::claim::{CodeCheck, Letter, check_code, issue_code};
use crate::models::email_verification;
use crate::models::enterprise::Enterprise;
use crate::models::user::User;
use crate::state::AppState;
use crate::web::{FormErrors, Layout, NoticeQuery, notice};

pub const CLAIM_PAGE: &str = "/enterprise/claim";

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
    fn letter_status(&self) -> &str {
        self.letter.as_ref().map_or("", |l| l.status.as_str())
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
        .run(move |c| {
            Ok((
                Enterprise::find(c, enterprise_id)?,
                User::holder_of(c, enterprise_id)?,
                Letter::latest_of(c, user_id)?,
            ))
        })
        .await?;
    let contact = match (&enterprise.contact_email, &enterprise.contact_mobile) {
        (Some(email), _) => Contact::Email(claim::mask_email(email)),
        (None, Some(mobile)) => Contact::MobileOnly(claim::mask_mobile(mobile)),
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
    let (now, base_url) = (state.clock.now(), state.config.base_url.clone());
    let sent = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                if !email_verification::may_resend(c, user.id, now)? {
                    return Ok(false);
                }
                let mail = account_email::verification(c, user.id, &user.display_name, &base_url, now)?;
                mail.enqueue(c, &user.email, now)?;
                Ok::<_, AppError>(true)
            })
        })
        .await?;
    let key = if sent { "verification_sent" } else { "verification_wait" };
    Ok(Redirect::to(&format!("{CLAIM_PAGE}?notice={key}")).into_response())
}

/// The verified claimant and its enterprise, or the claim page again.
fn verified(signed: &SignedIn) -> AppResult<Result<(User, i64), Response>> {
    match claimant(signed)? {
        Some(user) if user.email_verified_at.is_some() => {
            Ok(Ok((user.clone(), user.enterprise_id.unwrap_or_default())))
        }
        Some(_) => Ok(Err(Redirect::to(CLAIM_PAGE).into_response())),
        None => Ok(Err(Redirect::to("/enterprise").into_response())),
    }
}

/// Emails a six-digit code to the contact email the registry holds.
pub async fn send_code(State(state): State<AppState>, signed: SignedIn) -> AppResult<Response> {
    let (user, enterprise_id) = match verified(&signed)? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let (now, actor) = (state.clock.now(), signed.actor());
    let outcome = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let enterprise = Enterprise::find(c, enterprise_id)?;
                let Some(contact) = enterprise.contact_email.clone() else { return Ok(Err(None)) };
                let code = match issue_code(c, user.id, &contact, now)? {
                    Ok(code) => code,
                    Err(wait) => return Ok(Err(Some(wait))),
                };
                code_email(&enterprise.name, &user.email, &code).enqueue(c, &contact, now)?;
                audit::record(c, &actor, "claim_code_sent", Some(&format!("enterprise:{enterprise_id}")), "ok", now)?;
                Ok::<_, AppError>(Ok(()))
            })
        })
        .await?;
    let mut errors = FormErrors::default();
    match outcome {
        Ok(()) => return Ok(Redirect::to(&format!("{CLAIM_PAGE}?notice=code_sent")).into_response()),
        Err(None) => errors.add("code", "登记信息中没有联系邮箱，请使用授权书方式"),
        Err(Some(wait)) => errors.add("code", format!("验证码刚刚发出，请 {wait} 秒后再重新获取")),
    }
    page(&state, &signed, None, errors).await
}

fn code_email(enterprise: &str, account: &str, code: &str) -> AccountEmail {
    let minutes = crate::models::claim::CODE_VALIDITY.num_minutes();
    AccountEmail::new(
        format!("{enterprise}企业账号认证验证码"),
        format!(
            "有人申请以「{enterprise}」的名义使用信易贷企业账号（账号邮箱 {}）。\
             本邮件发往市场监管部门登记的贵企业联系邮箱。\n\n验证码：{code}\n\n\
             验证码 {minutes} 分钟内有效。输入验证码即可查看贵企业的信用画像并发布融资需求。\
             如果这不是贵企业的申请，请勿将验证码告诉任何人。",
            claim::mask_email(account)
        ),
    )
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
    let (user, enterprise_id) = match verified(&signed)? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let mut errors = FormErrors::default();
    let Some(code) = claim::typed_code(&form.code) else {
        errors.add("code", "请输入邮件中的 6 位数字验证码");
        return page_with_code(&state, &signed, None, form.code, errors).await;
    };
    let (now, actor) = (state.clock.now(), signed.actor());
    let checked = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let check = check_code(c, user.id, &code, now)?;
                if check != CodeCheck::Right {
                    return Ok(Some(check));
                }
                if !User::prove_control(c, &user, "registry_email", now)? {
                    return Ok(None);
                }
                audit::record(c, &actor, "claim_proven", Some(&format!("enterprise:{enterprise_id}")), "code", now)?;
                Ok::<_, AppError>(Some(CodeCheck::Right))
            })
        })
        .await?;
    match checked {
        Some(CodeCheck::Right) => return Ok(Redirect::to("/enterprise?notice=claimed").into_response()),
        Some(CodeCheck::Wrong(left)) if left > 0 => {
            errors.add("code", format!("验证码不正确，该验证码还可尝试 {left} 次"))
        }
        Some(CodeCheck::Wrong(_)) => errors.add("code", "验证码不正确，该验证码已失效，请重新获取"),
        Some(CodeCheck::NoCode) => errors.add("code", "验证码已过期或已失效，请重新获取"),
        None => errors.add("code", "该企业已由其他账号完成认证。如有异议，请联系信用办"),
    }
    page_with_code(&state, &signed, None, form.code, errors).await
}

/// Receives an authorization letter (PDF, JPG or PNG, at most 5 MB) for the
/// credit office to review. The bytes are stored; the name is only shown.
pub async fn upload_letter(
    State(state): State<AppState>,
    signed: SignedIn,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let (user, enterprise_id) = match verified(&signed)? {
        Ok(found) => found,
        Err(response) => return Ok(response),
    };
    let mut errors = FormErrors::default();
    let (file_name, data, too_large) = match read_letter(&mut multipart).await {
        Ok((file_name, data)) => {
            let too_large = data.len() > claim::LETTER_MAX_BYTES;
            (file_name, data, too_large)
        }
        // The body limit stops a much larger file before it is read.
        Err(error) if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => (String::new(), Vec::new(), true),
        Err(error) => return Err(AppError::Internal(anyhow::anyhow!("the letter upload was interrupted: {error}"))),
    };
    let content_type = claim::letter_type(&data);
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
    let (now, actor) = (state.clock.now(), signed.actor());
    let stored = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                if Letter::latest_of(c, user.id)?.is_some_and(|l| l.status == "pending") {
                    return Ok(false);
                }
                let id = Letter::submit(c, user.id, enterprise_id, &file_name, content_type, &data, now)?;
                audit::record(c, &actor, "claim_letter_uploaded", Some(&format!("claim_letter:{id}")), "ok", now)?;
                Ok::<_, AppError>(true)
            })
        })
        .await?;
    if !stored {
        errors.add("letter", "已有一份授权书在审核中，请等待信用办处理");
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
        let file_name = claim::display_file_name(field.file_name().unwrap_or_default());
        let mut data = Vec::new();
        while let Some(bytes) = field.chunk().await? {
            data.extend_from_slice(&bytes);
            if data.len() > claim::LETTER_MAX_BYTES {
                break;
            }
        }
        return Ok((file_name, data));
    }
    Ok((String::new(), Vec::new()))
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/email_verified.html")]
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
    let (now, ip) = (state.clock.now(), visitor.ip.clone());
    let verified = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let Some(user_id) = email_verification::redeem(c, &token, now)? else { return Ok(false) };
                User::verify_email(c, user_id, now)?;
                let actor = Actor { user_id: Some(user_id), role: Some("enterprise".into()), institution_id: None, ip };
                audit::record(c, &actor, "email_verified", Some(&format!("user:{user_id}")), "ok", now)?;
                Ok::<_, AppError>(true)
            })
        })
        .await?;
    let csrf = visitor.session.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default();
    Ok(EmailVerifiedPage { layout: visitor.layout(&csrf), verified }.into_response())
}
