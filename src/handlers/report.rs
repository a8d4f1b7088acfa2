//! 统计报送: the national platform's monthly report for the credit office to
//! file upward. `/credit-office/reports` chooses a month (the last complete
//! one first); `/credit-office/reports/{month}` shows both tables as they
//! will be filed with the template's checks, and `{month}.xlsx`,
//! `{month}/platform.csv` and `{month}/institutions.csv` download them. A
//! download of a month whose checks fail is refused: 409 and the page with
//! the failures, never a file.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Months, NaiveDate, NaiveDateTime};
use serde::Deserialize;

use crate::auth::SignedIn;
use crate::domain::Role;
use crate::domain::stats::report::checks::Failure;
use crate::domain::stats::report::{Cell, NationalReport, ReportColumn, ReportTable};
use crate::domain::stats::{Period, PeriodKind};
use crate::error::{AppError, AppResult};
use crate::models::stats::report::national_report;
use crate::state::AppState;
use crate::web::xlsx::{self, Sheet, sheet_name, xlsx_response};
use crate::web::{Layout, csv_response};

/// How many complete months the chooser offers.
const MONTHS_OFFERED: u32 = 24;

fn today(state: &AppState) -> NaiveDate {
    crate::clock::beijing(state.clock.now()).date_naive()
}

/// The last month that has ended.
fn last_complete(today: NaiveDate) -> Period {
    Period::month_of(Period::month_of(today).from.pred_opt().expect("a day before the month"))
}

/// A month code ("2026-11") of a month that has ended; 404 otherwise.
fn complete_month(state: &AppState, code: &str) -> AppResult<Period> {
    let month = Period::parse_code(code).filter(|p| p.kind == PeriodKind::Month).ok_or(AppError::NotFound)?;
    if month.to >= today(state) {
        return Err(AppError::NotFound);
    }
    Ok(month)
}

#[derive(Deserialize)]
pub struct MonthQuery {
    #[serde(default)]
    month: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/report/index.html")]
pub struct ReportsPage {
    layout: Layout,
    /// (code, label), the last complete month first.
    months: Vec<(String, String)>,
}

/// `GET /credit-office/reports`: the months to choose from; `?month=` opens one.
pub async fn reports(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<MonthQuery>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    if !query.month.is_empty() {
        let month = complete_month(&state, &query.month)?;
        return Ok(Redirect::to(&format!("/credit-office/reports/{}", month.code())).into_response());
    }
    let last = last_complete(today(&state));
    let months = (0..MONTHS_OFFERED)
        .filter_map(|back| last.from.checked_sub_months(Months::new(back)))
        .map(Period::month_of)
        .map(|m| (m.code(), m.label()))
        .collect();
    Ok(ReportsPage { layout: signed.layout(), months }.into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/report/month.html")]
pub struct ReportPage {
    layout: Layout,
    report: NationalReport,
    failures: Vec<Failure>,
    /// When the figures were read (UTC).
    as_of: NaiveDateTime,
    /// The download asked for was refused because of the failures.
    refused: bool,
}

impl ReportPage {
    /// The platform's one row as (header, value) pairs, as the page lists it.
    fn platform_lines(&self) -> Vec<(String, String)> {
        let table = &self.report.platform;
        let Some(row) = table.rows.first() else { return Vec::new() };
        table.columns.iter().zip(&row.cells).map(|(c, v)| (c.header(), v.text())).collect()
    }

    fn is_number(&self, cell: &Cell) -> bool {
        matches!(cell, Cell::Value(_))
    }
}

async fn load(state: &AppState, month: Period) -> AppResult<(NationalReport, NaiveDateTime)> {
    let now = state.clock.now();
    Ok(state.db.query(move |c| national_report(c, now, &month)).await?)
}

fn page(signed: &SignedIn, (report, as_of): (NationalReport, NaiveDateTime), refused: bool) -> Response {
    let failures = report.failures();
    let status = if refused { StatusCode::CONFLICT } else { StatusCode::OK };
    (status, ReportPage { layout: signed.layout(), report, failures, as_of, refused }).into_response()
}

/// A table as the workbook files it: no title row, the header in the
/// template's column order, figures as numbers, everything else as text.
fn sheet(table: &ReportTable) -> Sheet {
    let cell = |(cell, column): (&Cell, &ReportColumn)| match (cell, column.unit) {
        (Cell::Value(value), Some(unit)) => xlsx::Cell::figure(*value, unit),
        (other, _) => xlsx::Cell::text(other.text()),
    };
    Sheet {
        name: sheet_name(&table.title),
        title: None,
        header: table.columns.iter().map(ReportColumn::header).collect(),
        rows: table.rows.iter().map(|row| row.cells.iter().zip(&table.columns).map(cell).collect()).collect(),
    }
}

/// What a download holds.
enum Download {
    Workbook,
    Table(fn(&NationalReport) -> &ReportTable),
}

/// The file, or the page with the failures (409) when a check fails.
fn download(signed: &SignedIn, loaded: (NationalReport, NaiveDateTime), what: Download) -> AppResult<Response> {
    let report = &loaded.0;
    if !report.failures().is_empty() {
        return Ok(page(signed, loaded, true));
    }
    match what {
        Download::Workbook => {
            let sheets = report.tables().map(sheet);
            let name = format!("融资信用服务平台月度统计-{}.xlsx", report.month);
            xlsx_response(&name, &sheets).map_err(|e| AppError::Internal(e.into()))
        }
        Download::Table(table) => {
            let table = table(report);
            Ok(csv_response(&format!("{}-{}.csv", table.title, report.month), table.text_rows()))
        }
    }
}

/// `GET /credit-office/reports/{month}`: the page; `{month}.xlsx`: the workbook.
pub async fn report(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(segment): Path<String>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (code, workbook) = match segment.strip_suffix(".xlsx") {
        Some(code) => (code, true),
        None => (segment.as_str(), false),
    };
    let loaded = load(&state, complete_month(&state, code)?).await?;
    if workbook { download(&signed, loaded, Download::Workbook) } else { Ok(page(&signed, loaded, false)) }
}

/// `GET /credit-office/reports/{month}/platform.csv`: 平台融资统计.
pub async fn platform_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(code): Path<String>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let loaded = load(&state, complete_month(&state, &code)?).await?;
    download(&signed, loaded, Download::Table(|r| &r.platform))
}

/// `GET /credit-office/reports/{month}/institutions.csv`: 金融机构融资统计.
pub async fn institutions_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(code): Path<String>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let loaded = load(&state, complete_month(&state, &code)?).await?;
    download(&signed, loaded, Download::Table(|r| &r.institutions))
}
