//! `POST /bank/claims/{id}/files` (multipart, the CSRF token its first
//! field): a dossier file of the bank's own claim. The type is the bytes'
//! (`sniff` in the action), never the name; too large, empty or of another
//! type is said beside the file field on the claim's page (422).

use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Typed, claim_page, institution};
use crate::actions::Refusal;
use crate::actions::fund_claim::attach;
use crate::auth::SignedIn;
use crate::domain::fund::FileKind;
use crate::domain::fund::claim::MAX_FILE_BYTES;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::FormErrors;

/// The route's body limit: the largest file and the form's other fields.
pub const UPLOAD_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;

/// The kind typed and the file's bytes, stopping one byte past the limit.
async fn read(multipart: &mut Multipart) -> Result<(String, Vec<u8>), MultipartError> {
    let (mut kind, mut data) = (String::new(), Vec::new());
    while let Some(mut field) = multipart.next_field().await? {
        match field.name() {
            Some("kind") => kind = field.text().await?,
            Some("file") => {
                while let Some(bytes) = field.chunk().await? {
                    data.extend_from_slice(&bytes);
                    if data.len() > MAX_FILE_BYTES {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    Ok((kind, data))
}

/// `POST /bank/claims/{id}/files`.
pub async fn upload(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> AppResult<Response> {
    let institution = institution(&signed)?;
    let mut typed = Typed::default();
    let data = match read(&mut multipart).await {
        Ok((kind, data)) => {
            typed.kind = kind;
            data
        }
        // The body limit stops a much larger file before it is read.
        Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => vec![0; MAX_FILE_BYTES + 1],
        Err(error) => return Err(AppError::Internal(anyhow::anyhow!("the dossier upload was interrupted: {error}"))),
    };
    let kind = FileKind::parse(&typed.kind);
    if kind.is_none() {
        typed.errors.add("kind", "请选择材料类型");
    }
    if data.is_empty() {
        typed.errors.add("file", "请选择要上传的文件（PDF、JPG 或 PNG）");
    }
    let Some(kind) = kind.filter(|_| typed.errors.is_empty()) else {
        return again(&state, &signed, id, typed).await;
    };
    let (ctx, dir) = (signed.change(&state), state.config.data_dir.clone());
    match state.db.query(move |c| attach(c, &ctx, institution, (id, kind), &dir, &data)).await? {
        Ok(_) => Ok(Redirect::to(&format!("/bank/claims/{id}?notice=claim_file_added")).into_response()),
        Err(Refusal::NotFound(_)) => Err(AppError::NotFound),
        Err(refusal) => {
            match FormErrors::from_refusal(&refusal) {
                Some(errors) => typed.errors = errors,
                None => typed.alert = Some(refusal.to_string()),
            }
            again(&state, &signed, id, typed).await
        }
    }
}

async fn again(state: &AppState, signed: &SignedIn, id: i64, typed: Typed) -> AppResult<Response> {
    let page = claim_page(state, signed, id, (None, typed)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
