//! The credit office's imports: upload a department file, watch it run, read
//! the rejected rows, download templates and error reports.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use crate::auth::SignedIn;
use crate::db::write_tx;
use crate::domain::Role;
use crate::domain::records::RecordKind;
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::import_batch::{CHUNK_BYTES, ImportBatch, ImportError, NewBatch};
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
#[template(path = "credit_office/imports.html")]
pub struct ImportsPage {
    layout: Layout,
    batches: Vec<ImportBatch>,
    pager: Pager,
    kinds: Vec<(&'static str, &'static str, &'static str)>,
    form: UploadForm,
    errors: FormErrors,
}

impl ImportsPage {
    fn kind_label(&self, kind: &str) -> &'static str {
        RecordKind::parse(kind).map_or("未知", RecordKind::label)
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
    let (batches, pager) = state.db.run(move |c| Ok(ImportBatch::page(c, page, 20)?)).await?;
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

/// Reads the form fields, then streams the file field into stored chunks.
pub async fn upload(State(state): State<AppState>, signed: SignedIn, mut multipart: Multipart) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let mut form = UploadForm::default();
    let mut errors = FormErrors::default();
    let bad_upload = |_| AppError::Internal(anyhow::anyhow!("the upload was interrupted"));
    while let Some(mut field) = multipart.next_field().await.map_err(bad_upload)? {
        let name = field.name().unwrap_or_default().to_string();
        if name != "file" {
            let value = field.text().await.map_err(bad_upload)?;
            match name.as_str() {
                "kind" => form.kind = value,
                "department" => form.department = value.trim().to_string(),
                "as_of" => form.as_of = value.trim().to_string(),
                _ => {}
            }
            continue;
        }
        let kind = RecordKind::parse(&form.kind);
        if kind.is_none() {
            errors.add("kind", "请选择数据类别");
        }
        if form.department.is_empty() || form.department.chars().count() > 60 {
            errors.add("department", "请填写数据来源部门（不超过 60 个字）");
        }
        let as_of = NaiveDate::parse_from_str(&form.as_of, "%Y-%m-%d").ok();
        if as_of.is_none() {
            errors.add("as_of", "请填写数据截止日期，如 2026-10-31");
        }
        let file_name = field.file_name().unwrap_or_default().to_string();
        if file_name.is_empty() {
            errors.add("file", "请选择要导入的 CSV 文件");
        }
        let (Some(kind), Some(as_of)) = (kind, as_of) else { break };
        if !errors.is_empty() {
            break;
        }
        let (department, uploaded_by, now) = (form.department.clone(), Some(signed.user.id), state.clock.now());
        let id = state
            .db
            .run(move |c| {
                let new = NewBatch { kind, department: &department, as_of, file_name: &file_name, uploaded_by };
                Ok(ImportBatch::begin(c, &new, now)?)
            })
            .await?;
        let (mut seq, mut total, mut buffer) = (0i32, 0i64, Vec::with_capacity(CHUNK_BYTES));
        loop {
            let piece = field.chunk().await.map_err(bad_upload)?;
            let finished = piece.is_none();
            if let Some(bytes) = piece {
                buffer.extend_from_slice(&bytes);
                total += bytes.len() as i64;
            }
            if buffer.len() >= CHUNK_BYTES || (finished && !buffer.is_empty()) {
                let data = std::mem::take(&mut buffer);
                let now = state.clock.now();
                state.db.run(move |c| Ok(ImportBatch::append(c, id, seq, &data, now)?)).await?;
                seq += 1;
            }
            if finished {
                break;
            }
        }
        if total == 0 {
            errors.add("file", "文件是空的，请检查后重新选择");
            break;
        }
        let actor = signed.actor();
        state
            .db
            .run(move |c| {
                write_tx(c, |c| {
                    crate::jobs::import::enqueue(c, id, total, now)?;
                    audit::record(c, &actor, "import_uploaded", Some(&format!("import_batch:{id}")), "ok", now)?;
                    Ok::<_, AppError>(())
                })
            })
            .await?;
        return Ok(Redirect::to(&format!("/credit-office/imports/{id}")).into_response());
    }
    if errors.is_empty() {
        errors.add("file", "请选择要导入的 CSV 文件");
    }
    let page = list_page(&state, &signed, None, form, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/import.html")]
pub struct ImportPage {
    layout: Layout,
    batch: ImportBatch,
    kind: &'static str,
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
    let batch = state.db.run(move |c| Ok(ImportBatch::find(c, id)?)).await?;
    let pager = Pager::new(query.page, 50, batch.rows_rejected);
    let (offset, limit) = (pager.offset(), pager.per_page);
    let errors = state.db.run(move |c| Ok(ImportBatch::errors(c, id, offset, limit)?)).await?;
    let kind = batch.kind().map_or("未知", RecordKind::label);
    Ok(ImportPage { layout: signed.layout(), batch, kind, errors, pager })
}

/// Every rejected row of a batch as CSV.
pub async fn import_errors_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let errors = state.db.run(move |c| Ok(ImportBatch::errors(c, id, 0, i64::MAX)?)).await?;
    let mut rows = vec![vec!["行号".to_string(), "字段".into(), "值".into(), "原因".into()]];
    rows.extend(errors.into_iter().map(|e| vec![e.row_no.to_string(), e.field, e.value, e.reason]));
    Ok(csv_response(&format!("import-{id}-errors.csv"), rows))
}

/// The template file of one kind: the header row and an example.
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
    let (actor, now) = (signed.actor(), state.clock.now());
    state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                if !crate::jobs::import::rerun(c, id, now)? {
                    return Err(AppError::NotFound);
                }
                audit::record(c, &actor, "import_rerun", Some(&format!("import_batch:{id}")), "ok", now)?;
                Ok(())
            })
        })
        .await?;
    Ok(Redirect::to(&format!("/credit-office/imports/{id}")).into_response())
}
