//! The credit office's lists as CSV files for Excel: 企业名录, 白名单, 融资需求,
//! 异议, 金融机构 and 导入记录. Each export reads the page's own filters with the
//! page's own parsing and asks the page's own query for one page of
//! `EXPORT_ROWS` lines, so the file holds what the page lists, page after page.

use axum::extract::{Query, State};
use axum::response::Response;
use rust_decimal::Decimal;

use crate::auth::SignedIn;
use crate::domain::Role;
use crate::error::AppResult;
use crate::handlers::market::NeedsQuery;
use crate::models::dispute::Dispute;
use crate::models::enterprise::{DirectoryFilter, DirectoryLine, Enterprise};
use crate::models::import_batch::ImportBatch;
use crate::models::institution::Institution;
use crate::models::need::Need;
use crate::models::page::EXPORT_ROWS;
use crate::state::AppState;
use crate::web::{Pager, csv_export};

/// The file name of a list exported today (Beijing time): "企业名录-2026-12-01.csv".
fn file_name(state: &AppState, list: &str) -> String {
    format!("{list}-{}.csv", crate::clock::beijing(state.clock.now()).date_naive())
}

fn date(at: &chrono::NaiveDateTime) -> String {
    crate::clock::date_text(at)
}

/// `GET /credit-office/enterprises.csv`: the directory under the page's filters.
pub async fn enterprises_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(filter): Query<DirectoryFilter>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (lines, pager) = directory(&state, filter).await?;
    Ok(csv_export(&file_name(&state, "企业名录"), DIRECTORY_HEADER, lines, &pager))
}

/// `GET /credit-office/whitelist.csv`: the directory's 白名单 tab, its other filters kept.
pub async fn whitelist_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(filter): Query<DirectoryFilter>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (lines, pager) = directory(&state, DirectoryFilter { list: "whitelist".into(), ..filter }).await?;
    Ok(csv_export(&file_name(&state, "白名单"), DIRECTORY_HEADER, lines, &pager))
}

const DIRECTORY_HEADER: &[&str] = &["企业名称", "统一社会信用代码", "评分", "信用等级", "名单"];

async fn directory(state: &AppState, filter: DirectoryFilter) -> AppResult<(Vec<Vec<String>>, Pager)> {
    let filter = DirectoryFilter { page: None, ..filter };
    let (lines, pager) = state.db.query(move |c| Enterprise::directory(c, &filter, EXPORT_ROWS)).await?;
    Ok((lines.into_iter().map(directory_row).collect(), pager))
}

fn directory_row(line: DirectoryLine) -> Vec<String> {
    let list = if line.dishonest {
        "严重失信主体名单"
    } else if line.whitelisted {
        "白名单"
    } else {
        ""
    };
    vec![
        line.enterprise.name.clone(),
        line.enterprise.uscc.clone(),
        line.score.map(|s| s.to_string()).unwrap_or_default(),
        line.grade.unwrap_or_else(|| "未评价".into()),
        list.into(),
    ]
}

/// `GET /credit-office/needs.csv`: the needs of the page's tab.
pub async fn needs_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NeedsQuery>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let which = query.overview();
    let (lines, pager) = state.db.query(move |c| Need::overview(c, which, None, EXPORT_ROWS)).await?;
    let header = ["需求编号", "企业", "金额（万元）", "期限（月）", "状态", "决定超时", "选定银行", "授信决定截止"];
    let rows = lines
        .into_iter()
        .map(|(need, enterprise, bank, due)| {
            vec![
                need.id.to_string(),
                enterprise,
                format!("{:.2}", need.amount.to_decimal() / Decimal::from(10_000)),
                need.term_months.to_string(),
                need.status.label().into(),
                if need.overdue { "是" } else { "否" }.into(),
                bank.unwrap_or_default(),
                due.as_ref().map(date).unwrap_or_default(),
            ]
        })
        .collect();
    Ok(csv_export(&file_name(&state, "融资需求"), &header, rows, &pager))
}

/// `GET /credit-office/disputes.csv`: every dispute in the page's order (open ones first, soonest due).
pub async fn disputes_csv(State(state): State<AppState>, signed: SignedIn) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (disputes, pager) = state.db.query(move |c| Dispute::page(c, None, EXPORT_ROWS)).await?;
    let header = ["异议编号", "企业", "异议内容", "理由", "提出日期", "答复期限", "状态", "答复"];
    let rows = disputes
        .into_iter()
        .map(|(d, enterprise)| {
            vec![
                d.id.to_string(),
                enterprise,
                d.record_summary,
                d.reason,
                date(&d.created_at),
                date(&d.due_at),
                d.status.label().into(),
                d.answer.unwrap_or_default(),
            ]
        })
        .collect();
    Ok(csv_export(&file_name(&state, "异议"), &header, rows, &pager))
}

/// `GET /credit-office/institutions.csv`: every institution, as the page lists them (the
/// credit office adds each one by hand, so the list stays far below `EXPORT_ROWS`).
pub async fn institutions_csv(State(state): State<AppState>, signed: SignedIn) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let institutions = state.db.query(Institution::all).await?;
    let pager = Pager::new(None, EXPORT_ROWS, institutions.len() as i64);
    let rows = institutions
        .into_iter()
        .take(EXPORT_ROWS as usize)
        .map(|i| vec![i.name, i.kind.label().into(), i.uscc, date(&i.created_at)])
        .collect();
    let header = ["机构名称", "类型", "统一社会信用代码", "入驻日期"];
    Ok(csv_export(&file_name(&state, "金融机构"), &header, rows, &pager))
}

/// `GET /credit-office/imports.csv`: the import batches, newest first.
pub async fn imports_csv(State(state): State<AppState>, signed: SignedIn) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (batches, pager) = state.db.query(move |c| ImportBatch::page(c, None, EXPORT_ROWS)).await?;
    let header = ["编号", "类别", "来源部门", "数据截止日期", "文件", "导入时间", "状态", "行数", "拒绝"];
    let rows = batches
        .into_iter()
        .map(|b| {
            vec![
                b.id.to_string(),
                b.kind.label().into(),
                b.department.clone(),
                b.as_of.to_string(),
                b.file_name.clone(),
                crate::clock::datetime_text(&b.created_at),
                b.stage().label().into(),
                b.rows_total.to_string(),
                b.rows_rejected.to_string(),
            ]
        })
        .collect();
    Ok(csv_export(&file_name(&state, "导入记录"), &header, rows, &pager))
}
