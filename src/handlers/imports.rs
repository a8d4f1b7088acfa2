//! The credit office's imports: upload a department file, watch it run, read
//! the rejected rows, download templates and error reports.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use crate::actions::import::{self, StartUpload};
use crate::auth::SignedIn;
use crate::domain::Role;
use crate::domain::records::RecordKind;
use crate::error::{AppError, AppResult};
use crate::models::import_batch::{CHUNK_BYTES, ImportBatch, ImportError};
use crate::state::AppState;
use crate::web::{FormErrors, Layout, PageQuery, Pager, csv_response};

/// Largest file taken through the browser; bigger ones go through `xinyidai import`.
pub const UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

#[derive(Default)]
pub struct UploadForm {
    kind: String,
    department: String,
    as_of: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/imports/index.html")]
pub struct ImportsPage {
    layout: Layout,
    batches: Vec<ImportBatch>,
    pager: Pager,
    kinds: Vec<(&'static str, &'static str, &'static str)>,
    form: UploadForm,
    errors: FormErrors,
}

impl ImportsPage {
    /// The kinds as the select's (value, label) options.
    fn kind_options(&self) -> Vec<(&'static str, &'static str)> {
        self.kinds.iter().map(|(value, label, _)| (*value, *label)).collect()
    }
}

fn kinds() -> Vec<(&'static str, &'static str, &'static str)> {
    RecordKind::ALL.iter().map(|k| (k.as_str(), k.label(), k.default_department())).collect()
}

async fn list_page(
    state: &AppState,
    signed: &SignedIn,
    page: Option<i64>,
    form: UploadForm,
    errors: FormErrors,
) -> AppResult<ImportsPage> {
    let (batches, pager) = state.db.query(move |c| ImportBatch::page(c, page, 20)).await?;
    Ok(ImportsPage { layout: signed.layout(), batches, pager, kinds: kinds(), form, errors })
}

pub async fn imports(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<PageQuery>,
) -> AppResult<ImportsPage> {
    signed.require(Role::CreditOffice)?;
    let today = crate::clock::beijing(state.clock.now()).date_naive();
    let form = UploadForm { kind: "tax".into(), department: String::new(), as_of: today.to_string() };
    list_page(&state, &signed, query.page, form, FormErrors::default()).await
}

impl UploadForm {
    fn set(&mut self, name: &str, value: String) {
        match name {
            "kind" => self.kind = value,
            "department" => self.department = value.trim().to_string(),
            "as_of" => self.as_of = value.trim().to_string(),
            _ => {}
        }
    }

    /// The batch to record for `file_name`, or the problems beside each field.
    fn check(&self, errors: &mut FormErrors, file_name: &str) -> Option<(RecordKind, NaiveDate)> {
        let kind = RecordKind::parse(&self.kind);
        if kind.is_none() {
            errors.add("kind", "请选择数据类别");
        }
        if self.department.is_empty() || self.department.chars().count() > 60 {
            errors.add("department", "请填写数据来源部门（不超过 60 个字）");
        } else if self.department.chars().any(char::is_control) {
            errors.add("department", "部门名称含有无法识别的字符，请重新填写");
        }
        let as_of = NaiveDate::parse_from_str(&self.as_of, "%Y-%m-%d").ok();
        if as_of.is_none() {
            errors.add("as_of", "请填写数据截止日期，如 2026-10-31");
        }
        if file_name.is_empty() {
            errors.add("file", "请选择要导入的 CSV 文件");
        }
        kind.zip(as_of).filter(|_| errors.is_empty())
    }
}

/// Why the browser's upload could not be read, beside the file field; the status to answer with.
fn unreadable(errors: &mut FormErrors, error: &MultipartError) -> StatusCode {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        errors.add(
            "file",
            "文件超过 64 MB，无法通过网页上传。请拆分后分批上传，或由信用办使用命令行 xinyidai import 导入",
        );
        return StatusCode::PAYLOAD_TOO_LARGE;
    }
    tracing::info!(error = %error.body_text(), "upload could not be read");
    errors.add("file", "上传未完成或文件无法读取，请检查文件名和文件后重新上传");
    StatusCode::BAD_REQUEST
}

/// Reads the form fields, then streams the file field into stored chunks. An
/// upload that stops (over the size limit, broken off, empty) leaves no batch.
pub async fn upload(State(state): State<AppState>, signed: SignedIn, mut multipart: Multipart) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let mut form = UploadForm::default();
    let mut errors = FormErrors::default();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => {
                status = unreadable(&mut errors, &error);
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name != "file" {
            match field.text().await {
                Ok(value) => form.set(&name, value),
                Err(error) => {
                    status = unreadable(&mut errors, &error);
                    break;
                }
            }
            continue;
        }
        let file_name = field.file_name().unwrap_or_default().to_string();
        let Some((kind, as_of)) = form.check(&mut errors, &file_name) else { break };
        let ctx = signed.change(&state);
        let input = StartUpload { kind, department: form.department.clone(), as_of, file_name };
        let id = state.db.query(move |c| import::start_upload(c, &ctx, input)).await?.map_err(refused)?;
        let stored = store_file(&state, &signed, id, &mut field).await;
        let total = match stored {
            Ok(Ok(total)) if total > 0 => total,
            stopped => {
                let ctx = signed.change(&state);
                state.db.query(move |c| import::discard_upload(c, &ctx, id)).await?.map_err(refused)?;
                match stopped? {
                    Err(error) => status = unreadable(&mut errors, &error),
                    Ok(_) => errors.add("file", "文件是空的，请检查后重新选择"),
                }
                break;
            }
        };
        let ctx = signed.change(&state);
        state.db.query(move |c| import::finish_upload(c, &ctx, id, total)).await?.map_err(refused)?;
        return Ok(Redirect::to(&format!("/credit-office/imports/{id}")).into_response());
    }
    if errors.is_empty() {
        errors.add("file", "请选择要导入的 CSV 文件");
    }
    let page = list_page(&state, &signed, None, form, errors).await?;
    Ok((status, page).into_response())
}

/// Streams the file field into the batch's stored chunks: the bytes stored,
/// or the error that stopped the upload (the size limit, a broken connection).
async fn store_file(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    field: &mut Field<'_>,
) -> AppResult<Result<i64, MultipartError>> {
    let (mut seq, mut total, mut buffer) = (0i32, 0i64, Vec::with_capacity(CHUNK_BYTES));
    loop {
        let piece = match field.chunk().await {
            Ok(piece) => piece,
            Err(error) => return Ok(Err(error)),
        };
        let finished = piece.is_none();
        if let Some(bytes) = piece {
            buffer.extend_from_slice(&bytes);
            total += bytes.len() as i64;
        }
        if buffer.len() >= CHUNK_BYTES || (finished && !buffer.is_empty()) {
            let (data, ctx) = (std::mem::take(&mut buffer), signed.change(state));
            state.db.query(move |c| import::store_piece(c, &ctx, id, seq, &data)).await?.map_err(refused)?;
            seq += 1;
        }
        if finished {
            return Ok(Ok(total));
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/imports/show.html")]
pub struct ImportPage {
    layout: Layout,
    batch: ImportBatch,
    errors: Vec<ImportError>,
    pager: Pager,
}

impl ImportPage {
    fn errors_base(&self) -> String {
        format!("/credit-office/imports/{}?", self.batch.id)
    }
}

pub async fn import(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Query(query): Query<PageQuery>,
) -> AppResult<ImportPage> {
    signed.require(Role::CreditOffice)?;
    let batch = state.db.query(move |c| ImportBatch::find(c, id)).await?;
    let pager = Pager::new(query.page, 50, batch.rows_rejected);
    let (offset, limit) = (pager.offset(), pager.per_page);
    let errors = state.db.query(move |c| ImportBatch::errors(c, id, offset, limit)).await?;
    Ok(ImportPage { layout: signed.layout(), batch, errors, pager })
}

/// Every rejected row of a batch as CSV.
pub async fn import_errors_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let errors = state.db.query(move |c| ImportBatch::errors(c, id, 0, i64::MAX)).await?;
    let mut rows = vec![vec!["行号".to_string(), "字段".into(), "值".into(), "原因".into()]];
    rows.extend(errors.into_iter().map(|e| vec![e.row_no.to_string(), e.field, e.value, e.reason]));
    Ok(csv_response(&format!("import-{id}-errors.csv"), rows))
}

/// The template file of one kind: a note with an example, then the header row.
pub async fn import_template(signed: SignedIn, Path(kind): Path<String>) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let kind = RecordKind::parse(kind.trim_end_matches(".csv")).ok_or(AppError::NotFound)?;
    let mut body = vec![0xEF, 0xBB, 0xBF];
    body.extend_from_slice(crate::imports::template_csv(kind).as_bytes());
    let disposition = format!("attachment; filename=\"template-{}.csv\"", kind.as_str());
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// `POST /credit-office/imports/{id}/rerun`: runs a failed batch again from its stored file.
pub async fn rerun(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let ctx = signed.change(&state);
    state.db.query(move |c| import::rerun_import(c, &ctx, id)).await?.map_err(refused)?;
    Ok(Redirect::to(&format!("/credit-office/imports/{id}")).into_response())
}

/// A refusal these pages do not show: the batch is not one the action applies to.
fn refused(refusal: crate::actions::Refusal) -> AppError {
    tracing::debug!(code = refusal.code(), "import change refused");
    AppError::NotFound
}
