//! A programme's page (its rules, the quarter to compute, its batches) and a
//! quarter's batch under review: its lines a page at a time, its totals, the
//! CSV, computing it again, and approving it after a confirmation (final).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::notice_text;
use crate::actions::{Refusal, subsidy};
use crate::auth::SignedIn;
use crate::domain::subsidy::{BatchStatus, ended_quarters, points_text};
use crate::domain::{Money, Role, industry::size_class_label};
use crate::error::{AppError, AppResult};
use crate::models::page::EXPORT_ROWS;
use crate::models::subsidy::Programme;
use crate::models::subsidy::batch::Batch;
use crate::models::subsidy::line::{self, CSV_HEADER, LineView};
use crate::state::AppState;
use crate::web::{ConfirmPage, Layout, NoticeQuery, Pager, csv_export};

/// Lines per page of a batch.
const PER_PAGE: i64 = 50;

/// What the programme's rules say, line by line, for its page and the confirmation.
fn rule_lines(p: &Programme) -> Vec<(String, String)> {
    let r = &p.rules;
    let list = |items: Vec<String>| if items.is_empty() { "不限".to_string() } else { items.join("、") };
    vec![
        ("贴息点数".into(), format!("{} 个百分点（不超过贷款利率）", points_text(r.points))),
        ("担保方式".into(), if r.credit_only { "仅信用贷款".into() } else { "不限".into() }),
        ("企业规模".into(), list(r.sizes.iter().map(|s| size_class_label(s).to_string()).collect())),
        ("专项产品".into(), list(r.programmes.clone())),
        ("信贷产品".into(), if r.products.is_empty() { "不限".into() } else { format!("{} 个产品", r.products.len()) }),
        ("每户每年上限".into(), Money::from_fen(r.cap_enterprise_year_fen).wan_text()),
        ("总额上限".into(), Money::from_fen(r.cap_total_fen).wan_text()),
        ("有效期".into(), format!("{} 至 {}", p.valid_from, p.valid_to)),
    ]
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/subsidies/show.html")]
pub struct ProgrammePage {
    layout: Layout,
    notice: Option<&'static str>,
    alert: Option<String>,
    programme: Programme,
    rules: Vec<(String, String)>,
    /// The quarters that may be computed: (code, label), the latest first.
    quarters: Vec<(String, String)>,
    batches: Vec<Batch>,
}

impl ProgrammePage {
    fn paid_text(&self) -> String {
        let paid: i64 = self.batches.iter().filter(|b| b.status == BatchStatus::Approved).map(|b| b.total_fen).sum();
        let left = (self.programme.rules.cap_total_fen - paid).max(0);
        format!("已批准 {}，总额上限内尚余 {}", Money::from_fen(paid).yuan_text(), Money::from_fen(left).yuan_text())
    }
}

async fn programme_page(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    notice: Option<&'static str>,
    alert: Option<String>,
) -> AppResult<ProgrammePage> {
    let loaded = state
        .db
        .query(move |c| Ok(Programme::find(c, id)?.map(|p| (p, Batch::of_programme(c, id)))))
        .await?
        .ok_or(AppError::NotFound)?;
    let (programme, batches) = (loaded.0, loaded.1?);
    let today = crate::clock::beijing(state.clock.now()).date_naive();
    let quarters = ended_quarters(programme.valid_from, programme.valid_to, today)
        .into_iter()
        .map(|q| (q.code(), q.label()))
        .collect();
    let rules = rule_lines(&programme);
    Ok(ProgrammePage { layout: signed.layout(), notice, alert, programme, rules, quarters, batches })
}

/// `GET /credit-office/subsidies/{id}`.
pub async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<ProgrammePage> {
    signed.require(Role::CreditOffice)?;
    programme_page(&state, &signed, id, notice_text(q.notice.as_deref()), None).await
}

#[derive(Deserialize, Default)]
pub struct ComputeForm {
    #[serde(default)]
    quarter: String,
}

/// `POST /credit-office/subsidies/{id}/compute`: computes (or computes again) a quarter's batch.
pub async fn compute(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<ComputeForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let ctx = signed.change(&state);
    match state.db.query(move |c| subsidy::compute(c, &ctx, id, &form.quarter)).await? {
        Ok(batch) => {
            Ok(Redirect::to(&format!("/credit-office/subsidies/{id}/batches/{batch}?notice=computed")).into_response())
        }
        Err(Refusal::NotFound(_)) => Err(AppError::NotFound),
        Err(refusal) => {
            let status = if matches!(refusal, Refusal::Fields(_)) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            Ok((status, programme_page(&state, &signed, id, None, Some(refusal.to_string())).await?).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/subsidies/batch.html")]
pub struct BatchPage {
    layout: Layout,
    notice: Option<&'static str>,
    alert: Option<String>,
    programme: Programme,
    batch: Batch,
    lines: Vec<LineView>,
    pager: Pager,
    /// (lines, interest, capped lines) of the whole batch.
    totals: (i64, i64, i64),
}

impl BatchPage {
    fn quarter(&self) -> String {
        self.batch.quarter_label()
    }

    fn total_text(&self) -> String {
        self.batch.total_text()
    }

    fn interest_text(&self) -> String {
        Money::from_fen(self.totals.1).yuan_text()
    }

    fn base(&self) -> String {
        format!("/credit-office/subsidies/{}/batches/{}", self.programme.id, self.batch.id)
    }
}

/// The programme and its batch `batch`, or not found (also for a batch of another programme).
async fn load(state: &AppState, (id, batch): (i64, i64)) -> AppResult<(Programme, Batch)> {
    let found = state
        .db
        .query(move |c| {
            let Some(b) = Batch::find(c, batch)?.filter(|b| b.programme_id == id) else { return Ok(None) };
            Ok(Programme::find(c, id)?.map(|p| (p, b)))
        })
        .await?;
    found.ok_or(AppError::NotFound)
}

async fn batch_page(
    state: &AppState,
    signed: &SignedIn,
    ids: (i64, i64),
    page: Option<i64>,
    (notice, alert): (Option<&'static str>, Option<String>),
) -> AppResult<BatchPage> {
    let (programme, batch) = load(state, ids).await?;
    let id = batch.id;
    let ((lines, pager), totals) =
        state.db.query(move |c| Ok((line::page(c, id, page, PER_PAGE)?, line::totals(c, id)?))).await?;
    Ok(BatchPage { layout: signed.layout(), notice, alert, programme, batch, lines, pager, totals })
}

#[derive(Deserialize, Default)]
pub struct BatchQuery {
    notice: Option<String>,
    #[serde(default, deserialize_with = "crate::web::empty_as_none")]
    page: Option<i64>,
}

/// `GET /credit-office/subsidies/{id}/batches/{batch}`: the batch under review.
pub async fn batch(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(ids): Path<(i64, i64)>,
    Query(q): Query<BatchQuery>,
) -> AppResult<BatchPage> {
    signed.require(Role::CreditOffice)?;
    batch_page(&state, &signed, ids, q.page, (notice_text(q.notice.as_deref()), None)).await
}

/// `GET /credit-office/subsidies/{id}/batches/{batch}/lines.csv`: every line.
pub async fn lines_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(ids): Path<(i64, i64)>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (programme, batch) = load(&state, ids).await?;
    let id = batch.id;
    let (lines, pager) = state.db.query(move |c| line::page(c, id, None, EXPORT_ROWS)).await?;
    let rows = lines.iter().map(LineView::csv_row).collect();
    let name = format!("贴息明细-{}-{}.csv", programme.name, batch.quarter);
    Ok(csv_export(&name, &CSV_HEADER, rows, &pager))
}

/// `GET /credit-office/subsidies/{id}/batches/{batch}/approve`: what approving does, before it is done.
pub async fn confirm_approve(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(ids): Path<(i64, i64)>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let page = batch_page(&state, &signed, ids, None, (None, None)).await?;
    let base = page.base();
    if page.batch.status == BatchStatus::Approved {
        return Ok(Redirect::to(&base).into_response());
    }
    let confirm = ConfirmPage {
        layout: signed.layout(),
        title: "确认批准贴息批次".into(),
        message:
            "批准后本批次即为最终结果：不能重新计算，也不能撤回；企业将在贷款页面看到本季度贴息，由财政直接拨付给企业。"
                .into(),
        action: format!("{base}/approve"),
        button: "确认批准".into(),
        back: base,
        danger: false,
        summary: vec![
            ("贴息项目".into(), page.programme.name.clone()),
            ("季度".into(), page.quarter()),
            ("贷款笔数".into(), format!("{} 笔（其中 {} 笔受上限限制）", page.totals.0, page.totals.2)),
            ("当季已付利息".into(), page.interest_text()),
            ("贴息合计".into(), page.total_text()),
        ],
        carry: Vec::new(),
        edit: None,
    };
    Ok(confirm.into_response())
}

/// `POST /credit-office/subsidies/{id}/batches/{batch}/approve`: approves the batch (final).
pub async fn approve(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(ids): Path<(i64, i64)>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (programme, batch) = load(&state, ids).await?;
    let ctx = signed.change(&state);
    let id = batch.id;
    match state.db.query(move |c| subsidy::approve(c, &ctx, id)).await? {
        Ok(()) => Ok(Redirect::to(&format!("/credit-office/subsidies/{}/batches/{id}?notice=approved", programme.id))
            .into_response()),
        Err(Refusal::NotFound(_)) => Err(AppError::NotFound),
        Err(refusal) => {
            Ok((StatusCode::CONFLICT, batch_page(&state, &signed, ids, None, (None, Some(refusal.to_string()))).await?)
                .into_response())
        }
    }
}
